// The programs a command line runs, as `make validate`, `make tools` and the CI cross-checks read them.
import { describe, expect, test } from 'vitest';
import { programsOf, validateTools } from '../../src/catalog/commands.js';

describe('programsOf', () => {
  test.each([
    [`set -o pipefail; helm template a deploy/charts/a | kubeconform -strict -schema-location 'https://x/{{.Group}};{{.ResourceKind}}|.json'`, ['set', 'helm', 'kubeconform']],
    ['test -z "$(gofmt -l .)"', ['test', 'gofmt']],
    ['if [ -f gen.sh ]; then apk add --no-cache protoc && go install x/cmd/protoc-gen-go@v1 && sh gen.sh; fi', ['[', 'apk', 'go', 'sh']],
    ['for f in a.txt b.txt; do if [ -s "$f" ]; then python3 -m pip install -r "$f"; fi; done', ['[', 'python3']],
    ['FOO=1 BAR=2 amtool check-config x.yaml >/dev/null 2>&1 || echo failed', ['amtool', 'echo']],
    ['! command -v shellcheck &>/dev/null', ['command']],
  ])('%s', (cmd, expected) => {
    expect(programsOf(cmd)).toEqual(expected);
  });
});

test('validateTools: the programs of the validate commands outside the shell and POSIX base, once each', () => {
  expect(
    validateTools([
      { name: 'a', command: 'helm lint --strict deploy/charts/a' },
      { name: 'b', command: 'set -o pipefail; helm template a x | kubeconform -strict' },
      { name: 'c', command: 'shellcheck ci/*.sh' },
      { name: 'd', command: 'amtool check-config alertmanager.yaml' },
      { name: 'e', command: 'find deploy -name "*.sh" | xargs grep -l x' },
    ]),
  ).toEqual(['helm', 'kubeconform', 'shellcheck', 'amtool']);
});
