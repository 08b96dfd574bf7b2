package app;

import java.time.Instant;
import java.util.Map;

/**
 * Structured logging: one JSON object per line on stdout (ts, level, msg, service, fields), the
 * format log collectors parse without a custom regex. Hand-written to keep the service free of
 * dependencies; swap in a JSON layout of your logging library when you add one.
 */
public final class Log {
  private Log() {}

  public static synchronized void log(String level, String msg, Map<String, ?> fields) {
    StringBuilder b = new StringBuilder(128).append('{');
    field(b, "ts", Instant.now().toString()).append(',');
    field(b, "level", level).append(',');
    field(b, "msg", msg).append(',');
    field(b, "service", Main.SERVICE_NAME);
    for (Map.Entry<String, ?> e : fields.entrySet()) {
      b.append(',');
      Object v = e.getValue();
      if (v instanceof Number || v instanceof Boolean) {
        quote(b, e.getKey()).append(':').append(v);
      } else {
        field(b, e.getKey(), String.valueOf(v));
      }
    }
    System.out.println(b.append('}'));
    System.out.flush();
  }

  public static void info(String msg, Map<String, ?> fields) {
    log("info", msg, fields);
  }

  public static void warn(String msg, Map<String, ?> fields) {
    log("warn", msg, fields);
  }

  public static void error(String msg, Map<String, ?> fields) {
    log("error", msg, fields);
  }

  private static StringBuilder field(StringBuilder b, String key, String value) {
    return quote(quote(b, key).append(':'), value);
  }

  static StringBuilder quote(StringBuilder b, String s) {
    b.append('"');
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '"' -> b.append("\\\"");
        case '\\' -> b.append("\\\\");
        case '\n' -> b.append("\\n");
        case '\r' -> b.append("\\r");
        case '\t' -> b.append("\\t");
        default -> {
          if (c < 0x20) b.append(String.format("\\u%04x", (int) c));
          else b.append(c);
        }
      }
    }
    return b.append('"');
  }
}
