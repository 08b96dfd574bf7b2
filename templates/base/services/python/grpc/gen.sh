#!/bin/sh
# Generates the Python code for every .proto under proto/ into gen/.
# Needs grpcio-tools (requirements-dev.txt).
set -eu
cd "$(dirname "$0")"
rm -rf gen
mkdir -p gen
# shellcheck disable=SC2046 # one argument per proto file; paths contain no spaces
python -m grpc_tools.protoc -I proto \
  --python_out=gen --pyi_out=gen --grpc_python_out=gen \
  $(find proto -name '*.proto' | sed 's|^proto/||' | sort)
