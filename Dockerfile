# dsm-clinic container image: builds with no package index, runs as a non-root user.
#
# The build installs Python packages only from wheelhouse/ (made by
# deploy/build-wheelhouse.sh on a connected machine), so it works behind an air gap.
# No "# syntax=" line on purpose: it would make BuildKit fetch a frontend image.
#
#   GPU image (default; the wheelhouse must be built with --variant gpu --python 3.12):
#     docker build -t dsm-clinic:0.1.0 .
#   CPU image on a base that already has Python (see deploy/README.md):
#     docker build --build-arg BASE_IMAGE=localhost/dsm-base:bookworm-py3.11 \
#       --build-arg PYTHON_VERSION=3.11 --build-arg EXTRAS= -t dsm-clinic:0.1.0-cpu .
#
# Run: docker run --rm --network none -v /srv/dsm:/workspace dsm-clinic:0.1.0 init /workspace

# CUDA 13 + cuDNN 9: what onnxruntime-gpu 1.31 and the torch 2.13 CUDA wheels link against.
ARG BASE_IMAGE=nvidia/cuda:13.0.2-cudnn-runtime-ubuntu24.04
# Must equal the wheelhouse's target Python (WHEELHOUSE_PYTHON in wheelhouse/wheelhouse.env);
# Ubuntu 24.04 ships 3.12, Debian 12 3.11.
ARG PYTHON_VERSION=3.12

FROM ${BASE_IMAGE} AS python
ARG PYTHON_VERSION
# The nvidia/cuda images carry no Python, so it comes from the distribution's packages.
# A base that already holds pythonX.Y with venv and ensurepip skips apt entirely and so
# builds with no network at all (deploy/make-base-image.sh makes one).
RUN if ! "python${PYTHON_VERSION}" -c "import venv, ensurepip" 2>/dev/null; then \
        apt-get update \
        && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends \
            "python${PYTHON_VERSION}" "python${PYTHON_VERSION}-venv" \
        && rm -rf /var/lib/apt/lists/*; \
    fi \
    && "python${PYTHON_VERSION}" -c "import venv, ensurepip"

FROM python AS builder
ARG PYTHON_VERSION
# "gpu" installs onnxruntime-gpu; empty for a CPU image.
ARG EXTRAS=gpu
ENV PIP_NO_INDEX=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PIP_NO_CACHE_DIR=1
RUN "python${PYTHON_VERSION}" -m venv /opt/venv
COPY pyproject.toml README.md /src/
COPY policies/ /src/policies/
COPY dsm_clinic/ /src/dsm_clinic/
# The wheelhouse is bind-mounted, not copied: a GPU wheelhouse is several GB and would
# otherwise sit in a build layer. torch goes first, the exact build the wheelhouse holds
# (CUDA or CPU). onnxruntime (a base dependency) and onnxruntime-gpu both own the
# onnxruntime/ module folder: reinstalling the GPU build last makes its files the ones on
# disk, and the check after it fails the build if CUDA support did not make it in.
# A throw-away workspace at the end catches package data missing from the install.
RUN --mount=type=bind,source=wheelhouse,target=/wheels \
    set -eu; \
    . /wheels/wheelhouse.env; \
    if [ "$WHEELHOUSE_PYTHON" != "$PYTHON_VERSION" ]; then \
        echo "wheelhouse is for Python $WHEELHOUSE_PYTHON, image has $PYTHON_VERSION: pass --build-arg PYTHON_VERSION=$WHEELHOUSE_PYTHON or rebuild the wheelhouse with --python $PYTHON_VERSION" >&2; \
        exit 2; \
    fi; \
    pip="/opt/venv/bin/pip install --no-index --find-links /wheels"; \
    $pip "torch==${WHEELHOUSE_TORCH}"; \
    $pip "/src${EXTRAS:+[$EXTRAS]}"; \
    case ",${EXTRAS}," in *,gpu,*) \
        $pip --no-deps --force-reinstall onnxruntime-gpu; \
        /opt/venv/bin/python -c "import onnxruntime as o, sys; p = o.get_available_providers(); print(p); sys.exit('CUDAExecutionProvider' not in p)";; \
    esac; \
    /opt/venv/bin/pip check; \
    /opt/venv/bin/dsm-clinic init /tmp/smoke > /dev/null; \
    /opt/venv/bin/dsm-clinic --workspace /tmp/smoke audit verify; \
    rm -rf /tmp/smoke

FROM python AS runtime
ARG UID=10001
ARG GID=10001
LABEL org.opencontainers.image.title="dsm-clinic" \
      org.opencontainers.image.description="On-prem de-identification, DecSelfMask training and ONNX scoring of Italian clinical notes, under audit policies" \
      org.opencontainers.image.licenses="Apache-2.0"
RUN groupadd --system --gid "${GID}" dsm \
    && useradd --system --uid "${UID}" --gid dsm --home-dir /home/dsm --create-home \
        --shell /usr/sbin/nologin dsm \
    && mkdir -p /workspace /models \
    && chown dsm:dsm /workspace
COPY --from=builder /opt/venv /opt/venv
# Offline by construction: nothing in the image may try to download models, data,
# suffix lists or packages.
ENV PATH=/opt/venv/bin:${PATH} \
    DSM_CLINIC_WORKSPACE=/workspace \
    HF_HUB_OFFLINE=1 \
    TRANSFORMERS_OFFLINE=1 \
    HF_DATASETS_OFFLINE=1 \
    HF_HUB_DISABLE_TELEMETRY=1 \
    DO_NOT_TRACK=1 \
    HF_HOME=/home/dsm/.cache/huggingface \
    TLDEXTRACT_PUBLIC_SUFFIX_LIST_URLS="" \
    PIP_NO_INDEX=1 \
    PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    LANG=C.UTF-8
# Numeric so that Kubernetes' runAsNonRoot can check it.
USER ${UID}:${GID}
WORKDIR /workspace
# The workspace holds dsm-clinic.yaml, the policy copy and the audit log: it must
# outlive the container.
VOLUME ["/workspace"]
ENTRYPOINT ["dsm-clinic"]
CMD ["--help"]
