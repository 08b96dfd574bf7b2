package app.data;

import app.Log;
import app.Tracing;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * What every store client of this service shares: retries with exponential backoff and jitter,
 * client spans, and the state that keeps readiness independent of the stores (a store that is down
 * makes its endpoints answer 503 "degraded"; the process stays ready and is not restarted).
 */
public final class Resilience {
  private Resilience() {}

  /** A store call that may fail; {@link NotFound} is an answer, not a failure. */
  public interface Call<T> {
    T run() throws Exception;
  }

  /** Thrown by a store's get for a key it does not hold. */
  public static final class NotFound extends Exception {
    public NotFound() {
      super("no such key", null, false, false);
    }
  }

  /** Whether the store is prepared (migrations, start-up key), and why not. */
  public static final class State {
    public volatile boolean ready;
    public volatile String error = "not connected yet";
  }

  /** Delay before retry {@code attempt} (0-based): 200 ms doubling up to {@code maxMillis}, full jitter. */
  static long backoffMillis(int attempt, long maxMillis) {
    long d = Math.min(maxMillis, 200L << Math.min(attempt, 20));
    return ThreadLocalRandom.current().nextLong(d + 1);
  }

  /** Runs the call up to 3 times with backoff between failures; rethrows the last failure. */
  static <T> T withRetry(Call<T> call) throws Exception {
    for (int attempt = 0; ; attempt++) {
      try {
        return call.run();
      } catch (NotFound e) {
        throw e;
      } catch (Exception e) {
        if (attempt >= 2) throw e;
        Thread.sleep(backoffMillis(attempt, 5_000));
      }
    }
  }

  /** A CLIENT span around one store call (OpenTelemetry database semantic conventions). */
  static <T> T traced(Tracing tracing, String name, Map<String, String> attributes, Call<T> call) throws Exception {
    Tracing.Span span = tracing.startClientSpan(name, attributes);
    boolean failed = false;
    String why = "";
    try {
      return call.run();
    } catch (NotFound e) {
      throw e;
    } catch (Exception e) {
      failed = true;
      why = String.valueOf(e.getMessage());
      throw e;
    } finally {
      span.end(failed, why);
    }
  }

  /** Prepares a store on a daemon thread until it succeeds (backoff up to 30 s). */
  static void prepareInBackground(String store, State state, Callable<Void> prepare, AtomicBoolean stopped) {
    Thread t = new Thread(() -> {
      for (int attempt = 0; !stopped.get(); attempt++) {
        try {
          prepare.call();
          state.error = "";
          state.ready = true;
          Log.info("store ready", Map.of("store", store));
          return;
        } catch (Exception e) {
          state.error = String.valueOf(e.getMessage());
          Log.warn("store not ready, retrying", Map.of("store", store, "error", state.error, "attempt", attempt));
          try {
            Thread.sleep(backoffMillis(attempt, 30_000));
          } catch (InterruptedException ie) {
            return;
          }
        }
      }
    }, "prepare-" + store);
    t.setDaemon(true);
    t.start();
  }

  static String need(String name, String what) {
    String v = System.getenv(name);
    if (v == null || v.isEmpty()) {
      throw new IllegalStateException(name + " is not set (the chart sets " + what + " from the service's credentials Secret)");
    }
    return v;
  }
}
