#!/bin/sh
# Generates the Python code of every .proto under proto/ (this service's own API) and under
# proto-clients/<service>/ (copies of the APIs of the services it calls) into gen/.
# Needs grpcio-tools (requirements-dev.txt).
set -eu
cd "$(dirname "$0")"
rm -rf gen
mkdir -p gen
for root in proto proto-clients/*; do
  [ -d "$root" ] || continue
  # shellcheck disable=SC2046 # one argument per proto file; paths contain no spaces
  python -m grpc_tools.protoc -I "$root" \
    --python_out=gen --pyi_out=gen --grpc_python_out=gen \
    $(cd "$root" && find . -name '*.proto' | sed 's|^\./||' | sort)
done
