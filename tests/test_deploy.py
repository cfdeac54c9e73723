"""Static checks of the container and deployment files: Dockerfile, .dockerignore, deploy/*.sh.

Nothing here builds an image (deploy/verify-local-image.sh does that); the wheelhouse
script runs against a fake interpreter that records the pip calls it would make.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import shlex
import subprocess
import sys
from fnmatch import fnmatchcase
from pathlib import Path

import pytest

from dsm_clinic.offline import OFFLINE_ENV

ROOT = Path(__file__).resolve().parent.parent
DOCKERFILE = ROOT / "Dockerfile"
SCRIPTS = sorted((ROOT / "deploy").glob("*.sh"))


def parse_dockerfile(text: str) -> list[list[tuple[str, str]]]:
    """Return the stages, each a list of (INSTRUCTION, arguments); ARGs before FROM are stage 0."""
    stages: list[list[tuple[str, str]]] = [[]]
    logical = ""
    for line in text.splitlines():
        if line.strip().startswith("#"):
            continue  # comments may sit inside a continued instruction too
        if line.rstrip().endswith("\\"):
            logical += line.rstrip()[:-1] + " "
            continue
        logical += line
        if logical.strip():
            instruction, _, args = logical.strip().partition(" ")
            if instruction.upper() == "FROM":
                stages.append([])
            stages[-1].append((instruction.upper(), args.strip()))
        logical = ""
    return stages


def args_of(stage: list[tuple[str, str]], instruction: str) -> list[str]:
    return [a for i, a in stage if i == instruction]


def arg_defaults(stage: list[tuple[str, str]]) -> dict[str, str]:
    defaults = {}
    for arg in args_of(stage, "ARG"):
        name, _, value = arg.partition("=")
        defaults[name] = value
    return defaults


def env_of(stage: list[tuple[str, str]]) -> dict[str, str]:
    env = {}
    for arg in args_of(stage, "ENV"):
        for token in shlex.split(arg):
            name, _, value = token.partition("=")
            env[name] = value
    return env


@pytest.fixture(scope="module")
def stages():
    return parse_dockerfile(DOCKERFILE.read_text())


def test_build_is_multi_stage_on_a_cuda_runtime_base(stages):
    global_args = arg_defaults(stages[0])
    assert global_args["BASE_IMAGE"].startswith("nvidia/cuda:")
    assert "runtime" in global_args["BASE_IMAGE"]
    assert re.fullmatch(r"3\.\d+", global_args["PYTHON_VERSION"])
    froms = [args_of(s, "FROM")[0] for s in stages[1:]]
    assert froms[0].startswith("${BASE_IMAGE}")
    names = [f.split(" AS ")[-1].strip() for f in froms]
    assert "builder" in names and len(froms) >= 3
    # The runtime stage takes the finished venv from the builder, not the wheelhouse.
    runtime = stages[-1]
    assert "--from=builder /opt/venv /opt/venv" in args_of(runtime, "COPY")
    assert not any("wheel" in a for a in args_of(runtime, "COPY") + args_of(runtime, "RUN"))


def test_runtime_runs_as_a_numeric_non_root_user(stages):
    runtime = stages[-1]
    (user,) = args_of(runtime, "USER")
    defaults = arg_defaults(runtime)
    resolved = re.sub(r"\$\{(\w+)\}", lambda m: defaults[m.group(1)], user)
    uid, _, gid = resolved.partition(":")
    assert uid.isdigit() and int(uid) != 0
    assert gid.isdigit() and int(gid) != 0
    # USER must come after every RUN: a later RUN would still execute as root.
    order = [i for i, _ in runtime]
    assert order.index("USER") > max(i for i, name in enumerate(order) if name == "RUN")


def test_entrypoint_is_the_cli_and_the_workspace_is_a_volume(stages):
    runtime = stages[-1]
    assert [json.loads(a) for a in args_of(runtime, "ENTRYPOINT")] == [["dsm-clinic"]]
    volumes = [v for a in args_of(runtime, "VOLUME") for v in json.loads(a)]
    env = env_of(runtime)
    assert env["DSM_CLINIC_WORKSPACE"] in volumes
    assert args_of(runtime, "WORKDIR") == [env["DSM_CLINIC_WORKSPACE"]]


def test_image_sets_every_offline_variable_the_cli_sets(stages):
    env = env_of(stages[-1])
    for name, value in OFFLINE_ENV.items():
        assert env.get(name) == value, name
    assert env["PIP_NO_INDEX"] == "1"


def test_every_pip_install_in_the_build_uses_no_index(stages):
    text = DOCKERFILE.read_text()
    assert not re.search(r"^#\s*syntax=", text, re.M), "a syntax directive fetches a frontend image"
    runs = [a for s in stages for a in args_of(s, "RUN")]
    installs = [m.group(1) for r in runs for m in re.finditer(r"pip install (.{32})", r)]
    assert installs
    assert all(i == "--no-index --find-links /wheels\"" for i in installs), installs
    assert not any("pip download" in r or "--index-url" in r for r in runs)


def test_gpu_build_lets_onnxruntime_gpu_win_and_checks_cuda(stages):
    (install,) = [a for a in args_of(stages[2], "RUN") if "onnxruntime-gpu" in a]
    extras = install.index('"/src${EXTRAS:+[$EXTRAS]}"')
    reinstall = install.index("--no-deps --force-reinstall onnxruntime-gpu")
    check = install.index("CUDAExecutionProvider")
    assert extras < reinstall < check
    assert arg_defaults(stages[2])["EXTRAS"] == "gpu"


def dockerignore_excludes(path: str, patterns: list[str]) -> bool:
    """Docker's rule: the last pattern that matches the path or one of its parents wins."""
    parts = path.split("/")
    candidates = ["/".join(parts[:n]) for n in range(1, len(parts) + 1)]
    excluded = False
    for pattern in patterns:
        negate = pattern.startswith("!")
        glob = pattern.lstrip("!").rstrip("/")
        if glob.startswith("**/"):
            hit = any(fnmatchcase(c.split("/")[-1], glob[3:]) for c in candidates)
        else:
            hit = any(fnmatchcase(c, glob) and c.count("/") == glob.count("/") for c in candidates)
        if hit:
            excluded = not negate
    return excluded


def test_dockerignore_sends_the_source_and_wheelhouse_only():
    patterns = [
        line.strip()
        for line in (ROOT / ".dockerignore").read_text().splitlines()
        if line.strip() and not line.startswith("#")
    ]
    for kept in ("pyproject.toml", "README.md", "dsm_clinic/cli/main.py", "policies/default.yaml",
                 "wheelhouse/torch-2.13.0-cp312-cp312-manylinux_2_28_x86_64.whl",
                 "wheelhouse/wheelhouse.env"):
        assert not dockerignore_excludes(kept, patterns), kept
    for dropped in (".venv/bin/python", ".git/HEAD", "tests/test_cli.py", "demo-workspace/x",
                    "dsm_clinic/__pycache__/errors.cpython-311.pyc"):
        assert dockerignore_excludes(dropped, patterns), dropped


def test_every_copy_source_exists_and_survives_dockerignore(stages):
    patterns = [
        line.strip()
        for line in (ROOT / ".dockerignore").read_text().splitlines()
        if line.strip() and not line.startswith("#")
    ]
    sources = []
    for stage in stages:
        for arg in args_of(stage, "COPY"):
            if arg.startswith("--from"):
                continue
            sources += arg.split()[:-1]
    assert sources
    for source in sources:
        assert (ROOT / source).exists(), source
        assert not dockerignore_excludes(source.rstrip("/"), patterns), source


@pytest.mark.parametrize("script", SCRIPTS, ids=lambda p: p.name)
def test_deploy_scripts_are_valid_strict_bash(script):
    assert os.access(script, os.X_OK)
    assert "set -euo pipefail" in script.read_text()
    subprocess.run(["bash", "-n", str(script)], check=True)


@pytest.mark.parametrize("script", SCRIPTS, ids=lambda p: p.name)
def test_deploy_scripts_explain_usage_and_reject_unknown_options(script):
    shown = subprocess.run(["bash", str(script), "--help"], capture_output=True, text=True)
    assert shown.returncode == 0 and "Usage:" in shown.stdout
    wrong = subprocess.run(["bash", str(script), "--bogus"], capture_output=True, text=True)
    assert wrong.returncode == 2 and "unknown option --bogus" in wrong.stderr


# A stand-in for the interpreter the wheelhouse script runs pip with: it logs each pip
# call, fakes the files pip would leave, and runs inline scripts (`python -`) for real.
FAKE_PYTHON = r"""#!{python}
import json, os, pathlib, sys
args = sys.argv[1:]
if args[:1] == ["-"]:
    sys.argv = args
    exec(compile(sys.stdin.read(), "<stdin>", "exec"))
    sys.exit(0)
assert args[:2] == ["-m", "pip"], args
pip = args[2:]
with open(os.environ["FAKE_PIP_LOG"], "a") as log:
    log.write(json.dumps(pip) + "\n")

def value(flag):
    return pip[pip.index(flag) + 1]

if pip[0] == "wheel":
    pathlib.Path(value("--wheel-dir"), "dsm_clinic-0.1.0-py3-none-any.whl").write_bytes(b"pkg")
elif pip[0] == "download" and "--find-links" not in pip:
    dest = pathlib.Path(value("--dest"))
    dest.mkdir(parents=True, exist_ok=True)
    (dest / os.environ["FAKE_TORCH_WHEEL"]).write_bytes(b"torch")
elif pip[0] == "install":
    pathlib.Path(value("--report")).write_text(json.dumps(
        {"install": [{"metadata": {"name": "torch"}}, {"metadata": {"name": "dsm-clinic"}}]}))
"""


def run_wheelhouse(tmp_path, *options, torch_wheel):
    fake = tmp_path / "python"
    fake.write_text(FAKE_PYTHON.replace("{python}", sys.executable))
    fake.chmod(0o755)
    log = tmp_path / "pip.log"
    out = tmp_path / "wheelhouse"
    env = dict(os.environ, FAKE_PIP_LOG=str(log), FAKE_TORCH_WHEEL=torch_wheel)
    done = subprocess.run(
        ["bash", str(ROOT / "deploy" / "build-wheelhouse.sh"), "--python-cmd", str(fake),
         "--out", str(out), *options],
        capture_output=True, text=True, env=env, timeout=60,
    )
    assert done.returncode == 0, done.stderr
    calls = [json.loads(line) for line in log.read_text().splitlines()]
    return calls, out, done.stdout


def test_cpu_wheelhouse_targets_the_image_python_and_glibc(tmp_path):
    calls, out, stdout = run_wheelhouse(
        tmp_path, "--variant", "cpu", "--python", "3.12", "--glibc", "2.28",
        torch_wheel="torch-2.13.0+cpu-cp312-cp312-manylinux_2_28_x86_64.whl")
    wheel, torch, deps, check = calls
    assert wheel[:2] == ["wheel", "--quiet"] and "--no-deps" in wheel
    expected_platforms = [f"manylinux_2_{n}_x86_64" for n in range(28, 16, -1)] + [
        "manylinux2014_x86_64", "manylinux2010_x86_64", "manylinux1_x86_64"]
    for call in (torch, deps, check):
        assert "--only-binary=:all:" in call
        assert call[call.index("--python-version") + 1] == "3.12"
        assert call[call.index("--abi") + 1] == "cp312"
        assert [call[i + 1] for i, a in enumerate(call) if a == "--platform"] == expected_platforms
    assert torch[torch.index("--index-url") + 1] == "https://download.pytorch.org/whl/cpu"
    # The exact torch build, the package without extras, and the build backend for the image.
    assert "torch==2.13.0+cpu" in deps
    assert any(a.endswith("dsm_clinic-0.1.0-py3-none-any.whl") for a in deps)
    assert any(a.startswith("setuptools") for a in deps)
    assert "--no-index" in check and "--dry-run" in check and "dsm-clinic==0.1.0" in check
    env = dict(line.split("=", 1) for line in (out / "wheelhouse.env").read_text().splitlines()
               if not line.startswith("#"))
    assert env["WHEELHOUSE_PYTHON"] == "3.12" and env["WHEELHOUSE_TORCH"] == "2.13.0+cpu"
    sums = dict(reversed(line.split("  ", 1)) for line in (out / "SHA256SUMS").read_text().splitlines())
    assert sums["torch-2.13.0+cpu-cp312-cp312-manylinux_2_28_x86_64.whl"] == hashlib.sha256(b"torch").hexdigest()
    assert "pip install --no-index --find-links wheelhouse" in stdout


def test_gpu_wheelhouse_adds_the_gpu_extra_and_the_reinstall_step(tmp_path):
    calls, out, stdout = run_wheelhouse(
        tmp_path, "--python", "3.11", "--glibc", "2.17",
        torch_wheel="torch-2.13.0-cp311-cp311-manylinux_2_28_x86_64.whl")
    _, torch, deps, check = calls
    assert torch[torch.index("--index-url") + 1] == "https://pypi.org/simple"
    assert "torch==2.13.0" in deps
    assert any(a.endswith("dsm_clinic-0.1.0-py3-none-any.whl[gpu]") for a in deps)
    assert "dsm-clinic[gpu]==0.1.0" in check
    assert [check[i + 1] for i, a in enumerate(check) if a == "--platform"][:2] == [
        "manylinux_2_17_x86_64", "manylinux2014_x86_64"]
    assert "--force-reinstall onnxruntime-gpu" in stdout


def test_dockerfile_reads_only_what_the_wheelhouse_script_writes(tmp_path, stages):
    calls, out, _ = run_wheelhouse(
        tmp_path, "--variant", "cpu", "--torch-index", "none",
        torch_wheel="torch-2.13.0+cpu-cp312-cp312-manylinux_2_28_x86_64.whl")
    assert "--index-url" not in calls[1]  # "none": pip's own configured sources
    written = set(re.findall(r"^(WHEELHOUSE_\w+)=", (out / "wheelhouse.env").read_text(), re.M))
    read = set(re.findall(r"\$\{?(WHEELHOUSE_\w+)", DOCKERFILE.read_text()))
    assert read and read <= written


def test_wheelhouse_script_rejects_a_malformed_target_before_any_pip_call(tmp_path):
    for options in (["--variant", "tpu"], ["--python", "312"], ["--glibc", "39"]):
        done = subprocess.run(
            ["bash", str(ROOT / "deploy" / "build-wheelhouse.sh"), "--python-cmd", "/nonexistent",
             "--out", str(tmp_path / "wh"), *options],
            capture_output=True, text=True)
        assert done.returncode == 2, options
        assert not (tmp_path / "wh").exists()
