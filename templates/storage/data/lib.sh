#!/usr/bin/env bash
# Shared by the secrets scripts in deploy/data/*/secrets.sh (sourced, never run on its own).
# Passwords are generated here at deploy time and only ever stored in Secrets: re-running keeps the
# password a Secret already holds, so services and databases never drift apart.

# existing_password NAMESPACE SECRET: prints the password key of an existing Secret, or nothing.
existing_password() {
  kubectl -n "$1" get secret "$2" -o jsonpath='{.data.password}' 2>/dev/null | base64 -d 2>/dev/null || true
}

# password_for NAMESPACE SECRET: the existing password, else 24 random bytes as hex (URL-safe, so a
# DSN composed with $(DB_PASSWORD) needs no escaping).
password_for() {
  local current
  current=$(existing_password "$1" "$2")
  if [ -n "$current" ]; then printf '%s' "$current"; else openssl rand -hex 24; fi
}

# apply_credentials NAMESPACE SECRET USERNAME PASSWORD: creates or updates a Secret with keys
# username and password. The manifest goes through a pipe, never a file or the command line of kubectl apply.
apply_credentials() {
  kubectl -n "$1" create secret generic "$2" \
    --from-literal=username="$3" --from-file=password=<(printf '%s' "$4") \
    --dry-run=client -o yaml | kubectl apply -f -
}
