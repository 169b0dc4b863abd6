"""Fault suite, HTTP layer (issue 9 items 1-3, 4 as far as the connection goes, 7-9, 10's file
descriptors, --max-connections): hostile input and slow clients against the real gateway with
the real sleepy C++ worker. Each test failed before the change it covers.
"""

import json
import os
import resource
import socket
import threading
import time
import unittest

from gateway import PERFORM, Gateway, connect, read_response, request_bytes, wait_for

ERROR_KEYS = {"error", "type"}

# Thousands of client sockets (the gateway started from here inherits the limit too).
_soft, _hard = resource.getrlimit(resource.RLIMIT_NOFILE)
resource.setrlimit(resource.RLIMIT_NOFILE, (min(_hard, 16384), _hard))


class GoodTraffic:
    """Good perform calls from other clients, in a loop, while a test misbehaves."""

    def __init__(self, gateway, clients=4):
        self.gateway = gateway
        self.statuses = []
        self.stop = threading.Event()
        self.threads = [threading.Thread(target=self._run) for _ in range(clients)]

    def _run(self):
        while not self.stop.is_set():
            try:
                r = self.gateway.perform({"ms": 20})
                self.statuses.append(r.status if r else "closed")
            except OSError as e:
                self.statuses.append(repr(e))

    def __enter__(self):
        for t in self.threads:
            t.start()
        wait_for(lambda: len(self.statuses) >= 4, 10, what="good calls to flow")
        return self

    def __exit__(self, *exc):
        self.stop.set()
        for t in self.threads:
            t.join()


class IsolationTest(unittest.TestCase):
    """Item 1: nothing one request sends ends the stream other calls share."""

    def test_non_utf8_header_query_or_path_is_400_and_other_calls_are_unaffected(self):
        with Gateway() as gw, GoodTraffic(gw) as traffic:
            bad = [
                request_bytes("POST", PERFORM, "{}", {"X-Note": b"caf\xe9"}),
                request_bytes("POST", PERFORM + "?q=caf\xe9", "{}"),
                request_bytes("POST", "/api/v1/perform\xe9", "{}"),
            ]
            for _ in range(10):
                for data in bad:
                    with connect(gw.port) as sock:
                        sock.sendall(data)
                        r = read_response(sock)
                    self.assertEqual(r.status, 400, r)
                    self.assertEqual(set(r.json()), ERROR_KEYS, r)
            wait_for(lambda: len(traffic.statuses) >= 40, 10, what="more good calls")
        self.assertEqual(set(traffic.statuses), {200}, traffic.statuses)

    def test_request_over_the_worker_message_limit_is_413_alone(self):
        # 1 MiB messages; the body limit alone would let 1.5 MB through.
        args = ["--max-message-bytes", str(1 << 20), "--max-body-bytes", str(1_500_000)]
        with Gateway(args=args) as gw, GoodTraffic(gw) as traffic:
            body = json.dumps({"ms": 1, "pad": "x" * (1 << 20)})
            r = gw.call("POST", PERFORM, body, {"Content-Type": "application/json"}, timeout=10)
            self.assertEqual(r.status, 413, r)
            self.assertEqual(set(r.json()), ERROR_KEYS, r)
            fits = json.dumps({"ms": 1, "pad": "x" * 900_000})
            r = gw.call("POST", PERFORM, fits, {"Content-Type": "application/json"}, timeout=10)
            self.assertEqual(r.status, 200, r)
            wait_for(lambda: len(traffic.statuses) >= 20, 10, what="more good calls")
        self.assertEqual(set(traffic.statuses), {200}, traffic.statuses)


class SlowClientTest(unittest.TestCase):
    """Item 2: timeouts that hold."""

    def test_header_trickle_gets_408_from_the_first_byte(self):
        with Gateway(args=["--header-timeout-ms", "600"]) as gw:
            start = time.monotonic()
            with connect(gw.port) as sock:
                sock.sendall(b"GET /live HTTP/1.1\r\nHost: x\r\nX-Slow: ")
                # Paces the attack: one byte every 100 ms, each well inside the limit.
                try:
                    while time.monotonic() - start < 3:
                        sock.sendall(b"a")
                        time.sleep(0.1)
                except OSError:
                    pass  # the gateway answered and closed
                r = read_response(sock)
            self.assertIsNotNone(r)
            self.assertEqual(r.status, 408, r)
            self.assertLess(time.monotonic() - start, 3.5)
            self.assertIn("408", gw.log())

    def test_body_that_never_completes_gets_408(self):
        with Gateway(args=["--body-timeout-ms", "500"]) as gw:
            start = time.monotonic()
            with connect(gw.port) as sock:
                sock.sendall(b"POST /api/v1/perform HTTP/1.1\r\nHost: x\r\n"
                             b"Content-Length: 1000\r\n\r\n{\"ms\": 1,")
                r = read_response(sock, timeout=5)
            self.assertIsNotNone(r)
            self.assertEqual(r.status, 408, r)
            self.assertEqual(r.json()["type"], "RequestTimeout")
            self.assertLess(time.monotonic() - start, 3)


class StrictParsingTest(unittest.TestCase):
    """Item 3: RFC 9112 framing, where request smuggling lives."""

    CASES = [
        b"GET /live HTTP/1.1\r\nHost: x\r\nX Foo: bar\r\n\r\n",
        b"POST /api/v1/perform HTTP/1.1\r\nHost: x\r\nTransfer Encoding: chunked\r\n\r\n"
        b"2\r\n{}\r\n0\r\n\r\n",
        b"GET /live HTTP/1.1\r\nHost: x\r\n: empty\r\n\r\n",
        b"GET /live HTTP/1.1\r\nHost: x\r\nX-Fold: a\r\n b\r\n\r\n",
        b"GET /live HTTP/2.0\r\nHost: x\r\n\r\n",
        b"GET  /live HTTP/1.1\r\nHost: x\r\n\r\n",
        b"GET /live  HTTP/1.1\r\nHost: x\r\n\r\n",
        b"GET /live HTTP/1.1\r\n\r\n",
    ]

    def test_malformed_requests_get_400(self):
        with Gateway() as gw:
            for data in self.CASES:
                with self.subTest(data=data), connect(gw.port) as sock:
                    sock.sendall(data)
                    r = read_response(sock)
                    self.assertIsNotNone(r)
                    self.assertEqual(r.status, 400, r)
                    self.assertIsNone(read_response(sock))  # and the connection closes

    def test_chunk_data_without_crlf_smuggles_nothing(self):
        with Gateway() as gw, connect(gw.port) as sock:
            sock.sendall(b"POST /api/v1/perform HTTP/1.1\r\nHost: x\r\n"
                         b"Content-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n"
                         b"2\r\n{}ZZ0\r\n\r\nGET /live HTTP/1.1\r\nHost: x\r\n\r\n")
            r = read_response(sock)
            self.assertEqual(r.status, 400, r)
            self.assertIsNone(read_response(sock))

    def test_huge_chunk_size_is_413_at_once(self):
        with Gateway() as gw, connect(gw.port) as sock:
            sock.sendall(b"POST /api/v1/perform HTTP/1.1\r\nHost: x\r\n"
                         b"Transfer-Encoding: chunked\r\n\r\nFFFFFFFFFFFFFFFF\r\nab")
            r = read_response(sock, timeout=3)
            self.assertIsNotNone(r)
            self.assertEqual(r.status, 413, r)


class ClientLeavesTest(unittest.TestCase):
    """Item 4, connection side: a FIN while a call runs or waits abandons it."""

    def test_fin_while_the_call_runs_abandons_it(self):
        with Gateway() as gw, connect(gw.port) as sock:
            start = time.monotonic()
            sock.sendall(request_bytes("POST", PERFORM, json.dumps({"ms": 3000}),
                                       {"Content-Type": "application/json"}))
            sock.shutdown(socket.SHUT_WR)  # leave normally while the call runs
            r = read_response(sock, timeout=5)
            self.assertIsNone(r, "a client that left got an answer")
            self.assertLess(time.monotonic() - start, 2.5)

    def test_fin_while_queued_gives_up_the_place(self):
        manifest = "name: sleepy\nversion: 1.0.0\njobtype_extra:\n  max_concurrency: 1\n"
        with Gateway(env={"JOB_MANIFEST_YAML": manifest}) as gw:
            running = connect(gw.port)
            running.sendall(request_bytes("POST", PERFORM, json.dumps({"ms": 1500}),
                                          {"Content-Type": "application/json"}))
            queued = connect(gw.port)
            queued.sendall(request_bytes("POST", PERFORM, json.dumps({"ms": 1}),
                                         {"Content-Type": "application/json"}))
            queued.shutdown(socket.SHUT_WR)
            self.assertIsNone(read_response(queued, timeout=1.0))
            self.assertEqual(read_response(running, timeout=5).status, 200)
            running.close()
            queued.close()


class CsrfTest(unittest.TestCase):
    """Item 7: a JSON body under a CORS-safelisted Content-Type does not start a job."""

    def test_json_object_under_a_form_or_text_type_is_422(self):
        with Gateway() as gw:
            body = json.dumps({"ms": 1})
            for ctype in ["text/plain", "application/x-www-form-urlencoded",
                          "multipart/form-data; boundary=x"]:
                with self.subTest(ctype=ctype):
                    r = gw.call("POST", PERFORM, body, {"Content-Type": ctype})
                    self.assertEqual(r.status, 422, r)
                    self.assertEqual(r.json(), {"detail": [{
                        "type": "dict_type", "loc": ["body"],
                        "msg": "Input should be a valid dictionary", "input": body,
                        "url": "https://errors.pydantic.dev/2.6/v/dict_type"}]})
            self.assertEqual(gw.call("POST", PERFORM, body).status, 200)  # no Content-Type
            r = gw.call("POST", PERFORM, body, {"Content-Type": "application/json; charset=utf-8"})
            self.assertEqual(r.status, 200)


class ExpectContinueTest(unittest.TestCase):
    """Item 8: Expect: 100-continue is answered."""

    def test_interim_answer_then_the_call(self):
        with Gateway(args=["--max-body-bytes", "4096"]) as gw:
            body = json.dumps({"ms": 1, "pad": "x" * 2000}).encode()
            with connect(gw.port) as sock:
                head = request_bytes("POST", PERFORM, None, {
                    "Content-Type": "application/json", "Expect": "100-continue",
                    "Content-Length": str(len(body))})
                sock.sendall(head)
                interim = read_response(sock, timeout=0.8)
                self.assertIsNotNone(interim)
                self.assertEqual(interim.status, 100)
                sock.sendall(body)
                self.assertEqual(read_response(sock).status, 200)
            with connect(gw.port) as sock:
                sock.sendall(request_bytes("POST", PERFORM, None, {
                    "Expect": "100-continue", "Content-Length": "5000"}))
                self.assertEqual(read_response(sock, timeout=0.8).status, 413)
            with connect(gw.port) as sock:
                sock.sendall(request_bytes("POST", PERFORM, None, {
                    "Expect": "something-else", "Content-Length": "5"}))
                self.assertEqual(read_response(sock, timeout=0.8).status, 417)


class ConnectionMemoryTest(unittest.TestCase):
    """Item 9: an idle connection costs at most 4 KiB, and a flood's memory is given back."""

    IDLE = 2000

    @unittest.skipIf(os.environ.get("RACETRACK_SANITIZED") == "1",
                     "sanitizer builds pad every allocation: memory figures mean nothing there")
    def test_idle_connections_are_cheap_and_memory_comes_back(self):
        with Gateway() as gw:
            gw.call("GET", "/live")
            before = gw.rss_kib()
            socks = [connect(gw.port) for _ in range(self.IDLE)]
            wait_for(lambda: gw.open_connections() >= self.IDLE + 1, 20,
                     what="the gateway to accept every connection")
            during = gw.rss_kib()
            per_connection = (during - before) * 1024 / self.IDLE
            for s in socks:
                s.close()
            wait_for(lambda: gw.open_connections() <= 1, 20, what="the connections to close")
            after = gw.rss_kib()
            print(f"\nRSS KiB before {before}, with {self.IDLE} idle connections {during} "
                  f"({per_connection:.0f} B each), after {after}")
            self.assertLessEqual(per_connection, 4096)
            self.assertLess(after - before, 4096)  # within 4 MiB of where it started


class ConnectionLimitsTest(unittest.TestCase):
    """--max-connections, and item 10: running out of file descriptors is logged."""

    def test_over_the_limit_new_connections_get_503_and_one_log_line(self):
        with Gateway(args=["--max-connections", "5"]) as gw:
            # Accepted first: the kernel's accept queue is first in, first out.
            idle = [connect(gw.port) for _ in range(5)]
            statuses = []
            for _ in range(20):
                with connect(gw.port) as sock:
                    sock.sendall(request_bytes("GET", "/live"))
                    r = read_response(sock)
                    statuses.append(r.status if r else None)
            self.assertEqual(set(statuses), {503}, statuses)
            for s in idle:
                s.close()
            wait_for(lambda: gw.call("GET", "/live").status == 200, 5)
            lines = [l for l in gw.log().splitlines() if "connection limit reached" in l]
            self.assertGreaterEqual(len(lines), 1)
            self.assertLessEqual(len(lines), 3)  # rate-limited

    def test_running_out_of_file_descriptors_is_logged_once_a_second(self):
        with Gateway(nofile=256) as gw:
            socks = []
            try:
                for _ in range(400):
                    socks.append(connect(gw.port))
            except OSError:
                pass
            wait_for(lambda: "out of file descriptors" in gw.log(), 10,
                     what="the out-of-descriptors log line")
            lines = [l for l in gw.log().splitlines() if "out of file descriptors" in l]
            self.assertLessEqual(len(lines), 3, lines)
            self.assertIn("ERROR", lines[0])
            for s in socks:
                s.close()

            def serving():
                # Until the descriptors are back, a new connection may still be dropped.
                try:
                    return gw.call("GET", "/live").status == 200
                except OSError:
                    return False

            wait_for(serving, 10, what="the gateway to serve again")


if __name__ == "__main__":
    unittest.main(verbosity=2)
