"""Starts the real gateway binary with a real C++ worker on 127.0.0.1 and talks raw HTTP to it.

Standard library only. Every wait is on a condition with a deadline, never a bare sleep.
"""

import json
import os
import resource
import socket
import subprocess
import tempfile
import time

GATEWAY_BIN = os.environ.get("RACETRACK_GATEWAY_BIN", "build/gateway/gateway")
EXAMPLES_DIR = os.environ.get("RACETRACK_EXAMPLES_DIR", "build/examples/cpp")
PERFORM = "/api/v1/perform"


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for(condition, timeout, interval=0.02, what="condition"):
    deadline = time.monotonic() + timeout
    while True:
        value = condition()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout} s waiting for {what}")
        time.sleep(interval)


class Response:
    def __init__(self, status, headers, body):
        self.status = status
        self.headers = headers
        self.body = body

    def json(self):
        return json.loads(self.body)

    def __repr__(self):
        return f"Response({self.status}, {self.headers}, {self.body[:200]!r})"


def read_response(sock, timeout=5.0):
    """Reads one response (Content-Length framed) from a socket; None if the peer closed first."""
    sock.settimeout(timeout)
    buf = getattr(sock, "_pending", b"")
    while b"\r\n\r\n" not in buf:
        chunk = sock.recv(65536)
        if not chunk:
            sock._pending = buf
            return None
        buf += chunk
    head, _, rest = buf.partition(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    status = int(lines[0].split(" ")[1])
    headers = {}
    for line in lines[1:]:
        name, _, value = line.partition(":")
        headers[name.strip().lower()] = value.strip()
    length = int(headers.get("content-length", "0"))
    while len(rest) < length:
        chunk = sock.recv(65536)
        if not chunk:
            break
        rest += chunk
    sock._pending = rest[length:]
    return Response(status, headers, rest[:length])


class RawSocket(socket.socket):
    """A socket that can keep bytes read past one response for the next."""

    _pending = b""


def connect(port, timeout=5.0):
    sock = RawSocket(socket.AF_INET, socket.SOCK_STREAM)
    sock.settimeout(timeout)
    try:
        sock.connect(("127.0.0.1", port))
    except OSError:
        sock.close()
        raise
    return sock


def request_bytes(method, target, body=None, headers=None):
    headers = dict(headers or {})
    headers.setdefault("Host", "127.0.0.1")
    if body is not None:
        headers.setdefault("Content-Length", str(len(body)))
    out = f"{method} {target} HTTP/1.1\r\n".encode("latin-1")
    for name, value in headers.items():
        if isinstance(value, str):
            value = value.encode("latin-1")
        out += name.encode("latin-1") + b": " + value + b"\r\n"
    out += b"\r\n"
    if body is not None:
        out += body if isinstance(body, bytes) else body.encode()
    return out


class Gateway:
    """One gateway process with one supervised worker."""

    def __init__(self, job="sleepy_job", args=(), env=None, nofile=None):
        self.port = free_port()
        self.log_file = tempfile.NamedTemporaryFile(prefix="gateway-", suffix=".log", delete=False)
        full_env = dict(os.environ)
        full_env.update(env or {})
        full_env.setdefault("LOG_LEVEL", "info")
        argv = [GATEWAY_BIN, "--host", "127.0.0.1", "--port", str(self.port), *args,
                "--worker", os.path.join(EXAMPLES_DIR, job)]

        def limit_fds():
            if nofile is not None:
                resource.setrlimit(resource.RLIMIT_NOFILE, (nofile, nofile))

        self.proc = subprocess.Popen(argv, stdout=self.log_file, stderr=subprocess.STDOUT,
                                     env=full_env, preexec_fn=limit_fds)
        wait_for(self._ready, 15, what="the gateway to be ready")

    def _ready(self):
        if self.proc.poll() is not None:
            raise AssertionError(f"the gateway exited with {self.proc.returncode}:\n{self.log()}")
        try:
            return self.call("GET", "/ready", timeout=1).status == 200
        except OSError:
            return False

    def call(self, method, target, body=None, headers=None, timeout=5.0):
        with connect(self.port, timeout) as sock:
            sock.sendall(request_bytes(method, target, body, headers))
            return read_response(sock, timeout)

    def perform(self, payload, headers=None, timeout=10.0):
        headers = {"Content-Type": "application/json", **(headers or {})}
        return self.call("POST", PERFORM, json.dumps(payload), headers, timeout)

    def rss_kib(self):
        with open(f"/proc/{self.proc.pid}/status") as f:
            for line in f:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1])
        raise AssertionError("no VmRSS")

    def open_connections(self):
        text = self.call("GET", "/metrics").body.decode()
        for line in text.splitlines():
            if line.startswith("racetrack_gateway_open_connections"):
                return int(float(line.split()[-1]))
        raise AssertionError("no racetrack_gateway_open_connections in /metrics")

    def log(self):
        with open(self.log_file.name, "rb") as f:
            return f.read().decode("utf-8", "replace")

    def stop(self):
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self.log_file.close()
        os.unlink(self.log_file.name)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.stop()
