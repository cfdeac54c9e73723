"""Refuse every non-loopback connection while a command runs.

The policy forbids network access; this makes it true inside the process instead of
trusting each library to honour the offline variables. The same switch backs the test
suite's fixture, so a code path that tries to reach the network fails its test.
"""

from __future__ import annotations

import contextlib
import ipaddress
import socket
import threading
from collections.abc import Callable, Iterator

from dsm_clinic.errors import EXIT_DENIED, DsmError, error

_LOCK = threading.Lock()
_DEPTH = 0
_ORIGINAL: dict[str, Callable] = {}
_LISTENERS: list[Callable[[str], None]] = []


class NetworkBlocked(DsmError, ConnectionRefusedError):
    """A connection the policy forbids; also a ConnectionRefusedError for libraries."""


def _is_loopback(host: object) -> bool:
    if host is None:
        return True
    name = host.decode() if isinstance(host, bytes) else str(host)
    if name in ("localhost", "localhost.localdomain", ""):
        return True
    try:
        return ipaddress.ip_address(name.split("%")[0]).is_loopback
    except ValueError:
        return False


def _refuse(address: object) -> None:
    shown = str(address)
    for listener in list(_LISTENERS):
        listener(shown)
    err = error("E206", address=shown)
    raise NetworkBlocked(err.code, err.message, err.hint, EXIT_DENIED)


def _address_allowed(sock: socket.socket, address: object) -> bool:
    if sock.family not in (socket.AF_INET, socket.AF_INET6):
        return True  # AF_UNIX and friends never leave the machine
    host = address[0] if isinstance(address, tuple) else address
    return _is_loopback(host)


def _connect(self, address):
    if not _address_allowed(self, address):
        _refuse(address)
    return _ORIGINAL["connect"](self, address)


def _connect_ex(self, address):
    if not _address_allowed(self, address):
        _refuse(address)
    return _ORIGINAL["connect_ex"](self, address)


def _sendto(self, data, *args):
    address = args[-1]
    if not _address_allowed(self, address):
        _refuse(address)
    return _ORIGINAL["sendto"](self, data, *args)


def _getaddrinfo(host, *args, **kwargs):
    if not _is_loopback(host):
        _refuse(host)
    return _ORIGINAL["getaddrinfo"](host, *args, **kwargs)


def _install() -> None:
    _ORIGINAL.update(connect=socket.socket.connect, connect_ex=socket.socket.connect_ex,
                     sendto=socket.socket.sendto, getaddrinfo=socket.getaddrinfo)
    socket.socket.connect = _connect
    socket.socket.connect_ex = _connect_ex
    socket.socket.sendto = _sendto
    socket.getaddrinfo = _getaddrinfo


def _uninstall() -> None:
    socket.socket.connect = _ORIGINAL["connect"]
    socket.socket.connect_ex = _ORIGINAL["connect_ex"]
    socket.socket.sendto = _ORIGINAL["sendto"]
    socket.getaddrinfo = _ORIGINAL["getaddrinfo"]
    _ORIGINAL.clear()


@contextlib.contextmanager
def network_blocked(on_attempt: Callable[[str], None] | None = None) -> Iterator[None]:
    """Within the block, connecting or resolving a non-loopback address raises NetworkBlocked.

    Re-entrant: nested blocks (a pipeline running governed stages) share one patch.
    `on_attempt(address)` is called for every refused attempt, even one a library swallows.
    """
    global _DEPTH
    with _LOCK:
        if _DEPTH == 0:
            _install()
        _DEPTH += 1
        if on_attempt is not None:
            _LISTENERS.append(on_attempt)
    try:
        yield
    finally:
        with _LOCK:
            if on_attempt is not None:
                _LISTENERS.remove(on_attempt)
            _DEPTH -= 1
            if _DEPTH == 0:
                _uninstall()
