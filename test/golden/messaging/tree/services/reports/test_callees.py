"""The callee client (callees.py) against local stub servers: the env contract is read, refused or
overloaded requests are retried with backoff, and a failing callee is an error within the deadline."""

from __future__ import annotations

import json
import threading
import time
import unittest
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import callees


def stub(statuses: list[int]) -> tuple[ThreadingHTTPServer, list[int]]:
    """A server answering with the given statuses in turn (the last one repeats); hits[0] counts requests."""
    hits = [0]

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # noqa: N802
            status = statuses[min(hits[0], len(statuses) - 1)]
            hits[0] += 1
            body = json.dumps({"service": "stub", "n": hits[0]}).encode()
            self.send_response(status)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, format: str, *args: object) -> None:  # noqa: A002
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    # A short poll interval: shutdown() waits for the loop to notice (0.5 s by default).
    threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True).start()
    return server, hits


def callee(server: ThreadingHTTPServer, timeout_ms: int = 2000, retries: int = 2) -> callees.Callee:
    return callees.Callee("orders", "http", f"http://127.0.0.1:{server.server_address[1]}", timeout_ms, retries)


class CalleesTest(unittest.TestCase):
    def test_env_contract(self) -> None:
        env = {"CALLEES": "orders,payments-api", "ORDERS_URL": "http://orders:8080/", "ORDERS_TIMEOUT_MS": "500", "ORDERS_RETRIES": "1", "PAYMENTS_API_ADDR": "dns:///p:9090"}
        self.assertEqual(
            callees.callees_from_env(env),
            [callees.Callee("orders", "http", "http://orders:8080", 500, 1), callees.Callee("payments-api", "grpc", "dns:///p:9090", 2000, 2)],
        )

    def test_retries_a_503(self) -> None:
        server, hits = stub([503, 503, 200])
        self.addCleanup(server.shutdown)
        result = callees.call_service(callee(server))
        self.assertEqual((result.status, result.attempts, hits[0]), (200, 3, 3))

    def test_a_404_is_an_answer(self) -> None:
        server, hits = stub([404])
        self.addCleanup(server.shutdown)
        self.assertEqual(callees.call_service(callee(server)).status, 404)
        self.assertEqual(hits[0], 1)

    def test_failing_callee_is_an_error_after_the_retries(self) -> None:
        server, hits = stub([503])
        self.addCleanup(server.shutdown)
        started = time.monotonic()
        with self.assertRaises(callees.CallError) as ctx:
            callees.call_service(callee(server, 3000, 2))
        self.assertEqual((ctx.exception.attempts, ctx.exception.status, hits[0]), (3, 503, 3))
        self.assertLess(time.monotonic() - started, 3.0)

    def test_unreachable_callee_is_an_error(self) -> None:
        server, _ = stub([200])
        port = server.server_address[1]
        server.shutdown()
        server.server_close()
        with self.assertRaises(callees.CallError) as ctx:
            callees.call_service(callees.Callee("gone", "http", f"http://127.0.0.1:{port}", 1000, 1))
        self.assertEqual(ctx.exception.attempts, 2)

    def test_call_all_lists_grpc_callees_without_calling_them(self) -> None:
        server, hits = stub([200])
        self.addCleanup(server.shutdown)
        http, grpc = callees.call_all([callee(server), callees.Callee("payments", "grpc", "dns:///p:1", 100, 0)])
        self.assertEqual((http["ok"], http["body"]), (True, {"service": "stub", "n": 1}))
        self.assertTrue(grpc["ok"])
        self.assertEqual(hits[0], 1)


if __name__ == "__main__":
    unittest.main()
