package app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import greeter.v1.GreeterServiceGrpc;
import greeter.v1.SayHelloRequest;
import io.grpc.Grpc;
import io.grpc.InsecureChannelCredentials;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthCheckResponse.ServingStatus;
import io.grpc.health.v1.HealthGrpc;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The real server on an ephemeral port, driven by a real gRPC client. */
class AppTest {
  private App app;
  private ManagedChannel channel;

  @BeforeEach
  void start() throws Exception {
    app = new App(0).start();
    channel = Grpc.newChannelBuilderForAddress("127.0.0.1", app.port(), InsecureChannelCredentials.create()).build();
  }

  @AfterEach
  void stop() throws Exception {
    channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    app.stop(0);
  }

  @Test
  void sayHello() throws Exception {
    String message = GreeterServiceGrpc.newBlockingStub(channel)
        .withDeadlineAfter(5, TimeUnit.SECONDS)
        .sayHello(SayHelloRequest.newBuilder().setName("Ada").build())
        .getMessage();
    assertTrue(message.startsWith("hello Ada, from "), message);
    // Counted with go-grpc-prometheus' names and labels, served over HTTP on the metrics port.
    String body = HttpClient.newHttpClient().send(
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + app.metricsPort() + "/metrics")).build(),
        HttpResponse.BodyHandlers.ofString()).body();
    String labels = "grpc_type=\"unary\",grpc_service=\"greeter.v1.GreeterService\",grpc_method=\"SayHello\"";
    assertTrue(body.contains("grpc_server_handled_total{" + labels + ",grpc_code=\"OK\"} 1\n"), body);
    assertTrue(body.contains("grpc_server_handling_seconds_count{" + labels + "} 1\n"), body);
  }

  @Test
  void codeNamesFollowGo() {
    assertEquals("DeadlineExceeded", GrpcMetrics.codeName(Status.Code.DEADLINE_EXCEEDED));
    assertEquals("Canceled", GrpcMetrics.codeName(Status.Code.CANCELLED));
    assertEquals("OK", GrpcMetrics.codeName(Status.Code.OK));
  }

  @Test
  void health() {
    HealthGrpc.HealthBlockingStub stub = HealthGrpc.newBlockingStub(channel).withDeadlineAfter(5, TimeUnit.SECONDS);
    assertEquals(ServingStatus.SERVING, stub.check(HealthCheckRequest.newBuilder().setService("").build()).getStatus());
    assertEquals(ServingStatus.SERVING,
        stub.check(HealthCheckRequest.newBuilder().setService(GreeterServiceGrpc.SERVICE_NAME).build()).getStatus());
    StatusRuntimeException unknown = assertThrows(StatusRuntimeException.class,
        () -> stub.check(HealthCheckRequest.newBuilder().setService("no.such.Service").build()));
    assertEquals(Status.Code.NOT_FOUND, unknown.getStatus().getCode());
    app.beginShutdown();
    assertEquals(ServingStatus.NOT_SERVING, stub.check(HealthCheckRequest.newBuilder().setService("").build()).getStatus());
  }

  @Test
  void parsePort() {
    assertEquals(Main.DEFAULT_PORT, Main.parsePort(null));
    assertThrows(IllegalArgumentException.class, () -> Main.parsePort("70000"));
  }
}
