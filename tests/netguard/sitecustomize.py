"""No network in the tests: every Python process the test suite starts imports this module (tests/conftest.py
puts this folder first on PYTHONPATH), and so does the test process itself.

With MTQA_TEST_NETWORK_LOG set to a file, an attempt to reach another machine (a DNS lookup, a connect or
a datagram to an address that is not loopback) fails with an OSError, as on a machine without network, and
is appended to that file: tests/conftest.py fails the test during which it happened, even when the code
under test swallowed the error. Unix sockets and loopback (127.0.0.0/8, ::1, "localhost") stay allowed.
"""

from __future__ import annotations

import ipaddress
import os
import socket

LOG_VARIABLE = "MTQA_TEST_NETWORK_LOG"
_REAL = {}


class NetworkDisabled(ConnectionRefusedError):
    """Raised instead of reaching the network."""


def _loopback(host) -> bool:
    if host in (None, "", "localhost", b"localhost"):
        return True
    if isinstance(host, bytes):
        host = host.decode("ascii", "replace")
    try:
        return ipaddress.ip_address(str(host).split("%")[0]).is_loopback
    except ValueError:
        return False


def _refuse(what: str, target) -> None:
    log = os.environ.get(LOG_VARIABLE)
    if log:
        with open(log, "a", encoding="utf-8") as fh:
            fh.write(f"pid {os.getpid()}: {what} {target!r}\n")
    raise NetworkDisabled(f"network access disabled in the tests: {what} {target!r}")


def _inet(sock) -> bool:
    return sock.family in (socket.AF_INET, socket.AF_INET6)


def _connect(self, address):
    if _inet(self) and not _loopback(address[0]):
        _refuse("connect", address)
    return _REAL["connect"](self, address)


def _connect_ex(self, address):
    if _inet(self) and not _loopback(address[0]):
        _refuse("connect", address)
    return _REAL["connect_ex"](self, address)


def _sendto(self, data, *args):
    address = args[-1]
    if _inet(self) and not _loopback(address[0]):
        _refuse("sendto", address)
    return _REAL["sendto"](self, data, *args)


def _getaddrinfo(host, *args, **kwargs):
    if not _loopback(host):
        _refuse("getaddrinfo", host)
    return _REAL["getaddrinfo"](host, *args, **kwargs)


def _gethostbyname(host):
    if not _loopback(host):
        _refuse("gethostbyname", host)
    return _REAL["gethostbyname"](host)


def install() -> None:
    """Put the guard in place in this process (idempotent)."""
    if _REAL:
        return
    for name, replacement in (("connect", _connect), ("connect_ex", _connect_ex), ("sendto", _sendto)):
        _REAL[name] = getattr(socket.socket, name)
        setattr(socket.socket, name, replacement)
    for name, replacement in (("getaddrinfo", _getaddrinfo), ("gethostbyname", _gethostbyname)):
        _REAL[name] = getattr(socket, name)
        setattr(socket, name, replacement)


def uninstall() -> None:
    """Take the guard away again (the test process, at the end of the session)."""
    for name in ("connect", "connect_ex", "sendto"):
        if name in _REAL:
            setattr(socket.socket, name, _REAL.pop(name))
    for name in ("getaddrinfo", "gethostbyname"):
        if name in _REAL:
            setattr(socket, name, _REAL.pop(name))


if os.environ.get(LOG_VARIABLE):
    install()
