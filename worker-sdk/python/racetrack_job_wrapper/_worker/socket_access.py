"""Who may connect to the worker's unix socket: its mode and group.

A gateway running under another uid (a sidecar container) connects through the group:
RACETRACK_WORKER_SOCKET_MODE (octal, default 0660) and RACETRACK_WORKER_SOCKET_GROUP (a gid or a
group name; unset: the worker's own group). Connecting to a unix socket needs write permission on
it, so the default lets the owner and the group in, and nobody else.
"""
from __future__ import annotations

import grp
import os

MODE_ENV = 'RACETRACK_WORKER_SOCKET_MODE'
GROUP_ENV = 'RACETRACK_WORKER_SOCKET_GROUP'
DEFAULT_MODE = 0o660


class SocketAccessError(RuntimeError):
    """The socket's mode or group cannot be applied; the message says which and why."""


def socket_path(address: str) -> str | None:
    """The file of a ``unix:PATH`` or ``unix:///PATH`` gRPC address; None for other addresses."""
    if not address.startswith('unix:'):
        return None
    path = address[len('unix:'):]
    return path[2:] if path.startswith('///') else path


def configured_mode() -> int:
    text = os.environ.get(MODE_ENV, '').strip()
    if not text:
        return DEFAULT_MODE
    try:
        mode = int(text, 8)
    except ValueError:
        raise SocketAccessError(f'{MODE_ENV}={text} is not an octal file mode (e.g. 0660)') from None
    if not 0 <= mode <= 0o777:
        raise SocketAccessError(f'{MODE_ENV}={text} is not a file mode between 0 and 0777')
    return mode


def configured_gid() -> int | None:
    text = os.environ.get(GROUP_ENV, '').strip()
    if not text:
        return None
    if text.isdigit():
        return int(text)
    try:
        return grp.getgrnam(text).gr_gid
    except KeyError:
        raise SocketAccessError(f'{GROUP_ENV}={text}: no such group') from None


def apply_socket_access(address: str) -> str | None:
    """Sets the mode and group of the socket behind ``address``; a description for the start-up
    log, or None when the address is not a unix socket."""
    path = socket_path(address)
    if path is None:
        return None
    mode, gid = configured_mode(), configured_gid()
    if gid is not None:
        try:
            os.chown(path, -1, gid)
        except OSError as e:
            raise SocketAccessError(f'cannot give the worker socket {path} to group {gid} '
                                    f'({GROUP_ENV}): {e.strerror}') from None
    try:
        os.chmod(path, mode)
    except OSError as e:
        raise SocketAccessError(f'cannot set mode {mode:04o} on the worker socket {path} ({MODE_ENV}): '
                                f'{e.strerror}') from None
    st = os.stat(path)
    return f'socket {path} mode {st.st_mode & 0o777:04o} gid {st.st_gid}'
