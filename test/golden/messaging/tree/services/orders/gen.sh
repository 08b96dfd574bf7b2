#!/bin/sh
# Generates the Go code of every .proto under proto/ (this service's own API) and under
# proto-clients/<service>/ (copies of the APIs of the services it calls) into gen/; paths follow the
# proto packages. Needs protoc plus the two plugins, pinned to the versions go.mod uses:
#   go install google.golang.org/protobuf/cmd/protoc-gen-go@v1.36.11
#   go install google.golang.org/grpc/cmd/protoc-gen-go-grpc@v1.5.1
set -eu
cd "$(dirname "$0")"
rm -rf gen
mkdir -p gen
for root in proto proto-clients/*; do
  [ -d "$root" ] || continue
  # shellcheck disable=SC2046 # one argument per proto file; paths contain no spaces
  protoc -I "$root" \
    --go_out=gen --go_opt=paths=source_relative \
    --go-grpc_out=gen --go-grpc_opt=paths=source_relative \
    $(cd "$root" && find . -name '*.proto' | sed 's|^\./||' | sort)
done
