package app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The real server on an ephemeral port, driven by the JDK's HTTP client. */
class AppTest {
  private App app;
  private final HttpClient client = HttpClient.newHttpClient();

  @BeforeEach
  void start() throws Exception {
    app = new App("127.0.0.1", 0);
    app.start();
  }

  @AfterEach
  void stop() {
    app.stop(0);
  }

  private HttpResponse<String> request(String method, String path) throws Exception {
    HttpRequest req = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + app.port() + path))
        .method(method, HttpRequest.BodyPublishers.noBody())
        .build();
    return client.send(req, HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void probes() throws Exception {
    assertEquals(200, request("GET", "/healthz").statusCode());
    assertEquals(200, request("GET", "/readyz").statusCode());
    app.beginShutdown();
    assertEquals(503, request("GET", "/readyz").statusCode());
    // Liveness must not flip: the process is still alive while it drains.
    assertEquals(200, request("GET", "/healthz").statusCode());
  }

  @Test
  void rootIsJson() throws Exception {
    HttpResponse<String> res = request("GET", "/");
    assertEquals(200, res.statusCode());
    assertTrue(res.headers().firstValue("content-type").orElse("").startsWith("application/json"));
    assertTrue(res.body().contains("\"service\":\"" + Main.SERVICE_NAME + "\""), res.body());
    assertEquals(404, request("GET", "/nope").statusCode());
    assertEquals(405, request("POST", "/").statusCode());
  }

  @Test
  void metrics() throws Exception {
    request("GET", "/");
    request("GET", "/nope");
    HttpResponse<String> res = request("GET", "/metrics");
    assertEquals(200, res.statusCode());
    assertTrue(res.headers().firstValue("content-type").orElse("").startsWith("text/plain; version=0.0.4"));
    for (String line : new String[] {
      "http_requests_total{method=\"GET\",route=\"/\",status=\"200\"} 1",
      "http_requests_total{method=\"GET\",route=\"other\",status=\"404\"} 1",
      "http_request_duration_seconds_bucket{method=\"GET\",route=\"/\",le=\"+Inf\"} 1",
      "http_request_duration_seconds_count{method=\"GET\",route=\"/\"} 1",
    }) {
      assertTrue(res.body().contains(line + "\n"), () -> "missing " + line + " in\n" + res.body());
    }
  }

  @Test
  void parsePort() {
    assertEquals(Main.DEFAULT_PORT, Main.parsePort(null));
    assertEquals(8082, Main.parsePort("8082"));
    assertThrows(IllegalArgumentException.class, () -> Main.parsePort("70000"));
    assertThrows(IllegalArgumentException.class, () -> Main.parsePort("http"));
  }
}
