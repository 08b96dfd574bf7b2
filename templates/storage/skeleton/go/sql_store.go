package main

// The service's own MySQL-protocol database (Vitess keyspace or MySQL schema) through database/sql
// (its connection pool) and github.com/go-sql-driver/mysql; the versioned migrations of migrations/
// are embedded in the binary and applied at start-up (each file once, recorded in
// schema_migrations, one replica at a time with GET_LOCK).

import (
	"context"
	"database/sql"
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"regexp"
	"sort"
	"strings"
	"time"

	"github.com/go-sql-driver/mysql"
)

//go:embed migrations/*.sql
var migrations embed.FS

var statementEnd = regexp.MustCompile(`(?m);\s*$`)
var commentLine = regexp.MustCompile(`(?m)^\s*--.*$`)

type sqlStore struct {
	db       *sql.DB
	database string
}

func newSQLStore(getenv func(string) string) (*sqlStore, error) {
	cfg := mysql.NewConfig()
	for name, dst := range map[string]*string{"DB_USER": &cfg.User, "DB_PASSWORD": &cfg.Passwd, "DB_NAME": &cfg.DBName} {
		if *dst = getenv(name); *dst == "" {
			return nil, fmt.Errorf("%s is not set (the chart sets DB_* from the service's credentials Secret)", name)
		}
	}
	port := getenv("DB_PORT")
	if port == "" {
		port = "3306"
	}
	cfg.Net, cfg.Addr = "tcp", getenv("DB_HOST")+":"+port
	cfg.Timeout = 5 * time.Second
	db, err := sql.Open("mysql", cfg.FormatDSN())
	if err != nil {
		return nil, err
	}
	db.SetMaxOpenConns(10)
	db.SetMaxIdleConns(5)
	db.SetConnMaxLifetime(30 * time.Minute)
	return &sqlStore{db: db, database: cfg.DBName}, nil
}

func (s *sqlStore) attrs(op string) map[string]string {
	return map[string]string{"db.system.name": "mysql", "db.namespace": s.database, "db.operation.name": op, "db.collection.name": "items"}
}

func (s *sqlStore) prepare(ctx context.Context) error {
	conn, err := s.db.Conn(ctx) // one session: the lock belongs to it
	if err != nil {
		return err
	}
	defer conn.Close()
	var got sql.NullInt64
	if err := conn.QueryRowContext(ctx, "SELECT GET_LOCK('schema_migrations', 30)").Scan(&got); err != nil {
		return err
	}
	if got.Int64 != 1 {
		return errors.New("another replica holds the migration lock")
	}
	defer conn.ExecContext(context.Background(), "SELECT RELEASE_LOCK('schema_migrations')") //nolint:errcheck
	if _, err := conn.ExecContext(ctx, "CREATE TABLE IF NOT EXISTS schema_migrations (version VARCHAR(190) NOT NULL PRIMARY KEY, applied_at TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP)"); err != nil {
		return err
	}
	files, err := fs.Glob(migrations, "migrations/*.sql")
	if err != nil {
		return err
	}
	sort.Strings(files)
	for _, file := range files {
		version := strings.TrimPrefix(file, "migrations/")
		var n int
		if err := conn.QueryRowContext(ctx, "SELECT COUNT(*) FROM schema_migrations WHERE version = ?", version).Scan(&n); err != nil {
			return err
		}
		if n > 0 {
			continue
		}
		text, err := migrations.ReadFile(file)
		if err != nil {
			return err
		}
		// One statement at a time: statements end with ';' at a line end.
		for _, stmt := range statementEnd.Split(commentLine.ReplaceAllString(string(text), ""), -1) {
			if stmt = strings.TrimSpace(stmt); stmt == "" {
				continue
			}
			if err := traced(ctx, "sql migrate", s.attrs("migrate"), func(ctx context.Context) error {
				_, err := conn.ExecContext(ctx, stmt)
				return err
			}); err != nil {
				return fmt.Errorf("%s: %w", version, err)
			}
		}
		if _, err := conn.ExecContext(ctx, "INSERT INTO schema_migrations (version) VALUES (?)", version); err != nil {
			return err
		}
	}
	return nil
}

func (s *sqlStore) put(ctx context.Context, key, value string) error {
	return traced(ctx, "INSERT items", s.attrs("INSERT"), func(ctx context.Context) error {
		return withRetry(ctx, func() error {
			_, err := s.db.ExecContext(ctx, "INSERT INTO items (k, v) VALUES (?, ?) ON DUPLICATE KEY UPDATE v = VALUES(v)", key, value)
			return err
		})
	})
}

func (s *sqlStore) get(ctx context.Context, key string) (string, error) {
	var value string
	err := traced(ctx, "SELECT items", s.attrs("SELECT"), func(ctx context.Context) error {
		return withRetry(ctx, func() error {
			err := s.db.QueryRowContext(ctx, "SELECT v FROM items WHERE k = ?", key).Scan(&value)
			if errors.Is(err, sql.ErrNoRows) {
				return errNotFound
			}
			return err
		})
	})
	return value, err
}

func (s *sqlStore) close() { _ = s.db.Close() }
