package app;

/** Process settings shared by the HTTP and gRPC servers. */
final class Lifecycle {
  private Lifecycle() {}

  /**
   * Milliseconds the server keeps accepting and answering requests after SIGTERM while its
   * readiness already fails (SHUTDOWN_DELAY_SECONDS, default 5). Endpoint removal in Kubernetes is
   * asynchronous: kube-proxy, load balancers and meshes keep sending new requests for a moment
   * after the pod started terminating, and a server that stops listening at once drops them. The
   * chart's preStop sleep covers the same gap before SIGTERM; this delay also covers clusters
   * where the sleep action is unavailable, and {@code docker stop}. Delay + drain (10 s) must stay
   * below the pod's terminationGracePeriodSeconds (30 s).
   */
  static long shutdownDelayMillis(String raw) {
    if (raw == null || raw.isEmpty()) return 5_000;
    try {
      double seconds = Double.parseDouble(raw);
      if (seconds >= 0 && seconds <= 60) return Math.round(seconds * 1000);
    } catch (NumberFormatException ignored) {
      // reported below
    }
    throw new IllegalArgumentException("SHUTDOWN_DELAY_SECONDS must be a number of seconds between 0 and 60, got \"" + raw + "\"");
  }
}
