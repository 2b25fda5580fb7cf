"""Replaces one marked section of bench/README.md, so each benchmark script owns its part."""

import os

HEADER = "# keel benchmarks\n\nEach section is written by the script it names; do not edit the figures by hand.\n"


def replace_section(path, name, title, body):
    begin, end = f"<!-- {name}:begin -->", f"<!-- {name}:end -->"
    text = open(path).read() if os.path.exists(path) else HEADER
    block = f"{begin}\n## {title}\n\n{body.strip()}\n{end}"
    if begin in text and end in text:
        text = text[: text.index(begin)] + block + text[text.index(end) + len(end):]
    else:
        text = text.rstrip("\n") + "\n\n" + block + "\n"
    with open(path, "w") as f:
        f.write(text)
