package app.data;

import app.Tracing;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayDeque;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Stream;

/**
 * The service's own MySQL-protocol database (Vitess keyspace or MySQL schema) over JDBC with MySQL
 * Connector/J (com.mysql:mysql-connector-j, found by DriverManager at run time): a small pool of
 * connections from the DB_* environment, the versioned migrations of ./migrations applied at
 * start-up (each file once, recorded in schema_migrations, one replica at a time with GET_LOCK),
 * and one table read and written with prepared statements.
 */
public final class SqlStore implements Data.Store {
  private static final int POOL_SIZE = 10;
  private final Resilience.State state = new Resilience.State();
  private final AtomicBoolean stopped = new AtomicBoolean(false);
  private final Tracing tracing;
  private final String url;
  private final Properties props = new Properties();
  private final String database;
  private final ArrayDeque<Connection> idle = new ArrayDeque<>();
  private final Semaphore slots = new Semaphore(POOL_SIZE);

  public SqlStore(Tracing tracing) {
    this.tracing = tracing;
    database = Resilience.need("DB_NAME", "DB_*");
    String port = System.getenv().getOrDefault("DB_PORT", "3306");
    url = "jdbc:mysql://" + Resilience.need("DB_HOST", "DB_*") + ":" + port + "/" + database;
    props.setProperty("user", Resilience.need("DB_USER", "DB_*"));
    props.setProperty("password", Resilience.need("DB_PASSWORD", "DB_*"));
    props.setProperty("connectTimeout", "5000");
  }

  @Override
  public Resilience.State state() {
    return state;
  }

  @Override
  public void start() {
    Resilience.prepareInBackground("sql", state, () -> {
      migrate();
      return null;
    }, stopped);
  }

  private interface Work<T> {
    T run(Connection c) throws Exception;
  }

  private <T> T withConnection(Work<T> work) throws Exception {
    if (!slots.tryAcquire(10, TimeUnit.SECONDS)) throw new SQLException("no free connection in the pool");
    Connection c = null;
    try {
      synchronized (idle) {
        c = idle.pollFirst();
      }
      if (c == null || !c.isValid(2)) c = DriverManager.getConnection(url, props);
      T result = work.run(c);
      synchronized (idle) {
        idle.addFirst(c);
      }
      c = null;
      return result;
    } finally {
      if (c != null) {
        try {
          c.close(); // failed: never reuse a connection in an unknown state
        } catch (SQLException ignored) {
          // already broken
        }
      }
      slots.release();
    }
  }

  private Map<String, String> attributes(String operation) {
    return Map.of("db.system.name", "mysql", "db.namespace", database, "db.operation.name", operation, "db.collection.name", "items");
  }

  private void migrate() throws Exception {
    withConnection(c -> {
      try (Statement st = c.createStatement()) {
        try (ResultSet rs = st.executeQuery("SELECT GET_LOCK('schema_migrations', 30)")) {
          if (!rs.next() || rs.getInt(1) != 1) throw new SQLException("another replica holds the migration lock");
        }
        try {
          st.execute("CREATE TABLE IF NOT EXISTS schema_migrations (version VARCHAR(190) NOT NULL PRIMARY KEY, "
              + "applied_at TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP)");
          Set<String> applied = new HashSet<>();
          try (ResultSet rs = st.executeQuery("SELECT version FROM schema_migrations")) {
            while (rs.next()) applied.add(rs.getString(1));
          }
          List<Path> files;
          try (Stream<Path> list = Files.list(Path.of("migrations"))) {
            files = list.filter(p -> p.toString().endsWith(".sql")).sorted().toList();
          }
          for (Path file : files) {
            String version = file.getFileName().toString();
            if (applied.contains(version)) continue;
            String text = Files.readString(file, StandardCharsets.UTF_8).replaceAll("(?m)^\\s*--.*$", "");
            // One statement at a time: statements end with ';' at a line end.
            for (String stmt : text.split("(?m);\\s*$")) {
              if (stmt.isBlank()) continue;
              Resilience.traced(tracing, "sql migrate", attributes("migrate"), () -> st.execute(stmt.trim()));
            }
            try (PreparedStatement ins = c.prepareStatement("INSERT INTO schema_migrations (version) VALUES (?)")) {
              ins.setString(1, version);
              ins.executeUpdate();
            }
          }
        } finally {
          st.execute("SELECT RELEASE_LOCK('schema_migrations')");
        }
      }
      return null;
    });
  }

  @Override
  public void put(String key, String value) throws Exception {
    Resilience.traced(tracing, "INSERT items", attributes("INSERT"), () -> Resilience.withRetry(() -> withConnection(c -> {
      try (PreparedStatement ps = c.prepareStatement("INSERT INTO items (k, v) VALUES (?, ?) ON DUPLICATE KEY UPDATE v = VALUES(v)")) {
        ps.setString(1, key);
        ps.setString(2, value);
        return ps.executeUpdate();
      }
    })));
  }

  @Override
  public String get(String key) throws Exception {
    return Resilience.traced(tracing, "SELECT items", attributes("SELECT"), () -> Resilience.withRetry(() -> withConnection(c -> {
      try (PreparedStatement ps = c.prepareStatement("SELECT v FROM items WHERE k = ?")) {
        ps.setString(1, key);
        try (ResultSet rs = ps.executeQuery()) {
          if (!rs.next()) throw new Resilience.NotFound();
          return rs.getString(1);
        }
      }
    })));
  }

  @Override
  public void close() {
    stopped.set(true);
    synchronized (idle) {
      for (Connection c : idle) {
        try {
          c.close();
        } catch (SQLException ignored) {
          // closing anyway
        }
      }
      idle.clear();
    }
  }
}
