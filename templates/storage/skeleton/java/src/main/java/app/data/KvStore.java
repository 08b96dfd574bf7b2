package app.data;

import app.Tracing;
import java.io.ByteArrayInputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/**
 * The service's etcd key prefix through etcd's JSON gRPC gateway (/v3/auth/authenticate, /v3/kv/put,
 * /v3/kv/range, /v3/kv/txn: https://etcd.io/docs/v3.5/dev-guide/api_grpc_gateway/) with the JDK's
 * HttpClient (pooled keep-alive connections): authenticated as the service's own etcd user (its
 * role may read and write only under ETCD_PREFIX), TLS verified against ETCD_CA_PEM, the next
 * endpoint tried when one fails. The same gateway calls as the Python skeleton; jetcd would add
 * gRPC, Netty and Vert.x to a JDK-only skeleton.
 */
public final class KvStore implements Data.Store {
  private static final Pattern TOKEN = Pattern.compile("\"token\"\\s*:\\s*\"([^\"]+)\"");
  private static final Pattern VALUE = Pattern.compile("\"value\"\\s*:\\s*\"([^\"]*)\"");
  private final Resilience.State state = new Resilience.State();
  private final AtomicBoolean stopped = new AtomicBoolean(false);
  private final Tracing tracing;
  private final List<String> endpoints;
  private final String user;
  private final String password;
  private final String prefix;
  private final HttpClient http;
  private volatile String token;

  public KvStore(Tracing tracing) throws Exception {
    this.tracing = tracing;
    endpoints = List.of(Resilience.need("ETCD_ENDPOINTS", "ETCD_*").split(","));
    user = Resilience.need("ETCD_USER", "ETCD_*");
    password = Resilience.need("ETCD_PASSWORD", "ETCD_*");
    prefix = Resilience.need("ETCD_PREFIX", "ETCD_*");
    HttpClient.Builder b = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5));
    String pem = System.getenv("ETCD_CA_PEM");
    if (pem != null && !pem.isEmpty()) b.sslContext(trusting(pem));
    http = b.build();
  }

  private static SSLContext trusting(String pem) throws Exception {
    KeyStore ks = KeyStore.getInstance(KeyStore.getDefaultType());
    ks.load(null, null);
    int i = 0;
    for (var cert : CertificateFactory.getInstance("X.509").generateCertificates(new ByteArrayInputStream(pem.getBytes(StandardCharsets.US_ASCII)))) {
      ks.setCertificateEntry("etcd-ca-" + i++, (X509Certificate) cert);
    }
    TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    tmf.init(ks);
    SSLContext ctx = SSLContext.getInstance("TLS");
    ctx.init(null, tmf.getTrustManagers(), null);
    return ctx;
  }

  private static String b64(String s) {
    return Base64.getEncoder().encodeToString(s.getBytes(StandardCharsets.UTF_8));
  }

  private static String json(String s) {
    return '"' + s.replace("\\", "\\\\").replace("\"", "\\\"") + '"';
  }

  private String post(String path, String body, String auth) throws Exception {
    Exception last = new IllegalStateException("no etcd endpoint");
    for (String endpoint : endpoints) {
      HttpRequest.Builder req = HttpRequest.newBuilder(URI.create(endpoint.strip() + "/v3/" + path))
          .timeout(Duration.ofSeconds(5))
          .header("Content-Type", "application/json")
          .POST(HttpRequest.BodyPublishers.ofString(body));
      if (auth != null) req.header("Authorization", auth);
      HttpResponse<String> resp;
      try {
        resp = http.send(req.build(), HttpResponse.BodyHandlers.ofString());
      } catch (java.io.IOException e) {
        last = e; // unreachable: try the next endpoint
        continue;
      }
      if (resp.statusCode() != 200) throw new SecurityException("etcd " + path + ": HTTP " + resp.statusCode() + " " + resp.body());
      return resp.body();
    }
    throw last;
  }

  /** A request with the user's token; authenticates first, and again once when the token expired. */
  private String authed(String path, String body) throws Exception {
    for (int attempt = 0; ; attempt++) {
      String t = token;
      if (t == null) {
        Matcher m = TOKEN.matcher(post("auth/authenticate", "{\"name\":" + json(user) + ",\"password\":" + json(password) + "}", null));
        if (!m.find()) throw new SecurityException("etcd returned no token");
        token = t = m.group(1);
      }
      try {
        return post(path, body, t);
      } catch (SecurityException e) {
        if (attempt == 0 && e.getMessage().contains("token")) {
          token = null;
          continue;
        }
        throw e;
      }
    }
  }

  private String call(String operation, String path, String body) throws Exception {
    return Resilience.traced(tracing, "etcd " + operation, Map.of("db.system.name", "etcd", "db.namespace", prefix, "db.operation.name", operation),
        () -> Resilience.withRetry(() -> authed(path, body)));
  }

  @Override
  public Resilience.State state() {
    return state;
  }

  @Override
  public void start() {
    String key = json(b64(prefix + "_created"));
    Resilience.prepareInBackground("kv", state, () -> {
      call("TXN", "kv/txn", "{\"compare\":[{\"key\":" + key + ",\"result\":\"EQUAL\",\"target\":\"CREATE\",\"create_revision\":\"0\"}],"
          + "\"success\":[{\"request_put\":{\"key\":" + key + ",\"value\":" + json(b64("created")) + "}}]}");
      return null;
    }, stopped);
  }

  @Override
  public void put(String key, String value) throws Exception {
    call("PUT", "kv/put", "{\"key\":" + json(b64(prefix + key)) + ",\"value\":" + json(b64(value)) + "}");
  }

  @Override
  public String get(String key) throws Exception {
    Matcher m = VALUE.matcher(call("GET", "kv/range", "{\"key\":" + json(b64(prefix + key)) + "}"));
    if (!m.find()) throw new Resilience.NotFound();
    return new String(Base64.getDecoder().decode(m.group(1)), StandardCharsets.UTF_8);
  }

  @Override
  public void close() {
    stopped.set(true);
  }
}
