"""keel-image.oci.tar: the multi-arch image users `COPY --from`: an OCI image index (linux/amd64,
linux/arm64) of a FROM scratch image holding only /keel (0755, root) and /licenses/, with OCI labels
and ENTRYPOINT ["/keel"]. Built by release.py (scripts/release) from the binaries it packages.

Podman builds each platform's image (no registry: the base is scratch and nothing runs), `podman
manifest` joins them, and `podman manifest push --all` writes an `oci:` layout directory; that
directory is then tarred here with sorted names, fixed owners and the commit's time as every mtime,
because podman's own `oci-archive:` output is not reproducible. Podman runs on storage of its own
under a temporary directory, so a release neither reads nor leaves images in the machine's storage.

Reproducible: the build takes --timestamp (the commit time) for every date in the configs and every
mtime in the layer, and --no-cache (podman 4.3's cache does not key on --platform: without it the
second platform's build reuses the first one's image).
"""

import os
import shutil
import subprocess
import tarfile
import tempfile

NAME = "keel-image.oci.tar"
# Docker's TARGETARCH -> the binary release.py wrote for it.
PLATFORMS = (("amd64", "keel-linux-amd64"), ("arm64", "keel-linux-arm64"))

CONTAINERFILE = """FROM scratch
ARG TARGETARCH
COPY rootfs-${TARGETARCH}/ /
LABEL {labels}
ENTRYPOINT ["/keel"]
"""


class ImageError(Exception):
    pass


def _podman(base, *args, timeout=300):
    result = subprocess.run(base + list(args), capture_output=True, text=True, timeout=timeout)
    if result.returncode != 0:
        raise ImageError(f"podman {' '.join(args)} exited {result.returncode}: {result.stderr.strip()}")
    return result.stdout.strip()


def _stage_rootfs(directory, binary, licenses):
    """rootfs-ARCH/: keel and licenses/ with the modes the image must carry (COPY keeps them)."""
    os.makedirs(os.path.join(directory, "licenses"))
    os.chmod(directory, 0o755)
    os.chmod(os.path.join(directory, "licenses"), 0o755)
    shutil.copyfile(binary, os.path.join(directory, "keel"))
    os.chmod(os.path.join(directory, "keel"), 0o755)
    for path in licenses:
        target = os.path.join(directory, "licenses", os.path.basename(path))
        shutil.copyfile(path, target)
        os.chmod(target, 0o644)


def _label_line(labels):
    return " \\\n      ".join(f'{key}="{value}"' for key, value in sorted(labels.items()))


def _tar_layout(layout, out_path, mtime):
    """The oci: directory as a tar: names sorted, root-owned, modes 0755/0644, one mtime."""
    entries = []
    for directory, dirs, files in os.walk(layout):
        dirs.sort()
        relative = os.path.relpath(directory, layout)
        if relative != ".":
            entries.append((relative, True))
        entries.extend((os.path.normpath(os.path.join(relative, f)), False) for f in sorted(files))
    with tarfile.open(out_path, "w", format=tarfile.PAX_FORMAT) as tar:
        for name, is_dir in sorted(entries):
            info = tarfile.TarInfo(name)
            info.mtime, info.uid, info.gid, info.uname, info.gname = mtime, 0, 0, "", ""
            if is_dir:
                info.type, info.mode = tarfile.DIRTYPE, 0o755
                tar.addfile(info)
            else:
                path = os.path.join(layout, name)
                info.size, info.mode = os.path.getsize(path), 0o644
                with open(path, "rb") as f:
                    tar.addfile(info, f)


def build(out_dir, licenses, labels, version, created):
    """Writes out_dir/keel-image.oci.tar from out_dir's keel-linux-{amd64,arm64}."""
    if shutil.which("podman") is None:
        raise ImageError("podman is not installed (scripts/setup installs it)")
    work = tempfile.mkdtemp(prefix="keel-image-")
    base = ["podman", "--root", f"{work}/storage", "--runroot", f"{work}/run", "--tmpdir", f"{work}/tmp",
            "--storage-driver", "vfs", "--cgroup-manager", "cgroupfs", "--events-backend", "none"]
    try:
        context = os.path.join(work, "context")
        os.makedirs(context)
        for arch, binary in PLATFORMS:
            path = os.path.join(out_dir, binary)
            if not os.path.isfile(path):
                raise ImageError(f"{path} missing: the image needs both platforms' binaries")
            _stage_rootfs(os.path.join(context, f"rootfs-{arch}"), path, licenses)
        containerfile = os.path.join(context, "Containerfile")
        with open(containerfile, "w") as f:
            f.write(CONTAINERFILE.replace("{labels}", _label_line(labels)))
        index = f"localhost/keel:{version}"
        _podman(base, "manifest", "create", index)
        for arch, _ in PLATFORMS:
            tag = f"localhost/keel-build:{arch}"
            _podman(base, "build", "--quiet", "--no-cache", "--platform", f"linux/{arch}", "--timestamp", str(created),
                    "--format", "oci", "-t", tag, "-f", containerfile, context)
            _podman(base, "manifest", "add", index, f"containers-storage:{tag}")
        layout = os.path.join(work, "layout")
        _podman(base, "manifest", "push", "--quiet", "--all", "--format", "oci", index, f"oci:{layout}:keel:{version}")
        _tar_layout(layout, os.path.join(out_dir, NAME), created)
    finally:
        # vfs storage holds plain directories, no mounts: removing the tree removes everything.
        shutil.rmtree(work, ignore_errors=True)
