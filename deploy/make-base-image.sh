#!/usr/bin/env bash
# Build a minimal Debian base image that already holds Python and venv, so that
# `buildah build` / `docker build` of the dsm-clinic Dockerfile needs no network at all.
#
# This is the local verification base (no CUDA). For the GPU image use an nvidia/cuda
# runtime image instead; see deploy/README.md.
#
# Usage: deploy/make-base-image.sh [--suite bookworm] [--python 3.11] [--tag NAME]
#                                  [--workdir DIR] [--mirror URL]
# Needs root, debootstrap and podman (Debian: apt-get install debootstrap podman buildah).
set -euo pipefail

suite=bookworm
python=3.11
tag=""
workdir=/var/tmp/dsm-base
mirror=http://deb.debian.org/debian

usage() { sed -n '2,9p' "$0" | sed 's/^# \{0,1\}//'; }

while [ $# -gt 0 ]; do
    case "$1" in
        --suite) suite=$2; shift 2 ;;
        --python) python=$2; shift 2 ;;
        --tag) tag=$2; shift 2 ;;
        --workdir) workdir=$2; shift 2 ;;
        --mirror) mirror=$2; shift 2 ;;
        -h|--help) usage; exit 0 ;;
        *) echo "unknown option $1" >&2; usage >&2; exit 2 ;;
    esac
done
tag=${tag:-localhost/dsm-base:${suite}-py${python}}

for tool in debootstrap podman tar; do
    command -v "$tool" >/dev/null || { echo "missing $tool" >&2; exit 2; }
done
[ "$(id -u)" = 0 ] || { echo "debootstrap needs root" >&2; exit 2; }

rootfs="$workdir/rootfs"
rm -rf "$rootfs"
mkdir -p "$rootfs"

# minbase: dpkg, apt and the essential set only. Python comes through apt inside the
# chroot because debootstrap's own resolver does not follow virtual packages
# (python3.11-venv needs python3.11-distutils, provided by python3-distutils).
debootstrap --variant=minbase "$suite" "$rootfs" "$mirror"
cp /etc/resolv.conf "$rootfs/etc/resolv.conf"
mount -t proc proc "$rootfs/proc"
trap 'umount "$rootfs/proc" 2>/dev/null || true' EXIT
# python3.X-venv brings ensurepip, which the builder stage needs to create the venv.
chroot "$rootfs" apt-get update -q
DEBIAN_FRONTEND=noninteractive chroot "$rootfs" apt-get install -y -q --no-install-recommends \
    "python${python}" "python${python}-venv"
chroot "$rootfs" apt-get clean
umount "$rootfs/proc"
trap - EXIT
: > "$rootfs/etc/resolv.conf"

# Drop what an image never needs: package caches, index files, docs, man pages, locales.
rm -rf "$rootfs"/var/cache/apt/archives/*.deb "$rootfs"/var/lib/apt/lists/* \
       "$rootfs"/usr/share/doc/* "$rootfs"/usr/share/man/* "$rootfs"/usr/share/info/* \
       "$rootfs"/var/log/* "$rootfs"/tmp/*
find "$rootfs"/usr/share/locale -mindepth 1 -maxdepth 1 ! -name 'locale.alias' -exec rm -rf {} +

# Fail here rather than in the image build when venv or ensurepip is missing.
chroot "$rootfs" "python${python}" -c "import venv, ensurepip"

tar --numeric-owner -C "$rootfs" -c . | podman import \
    --change 'CMD ["/bin/bash"]' --change 'ENV LANG=C.UTF-8' - "$tag"
rm -rf "$rootfs"

echo "base image: $tag"
podman image ls "$tag"
