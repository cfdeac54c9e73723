#!/usr/bin/env bash
# Build the dsm-clinic image with buildah and check it offline, as the non-root user,
# with the workspace on a bind-mounted volume. For machines without a Docker engine
# (buildah's chroot isolation needs no daemon); with Docker the same checks are in
# deploy/README.md.
#
# Usage: deploy/verify-local-image.sh --wheelhouse DIR [--base IMAGE] [--python X.Y]
#          [--extras gpu|""] [--tag NAME] [--workdir DIR] [--no-build]
# Defaults: --base localhost/dsm-base:bookworm-py3.11 --python 3.11 --extras ""
#           --tag localhost/dsm-clinic:local --workdir /var/tmp/dsm-image
set -euo pipefail

wheelhouse=""
base=localhost/dsm-base:bookworm-py3.11
python=3.11
extras=""
tag=localhost/dsm-clinic:local
workdir=/var/tmp/dsm-image
build=1
repo="$(cd "$(dirname "$0")/.." && pwd)"

usage() { sed -n '7,10p' "$0" | sed 's/^# \{0,1\}//'; }

while [ $# -gt 0 ]; do
    case "$1" in
        --wheelhouse) wheelhouse=$2; shift 2 ;;
        --base) base=$2; shift 2 ;;
        --python) python=$2; shift 2 ;;
        --extras) extras=$2; shift 2 ;;
        --tag) tag=$2; shift 2 ;;
        --workdir) workdir=$2; shift 2 ;;
        --no-build) build=0; shift ;;
        -h|--help) usage; exit 0 ;;
        *) echo "unknown option $1" >&2; usage >&2; exit 2 ;;
    esac
done

if [ "$build" = 1 ]; then
    [ -f "$wheelhouse/wheelhouse.env" ] || { echo "--wheelhouse DIR must hold wheelhouse.env" >&2; exit 2; }
    # A clean build context outside the repo: the source files git knows about (tracked
    # or not ignored) plus the wheelhouse, hard-linked where the filesystem allows.
    context="$workdir/context"
    rm -rf "$context"
    mkdir -p "$context"
    # -d keeps symbolic links as links (dsm_clinic/policies points at policies/).
    (cd "$repo" && git ls-files -z --cached --others --exclude-standard \
        | xargs -0 cp -d --parents -t "$context")
    cp -al "$wheelhouse" "$context/wheelhouse" 2>/dev/null || cp -a "$wheelhouse" "$context/wheelhouse"
    buildah build --isolation chroot --layers \
        --build-arg BASE_IMAGE="$base" --build-arg PYTHON_VERSION="$python" \
        --build-arg EXTRAS="$extras" \
        -f "$context/Dockerfile" -t "$tag" "$context"
fi

podman image ls "$tag"

# The volume: a host folder owned by the image's user, as an operator would prepare it.
uid=$(buildah inspect --type image --format '{{.OCIv1.Config.User}}' "$tag")
volume="$workdir/volume"
rm -rf "$volume"
mkdir -p "$volume"
chown "$uid" "$volume"

ctr=$(buildah from --pull=never "$tag")
trap 'buildah rm "$ctr" >/dev/null' EXIT
# buildah 1.28's `run` mounts the image's VOLUME over a -v bind at the same path (docker
# and podman do not); dropping the declaration from this working container lets the bind win.
buildah config --volume /workspace- "$ctr"
run() { buildah run --isolation chroot -v "$volume:/workspace" "$ctr" -- "$@"; }

echo "== image config"
buildah inspect --type image --format \
    'user={{.OCIv1.Config.User}} entrypoint={{.OCIv1.Config.Entrypoint}} volumes={{.OCIv1.Config.Volumes}}' "$tag"
echo "== runs as"
run id
echo "== dsm-clinic --help"
run dsm-clinic --help
echo "== onnxruntime: providers, and which distribution the module files on disk belong to"
# onnxruntime and onnxruntime-gpu share the onnxruntime/ folder; the RECORD hashes tell
# whose copy of the native extension is the one that gets imported.
run python -c '
import base64, hashlib, importlib.metadata as md, pathlib, onnxruntime
print("onnxruntime", onnxruntime.__version__, onnxruntime.get_available_providers())
for dist in ("onnxruntime", "onnxruntime-gpu"):
    try:
        d = md.distribution(dist)
    except md.PackageNotFoundError:
        print(dist, "not installed"); continue
    files = [f for f in d.files if f.hash and f.name.startswith("onnxruntime_pybind11_state")]
    ok = all(base64.urlsafe_b64encode(hashlib.sha256(pathlib.Path(f.locate()).read_bytes()).digest()).rstrip(b"=").decode() == f.hash.value for f in files)
    print(dist, d.version, "owns the native module on disk" if ok else "was overwritten")
'
echo "== init and audit verify on the volume"
run dsm-clinic init /workspace/ws
run dsm-clinic --workspace /workspace/ws policy show > /dev/null
run dsm-clinic --workspace /workspace/ws audit verify
echo "== left on the host volume"
ls -lnR "$volume/ws"
echo "== one byte changed in the audit log on the host must fail audit verify"
log=$(find "$volume/ws/audit" -name '*.jsonl' | head -n 1)
python3 - "$log" <<'EOF'
import sys
data = bytearray(open(sys.argv[1], "rb").read())
i = data.index(b'"seq"')  # inside the first record, away from the JSON syntax
data[i + 1] = ord("S")
open(sys.argv[1], "wb").write(bytes(data))
EOF
if run dsm-clinic --workspace /workspace/ws audit verify; then
    echo "audit verify passed on a tampered log" >&2
    exit 1
fi
echo "tampering detected, as it should be"
