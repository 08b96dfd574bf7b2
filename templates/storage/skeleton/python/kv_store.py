"""The service's etcd key prefix through etcd's JSON gRPC gateway (/v3/auth/authenticate, /v3/kv/put,
/v3/kv/range, /v3/kv/txn: https://etcd.io/docs/v3.5/dev-guide/api_grpc_gateway/) with the standard
library: authenticated as the service's own etcd user (its role may read and write only under
ETCD_PREFIX), TLS verified against ETCD_CA_PEM, the next endpoint tried when one fails. The maintained
PyPI clients do not fit: etcd3 was last released in 2020, and etcd3gw (the gateway client) has no
authentication (openstack/etcd3gw etcd3gw/client.py)."""

from __future__ import annotations

import base64
import json
import ssl
import threading
import urllib.error
import urllib.request
from typing import Any, Callable, Optional

from resilience import StoreState, need, prepare_in_background, traced, with_retry

START_KEY = "_created"


def _b64(text: str) -> str:
    return base64.b64encode(text.encode()).decode()


class KvStore:
    def __init__(self, env: dict[str, str], log: Callable[..., None]) -> None:
        self.state = StoreState()
        self._log = log
        self._stopped = threading.Event()
        self._endpoints = [e.strip().rstrip("/") for e in need(env, "ETCD_ENDPOINTS", "ETCD_*").split(",") if e.strip()]
        self._user = need(env, "ETCD_USER", "ETCD_*")
        self._password = need(env, "ETCD_PASSWORD", "ETCD_*")
        self._prefix = need(env, "ETCD_PREFIX", "ETCD_*")
        pem = env.get("ETCD_CA_PEM")
        self._tls = ssl.create_default_context(cadata=pem) if pem else ssl.create_default_context()
        self._token: Optional[str] = None
        self._lock = threading.Lock()

    def start(self) -> None:
        prepare_in_background("kv", self.state, self._create_start_key, self._stopped, self._log)

    def _post(self, path: str, body: dict[str, Any], token: Optional[str]) -> dict[str, Any]:
        last: Exception = RuntimeError("no etcd endpoint")
        for endpoint in self._endpoints:
            request = urllib.request.Request(f"{endpoint}/v3/{path}", data=json.dumps(body).encode(), method="POST")
            request.add_header("Content-Type", "application/json")
            if token:
                request.add_header("Authorization", token)
            try:
                with urllib.request.urlopen(request, timeout=5, context=self._tls) as resp:
                    return json.loads(resp.read() or b"{}")
            except urllib.error.HTTPError as err:
                raise PermissionError(f"etcd {path}: HTTP {err.code} {err.read().decode(errors='replace')[:200]}") from err
            except (urllib.error.URLError, OSError) as err:
                last = err  # unreachable: try the next endpoint
        raise ConnectionError(f"etcd unreachable: {last}")

    def _authed(self, path: str, body: dict[str, Any]) -> dict[str, Any]:
        """A request with the user's token; authenticates first, and again once when the token expired."""
        for attempt in range(2):
            with self._lock:
                if self._token is None:
                    self._token = self._post("auth/authenticate", {"name": self._user, "password": self._password}, None)["token"]
                token = self._token
            try:
                return self._post(path, body, token)
            except PermissionError as err:
                if attempt == 0 and "token" in str(err).lower():
                    with self._lock:
                        self._token = None
                    continue
                raise
        raise AssertionError("unreachable")

    def _call(self, operation: str, path: str, body: dict[str, Any]) -> dict[str, Any]:
        attributes = {"db.system.name": "etcd", "db.namespace": self._prefix, "db.operation.name": operation}
        return traced(f"etcd {operation}", attributes, lambda: with_retry(lambda: self._authed(path, body)))

    def _create_start_key(self) -> None:
        key = _b64(self._prefix + START_KEY)
        self._call("TXN", "kv/txn", {
            "compare": [{"key": key, "result": "EQUAL", "target": "CREATE", "create_revision": "0"}],
            "success": [{"request_put": {"key": key, "value": _b64("created")}}],
        })

    def put(self, key: str, value: str) -> None:
        self._call("PUT", "kv/put", {"key": _b64(self._prefix + key), "value": _b64(value)})

    def get(self, key: str) -> Optional[str]:
        kvs = self._call("GET", "kv/range", {"key": _b64(self._prefix + key)}).get("kvs") or []
        return base64.b64decode(kvs[0].get("value", "")).decode() if kvs else None

    def close(self) -> None:
        self._stopped.set()
