// Per-language CI toolchain of the lint and unit-test job. The image is the build stage of the service's
// Dockerfile (templates/base/services/<language>/*/Dockerfile.hbs; test/cicd.test.ts fails if they drift), so CI
// tests with exactly the compiler the image is built with. The setup makes a clean checkout of the generated tree
// testable, as the Dockerfile's build stage does: generated gRPC code (gen.sh) and Go's go.sum are not in the
// repository. The test command itself is service.testCommand.
import type { ResolvedService } from '../../config/schema.js';

export interface Toolchain {
  image: string;
  /** Installs and generates what lint and tests need (run in services/<name>), for every protocol of the language. */
  setup: string[];
  /** Static checks that need nothing beyond the toolchain image and the setup. */
  lint: string[];
  env: Record<string, string>;
  /**
   * Why the setup needs root for some services (system packages), or undefined. CI jobs in containers run as root
   * anyway; Tekton runs steps as a non-root user unless the task says otherwise.
   */
  root?: { when: (s: { grpcStubs: boolean }) => boolean; reason: string };
}

/** The protoc plugins of the Go gRPC skeleton, at the versions its Dockerfile installs (test/cicd.test.ts checks). */
export const GO_PROTOC_PLUGINS = ['google.golang.org/protobuf/cmd/protoc-gen-go@v1.36.11', 'google.golang.org/grpc/cmd/protoc-gen-go-grpc@v1.5.1'];

export const TOOLCHAINS: Record<ResolvedService['language'], Toolchain> = {
  node: { image: 'node:22.20.0-alpine', setup: ['npm ci'], lint: ['npx --no-install tsc -p tsconfig.json --noEmit'], env: {} },
  // CGO off: the alpine image has no C compiler, and the Dockerfile builds a static binary too.
  go: {
    image: 'golang:1.25.1-alpine3.22',
    setup: [
      // gRPC services import the code gen.sh writes into gen/: protoc (Alpine package) and the pinned plugins first.
      `if [ -f gen.sh ]; then apk add --no-cache protoc && ${GO_PROTOC_PLUGINS.map((p) => `go install ${p}`).join(' && ')} && sh gen.sh; fi`,
      // cn-scaffold cannot write go.sum (it needs the module proxy): resolve it as the Dockerfile does until one is
      // committed; a committed go.sum is verified instead.
      'if [ ! -f go.sum ]; then go mod tidy; fi',
    ],
    lint: ['test -z "$(gofmt -l .)"', 'go vet ./...'],
    env: { CGO_ENABLED: '0' },
    root: { when: (s) => s.grpcStubs, reason: 'the Go gRPC setup (gen.sh: a gRPC service, or a caller of one) installs protoc with apk' },
  },
  python: {
    image: 'python:3.13.7-slim-trixie',
    setup: [
      // requirements-dev.txt (gRPC services: grpcio-tools) is what gen.sh needs; gen/ is imported by app.py.
      'for f in requirements.txt requirements-dev.txt; do if [ -s "$f" ]; then python3 -m pip install --no-cache-dir -r "$f"; fi; done',
      'if [ -f gen.sh ]; then sh gen.sh; fi',
    ],
    lint: ['python3 -m compileall -q .'],
    env: { PIP_DISABLE_PIP_VERSION_CHECK: '1' },
  },
  java: { image: 'maven:3.9.11-eclipse-temurin-21', setup: [], lint: ['mvn -B -q -DskipTests compile'], env: {} },
};
