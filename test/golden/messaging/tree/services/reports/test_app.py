"""Unit tests (unittest, standard library): the real server on an ephemeral port."""

import json
import threading
import unittest
import urllib.error
import urllib.request

import app
from lifecycle import Faults, shutdown_delay_seconds


class AppServerTest(unittest.TestCase):
    def setUp(self) -> None:
        self.server = app.AppServer(("127.0.0.1", 0))
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()
        self.base = f"http://127.0.0.1:{self.server.server_address[1]}"

    def tearDown(self) -> None:
        self.server.shutdown()
        self.server.server_close()
        self.thread.join(5)

    def get(self, path: str, method: str = "GET") -> tuple[int, bytes]:
        req = urllib.request.Request(self.base + path, method=method)
        try:
            with urllib.request.urlopen(req, timeout=5) as res:
                return res.status, res.read()
        except urllib.error.HTTPError as err:
            return err.code, err.read()

    def test_probes(self) -> None:
        self.assertEqual(self.get("/healthz")[0], 200)
        self.assertEqual(self.get("/readyz")[0], 200)
        self.server.shutting_down.set()
        self.assertEqual(self.get("/readyz")[0], 503)
        # Liveness must not flip: the process is still alive while it drains.
        self.assertEqual(self.get("/healthz")[0], 200)

    def test_root_is_json(self) -> None:
        status, body = self.get("/")
        self.assertEqual(status, 200)
        self.assertEqual(json.loads(body)["service"], app.SERVICE_NAME)
        self.assertEqual(self.get("/nope")[0], 404)
        self.assertEqual(self.get("/", method="POST")[0], 405)

    def test_metrics(self) -> None:
        self.get("/")
        self.get("/nope")
        status, body = self.get("/metrics")
        self.assertEqual(status, 200)
        text = body.decode()
        for line in (
            'http_requests_total{method="GET",route="/",status="200"} 1',
            'http_requests_total{method="GET",route="other",status="404"} 1',
            'http_request_duration_seconds_bucket{method="GET",route="/",le="+Inf"} 1',
            'http_request_duration_seconds_count{method="GET",route="/"} 1',
        ):
            self.assertIn(line + "\n", text)
        self.assertRegex(text, r"(?m)^process_start_time_seconds \d+$")

    def test_drain_returns_when_idle(self) -> None:
        self.assertTrue(self.server.drain(0.5))

    def test_parse_port(self) -> None:
        self.assertEqual(app.parse_port(None), app.DEFAULT_PORT)
        self.assertEqual(app.parse_port("8081"), 8081)
        for bad in ("0", "70000", "http", "-1"):
            with self.assertRaises(ValueError):
                app.parse_port(bad)


class FaultSwitchTest(unittest.TestCase):
    """FAULT_* is a test switch: off by default, exact share of GET / when on, never the probes."""

    def test_off_by_default_and_validated(self) -> None:
        self.assertFalse(Faults({}).enabled)
        with self.assertRaises(ValueError):
            Faults({"FAULT_ERROR_RATIO": "2"})
        self.assertEqual(shutdown_delay_seconds({}), 5.0)
        with self.assertRaises(ValueError):
            shutdown_delay_seconds({"SHUTDOWN_DELAY_SECONDS": "-1"})

    def test_error_ratio(self) -> None:
        server = app.AppServer(("127.0.0.1", 0), Faults({"FAULT_ERROR_RATIO": "0.5"}))
        thread = threading.Thread(target=server.serve_forever, daemon=True)
        thread.start()
        base = f"http://127.0.0.1:{server.server_address[1]}"
        try:
            statuses = []
            for _ in range(10):
                try:
                    with urllib.request.urlopen(base + "/", timeout=5) as res:
                        statuses.append(res.status)
                except urllib.error.HTTPError as err:
                    statuses.append(err.code)
            self.assertEqual(statuses.count(500), 5)
            with urllib.request.urlopen(base + "/healthz", timeout=5) as res:
                self.assertEqual(res.status, 200)
        finally:
            server.shutdown()
            server.server_close()
            thread.join(5)

if __name__ == "__main__":
    unittest.main()
