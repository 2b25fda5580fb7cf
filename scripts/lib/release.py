#!/usr/bin/env python3
"""Packages built keel binaries into a release directory: the binaries under Docker's TARGETARCH
names, one SPDX 2.3 JSON SBOM per binary, THIRD-PARTY-NOTICES, the multi-arch image
keel-image.oci.tar (oci_image.py) and SHA256SUMS.

    scripts/lib/release.py --out dist NAME=BINARY:TLS ...    (scripts/release calls it)

Every version, license and checksum comes from the files the build itself uses: the pins in
scripts/linked-libraries.pins (the .deb each header library came from, its SHA-256 from apt),
scripts/openssl.env (OpenSSL's source tarball and its SHA-256), scripts/requirements-zig.txt
(the toolchain) and the toolchain's own headers (musl's and libc++'s versions). Nothing is typed
twice. The output is deterministic: timestamps come from the commit, the document namespace from
the binary's checksum, so two runs over the same binaries write identical files.
"""

import argparse
import functools
import hashlib
import json
import os
import re
import shutil
import subprocess
import sys
import tarfile
import time

import oci_image

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
CACHE = os.path.expanduser(os.environ.get("KEEL_CACHE_DIR", "~/.cache/keel"))


def die(message):
    sys.exit(f"scripts/release: {message}")


def sha256_file(path):
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def shell_assignments(path):
    values = {}
    for line in open(path):
        m = re.match(r"^([A-Z0-9_]+)=(\S+)", line)
        if m:
            values[m.group(1)] = m.group(2)
    return values


def pins():
    """[(package, version, component, license, holder)] from scripts/linked-libraries.pins."""
    rows = []
    for line in open(os.path.join(ROOT, "scripts", "linked-libraries.pins")):
        if not line.strip() or line.startswith("#"):
            continue
        package, version, component, license_id, holder = line.split(None, 4)
        rows.append((package, version, component, license_id, holder.strip()))
    return rows


@functools.lru_cache(maxsize=None)  # asked once per binary, answered by apt once
def deb_sha256(package, version):
    """The SHA-256 apt lists for package=version's .deb, and its file name."""
    out = subprocess.run(["apt-cache", "show", "--no-all-versions", f"{package}={version}"],
                         capture_output=True, text=True).stdout
    sha = re.search(r"^SHA256: (\w+)", out, re.M)
    name = re.search(r"^Filename: (\S+)", out, re.M)
    if not sha or not name:
        die(f"apt-cache has no {package}={version} (scripts/setup installs the pinned versions)")
    return sha.group(1), os.path.basename(name.group(1))


def upstream(version):
    """Debian's 1:1.10.0+ds-0.4 -> 1.10.0."""
    return re.sub(r"[+~].*$", "", version.split(":", 1)[-1].rsplit("-", 1)[0])


def zig_pins():
    text = open(os.path.join(ROOT, "scripts", "requirements-zig.txt")).read()
    version = re.search(r"^ziglang==(\S+)", text, re.M).group(1)
    hashes = re.findall(r"--hash=sha256:(\w+)", text)
    return version, hashes


def toolchain_versions(zig_dir):
    lib = os.path.join(zig_dir, "ziglang", "lib")
    musl = re.search(r'VERSION "([^"]+)"', open(os.path.join(lib, "libc/musl/src/internal/version.h")).read()).group(1)
    libcxx = int(re.search(r"define _LIBCPP_VERSION (\d+)", open(os.path.join(lib, "libcxx/include/__config")).read()).group(1))
    return musl, f"{libcxx // 10000}.{libcxx // 100 % 100}", lib


def commit_time():
    out = subprocess.run(["git", "-C", ROOT, "log", "-1", "--format=%ct"], capture_output=True, text=True).stdout.strip()
    return int(out) if out else 0


def iso(timestamp):
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(timestamp))


def project_field(field):
    """VERSION, DESCRIPTION or HOMEPAGE_URL of CMakeLists.txt's project(keel ...): one place for each."""
    text = open(os.path.join(ROOT, "CMakeLists.txt")).read()
    m = re.search(r"project\(\s*keel\s[^)]*\b" + field + r'\s+("[^"]*"|\S+)', text)
    if not m:
        die(f"no {field} in CMakeLists.txt's project(keel ...)")
    return m.group(1).strip('"')


def project_version():
    return project_field("VERSION")


def package(spdx_id, name, version, license_id, purl, checksum=None, file_name=None, cpe=None, purpose="LIBRARY",
            comment=None, download="NOASSERTION"):
    entry = {
        "name": name, "SPDXID": spdx_id, "versionInfo": version, "downloadLocation": download,
        "filesAnalyzed": False, "licenseConcluded": license_id, "licenseDeclared": license_id,
        "copyrightText": "NOASSERTION", "primaryPackagePurpose": purpose,
        "externalRefs": [{"referenceCategory": "PACKAGE-MANAGER", "referenceType": "purl", "referenceLocator": purl}],
    }
    if cpe:
        entry["externalRefs"].append({"referenceCategory": "SECURITY", "referenceType": "cpe23Type", "referenceLocator": cpe})
    if checksum:
        entry["checksums"] = [{"algorithm": "SHA256", "checksumValue": checksum}]
    if file_name:
        entry["packageFileName"] = file_name
    if comment:
        entry["comment"] = comment
    return entry


def components(tls, zig_dir):
    """The packages linked into a binary (with or without OpenSSL) and the toolchain."""
    linked = []
    if tls:
        openssl = shell_assignments(os.path.join(ROOT, "scripts", "openssl.env"))
        version = openssl["OPENSSL_VERSION"]
        linked.append(package(
            "SPDXRef-openssl", "openssl", version, "Apache-2.0", f"pkg:generic/openssl@{version}",
            checksum=openssl["OPENSSL_SHA256"], file_name=f"openssl_{version}.orig.tar.gz",
            cpe=f"cpe:2.3:a:openssl:openssl:{version}:*:*:*:*:*:*:*",
            comment=f"Built from Debian 12's source package openssl {openssl['OPENSSL_DEBIAN_VERSION']} (upstream tarball), static, by scripts/build-openssl."))
        # The full builds have gRPC (nghttp2) as well as TLS; lean has neither (CMakePresets.json).
        ng = shell_assignments(os.path.join(ROOT, "scripts", "nghttp2.env"))
        ng_version = ng["NGHTTP2_VERSION"]
        linked.append(package(
            "SPDXRef-nghttp2", "nghttp2", ng_version, "MIT", f"pkg:generic/nghttp2@{ng_version}",
            checksum=ng["NGHTTP2_SHA256"], file_name=f"nghttp2_{ng_version}.orig.tar.gz",
            cpe=f"cpe:2.3:a:nghttp2:nghttp2:{ng_version}:*:*:*:*:*:*:*",
            comment=f"Library sources of Debian 12's source package nghttp2 {ng['NGHTTP2_DEBIAN_VERSION']} with Debian's "
                    f"patches (debian.tar.xz SHA-256 {ng['NGHTTP2_DEBIAN_SHA256']}), compiled into keel by cmake/KeelNghttp2.cmake."))
    for deb, version, component, license_id, _ in pins():
        sha, file_name = deb_sha256(deb, version)
        linked.append(package(
            f"SPDXRef-{component}", component, upstream(version), license_id,
            f"pkg:deb/debian/{deb}@{version.replace('+', '%2B').replace(':', '%3A')}?arch=all&distro=debian-12",
            checksum=sha, file_name=file_name, comment=f"Header-only use of Debian 12's {deb} {version}."))
    zig_version, zig_hashes = zig_pins()
    musl, libcxx, _ = toolchain_versions(zig_dir)
    zig_note = f"Sources from the ziglang {zig_version} wheel (PyPI; SHA-256 of its wheels: {', '.join(zig_hashes)})."
    linked.append(package("SPDXRef-musl", "musl", musl, "MIT", f"pkg:generic/musl@{musl}",
                          cpe=f"cpe:2.3:a:musl-libc:musl:{musl}:*:*:*:*:*:*:*", comment=zig_note))
    for name in ("libc++", "libc++abi", "libunwind"):
        linked.append(package(f"SPDXRef-{name.replace('+', 'x')}", name, libcxx, "Apache-2.0 WITH LLVM-exception",
                              f"pkg:generic/llvm-{name.replace('+', 'x')}@{libcxx}", comment=zig_note))
    linked.append(package("SPDXRef-zig-compiler-rt", "zig-compiler-rt", zig_version, "MIT",
                          f"pkg:generic/zig-compiler-rt@{zig_version}",
                          comment=f"Zig's compiler runtime (lib/compiler_rt: integer and float helpers the compiler calls), "
                                  f"built by the toolchain. {zig_note}"))
    tool = package("SPDXRef-zig", "ziglang", zig_version, "MIT", f"pkg:pypi/ziglang@{zig_version}",
                   purpose="APPLICATION", comment=f"The compiler and linker (clang, lld) keel is built with. {zig_note}")
    return linked, tool


def sbom(name, binary, tls, zig_dir, created):
    digest = sha256_file(binary)
    version = project_version()
    linked, tool = components(tls, zig_dir)
    keel = package("SPDXRef-keel", "keel", version, "MIT", f"pkg:generic/keel@{version}", checksum=digest,
                   file_name=name, purpose="APPLICATION",
                   comment="A static binary: every package below is linked into it.")
    relationships = [{"spdxElementId": "SPDXRef-DOCUMENT", "relationshipType": "DESCRIBES", "relatedSpdxElement": "SPDXRef-keel"}]
    relationships += [{"spdxElementId": "SPDXRef-keel", "relationshipType": "STATIC_LINK", "relatedSpdxElement": p["SPDXID"]}
                      for p in linked]
    relationships.append({"spdxElementId": "SPDXRef-zig", "relationshipType": "BUILD_TOOL_OF", "relatedSpdxElement": "SPDXRef-keel"})
    return {
        "spdxVersion": "SPDX-2.3", "dataLicense": "CC0-1.0", "SPDXID": "SPDXRef-DOCUMENT", "name": name,
        "documentNamespace": f"https://keel.invalid/spdx/{name}-{version}-{digest}",
        "creationInfo": {"created": iso(created), "creators": ["Tool: keel-scripts-release"]},
        "packages": [keel, *linked, tool],
        "relationships": relationships,
    }


def debian_license_text(path):
    """From a machine-readable Debian copyright file: the first Files paragraph's copyright and
    license, and every standalone License paragraph (the texts), not the per-file listing (Boost's
    alone is 2 MB)."""
    paragraphs = [p for p in open(path).read().split("\n\n") if p.strip()]
    files = [p for p in paragraphs if p.startswith("Files:")]
    texts = [p for p in paragraphs if p.startswith("License:")]
    return "\n\n".join(([files[0]] if files else []) + texts)


def notices(zig_dir):
    """THIRD-PARTY-NOTICES: each linked component's license text, from its own source."""
    openssl = shell_assignments(os.path.join(ROOT, "scripts", "openssl.env"))
    musl, libcxx, lib = toolchain_versions(zig_dir)
    sections = []
    tarball = os.path.join(CACHE, "src", f"openssl_{openssl['OPENSSL_VERSION']}.orig.tar.gz")
    if not os.path.exists(tarball):
        die(f"{tarball} missing (scripts/fetch-openssl fetches it)")
    with tarfile.open(tarball) as tar:
        member = next(m for m in tar.getmembers() if m.name.endswith("/LICENSE.txt") and m.name.count("/") == 1)
        sections.append((f"OpenSSL {openssl['OPENSSL_VERSION']} (Apache-2.0)", tar.extractfile(member).read().decode()))
    ng = shell_assignments(os.path.join(ROOT, "scripts", "nghttp2.env"))
    ng_copying = os.path.join(CACHE, "src", f"nghttp2-{ng['NGHTTP2_DEBIAN_VERSION']}", "COPYING")
    if not os.path.exists(ng_copying):
        die(f"{ng_copying} missing (scripts/fetch-nghttp2 prepares it)")
    sections.append((f"nghttp2 {ng['NGHTTP2_VERSION']} (MIT)", open(ng_copying).read()))
    for deb, version, component, license_id, _ in pins():
        path = f"/usr/share/doc/{deb}/copyright"
        if not os.path.exists(path):
            die(f"{path} missing ({deb} not installed: run scripts/setup)")
        sections.append((f"{component} {upstream(version)} ({license_id}; Debian's {deb} {version})",
                         debian_license_text(path)))
    sections.append((f"musl {musl} (MIT)", open(os.path.join(lib, "libc/musl/COPYRIGHT")).read()))
    for name, directory in (("libc++", "libcxx"), ("libc++abi", "libcxxabi"), ("libunwind", "libunwind")):
        sections.append((f"{name} {libcxx} (Apache-2.0 WITH LLVM-exception)",
                         open(os.path.join(lib, directory, "LICENSE.TXT")).read()))
    zig_version, _ = zig_pins()
    sections.append((f"zig-compiler-rt {zig_version} (MIT; Zig's license)",
                     open(os.path.join(os.path.dirname(lib), "LICENSE")).read()))
    text = ("keel is MIT-licensed (LICENSE). The release binaries statically link the components below;\n"
            "each one's license follows, taken from its own source.\n")
    for title, body in sections:
        text += "\n" + "=" * 78 + "\n" + title + "\n" + "=" * 78 + "\n\n" + body.strip() + "\n"
    return text


def image_labels(binary, created, zig_dir):
    """OCI labels of the image; its licenses are those of everything it holds (keel and what the
    binary links), as the SBOM lists them."""
    report = subprocess.run([binary, "version", "--format", "json"], capture_output=True, text=True, timeout=30)
    if report.returncode != 0:
        die(f"{binary} version --format json exited {report.returncode}: {report.stderr.strip()}")
    commit = json.loads(report.stdout)["commit"]
    linked, _ = components(True, zig_dir)
    licenses = ["MIT"] + [p["licenseDeclared"] for p in linked]
    expression = " AND ".join(sorted(set(licenses), key=licenses.index))
    prefix = "org.opencontainers.image."
    return {prefix + "title": "keel", prefix + "description": project_field("DESCRIPTION"),
            prefix + "version": project_version(), prefix + "revision": commit, prefix + "created": iso(created),
            prefix + "source": project_field("HOMEPAGE_URL"), prefix + "licenses": expression}


def build_image(out, created, zig_dir):
    """keel-image.oci.tar from out's amd64 and arm64 binaries, with LICENSE and THIRD-PARTY-NOTICES
    under /licenses/."""
    amd64 = os.path.join(out, "keel-linux-amd64")
    licenses = [os.path.join(out, "LICENSE"), os.path.join(out, "THIRD-PARTY-NOTICES")]
    try:
        oci_image.build(out, licenses, image_labels(amd64, created, zig_dir), project_version(), created)
    except (oci_image.ImageError, subprocess.TimeoutExpired) as error:
        die(f"{oci_image.NAME}: {error}")


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", required=True)
    parser.add_argument("--image", action="store_true", help=f"also build {oci_image.NAME} (podman)")
    parser.add_argument("binaries", nargs="+", help="NAME=PATH:tls|notls")
    args = parser.parse_args()
    from_env = os.environ.get("KEEL_ZIG_DIR")
    zig_dir = from_env or os.path.join(CACHE, "ziglang-" + zig_pins()[0])
    created = commit_time()
    if os.path.exists(args.out):
        shutil.rmtree(args.out)
    os.makedirs(args.out)
    for spec in args.binaries:
        name, rest = spec.split("=", 1)
        path, tls = rest.rsplit(":", 1)
        if not os.path.isfile(path):
            die(f"{path} not built")
        target = os.path.join(args.out, name)
        shutil.copyfile(path, target)
        os.chmod(target, 0o755)
        with open(target + ".spdx.json", "w") as f:
            json.dump(sbom(name, path, tls == "tls", zig_dir, created), f, indent=2, sort_keys=True)
            f.write("\n")
    with open(os.path.join(args.out, "THIRD-PARTY-NOTICES"), "w") as f:
        f.write(notices(zig_dir))
    shutil.copyfile(os.path.join(ROOT, "LICENSE"), os.path.join(args.out, "LICENSE"))
    if args.image:
        build_image(args.out, created, zig_dir)
    files = sorted(n for n in os.listdir(args.out) if n != "SHA256SUMS")
    with open(os.path.join(args.out, "SHA256SUMS"), "w") as f:
        for name in files:
            f.write(f"{sha256_file(os.path.join(args.out, name))}  {name}\n")
    for name in files + ["SHA256SUMS"]:
        os.utime(os.path.join(args.out, name), (created, created))
    print("\n".join(f"{os.path.getsize(os.path.join(args.out, n)):>10,}  {n}" for n in files + ["SHA256SUMS"]))


if __name__ == "__main__":
    main()
