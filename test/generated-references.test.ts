// Issue 14, defect 13: a generated repository stands on its own. No generated file may cite a
// reference the user does not have: our steering documents (domain.md, wave2.md, "section 5.3"),
// our rule ids (CR-46, CN-CD-01) or "§". Rule ids stay on the terminal (validation messages), where
// `cn-scaffold explain` resolves them; comments in generated files cite upstream URLs instead.
// Rendered in-process: the default project, every progressive-delivery controller and strategy,
// every observability choice, the four languages over both protocols, and every valid row of the
// combination matrix (test/support/matrix.ts).
import { describe, expect, test } from 'vitest';
import { catalog } from '../src/catalog/registry.js';
import { readAnswersText } from '../src/config/sources.js';
import { renderProject } from '../src/generate.js';
import { buildMatrix } from './support/matrix.js';

const SERVICES = ['node', 'go', 'python', 'java']
  .flatMap((language, i) => ['http', 'grpc'].map((protocol, j) => `  - { name: ${language}-${protocol}, language: ${language}, port: ${8080 + i * 2 + j}, protocol: ${protocol} }`))
  .join('\n');

const ONE = 'services:\n  - { name: api, language: node, port: 8080, protocol: http }\n  - { name: ledger, language: go, port: 9000, protocol: grpc }\n';
/** name -> answers file text */
const CASES: Record<string, string> = {
  default: `project: { name: shop }\n${ONE}`,
  'argo-canary': `project: { name: shop }\n${ONE}cicd: { controller: argo-rollouts }\n`,
  'argo-blue-green': `project: { name: shop }\n${ONE}cicd: { controller: argo-rollouts, argo-rollouts: { strategy: blue-green } }\n`,
  'flagger-blue-green': `project: { name: shop }\n${ONE}cicd: { controller: flagger, flagger: { strategy: blue-green } }\n`,
  'metrics-prometheus': `project: { name: shop }\n${ONE}observability: { metrics: prometheus, logging: fluent-bit, tracing: none }\n`,
  'metrics-none': `project: { name: shop }\n${ONE}observability: { metrics: none, logging: none, tracing: jaeger }\n`,
  'logging-fluentd-docker': `project: { name: shop, kubernetesVersion: "1.30" }\n${ONE}containerization: { runtime: docker-engine }\nobservability: { logging: fluentd }\n`,
  'languages-x-protocols': `project: { name: shop }\nservices:\n${SERVICES}\ncicd: { controller: argo-rollouts }\n`,
};

/** What a reader outside this project cannot follow, with the reason shown on failure. */
const INTERNAL: [RegExp, string][] = [
  [/\b(domain|wave2|DESIGN|STYLE)\.md\b/, 'a steering document of the generator'],
  [/§/, 'a section sign (an internal section reference)'],
  [/\bsections? \d+(\.\d+)+/i, 'a numbered section of a document the user does not have'],
  [/\bCR-\d+\b/, 'a cross-category rule id'],
  [/\bCN-(?:[A-Z]+-)*\d+\b/, 'a cn-scaffold rule id'],
];

/** Every offending line of a rendered tree, as "path:line: text (why)". */
function internalReferences(tree: Map<string, { content: string }>): string[] {
  const found: string[] = [];
  for (const [path, file] of tree) {
    file.content.split('\n').forEach((line, i) => {
      for (const [re, why] of INTERNAL) if (re.test(line)) found.push(`${path}:${i + 1}: ${line.trim()} (${why})`);
    });
  }
  return found;
}

describe('generated files cite no internal references', () => {
  test('the patterns catch what the issue names', () => {
    const fake = new Map([
      ['a.yaml', { content: '# see domain.md section 5.3\n# (CR-46)\nx: 1 # §6.1\n# CN-CD-01\n' }],
      ['b.yaml', { content: '# https://kubernetes.io/docs/concepts/workloads/ (ok)\n# HTTP/1.1 section\n' }],
    ]);
    expect(internalReferences(fake).map((l) => l.split(':').slice(0, 2).join(':'))).toEqual(['a.yaml:1', 'a.yaml:1', 'a.yaml:2', 'a.yaml:3', 'a.yaml:4']);
  });

  test.each(Object.keys(CASES))('%s', (name) => {
    const { tree } = renderProject(readAnswersText(CASES[name]!, `${name}.yaml`), catalog);
    expect(tree.size).toBeGreaterThan(20);
    expect(internalReferences(tree)).toEqual([]);
  });

  test('every valid row of the combination matrix', () => {
    const matrix = buildMatrix();
    expect(matrix.valid.length).toBeGreaterThan(10);
    const found = matrix.valid.flatMap((c) => internalReferences(renderProject(c.raw, catalog).tree).map((l) => `${c.name}: ${l}`));
    // One line per distinct offence (the same template repeats in many rows).
    expect([...new Set(found.map((l) => l.replace(/^[^:]+: /, '')))]).toEqual([]);
  }, 120_000);
});
