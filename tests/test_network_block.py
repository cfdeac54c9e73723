"""The suite-wide network block really fails a test that reaches out."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]

PROBE = '''
import socket

def test_swallowed_attempt():
    try:
        socket.create_connection(("192.0.2.7", 80), timeout=1)
    except Exception:
        pass  # a library that hides the failure must not hide the attempt

def test_dns_lookup():
    try:
        socket.getaddrinfo("huggingface.co", 443)
    except Exception:
        pass

def test_loopback_is_fine():
    s = socket.socket(); s.bind(("127.0.0.1", 0)); s.listen(1)
    socket.create_connection(s.getsockname(), timeout=1).close(); s.close()
'''


def test_network_attempts_fail_their_tests(tmp_path):
    (tmp_path / "conftest.py").write_text(
        "from tests.conftest import _block_network, pytest_configure, pytest_runtest_call\n")
    (tmp_path / "test_probe.py").write_text(PROBE)
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    r = subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider",
                        "--rootdir", str(tmp_path), str(tmp_path / "test_probe.py")],
                       capture_output=True, text=True, env=env, cwd=tmp_path, timeout=300)
    assert "2 failed, 1 passed" in r.stdout, r.stdout[-2000:]
    assert "192.0.2.7" in r.stdout and "huggingface.co" in r.stdout
