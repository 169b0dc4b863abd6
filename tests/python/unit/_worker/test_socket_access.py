"""The worker socket's mode and group (RACETRACK_WORKER_SOCKET_MODE / _GROUP)."""
from __future__ import annotations

import grp
import os
import socket
import stat

import pytest

from racetrack_job_wrapper._worker.socket_access import (
    SocketAccessError,
    apply_socket_access,
    socket_path,
)


@pytest.fixture
def unix_socket(tmp_path, monkeypatch):
    for name in ('RACETRACK_WORKER_SOCKET_MODE', 'RACETRACK_WORKER_SOCKET_GROUP'):
        monkeypatch.delenv(name, raising=False)
    path = tmp_path / 'w.sock'
    with socket.socket(socket.AF_UNIX) as s:
        s.bind(str(path))
        yield path


def mode_of(path) -> int:
    return stat.S_IMODE(os.stat(path).st_mode)


def test_addresses():
    assert socket_path('unix:/run/w.sock') == '/run/w.sock'
    assert socket_path('unix:///run/w.sock') == '/run/w.sock'
    assert socket_path('unix:w.sock') == 'w.sock'
    assert socket_path('127.0.0.1:7001') is None


def test_default_mode_is_owner_and_group(unix_socket):
    assert apply_socket_access(f'unix:{unix_socket}').startswith(f'socket {unix_socket} mode 0660')
    assert mode_of(unix_socket) == 0o660


def test_mode_and_group_from_the_environment(unix_socket, monkeypatch):
    gid = os.getgid()
    monkeypatch.setenv('RACETRACK_WORKER_SOCKET_MODE', '0600')
    monkeypatch.setenv('RACETRACK_WORKER_SOCKET_GROUP', str(gid))
    apply_socket_access(f'unix:{unix_socket}')
    assert (mode_of(unix_socket), os.stat(unix_socket).st_gid) == (0o600, gid)
    monkeypatch.setenv('RACETRACK_WORKER_SOCKET_MODE', '666')
    monkeypatch.setenv('RACETRACK_WORKER_SOCKET_GROUP', grp.getgrgid(gid).gr_name)
    apply_socket_access(f'unix:{unix_socket}')
    assert (mode_of(unix_socket), os.stat(unix_socket).st_gid) == (0o666, gid)


@pytest.mark.parametrize('name, value, message', [
    ('RACETRACK_WORKER_SOCKET_MODE', 'rw', 'is not an octal file mode'),
    ('RACETRACK_WORKER_SOCKET_MODE', '1777', 'between 0 and 0777'),
    ('RACETRACK_WORKER_SOCKET_GROUP', 'no-such-group-here', 'no such group'),
])
def test_bad_settings_are_clear_errors(unix_socket, monkeypatch, name, value, message):
    monkeypatch.setenv(name, value)
    with pytest.raises(SocketAccessError, match=message):
        apply_socket_access(f'unix:{unix_socket}')


def test_tcp_addresses_are_left_alone():
    assert apply_socket_access('127.0.0.1:7001') is None
