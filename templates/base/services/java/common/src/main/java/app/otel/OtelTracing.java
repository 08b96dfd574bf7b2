package app.otel;

import app.Tracing;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.SpanBuilder;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.propagation.TextMapGetter;
import io.opentelemetry.context.propagation.TextMapPropagator;
import io.opentelemetry.context.propagation.TextMapSetter;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.autoconfigure.AutoConfiguredOpenTelemetrySdk;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.BiConsumer;
import java.util.function.Function;

/**
 * OpenTelemetry tracing with the SDK's autoconfiguration: OTLP/HTTP to
 * OTEL_EXPORTER_OTLP_ENDPOINT (+ /v1/traces), resource from OTEL_SERVICE_NAME and
 * OTEL_RESOURCE_ATTRIBUTES, W3C trace context. Loaded reflectively by {@link Tracing#fromEnvironment}
 * only when the endpoint is set; needs the io.opentelemetry dependencies of pom.xml.
 */
public final class OtelTracing implements Tracing {
  private static final TextMapGetter<Function<String, String>> GETTER = new TextMapGetter<>() {
    @Override
    public Iterable<String> keys(Function<String, String> carrier) {
      return List.of("traceparent", "tracestate", "baggage");
    }

    @Override
    public String get(Function<String, String> carrier, String key) {
      return carrier == null ? null : carrier.apply(key);
    }
  };

  private static final TextMapSetter<BiConsumer<String, String>> SETTER = (carrier, key, value) -> {
    if (carrier != null) carrier.accept(key, value);
  };

  private final OpenTelemetrySdk sdk;
  private final Tracer tracer;
  private final TextMapPropagator propagator;

  public OtelTracing(String serviceName) {
    // Defaults only: the OTEL_* environment variables override every one of them. Traces only
    // (metrics are scraped from /metrics; logs go to stdout), over OTLP/HTTP like the chart's endpoint.
    sdk = AutoConfiguredOpenTelemetrySdk.builder()
        .addPropertiesSupplier(() -> Map.of(
            "otel.service.name", serviceName,
            "otel.exporter.otlp.protocol", "http/protobuf",
            "otel.metrics.exporter", "none",
            "otel.logs.exporter", "none"))
        .build()
        .getOpenTelemetrySdk();
    tracer = sdk.getTracer(serviceName);
    propagator = sdk.getPropagators().getTextMapPropagator();
  }

  @Override
  public Tracing.Span startServerSpan(String name, Function<String, String> header, Map<String, String> attributes) {
    return start(name, SpanKind.SERVER, header, attributes);
  }

  @Override
  public Tracing.Span startMessageSpan(String name, String kind, Function<String, String> header, Map<String, String> attributes) {
    return start(name, SpanKind.valueOf(kind), header, attributes);
  }

  private Tracing.Span start(String name, SpanKind kind, Function<String, String> header, Map<String, String> attributes) {
    Context parent = header == null ? Context.current() : propagator.extract(Context.root(), header, GETTER);
    SpanBuilder builder = tracer.spanBuilder(name).setParent(parent).setSpanKind(kind);
    attributes.forEach(builder::setAttribute);
    return wrap(builder.startSpan());
  }

  private static Tracing.Span wrap(io.opentelemetry.api.trace.Span span) {
    return new Tracing.Span() {
      @Override
      public void setAttribute(String key, String value) {
        span.setAttribute(AttributeKey.stringKey(key), value);
      }

      @Override
      public void setAttribute(String key, long value) {
        span.setAttribute(AttributeKey.longKey(key), value);
      }

      @Override
      public void end(boolean error, String description) {
        if (error) span.setStatus(StatusCode.ERROR, description);
        span.end();
      }

      @Override
      public void inject(BiConsumer<String, String> header) {
        propagator.inject(parent.with(span), header, SETTER);
      }
    };
  }

  @Override
  public Tracing.Span startClientSpan(String name, Map<String, String> attributes) {
    SpanBuilder builder = tracer.spanBuilder(name).setSpanKind(SpanKind.CLIENT);
    attributes.forEach(builder::setAttribute);
    return wrap(builder.startSpan());
  }

  @Override
  public void shutdown() {
    sdk.getSdkTracerProvider().shutdown().join(5, TimeUnit.SECONDS);
  }
}
