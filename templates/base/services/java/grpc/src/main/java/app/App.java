package app;

import greeter.v1.GreeterServiceGrpc;
import greeter.v1.SayHelloRequest;
import greeter.v1.SayHelloResponse;
import io.grpc.Grpc;
import io.grpc.InsecureServerCredentials;
import io.grpc.Server;
import io.grpc.ServerInterceptors;
import io.grpc.health.v1.HealthCheckResponse.ServingStatus;
import io.grpc.protobuf.services.HealthStatusManager;
import io.grpc.protobuf.services.ProtoReflectionServiceV1;
import io.grpc.stub.StreamObserver;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.util.concurrent.TimeUnit;

/**
 * The gRPC server: the example GreeterService plus the standard grpc.health.v1.Health service
 * that Kubernetes gRPC probes call, and server reflection (grpcurl and ghz call the service
 * without the .proto file). Calls are counted, timed and (with tracing) wrapped in a span by
 * {@link GrpcMetrics}, whose /metrics is served over HTTP on a separate port. Process concerns
 * (ports, signals) live in {@link Main}, so tests can run this in-process.
 */
public final class App {
  private final Server server;
  private final HealthStatusManager health = new HealthStatusManager();
  private final GrpcMetrics metrics;
  private final int metricsPort;
  private HttpServer metricsServer;

  /** The example API of proto/greeter/v1/greeter_service.proto. */
  static final class Greeter extends GreeterServiceGrpc.GreeterServiceImplBase {
    @Override
    public void sayHello(SayHelloRequest req, StreamObserver<SayHelloResponse> out) {
      String name = req.getName().strip();
      if (name.isEmpty()) name = "world";
      out.onNext(SayHelloResponse.newBuilder()
          .setMessage("hello " + name + ", from " + Main.SERVICE_NAME)
          .build());
      out.onCompleted();
    }
  }

  /** Binds all interfaces; port 0 picks a free port (tests). Plaintext: the mesh adds mTLS. */
  public App(int port) {
    this(port, 0, Tracing.NOOP);
  }

  public App(int port, int metricsPort, Tracing tracing) {
    this.metrics = new GrpcMetrics(tracing);
    this.metricsPort = metricsPort;
    server = Grpc.newServerBuilderForPort(port, InsecureServerCredentials.create())
        .addService(ServerInterceptors.intercept(new Greeter(), metrics))
        .addService(ServerInterceptors.intercept(health.getHealthService(), metrics))
        .addService(ProtoReflectionServiceV1.newInstance())
        .build();
  }

  public App start() throws IOException {
    server.start();
    metricsServer = metrics.serve(metricsPort);
    // "" is the overall server status, the one a probe without `service` checks.
    health.setStatus("", ServingStatus.SERVING);
    health.setStatus(GreeterServiceGrpc.SERVICE_NAME, ServingStatus.SERVING);
    return this;
  }

  public int port() {
    return server.getPort();
  }

  public int metricsPort() {
    return metricsServer.getAddress().getPort();
  }

  /** Every service reports NOT_SERVING from now on, so probes fail while calls drain. */
  public void beginShutdown() {
    health.enterTerminalState();
  }

  /**
   * Stops accepting calls, waits up to {@code drainSeconds} for in-flight ones, then cancels
   * whatever is left.
   */
  public void stop(int drainSeconds) throws InterruptedException {
    beginShutdown();
    server.shutdown();
    if (!server.awaitTermination(drainSeconds, TimeUnit.SECONDS)) {
      Log.warn("drain deadline reached, cancelling remaining calls", java.util.Map.of());
      server.shutdownNow();
      server.awaitTermination(5, TimeUnit.SECONDS);
    }
    metricsServer.stop(0); // scrapeable until the calls drained
  }
}
