package app;

import java.util.Map;
import java.util.function.BiConsumer;
import java.util.function.Function;

/**
 * The tracing the service code sees: a server span per request. The OpenTelemetry implementation
 * (app.otel.OtelTracing, built by Maven with the SDK from pom.xml) is loaded reflectively and only
 * when OTEL_EXPORTER_OTLP_ENDPOINT is set, so the rest of the service compiles and runs with the
 * JDK alone (javac, no dependency); without it every call is a no-op.
 */
public interface Tracing {
  /** A started span; {@link #end} records the outcome. */
  interface Span {
    void setAttribute(String key, String value);

    void setAttribute(String key, long value);

    /** Ends the span, marked failed when {@code error} is true. */
    void end(boolean error, String description);

    /** Writes this span's W3C trace context into outgoing message headers (no-op without tracing). */
    default void inject(BiConsumer<String, String> header) {}
  }

  /**
   * Starts a SERVER span that continues the caller's W3C trace context.
   *
   * @param header reads an incoming header (traceparent, tracestate) by lower-case name
   */
  Span startServerSpan(String name, Function<String, String> header, Map<String, String> attributes);

  /** Starts a CLIENT span (a call to a store or another service), a child of the current span. */
  default Span startClientSpan(String name, Map<String, String> attributes) {
    return NOOP_SPAN;
  }

  /**
   * Starts a span of a message operation (e.g. NATS): {@code kind} is CONSUMER (continuing the trace
   * read by {@code header}), PRODUCER or CLIENT (sending; {@code header} may be null).
   */
  default Span startMessageSpan(String name, String kind, Function<String, String> header, Map<String, String> attributes) {
    return NOOP_SPAN;
  }

  /** Flushes pending spans; call before exiting. */
  void shutdown();

  Span NOOP_SPAN = new Span() {
    @Override
    public void setAttribute(String key, String value) {}

    @Override
    public void setAttribute(String key, long value) {}

    @Override
    public void end(boolean error, String description) {}
  };

  Tracing NOOP = new Tracing() {
    @Override
    public Span startServerSpan(String name, Function<String, String> header, Map<String, String> attributes) {
      return NOOP_SPAN;
    }

    @Override
    public void shutdown() {}
  };

  /** The OpenTelemetry implementation when the endpoint is configured, else {@link #NOOP}. */
  static Tracing fromEnvironment(String serviceName) {
    String endpoint = System.getenv("OTEL_EXPORTER_OTLP_ENDPOINT");
    String tracesEndpoint = System.getenv("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT");
    if ((endpoint == null || endpoint.isEmpty()) && (tracesEndpoint == null || tracesEndpoint.isEmpty())) return NOOP;
    try {
      return (Tracing) Class.forName("app.otel.OtelTracing")
          .getConstructor(String.class)
          .newInstance(serviceName);
    } catch (ReflectiveOperationException | LinkageError e) {
      // Built without the SDK (plain javac): run untraced rather than not at all.
      Log.warn("tracing disabled: OpenTelemetry SDK not on the class path", Map.of("error", String.valueOf(e)));
      return NOOP;
    }
  }
}
