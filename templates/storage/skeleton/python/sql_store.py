"""The service's own MySQL-protocol database (Vitess keyspace or MySQL schema) through PyMySQL: a small
connection pool from the DB_* environment, the versioned migrations of ./migrations applied at start-up
(each file once, recorded in schema_migrations, one replica at a time with GET_LOCK), and one table
read and written with parameterised statements."""

from __future__ import annotations

import os
import queue
import re
import threading
from typing import Any, Callable, Optional, TypeVar

import pymysql

from resilience import StoreState, need, prepare_in_background, traced, with_retry

T = TypeVar("T")
MIGRATIONS = os.path.join(os.path.dirname(os.path.abspath(__file__)), "migrations")
LOCK = "schema_migrations"
POOL_SIZE = 10


class SqlStore:
    def __init__(self, env: dict[str, str], log: Callable[..., None]) -> None:
        self.state = StoreState()
        self._log = log
        self._stopped = threading.Event()
        self._database = need(env, "DB_NAME", "DB_*")
        self._connect_args = {
            "host": need(env, "DB_HOST", "DB_*"),
            "port": int(env.get("DB_PORT", "3306")),
            "user": need(env, "DB_USER", "DB_*"),
            "password": need(env, "DB_PASSWORD", "DB_*"),
            "database": self._database,
            "connect_timeout": 5,
            "autocommit": True,
            "charset": "utf8mb4",
        }
        # Idle connections; at most POOL_SIZE open at once (the semaphore counts those in use too).
        self._idle: "queue.LifoQueue[Any]" = queue.LifoQueue()
        self._slots = threading.BoundedSemaphore(POOL_SIZE)

    def start(self) -> None:
        prepare_in_background("sql", self.state, self._migrate, self._stopped, self._log)

    def _with_connection(self, fn: Callable[[Any], T]) -> T:
        self._slots.acquire()
        conn = None
        try:
            try:
                conn = self._idle.get_nowait()
                conn.ping(reconnect=True)
            except queue.Empty:
                conn = pymysql.connect(**self._connect_args)
            result = fn(conn)
            self._idle.put(conn)
            conn = None
            return result
        finally:
            if conn is not None:  # failed: do not return a connection in an unknown state
                try:
                    conn.close()
                except Exception:  # noqa: BLE001
                    pass
            self._slots.release()

    def _migrate(self) -> None:
        def run(conn: Any) -> None:
            with conn.cursor() as cur:
                cur.execute("SELECT GET_LOCK(%s, 30)", (LOCK,))
                if cur.fetchone()[0] != 1:
                    raise RuntimeError("another replica holds the migration lock")
                try:
                    cur.execute(
                        "CREATE TABLE IF NOT EXISTS schema_migrations (version VARCHAR(190) NOT NULL PRIMARY KEY, "
                        "applied_at TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP)"
                    )
                    cur.execute("SELECT version FROM schema_migrations")
                    applied = {row[0] for row in cur.fetchall()}
                    for name in sorted(f for f in os.listdir(MIGRATIONS) if f.endswith(".sql")):
                        if name in applied:
                            continue
                        with open(os.path.join(MIGRATIONS, name), encoding="utf-8") as fh:
                            text = re.sub(r"^\s*--.*$", "", fh.read(), flags=re.M)
                        # One statement at a time: statements end with ';' at a line end.
                        for stmt in (s.strip() for s in re.split(r";\s*$", text, flags=re.M)):
                            if stmt:
                                traced("sql migrate", self._attributes("migrate"), lambda s=stmt: cur.execute(s))
                        cur.execute("INSERT INTO schema_migrations (version) VALUES (%s)", (name,))
                finally:
                    cur.execute("SELECT RELEASE_LOCK(%s)", (LOCK,))

        self._with_connection(run)

    def _attributes(self, operation: str) -> dict[str, Any]:
        return {"db.system.name": "mysql", "db.namespace": self._database, "db.operation.name": operation, "db.collection.name": "items"}

    def _call(self, operation: str, sql: str, args: tuple[Any, ...]) -> Optional[tuple[Any, ...]]:
        def run(conn: Any) -> Optional[tuple[Any, ...]]:
            with conn.cursor() as cur:
                cur.execute(sql, args)
                return cur.fetchone()

        return traced(f"{operation} items", self._attributes(operation), lambda: with_retry(lambda: self._with_connection(run)))

    def put(self, key: str, value: str) -> None:
        self._call("INSERT", "INSERT INTO items (k, v) VALUES (%s, %s) ON DUPLICATE KEY UPDATE v = VALUES(v)", (key, value))

    def get(self, key: str) -> Optional[str]:
        row = self._call("SELECT", "SELECT v FROM items WHERE k = %s", (key,))
        return None if row is None else str(row[0])

    def close(self) -> None:
        self._stopped.set()
        while True:
            try:
                self._idle.get_nowait().close()
            except queue.Empty:
                return
            except Exception:  # noqa: BLE001
                pass
