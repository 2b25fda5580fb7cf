"""Random HTTP responses for keel healthcheck's fault test: well-formed ones whose verdict is known
(healthy exactly when the status is in 200-399) and broken ones (truncated, corrupted, misframed,
garbage) whose only requirement is one line, exit 0 or 1, no crash and no wait past the deadline.
Pure functions of a random.Random, so a failing seed replays exactly."""

import string

TOKEN = string.ascii_letters + string.digits + "-"
PRINTABLE = string.ascii_letters + string.digits + " !#$%&'()*+,-./:;<=>?@[]^_`{|}~"
# Framing headers are chosen by the generator itself, never at random.
RESERVED = {"content-length", "transfer-encoding", "connection"}


def _text(rng, alphabet, low, high):
    return "".join(rng.choice(alphabet) for _ in range(rng.randint(low, high)))


def _chunked(rng, body):
    out, rest = b"", body
    while rest:
        size = rng.randint(1, max(1, len(rest)))
        extension = ";ext=" + _text(rng, TOKEN, 1, 5) if rng.random() < 0.1 else ""
        out += f"{size:x}{extension}\r\n".encode() + rest[:size] + b"\r\n"
        rest = rest[size:]
    trailer = f"X-Trailer: {_text(rng, PRINTABLE, 0, 10)}\r\n" if rng.random() < 0.2 else ""
    return out + b"0\r\n" + trailer.encode() + b"\r\n"


def valid_response(rng):
    """(bytes, healthy): a well-formed HTTP/1.x response and the verdict keel's defaults must give."""
    status = rng.choice([200, 201, 204, 299, 301, 302, 304, 399, 400, 404, 418, 500, 503, rng.randint(200, 599)])
    framing = rng.choice(["length", "chunked", "close"])
    version = "1.0" if framing != "chunked" and rng.random() < 0.2 else "1.1"
    reason = _text(rng, PRINTABLE, 0, 20).strip()
    head = f"HTTP/{version} {status} {reason}\r\n"
    for _ in range(rng.randint(0, 6)):
        name = _text(rng, TOKEN, 1, 20)
        if name.lower() not in RESERVED:
            head += f"{name}: {_text(rng, PRINTABLE, 0, 60).strip()}\r\n"
    body = bytes(rng.randrange(256) for _ in range(rng.choice([0, 1, 2, rng.randint(0, 3000)])))
    if framing == "length":
        head += f"Content-Length: {len(body)}\r\n"
    elif framing == "chunked":
        head += "Transfer-Encoding: chunked\r\n"
        body = _chunked(rng, body)
    return head.encode() + b"\r\n" + body, 200 <= status <= 399


def _mutate(rng, raw):
    kind = rng.randrange(10)
    if kind == 0:  # cut anywhere
        return raw[:rng.randrange(len(raw) + 1)]
    if kind == 1:  # corrupt bytes
        data = bytearray(raw)
        for _ in range(rng.randint(1, 8)):
            if data:
                data[rng.randrange(len(data))] = rng.randrange(256)
        return bytes(data)
    if kind == 2:  # insert random bytes
        at = rng.randrange(len(raw) + 1)
        return raw[:at] + bytes(rng.randrange(256) for _ in range(rng.randint(1, 40))) + raw[at:]
    if kind == 3:  # drop a range
        at = rng.randrange(len(raw) + 1)
        return raw[:at] + raw[at + rng.randint(1, 40):]
    if kind == 4:  # bare LF or bare CR line ends
        return raw.replace(b"\r\n", rng.choice([b"\n", b"\r", b"\r\r\n", b"\n\r"]), rng.randint(1, 4))
    if kind == 5:  # a lying or malformed Content-Length, sometimes twice
        value = rng.choice(["-1", "99999999999999999999999", "0x10", "", " 5 5", "1e3", str(rng.randint(0, 10**6))])
        extra = f"Content-Length: {value}\r\n" * rng.randint(1, 2)
        end = raw.find(b"\r\n")
        return raw[:end + 2] + extra.encode() + raw[end + 2:] if end >= 0 else raw + extra.encode()
    if kind == 6:  # a broken chunked body
        size = rng.choice(["ffffffffffffffffffff", "-1", "zz", "", "1;" + "a" * 5000, "10000000"])
        return raw.split(b"\r\n\r\n", 1)[0] + b"\r\nTransfer-Encoding: chunked\r\n\r\n" + size.encode() + b"\r\nabc"
    if kind == 7:  # an odd status line
        line = rng.choice(["HTTP/2 200 OK", "HTTP/1.1 99999 OK", "ICY 200 OK", "HTTP/1.1 200", "HTTP/1.1  200 OK",
                           "HTTP/9.9 200 OK", "HTTP/1.1 100 Continue", "HTTP/1.1 101 Switching", "http/1.1 200 ok",
                           "HTTP/1.1 -200 OK", "HTTP/1.1 2000 OK", "HTTP/1.1 20 OK"])
        end = raw.find(b"\r\n")
        return line.encode() + (raw[end:] if end >= 0 else b"\r\n\r\n")
    if kind == 8:  # a header line without a colon, or with an empty name, or folded
        bad = rng.choice([b"NoColonHere\r\n", b": empty-name\r\n", b" folded continuation\r\n", b"X-Nul: a\0b\r\n",
                          b"X-Long: " + b"v" * rng.randint(1000, 70000) + b"\r\n"])
        end = raw.find(b"\r\n")
        return raw[:end + 2] + bad + raw[end + 2:] if end >= 0 else raw + bad
    return bytes(rng.randrange(256) for _ in range(rng.randint(0, 500)))  # pure garbage


def broken_response(rng):
    """A valid response damaged one to three times."""
    raw, _ = valid_response(rng)
    for _ in range(rng.randint(1, 3)):
        raw = _mutate(rng, raw)
    return raw
