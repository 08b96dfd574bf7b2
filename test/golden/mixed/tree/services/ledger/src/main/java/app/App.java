package app;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The HTTP handlers (liveness, readiness, Prometheus metrics, a small JSON endpoint, GET /callees which
 * calls every HTTP callee through {@link Callees}) on the JDK's
 * built-in server, each request counted, timed and (when tracing is on) wrapped in a server span.
 * Process concerns (PORT, signals) live in {@link Main}, so tests can run this in-process.
 */
public final class App {
  /** Known routes keep their path; anything else is "other", so a scan cannot create unbounded series. */
  private static final Set<String> ROUTES = Set.of("/", "/callees", "/healthz", "/readyz", "/metrics");
  /** Probes and scrapes are counted but get no span: they would drown the real traffic. */
  private static final Set<String> UNTRACED = Set.of("/healthz", "/readyz", "/metrics");

  private final HttpServer server;
  private final ExecutorService executor;
  private final AtomicBoolean shuttingDown = new AtomicBoolean(false);
  private final Metrics metrics = new Metrics();
  private final Metrics.Counter requests =
      metrics.counter("http_requests_total", "HTTP requests handled, by method, route and status code.", "method", "route", "status");
  private final Metrics.Histogram duration =
      metrics.histogram("http_request_duration_seconds", "Time to answer HTTP requests, in seconds.", "method", "route");
  private final Tracing tracing;
  /** The callees of the env contract, and the client GET /callees calls them with. */
  private final List<Callees.Callee> callees = Callees.fromEnv(System.getenv());
  private final HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(2)).build();

  public App(String host, int port) throws IOException {
    this(host, port, Tracing.NOOP);
  }

  public App(String host, int port, Tracing tracing) throws IOException {
    this.tracing = tracing;
    server = HttpServer.create(new InetSocketAddress(host, port), 0);
    // One thread per request: the default executor serves requests on a single thread.
    executor = Executors.newCachedThreadPool();
    server.setExecutor(executor);
    server.createContext("/", this::handle);
  }

  public int port() {
    return server.getAddress().getPort();
  }

  public void start() {
    server.start();
  }

  /** Readiness turns false: the endpoint leaves the Service while in-flight requests drain. */
  public void beginShutdown() {
    shuttingDown.set(true);
  }

  /**
   * Stops accepting connections and waits up to {@code drainSeconds} for in-flight exchanges
   * (HttpServer.stop's contract), then releases the worker threads.
   */
  public void stop(int drainSeconds) {
    beginShutdown();
    server.stop(drainSeconds);
    executor.shutdownNow();
  }

  private void handle(HttpExchange ex) throws IOException {
    long started = System.nanoTime();
    String method = ex.getRequestMethod();
    String path = ex.getRequestURI().getPath();
    String route = ROUTES.contains(path) ? path : "other";
    Tracing.Span span = UNTRACED.contains(path)
        ? Tracing.NOOP_SPAN
        : tracing.startServerSpan(method + " " + route, ex.getRequestHeaders()::getFirst,
            Map.of("http.request.method", method, "http.route", route, "url.path", path));
    try {
      respond(ex);
    } finally {
      int status = ex.getResponseCode(); // -1 when the handler failed before answering
      requests.inc(method, route, Integer.toString(status));
      duration.observe((System.nanoTime() - started) / 1e9, method, route);
      span.setAttribute("http.response.status_code", status);
      span.end(status >= 500 || status < 0, "HTTP " + status);
    }
  }

  private void respond(HttpExchange ex) throws IOException {
    try (ex) {
      String method = ex.getRequestMethod();
      if (!method.equals("GET") && !method.equals("HEAD")) {
        ex.getResponseHeaders().set("Allow", "GET, HEAD");
        send(ex, 405, "{\"error\":\"method not allowed\"}");
        return;
      }
      switch (ex.getRequestURI().getPath()) {
        // Liveness: answering at all proves the process is alive.
        case "/healthz" -> send(ex, 200, "{\"status\":\"ok\"}");
        case "/readyz" -> {
          if (shuttingDown.get()) send(ex, 503, "{\"status\":\"shutting down\"}");
          else send(ex, 200, "{\"status\":\"ready\"}");
        }
        case "/metrics" -> {
          byte[] body = metrics.render().getBytes(StandardCharsets.UTF_8);
          ex.getResponseHeaders().set("Content-Type", Metrics.CONTENT_TYPE);
          boolean head = method.equals("HEAD");
          ex.sendResponseHeaders(200, head ? -1 : body.length);
          if (!head) {
            try (OutputStream out = ex.getResponseBody()) {
              out.write(body);
            }
          }
        }
        case "/" -> {
          StringBuilder b = new StringBuilder("{\"service\":");
          Log.quote(b, Main.SERVICE_NAME).append(",\"message\":");
          Log.quote(b, "hello from " + Main.SERVICE_NAME).append('}');
          send(ex, 200, b.toString());
        }
        case "/callees" -> {
          // One GET / per HTTP callee: 200 when every callee answered, else 502.
          Callees.Report r = Callees.callAll(client, callees);
          StringBuilder b = new StringBuilder("{\"service\":");
          Log.quote(b, Main.SERVICE_NAME).append(",\"callees\":").append(r.json()).append('}');
          send(ex, r.ok() ? 200 : 502, b.toString());
        }
        default -> send(ex, 404, "{\"error\":\"not found\"}");
      }
    }
  }

  private static void send(HttpExchange ex, int status, String json) throws IOException {
    byte[] body = json.getBytes(StandardCharsets.UTF_8);
    ex.getResponseHeaders().set("Content-Type", "application/json; charset=utf-8");
    boolean head = ex.getRequestMethod().equals("HEAD");
    ex.sendResponseHeaders(status, head ? -1 : body.length);
    if (!head) {
      try (OutputStream out = ex.getResponseBody()) {
        out.write(body);
      }
    }
  }
}
