"""Suite-wide fixtures: no network, a fresh workspace, a CLI runner."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from dsm_clinic.offline import apply_offline_env

apply_offline_env()

from click.testing import CliRunner  # noqa: E402

from dsm_clinic.governance.network import network_blocked  # noqa: E402

_ATTEMPTS: list[str] = []


@pytest.fixture(scope="session", autouse=True)
def _block_network():
    """Refuse every non-loopback connection for the whole session."""
    with network_blocked(on_attempt=_ATTEMPTS.append):
        yield


@pytest.hookimpl(wrapper=True)
def pytest_runtest_call(item):
    """Fail a test that tried to reach the network, even if a library swallowed the error."""
    before = len(_ATTEMPTS)
    result = yield
    tried = _ATTEMPTS[before:]
    if tried and item.get_closest_marker("network_attempt_expected") is None:
        pytest.fail(f"the test tried to reach the network: {tried}")
    return result


def pytest_configure(config):
    config.addinivalue_line("markers", "network_attempt_expected: the test checks the block itself")


@pytest.fixture(scope="session")
def analyzer():
    """The rule-based de-identification analyzer (no NER layer), built once for the session."""
    from dsm_clinic.deid.analyzer import build_analyzer

    return build_analyzer(ner_model_dir=None)


@pytest.fixture
def cli():
    """Run `dsm-clinic ARGS`; returns the click Result (stdout in .stdout, stderr in .stderr)."""
    from dsm_clinic.cli.main import cli as root

    runner = CliRunner()

    def invoke(*args: str, env: dict | None = None):
        return runner.invoke(root, list(args), env=env, catch_exceptions=False)

    return invoke


@pytest.fixture
def workspace(tmp_path: Path):
    """A fresh workspace under the default policy."""
    from dsm_clinic.governance.policy import bundled_policy_path
    from dsm_clinic.workspace import Workspace
    from dsm_clinic.workspace_init import init_workspace

    init_workspace(tmp_path / "ws", policy_file=bundled_policy_path("default"))
    return Workspace.open(tmp_path / "ws")


def read_log(ws) -> list[dict]:
    return [json.loads(x) for x in ws.audit_path.read_text().splitlines()]
