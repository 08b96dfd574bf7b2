package app;

import java.lang.management.ManagementFactory;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.DoubleSupplier;

/**
 * Prometheus metrics in the text exposition format (version 0.0.4), JDK only: a counter and a
 * histogram with labels are all the generated alerts and dashboard need (request rate, error
 * ratio, latency; deploy/charts/&lt;service&gt;/templates/prometheusrule.yaml). Series and buckets match the
 * other skeletons. https://prometheus.io/docs/instrumenting/exposition_formats/
 */
public final class Metrics {
  public static final String CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";
  /** Default buckets of the Prometheus client libraries (seconds). */
  static final double[] DEFAULT_BUCKETS = {0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10};

  private interface Metric {
    void render(StringBuilder out);
  }

  private final List<Metric> metrics = new CopyOnWriteArrayList<>();

  /** A registry with the process basics: process_start_time_seconds (restart alert), jvm_threads_current. */
  public Metrics() {
    long startSeconds = ManagementFactory.getRuntimeMXBean().getStartTime() / 1000;
    gauge("process_start_time_seconds", "Start time of the process since unix epoch in seconds.", () -> startSeconds);
    gauge("jvm_threads_current", "Current thread count of the JVM.", () -> ManagementFactory.getThreadMXBean().getThreadCount());
  }

  static String escape(String v) {
    return v.replace("\\", "\\\\").replace("\n", "\\n").replace("\"", "\\\"");
  }

  static String num(double v) {
    if (v == Double.POSITIVE_INFINITY) return "+Inf";
    if (v == Math.rint(v) && Math.abs(v) < 1e15) return Long.toString((long) v);
    return Double.toString(v);
  }

  static String labels(String[] names, List<String> values, String... extra) {
    if (names.length == 0 && extra.length == 0) return "";
    StringBuilder b = new StringBuilder("{");
    for (int i = 0; i < names.length; i++) {
      if (i > 0) b.append(',');
      b.append(names[i]).append("=\"").append(escape(values.get(i))).append('"');
    }
    for (int i = 0; i + 1 < extra.length; i += 2) {
      if (b.length() > 1) b.append(',');
      b.append(extra[i]).append("=\"").append(escape(extra[i + 1])).append('"');
    }
    return b.append('}').toString();
  }

  /** A counter partitioned by label values (given in label name order). */
  public static final class Counter implements Metric {
    private final String name;
    private final String help;
    private final String[] labelNames;
    // TreeMap keyed by the joined values: sorted, stable output.
    private final Map<String, double[]> values = new TreeMap<>();
    private final Map<String, List<String>> labelValues = new TreeMap<>();

    Counter(String name, String help, String... labelNames) {
      this.name = name;
      this.help = help;
      this.labelNames = labelNames;
    }

    public synchronized void inc(String... values) {
      String key = String.join("\u0000", values);
      this.values.computeIfAbsent(key, k -> new double[1])[0] += 1;
      labelValues.putIfAbsent(key, List.of(values));
    }

    @Override
    public synchronized void render(StringBuilder out) {
      out.append("# HELP ").append(name).append(' ').append(help).append('\n');
      out.append("# TYPE ").append(name).append(" counter\n");
      for (Map.Entry<String, double[]> e : values.entrySet()) {
        out.append(name).append(labels(labelNames, labelValues.get(e.getKey()))).append(' ').append(num(e.getValue()[0])).append('\n');
      }
    }
  }

  /** A histogram partitioned by label values. */
  public static final class Histogram implements Metric {
    private final String name;
    private final String help;
    private final String[] labelNames;
    private final double[] buckets;
    // per series: bucket counts..., sum, count
    private final Map<String, double[]> series = new TreeMap<>();
    private final Map<String, List<String>> labelValues = new TreeMap<>();

    Histogram(String name, String help, double[] buckets, String... labelNames) {
      this.name = name;
      this.help = help;
      this.buckets = buckets.clone();
      this.labelNames = labelNames;
    }

    public synchronized void observe(double value, String... values) {
      String key = String.join("\u0000", values);
      double[] s = series.computeIfAbsent(key, k -> new double[buckets.length + 2]);
      labelValues.putIfAbsent(key, List.of(values));
      for (int i = 0; i < buckets.length; i++) {
        if (value <= buckets[i]) s[i] += 1;
      }
      s[buckets.length] += value;
      s[buckets.length + 1] += 1;
    }

    @Override
    public synchronized void render(StringBuilder out) {
      out.append("# HELP ").append(name).append(' ').append(help).append('\n');
      out.append("# TYPE ").append(name).append(" histogram\n");
      for (Map.Entry<String, double[]> e : series.entrySet()) {
        List<String> v = labelValues.get(e.getKey());
        double[] s = e.getValue();
        for (int i = 0; i < buckets.length; i++) {
          out.append(name).append("_bucket").append(labels(labelNames, v, "le", num(buckets[i]))).append(' ').append(num(s[i])).append('\n');
        }
        double count = s[buckets.length + 1];
        out.append(name).append("_bucket").append(labels(labelNames, v, "le", "+Inf")).append(' ').append(num(count)).append('\n');
        out.append(name).append("_sum").append(labels(labelNames, v)).append(' ').append(num(s[buckets.length])).append('\n');
        out.append(name).append("_count").append(labels(labelNames, v)).append(' ').append(num(count)).append('\n');
      }
    }
  }

  public Counter counter(String name, String help, String... labelNames) {
    Counter c = new Counter(name, help, labelNames);
    metrics.add(c);
    return c;
  }

  public Histogram histogram(String name, String help, String... labelNames) {
    Histogram h = new Histogram(name, help, DEFAULT_BUCKETS, labelNames);
    metrics.add(h);
    return h;
  }

  /** A gauge read at scrape time. */
  public void gauge(String name, String help, DoubleSupplier read) {
    metrics.add(out -> out.append("# HELP ").append(name).append(' ').append(help).append('\n')
        .append("# TYPE ").append(name).append(" gauge\n")
        .append(name).append(' ').append(num(read.getAsDouble())).append('\n'));
  }

  /** The body of GET /metrics. */
  public String render() {
    StringBuilder out = new StringBuilder(4096);
    for (Metric m : metrics) m.render(out);
    return out.toString();
  }
}
