package app;

import com.sun.net.httpserver.HttpServer;
import io.grpc.ForwardingServerCall;
import io.grpc.ForwardingServerCallListener;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.Status;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Server-side gRPC metrics with go-grpc-prometheus' names and labels (what the generated
 * PrometheusRule and dashboard query): grpc_server_handled_total{grpc_type,grpc_service,
 * grpc_method,grpc_code} and the grpc_server_handling_seconds histogram, recorded by a server
 * interceptor that also starts the tracing span; and the plain-HTTP endpoint that serves them.
 */
public final class GrpcMetrics implements ServerInterceptor {
  /** Probes are counted but get no span: they would drown the real traffic. */
  private static final String HEALTH_SERVICE = "grpc.health.v1.Health";

  private final Metrics metrics = new Metrics();
  private final Metrics.Counter handled = metrics.counter("grpc_server_handled_total",
      "Total number of RPCs completed on the server, regardless of success or failure.",
      "grpc_type", "grpc_service", "grpc_method", "grpc_code");
  private final Metrics.Histogram duration = metrics.histogram("grpc_server_handling_seconds",
      "Histogram of response latency (seconds) of gRPC that had been application-level handled by the server.",
      "grpc_type", "grpc_service", "grpc_method");
  private final Tracing tracing;

  public GrpcMetrics(Tracing tracing) {
    this.tracing = tracing;
  }

  /** Status code as Go's codes.Code prints it (OK, Canceled, NotFound...), go-grpc-prometheus' label values. */
  static String codeName(Status.Code code) {
    if (code == Status.Code.OK) return "OK";
    if (code == Status.Code.CANCELLED) return "Canceled";
    StringBuilder b = new StringBuilder();
    for (String part : code.name().split("_")) {
      b.append(part.charAt(0)).append(part.substring(1).toLowerCase(Locale.ROOT));
    }
    return b.toString();
  }

  static String typeName(MethodDescriptor.MethodType type) {
    return switch (type) {
      case UNARY -> "unary";
      case CLIENT_STREAMING -> "client_stream";
      case SERVER_STREAMING -> "server_stream";
      case BIDI_STREAMING -> "bidi_stream";
      default -> "unknown";
    };
  }

  @Override
  public <ReqT, RespT> ServerCall.Listener<ReqT> interceptCall(
      ServerCall<ReqT, RespT> call, Metadata headers, ServerCallHandler<ReqT, RespT> next) {
    MethodDescriptor<ReqT, RespT> md = call.getMethodDescriptor();
    String service = md.getServiceName() == null ? "unknown" : md.getServiceName();
    String method = md.getBareMethodName() == null ? md.getFullMethodName() : md.getBareMethodName();
    String type = typeName(md.getType());
    long started = System.nanoTime();
    Tracing.Span span = HEALTH_SERVICE.equals(service)
        ? Tracing.NOOP_SPAN
        : tracing.startServerSpan(service + "/" + method,
            key -> headers.get(Metadata.Key.of(key, Metadata.ASCII_STRING_MARSHALLER)),
            Map.of("rpc.system", "grpc", "rpc.service", service, "rpc.method", method));
    AtomicBoolean done = new AtomicBoolean(false);
    java.util.function.Consumer<Status.Code> record = code -> {
      if (!done.compareAndSet(false, true)) return;
      String name = codeName(code);
      handled.inc(type, service, method, name);
      duration.observe((System.nanoTime() - started) / 1e9, type, service, method);
      span.setAttribute("rpc.grpc.status_code", code.value());
      span.end(code != Status.Code.OK, name);
    };
    ServerCall<ReqT, RespT> observed = new ForwardingServerCall.SimpleForwardingServerCall<>(call) {
      @Override
      public void close(Status status, Metadata trailers) {
        record.accept(status.getCode());
        super.close(status, trailers);
      }
    };
    return new ForwardingServerCallListener.SimpleForwardingServerCallListener<>(next.startCall(observed, headers)) {
      @Override
      public void onCancel() {
        // The client went away (or the deadline passed) before the server answered.
        record.accept(Status.Code.CANCELLED);
        super.onCancel();
      }
    };
  }

  /** Serves GET /metrics over plain HTTP on its own port: Prometheus does not speak gRPC. */
  public HttpServer serve(int port) throws IOException {
    HttpServer server = HttpServer.create(new InetSocketAddress(port), 0);
    server.createContext("/metrics", ex -> {
      try (ex) {
        if (!ex.getRequestURI().getPath().equals("/metrics")) {
          ex.sendResponseHeaders(404, -1);
          return;
        }
        byte[] body = metrics.render().getBytes(StandardCharsets.UTF_8);
        ex.getResponseHeaders().set("Content-Type", Metrics.CONTENT_TYPE);
        ex.sendResponseHeaders(200, body.length);
        try (OutputStream out = ex.getResponseBody()) {
          out.write(body);
        }
      }
    });
    server.start();
    return server;
  }

  /** The rendered metrics (tests). */
  String render() {
    return metrics.render();
  }
}
