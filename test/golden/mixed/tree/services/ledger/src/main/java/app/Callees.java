package app;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Calls to the services this one depends on (its callees), found through the environment that the chart
 * (deploy/charts/&lt;service&gt;/values.yaml) and compose.yaml set from {@code calls} in cn-scaffold.yaml:
 * {@code CALLEES=orders,payments} (the names), {@code ORDERS_URL} (an HTTP callee's base URL),
 * {@code PAYMENTS_ADDR} (a gRPC callee's target, for a generated gRPC client), {@code <NAME>_TIMEOUT_MS}
 * and {@code <NAME>_RETRIES} (the deadline of one call, retries included, and the retries).
 * JDK only (java.net.http). Readiness never depends on callees: a service that is up answers /readyz
 * even when a callee is down, so one failure does not cascade into restarts.
 */
public final class Callees {
  static final long DEFAULT_TIMEOUT_MS = 2000;
  static final int DEFAULT_RETRIES = 2;
  private static final long BACKOFF_BASE_MS = 100;
  private static final long BACKOFF_MAX_MS = 1000;

  /** One service this one calls; protocol is "http" or "grpc", target a base URL or a gRPC target. */
  public record Callee(String name, String protocol, String target, long timeoutMs, int retries) {}

  public record Result(int status, String body, int attempts) {}

  /** A call that failed after its retries, or ran out of time. */
  public static final class CallException extends Exception {
    private static final long serialVersionUID = 1L;
    final int attempts;
    final int status;

    CallException(String message, int attempts, int status) {
      super(message);
      this.attempts = attempts;
      this.status = status;
    }
  }

  private Callees() {}

  private static long number(String raw, long fallback) {
    if (raw == null || !raw.matches("[0-9]{1,9}")) return fallback;
    return Long.parseLong(raw);
  }

  /** The callees declared in the environment, in the order of CALLEES. */
  public static List<Callee> fromEnv(Map<String, String> env) {
    List<Callee> out = new ArrayList<>();
    for (String raw : env.getOrDefault("CALLEES", "").split(",")) {
      String name = raw.trim();
      if (name.isEmpty()) continue;
      String p = name.toUpperCase(Locale.ROOT).replace('-', '_');
      long timeout = number(env.get(p + "_TIMEOUT_MS"), DEFAULT_TIMEOUT_MS);
      int retries = (int) number(env.get(p + "_RETRIES"), DEFAULT_RETRIES);
      String url = env.get(p + "_URL");
      String addr = env.get(p + "_ADDR");
      if (url != null && !url.isEmpty()) out.add(new Callee(name, "http", url.replaceAll("/+$", ""), timeout, retries));
      else if (addr != null && !addr.isEmpty()) out.add(new Callee(name, "grpc", addr, timeout, retries));
    }
    return out;
  }

  /** Only worth another attempt: the callee was unreachable, overloaded or restarting. */
  private static boolean retryable(int status) {
    return status == 502 || status == 503 || status == 504;
  }

  /**
   * GET {@code path} on an HTTP callee. One deadline (timeoutMs) covers every attempt; a connection error,
   * an attempt that timed out or a 502/503/504 is retried up to {@code retries} times after an exponential
   * backoff (100 ms, 200 ms, 400 ms... at most 1 s, with jitter). Returns the first answer that is not
   * retried (any status: the caller decides); throws CallException when the retries or the time are used up.
   */
  public static Result call(HttpClient client, Callee c, String path) throws CallException, InterruptedException {
    if (!c.protocol().equals("http")) {
      throw new CallException(c.name() + " is a gRPC service: call it with a generated gRPC client at " + c.target(), 0, 0);
    }
    long deadline = System.nanoTime() + c.timeoutMs() * 1_000_000;
    String last = "no attempt made";
    int status = 0;
    for (int attempt = 1; ; attempt++) {
      long remainingMs = (deadline - System.nanoTime()) / 1_000_000;
      if (remainingMs <= 0) {
        throw new CallException(c.name() + ": timed out after " + c.timeoutMs() + " ms (" + (attempt - 1) + " attempts; last: " + last + ")", attempt - 1, status);
      }
      HttpRequest request = HttpRequest.newBuilder(URI.create(c.target() + path))
          .timeout(Duration.ofMillis(remainingMs))
          .header("Accept", "application/json")
          .GET()
          .build();
      try {
        HttpResponse<String> response = client.send(request, HttpResponse.BodyHandlers.ofString());
        if (!retryable(response.statusCode())) return new Result(response.statusCode(), response.body(), attempt);
        status = response.statusCode();
        last = "HTTP " + status;
      } catch (HttpTimeoutException e) {
        last = "timed out";
      } catch (IOException e) {
        last = String.valueOf(e.getMessage() != null ? e.getMessage() : e.getClass().getSimpleName());
      }
      if (attempt > c.retries()) {
        throw new CallException(c.name() + ": failed after " + attempt + " attempts (last: " + last + ")", attempt, status);
      }
      long backoff = Math.min(BACKOFF_BASE_MS << (attempt - 1), BACKOFF_MAX_MS);
      long sleep = backoff / 2 + ThreadLocalRandom.current().nextLong(backoff / 2 + 1);
      Thread.sleep(Math.max(0, Math.min(sleep, (deadline - System.nanoTime()) / 1_000_000)));
    }
  }

  /** The outcome of GET /callees. */
  public record Report(boolean ok, String json) {}

  /**
   * Calls GET / on every HTTP callee at once and reports each answer as a JSON array (served at
   * GET /callees). gRPC callees are listed, not called: wire the generated client there.
   */
  public static Report callAll(HttpClient client, List<Callee> callees) {
    List<CompletableFuture<String>> parts = new ArrayList<>();
    boolean[] ok = {true};
    for (Callee c : callees) {
      parts.add(CompletableFuture.supplyAsync(() -> {
        StringBuilder b = new StringBuilder("{\"name\":");
        Log.quote(b, c.name()).append(",\"protocol\":");
        Log.quote(b, c.protocol()).append(",\"target\":");
        Log.quote(b, c.target());
        if (!c.protocol().equals("http")) return b.append(",\"ok\":true,\"error\":\"not called: use the generated gRPC client\"}").toString();
        try {
          Result r = call(client, c, "/");
          boolean good = r.status() < 400;
          synchronized (ok) {
            ok[0] &= good;
          }
          b.append(",\"ok\":").append(good).append(",\"status\":").append(r.status()).append(",\"attempts\":").append(r.attempts()).append(",\"body\":");
          return Log.quote(b, r.body()).append('}').toString();
        } catch (CallException e) {
          synchronized (ok) {
            ok[0] = false;
          }
          b.append(",\"ok\":false,\"attempts\":").append(e.attempts);
          if (e.status != 0) b.append(",\"status\":").append(e.status);
          b.append(",\"error\":");
          return Log.quote(b, e.getMessage()).append('}').toString();
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          synchronized (ok) {
            ok[0] = false;
          }
          return b.append(",\"ok\":false,\"error\":\"interrupted\"}").toString();
        }
      }));
    }
    List<String> items = parts.stream().map(CompletableFuture::join).toList();
    synchronized (ok) {
      return new Report(ok[0], "[" + String.join(",", items) + "]");
    }
  }
}
