#!/bin/sh
# Generates the Go code for every .proto under proto/ into gen/ (paths follow go_package).
# Needs protoc plus the two plugins, pinned to the versions go.mod uses:
#   go install google.golang.org/protobuf/cmd/protoc-gen-go@v1.36.11
#   go install google.golang.org/grpc/cmd/protoc-gen-go-grpc@v1.5.1
set -eu
cd "$(dirname "$0")"
rm -rf gen
mkdir -p gen
# shellcheck disable=SC2046 # one argument per proto file; paths contain no spaces
protoc -I proto \
  --go_out=gen --go_opt=paths=source_relative \
  --go-grpc_out=gen --go-grpc_opt=paths=source_relative \
  $(find proto -name '*.proto' | sed 's|^proto/||' | sort)
