package app;

import java.util.Map;
import java.util.concurrent.CountDownLatch;
import sun.misc.Signal;

/**
 * Entry point of ledger: reads PORT, starts the server and shuts down gracefully on
 * SIGTERM (what the kubelet sends) and SIGINT (Ctrl-C).
 */
public final class Main {
  public static final String SERVICE_NAME = "ledger";
  static final int DEFAULT_PORT = 8082;
  // Shutdown delay + this must stay below the pod's terminationGracePeriodSeconds (30 s by
  // default), or the kubelet kills the process before the drain finishes.
  static final int DRAIN_TIMEOUT_SECONDS = 10;

  private Main() {}

  static int parsePort(String raw) {
    if (raw == null || raw.isEmpty()) return DEFAULT_PORT;
    try {
      int port = Integer.parseInt(raw);
      if (port >= 1 && port <= 65535) return port;
    } catch (NumberFormatException ignored) {
      // reported below
    }
    throw new IllegalArgumentException("PORT must be an integer between 1 and 65535, got \"" + raw + "\"");
  }

  public static void main(String[] args) throws Exception {
    App app;
    long delayMillis;
    Tracing tracing = Tracing.fromEnvironment(SERVICE_NAME);
    if (tracing != Tracing.NOOP) {
      Log.info("tracing enabled", Map.of("endpoint", String.valueOf(System.getenv("OTEL_EXPORTER_OTLP_ENDPOINT"))));
    }
    try {
      int port = parsePort(System.getenv("PORT"));
      delayMillis = Lifecycle.shutdownDelayMillis(System.getenv("SHUTDOWN_DELAY_SECONDS"));
      app = new App("0.0.0.0", port, tracing);
      app.start();
      Log.info("listening", Map.of("port", port));
    } catch (Exception e) {
      Log.error("startup failed", Map.of("error", String.valueOf(e.getMessage())));
      System.exit(1);
      return;
    }

    // sun.misc.Signal (module jdk.unsupported, kept accessible for exactly this use by JEP 260)
    // replaces the JVM's default handler, so the process exits 0 after draining instead of
    // 143; a shutdown hook cannot choose the exit status.
    CountDownLatch stop = new CountDownLatch(1);
    String[] received = new String[1];
    for (String name : new String[] {"TERM", "INT"}) {
      Signal.handle(new Signal(name), sig -> {
        received[0] = "SIG" + sig.getName();
        stop.countDown();
      });
    }
    stop.await();

    // Readiness fails from now on, but requests are still served for the shutdown delay: the pod
    // is only removed from the Service endpoints after its readiness failed (Lifecycle). Ctrl-C
    // is a person at a terminal, not an endpoint controller: no delay.
    if (!"SIGTERM".equals(received[0])) delayMillis = 0;
    Log.info("shutdown started", Map.of("signal", received[0], "delaySeconds", delayMillis / 1000.0));
    app.beginShutdown();
    Thread.sleep(delayMillis);
    Log.info("draining", Map.of());
    app.stop(DRAIN_TIMEOUT_SECONDS);
    tracing.shutdown(); // export the last spans
    Log.info("shutdown complete", Map.of());
    System.exit(0);
  }
}
