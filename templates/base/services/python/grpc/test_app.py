"""Unit tests (unittest): a real gRPC client against the server on an ephemeral port."""

import unittest

import grpc

import app  # also puts gen/ on sys.path
from greeter.v1 import greeter_service_pb2, greeter_service_pb2_grpc
from grpc_health.v1 import health_pb2, health_pb2_grpc


class AppServerTest(unittest.TestCase):
    def setUp(self) -> None:
        self.server, self.health, port, self.registry = app.create_server("127.0.0.1:0")
        self.server.start()
        self.channel = grpc.insecure_channel(f"127.0.0.1:{port}")

    def tearDown(self) -> None:
        self.channel.close()
        self.server.stop(None)

    def test_say_hello(self) -> None:
        stub = greeter_service_pb2_grpc.GreeterServiceStub(self.channel)
        res = stub.SayHello(greeter_service_pb2.SayHelloRequest(name="Ada"), timeout=5)
        self.assertTrue(res.message.startswith("hello Ada, from "), res.message)
        # Counted with go-grpc-prometheus' names and labels.
        text = self.registry.render().decode()
        labels = 'grpc_type="unary",grpc_service="greeter.v1.GreeterService",grpc_method="SayHello"'
        self.assertIn(f'grpc_server_handled_total{{{labels},grpc_code="OK"}} 1\n', text)
        self.assertIn(f"grpc_server_handling_seconds_count{{{labels}}} 1\n", text)

    def test_health(self) -> None:
        stub = health_pb2_grpc.HealthStub(self.channel)

        def check(service: str) -> int:
            return stub.Check(health_pb2.HealthCheckRequest(service=service), timeout=5).status

        self.assertEqual(check(""), health_pb2.HealthCheckResponse.SERVING)
        self.assertEqual(check(app.GREETER_SERVICE), health_pb2.HealthCheckResponse.SERVING)
        with self.assertRaises(grpc.RpcError) as err:
            check("no.such.Service")
        self.assertEqual(err.exception.code(), grpc.StatusCode.NOT_FOUND)
        self.health.enter_graceful_shutdown()
        self.assertEqual(check(""), health_pb2.HealthCheckResponse.NOT_SERVING)

    def test_parse_port(self) -> None:
        self.assertEqual(app.parse_port(None), app.DEFAULT_PORT)
        self.assertEqual(app.parse_port(None, "METRICS_PORT", app.DEFAULT_METRICS_PORT), 9464)
        for bad in ("0", "70000", "grpc"):
            with self.assertRaises(ValueError):
                app.parse_port(bad)


if __name__ == "__main__":
    unittest.main()
