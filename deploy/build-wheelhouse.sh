#!/usr/bin/env bash
# Build a wheelhouse: one folder with wheels for dsm-clinic and every dependency, for a
# target Python, glibc and CPU architecture. Run it on a connected machine, copy the
# folder to the air-gapped one and install there with no index:
#
#   pip install --no-index --find-links wheelhouse "torch==2.13.0"
#   pip install --no-index --find-links wheelhouse "dsm-clinic[gpu]"
#
# or build the container image from it (see deploy/README.md).
#
# Usage: deploy/build-wheelhouse.sh [options]
#   --variant gpu|cpu    gpu: CUDA torch + onnxruntime-gpu (default); cpu: CPU torch + onnxruntime
#   --python X.Y         target Python (default 3.12, the Python of the default CUDA base image)
#   --glibc X.Y          target glibc; wheels up to manylinux_X_Y are taken (default 2.39, Ubuntu 24.04)
#   --arch ARCH          x86_64 or aarch64 (default x86_64)
#   --torch SPEC         torch requirement (default torch==2.13.0)
#   --torch-index URL    index for torch alone; "none" uses pip's configured sources
#                        (default: cpu https://download.pytorch.org/whl/cpu, gpu PyPI)
#   --src DIR            dsm-clinic source tree (default: the folder above this script)
#   --out DIR            wheelhouse folder, created or topped up (default ./wheelhouse)
#   --python-cmd CMD     interpreter that runs pip here (default python3)
set -euo pipefail

variant=gpu
target_python=3.12
glibc=2.39
arch=x86_64
torch_spec="torch==2.13.0"
torch_index=""
src="$(cd "$(dirname "$0")/.." && pwd)"
out=wheelhouse
py=python3

usage() { sed -n '11,23p' "$0" | sed 's/^# \{0,1\}//'; }

while [ $# -gt 0 ]; do
    case "$1" in
        --variant) variant=$2; shift 2 ;;
        --python) target_python=$2; shift 2 ;;
        --glibc) glibc=$2; shift 2 ;;
        --arch) arch=$2; shift 2 ;;
        --torch) torch_spec=$2; shift 2 ;;
        --torch-index) torch_index=$2; shift 2 ;;
        --src) src=$2; shift 2 ;;
        --out) out=$2; shift 2 ;;
        --python-cmd) py=$2; shift 2 ;;
        -h|--help) usage; exit 0 ;;
        *) echo "unknown option $1" >&2; usage >&2; exit 2 ;;
    esac
done

case "$variant" in
    gpu) extras="[gpu]"; torch_index=${torch_index:-https://pypi.org/simple} ;;
    cpu) extras=""; torch_index=${torch_index:-https://download.pytorch.org/whl/cpu} ;;
    *) echo "--variant must be gpu or cpu" >&2; exit 2 ;;
esac
[[ "$target_python" =~ ^3\.[0-9]+$ ]] || { echo "--python must look like 3.12" >&2; exit 2; }
[[ "$glibc" =~ ^2\.[0-9]+$ ]] || { echo "--glibc must look like 2.39" >&2; exit 2; }
[ -f "$src/pyproject.toml" ] || { echo "no pyproject.toml in $src" >&2; exit 2; }

pyver=${target_python/./}
# pip matches --platform tags exactly, so list every manylinux level the target's glibc
# can load, from the newest down to manylinux2014 (glibc 2.17).
platforms=()
for ((minor = ${glibc#2.}; minor >= 17; minor--)); do
    platforms+=(--platform "manylinux_2_${minor}_${arch}")
done
platforms+=(--platform "manylinux2014_${arch}")
if [ "$arch" = x86_64 ]; then
    platforms+=(--platform manylinux2010_x86_64 --platform manylinux1_x86_64)
fi
# Binary wheels only: an sdist would be built for this machine's Python, not the target's.
target=(--only-binary=:all: --implementation cp --python-version "$target_python"
        --abi "cp${pyver}" "${platforms[@]}")

mkdir -p "$out"
out="$(cd "$out" && pwd)"

echo "== dsm-clinic wheel from $src"
rm -f "$out"/dsm_clinic-*.whl
"$py" -m pip wheel --quiet --no-deps --wheel-dir "$out" "$src"
pkg_wheel=$(ls "$out"/dsm_clinic-*.whl)
pkg_version=$(basename "$pkg_wheel" | cut -d- -f2)

echo "== $torch_spec ($variant) from ${torch_index}"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
torch_source=()
[ "$torch_index" = none ] || torch_source=(--index-url "$torch_index")
# Download into an empty folder first so that the chosen torch wheel is unambiguous.
"$py" -m pip download --quiet --dest "$work/torch" "${target[@]}" "${torch_source[@]}" "$torch_spec"
torch_wheel=$(ls "$work"/torch/torch-*.whl)
torch_version=$(basename "$torch_wheel" | cut -d- -f2)
mv -f "$work"/torch/*.whl "$out"/

# The Dockerfile builds dsm-clinic from source with --no-index, so the build backend
# (setuptools) must be in the wheelhouse too.
build_reqs=$("$py" - "$src/pyproject.toml" <<'EOF'
import sys
try:
    import tomllib
except ImportError:  # Python < 3.11: pip vendors the same parser
    from pip._vendor import tomli as tomllib
with open(sys.argv[1], "rb") as f:
    print("\n".join(tomllib.load(f)["build-system"]["requires"]))
EOF
)
mapfile -t build_reqs <<<"$build_reqs"

echo "== dependencies of dsm-clinic${extras} and the build backend"
# The exact torch wheel is named so that the resolver cannot swap in another build.
"$py" -m pip download --quiet --dest "$out" --find-links "$out" "${target[@]}" \
    "torch==${torch_version}" "${pkg_wheel}${extras}" "${build_reqs[@]}"

echo "== checking that the wheelhouse installs with no index"
check_dir="$work/check"
"$py" -m pip install --quiet --dry-run --ignore-installed --no-index --find-links "$out" \
    "${target[@]}" --target "$check_dir" --report "$work/report.json" \
    "torch==${torch_version}" "dsm-clinic${extras}==${pkg_version}" "${build_reqs[@]}"
"$py" - "$work/report.json" <<'EOF'
import json, sys
names = {i["metadata"]["name"].lower() for i in json.load(open(sys.argv[1]))["install"]}
print(f"   resolves offline: {len(names)} distributions")
EOF

cat > "$out/wheelhouse.env" <<EOF
# written by deploy/build-wheelhouse.sh; the Dockerfile checks WHEELHOUSE_PYTHON
WHEELHOUSE_VARIANT=$variant
WHEELHOUSE_PYTHON=$target_python
WHEELHOUSE_GLIBC=$glibc
WHEELHOUSE_ARCH=$arch
WHEELHOUSE_TORCH=$torch_version
WHEELHOUSE_DSM_CLINIC=$pkg_version
EOF
(cd "$out" && sha256sum -- *.whl > SHA256SUMS)

count=$(ls "$out"/*.whl | wc -l)
size=$(du -sh "$out" | cut -f1)
cat <<EOF

Wheelhouse ready: $out
  $count wheels, $size, for CPython $target_python, glibc >= $glibc, $arch, variant $variant
  torch $torch_version, dsm-clinic $pkg_version

Copy the whole folder (with SHA256SUMS and wheelhouse.env) to the air-gapped machine, then:
  cd wheelhouse && sha256sum -c SHA256SUMS && cd ..
  python$target_python -m venv .venv
  .venv/bin/pip install --no-index --find-links wheelhouse "torch==$torch_version"
  .venv/bin/pip install --no-index --find-links wheelhouse "dsm-clinic${extras}"
EOF
if [ "$variant" = gpu ]; then
    cat <<'EOF'
  # onnxruntime and onnxruntime-gpu both provide the `onnxruntime` module: let the GPU build win
  .venv/bin/pip install --no-index --find-links wheelhouse --no-deps --force-reinstall onnxruntime-gpu
EOF
fi
cat <<EOF
Or build the image from a source tree that holds this folder as wheelhouse/:
  docker build --build-arg PYTHON_VERSION=$target_python -t dsm-clinic:$pkg_version .
EOF
