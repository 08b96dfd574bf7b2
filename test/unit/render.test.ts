// Rendering: safe serialisation helpers, strict templates, parse-back of YAML/JSON.
import { describe, expect, test } from 'vitest';
import { parse } from 'yaml';
import { shellWord, toYamlBlock, yamlScalar } from '../../src/render/helpers.js';
import { FAILSAFE_SCHEMA, loadAll } from 'js-yaml';
import { checkParses, renderTemplate, TemplateError, yamlShape } from '../../src/render/render.js';
import { readAnswersText } from '../../src/config/sources.js';
import { renderProject } from '../../src/generate.js';
import { catalog } from '../../src/catalog/registry.js';

const TRICKY = ['a: b', 'x\ny', 'yes', 'on', 'No', '~', 'null', '0755', '1e3', '- item', '#comment', "it's", '"q"', '{a}', '*ref', '', '  pad'];

describe('yaml helpers', () => {
  test.each(TRICKY)('scalar %j reads back identically in YAML 1.2 and 1.1', (s) => {
    const line = `k: ${yamlScalar(s)}`;
    expect(parse(line).k).toBe(s);
    expect(parse(line, { version: '1.1' }).k).toBe(s);
  });

  test('block YAML keeps YAML-1.1 booleans-looking strings as strings and indents every line', () => {
    const text = `root:\n${toYamlBlock({ env: [{ name: 'A', value: 'yes' }], n: 'on' }, 2)}`;
    expect(parse(text, { version: '1.1' })).toEqual({ root: { env: [{ name: 'A', value: 'yes' }], n: 'on' } });
    expect(text.split('\n').slice(1).every((l) => l.startsWith('  '))).toBe(true);
  });

  test('quoted block YAML double-quotes every string and reads back the same', () => {
    const env = [{ name: 'A_URL', value: 'http://a.ns.svc.cluster.local:8080' }, { name: 'B', value: 'yes' }, { name: 'C', valueFrom: { fieldRef: { fieldPath: "metadata.labels['x']" } } }];
    const text = toYamlBlock(env, 2, true);
    expect(text).toContain('  - name: "A_URL"\n    value: "http://a.ns.svc.cluster.local:8080"');
    expect(parse(`env:\n${text}`, { version: '1.1' })).toEqual({ env });
    // Remembered apart from the plain dump of the same value.
    expect(toYamlBlock(env, 2)).toContain('value: http://a.ns.svc.cluster.local:8080');
  });

  // The block writer against two independent parsers, YAML 1.1 (go-yaml's reading: yes/on, 1:20,
  // timestamps) and 1.2: strings chosen to hit every rule (indicators, number look-alikes, literal blocks
  // and their limits), then seeded random trees of them.
  const EDGE = [
    ...TRICKY, '30s', '1Gi', '1:20', '0x1F', '0o17', '.inf', '-.inf', '.NaN', '.5', '1_000', '+1', '2001-12-14', '2001-12-14t21:59:43.10-05:00',
    'a:', 'a: ', 'a #b', 'a#b', '${{ github.sha }}', 'Build image (no push)', './path', '.github/x.yml', '..', '...', '---', '? a', '<<', '=',
    'a, b', '[a]', 'k: [a]', 'x\n', 'x\n\n', '\nx', ' x\ny', 'x \ny', 'x\n  \ny', 'x\n\ny\n', 'a\tb', 'a\n\tb', 'run\n  indented\n#c\n- d', 'caf\u00e9', 'a\u2028b',
    'a\r\nb', '|', '>', '@a', '`a', '%a', '!a', '&a', 'y', 'N', 'Off', '~x', 'a ', ' ', '1d', '1h', '0x1g', '1:20s', '12h30', '1_000s', '0b1', '0o7s', '1E5', '2001-12-14 21:59:43.10 -5',
  ];
  const random = (seed: number) => () => ((seed = (Math.imul(seed ^ (seed >>> 15), 0x2c1b3c6d) + 0x6d2b79f5) >>> 0) / 2 ** 32);
  function tree(next: () => number, depth: number): unknown {
    const pick = next();
    if (depth > 3 || pick < 0.45) {
      const kind = Math.floor(next() * 6);
      if (kind === 0) return Math.floor(next() * 2000) - 1000;
      if (kind === 1) return next() < 0.5;
      if (kind === 2) return null;
      if (kind === 3) return Math.round(next() * 1e4) / 100;
      return EDGE[Math.floor(next() * EDGE.length)];
    }
    const n = Math.floor(next() * 4);
    if (pick < 0.7) return Array.from({ length: n }, () => tree(next, depth + 1));
    return Object.fromEntries(Array.from({ length: n }, (_, i) => [next() < 0.5 ? EDGE[Math.floor(next() * EDGE.length)]! : `k${i}`, tree(next, depth + 1)]));
  }
  const readsBack = (text: string, expected: unknown) => {
    expect(parse(text, { version: '1.1' })).toEqual(expected);
    expect(parse(text, { version: '1.2' })).toEqual(expected);
    expect(loadAll(text)).toEqual([expected]);
  };

  test.each(EDGE)('block YAML: %j reads back identically as a value, a list item and a key', (s) => {
    readsBack(toYamlBlock({ k: s, l: [s, [s]], [s]: { [s]: s } }), { k: s, l: [s, [s]], [s]: { [s]: s } });
    readsBack(`top:\n${toYamlBlock([{ k: s }], 4)}`, { top: [{ k: s }] });
    readsBack(toYamlBlock({ k: s }, 0, true), { k: s });
  });

  test('block YAML: 2000 seeded random trees read back identically in YAML 1.1 and 1.2', () => {
    const next = random(20261206);
    for (let i = 0; i < 2000; i++) {
      const value = { root: tree(next, 0) };
      const text = toYamlBlock(value);
      try {
        readsBack(text, value);
      } catch (err) {
        throw new Error(`tree ${i} did not read back:\n${text}\n${(err as Error).message}`);
      }
    }
  });

  test('block YAML: multi-line text is a literal block, undefined entries are left out, empty collections are flow', () => {
    expect(toYamlBlock({ run: 'set -eu\nmake test\n', script: 'a\nb', skip: undefined, none: [], empty: {} })).toBe(
      'run: |\n  set -eu\n  make test\nscript: |-\n  a\n  b\nnone: []\nempty: {}',
    );
    // Text a literal block would not keep, or that would carry trailing blanks, is double-quoted.
    expect(toYamlBlock({ a: 'x \ny', b: ' x\ny', c: 'x\n\n' })).toBe('a: "x \\ny"\nb: " x\\ny"\nc: "x\\n\\n"');
    // One line that cannot be plain is single-quoted, so a regular expression keeps its single backslashes.
    expect(toYamlBlock({ re: '^https://gitlab\\.com/', q: "it's: x" })).toBe("re: '^https://gitlab\\.com/'\nq: 'it''s: x'");
  });

  test('shell words cannot break out of quoting', () => {
    expect(shellWord("a'; rm -rf / #")).toBe(`'a'\\''; rm -rf / #'`);
  });
});

describe('templates', () => {
  test('strict mode: a missing field is an error naming the template', () => {
    expect(() => renderTemplate('orchestration/kubernetes/namespace.yaml.hbs', { project: { name: 'x' } })).toThrow(TemplateError);
    expect(() => renderTemplate('orchestration/kubernetes/namespace.yaml.hbs', { project: { name: 'x' } })).toThrow(/namespace\.yaml\.hbs/);
  });

  test('a value with YAML syntax cannot inject keys', () => {
    const contrib = { namespace: { labels: { 'a: b\n  evil': 'c\n  evil: true' }, annotations: {} } };
    const out = renderTemplate('orchestration/kubernetes/namespace.yaml.hbs', { project: { name: 'x', namespace: 'ns\n  evil: true' }, contrib }).content;
    const doc = parse(out);
    expect(doc.metadata.name).toBe('ns\n  evil: true');
    expect(doc.metadata.evil).toBeUndefined();
    expect(doc.metadata.labels['a: b\n  evil']).toBe('c\n  evil: true');
  });

  test('rendered YAML and JSON are parsed back', () => {
    expect(() => checkParses('a.yaml', 'a: [1', 'x.hbs')).toThrow(/x\.hbs rendered invalid YAML for a\.yaml/);
    expect(() => checkParses('a.json', '{', 'y.hbs')).toThrow(/y\.hbs rendered invalid JSON/);
    expect(() => checkParses('deploy/charts/a/templates/d.yaml', '{{ .Values.x }}: [', 'z')).not.toThrow();
  });

  test('a document of an already parsed shape is accepted exactly when js-yaml accepts it', () => {
    // The parse-back skips documents of a shape already parsed (yamlShape): the same text but for safe
    // plain or double-quoted scalars at line ends and comment text. Ground truth: js-yaml itself. Each
    // base puts V where values go, in every context a line can sit in.
    const bases = [
      'name: api\nimage:\n  key: V\n  tag: v1\nports:\n  - V\n  - name: http\n    key: V\n', // block mappings and lists
      'key: V\nnext:\n  - key: V\n    other: 1\n', // at the top, and in a list item's mapping
      'image: "V"\nlist:\n  - "V"\n# note V\nx: 1 # V\n', // double-quoted values, comments
      'run: |\n  echo one\n  key: V\n  - V\n  # V\n  key: "V"\nafter: x\n', // inside a block scalar
      'text: "first\n  key: V\n  # V\n  key: "V"\n  last"\nafter: x\n', // inside a double-quoted scalar over lines
      "text: 'first\n  key: V\n  # V\n  key: \"V\"\n  last'\nafter: x\n", // single-quoted
      'flow: [a,\n  key: V,\n  # V\n  key: "V",\n  b]\n', // a flow sequence over lines
      'flow: {a: 1,\n  key: V}\n', // a flow mapping over lines
      'flow: {a: 1,\n  key: V\n  }\nseq: [a,\n  key: V\n  ]\n', // values ending lines inside flow collections
      'plain: first\n  key: V\nafter: x\n', // inside a plain scalar over lines (invalid: ': ')
      'plain: first\n  "V"\n  # V\nafter: x\n', // quotes inside a plain scalar over lines
      'list:\n- key: V\n- V\n', // items at the parent's indentation
      'run: |-\n  V\n  more V\n    deeper V\nafter: x\n', // literal block text, at the top
      'meta:\n  notes: |\n    V\n    # V\n  keep: |+\n    V\n\n  next: 1\n', // nested, with each chomping indicator
      'a:\n  key: |-\n      V\n    V\n  b: 1\n', // a line less indented than the block's first one
      'm:\n  key: |-\n  V\n  b: 1\n', // a line as indented as the header: no block text, a mapping entry
      'list:\n  - key: |-\n      V\n    other: 1\n', // in a list item
      'text: "first\n  key: |-\n    one\n    and V\n  last"\nafter: x\n', // a block header inside a double-quoted scalar
      "text: 'first\n  key: |-\n    one\n    and V\n  last'\nafter: x\n", // single-quoted
      'text: "first\n  key: |-\n    V\n  last"\nafter: x\n', // the same, on the block's first line
      "text: 'first\n  key: |-\n    V\n  last'\nafter: x\n",
      'outer: |\n  key: |-\n    V\n  tail\nafter: x\n', // inside a literal block
      'plain: first\n  key: |-\n    V\nafter: x\n', // inside a plain scalar over lines (invalid: ': ')
      'flow: [a,\n  key: |-\n    V\n  ]\n', // inside a flow sequence (invalid: a block scalar)
    ];
    const values = ['value', 'other', 'x y', '8080', 'a/b.c@d-e', 'v*', '.hidden', '_u', 'z', 'r.example.com/a/b:dev', 'a=b+c', 'a: b', 'a #b', 'a,b', 'x, a', 'x,a', '@x', '-', '- x', '*alias', '&a x', '!tag', '|', '>', '"q', "'q", 'a"b', "a'b", 'a\\b', '[a]', '{a}', '%x', '? x', 'a ', '#', ':x', '', 'ingress from a on 80: a calls b (http) [graph]', '---', '...', 'x"', "x'", '\tx', ' x', 'key: |-', '"a b"', '\\q', 'x\\'];
    const jsYamlAccepts = (text: string) => {
      try {
        loadAll(text, undefined, { schema: FAILSAFE_SCHEMA });
        return true;
      } catch {
        return false;
      }
    };
    let compared = 0;
    bases.forEach((base, b) => {
      const path = `shape-${b}.yaml`;
      const first = base.replaceAll('V', 'value');
      if (jsYamlAccepts(first)) checkParses(path, first, 'test.hbs');
      for (const v of values) {
        const doc = base.replaceAll('V', v);
        let ours = true;
        try {
          checkParses(path, doc, 'test.hbs');
        } catch {
          ours = false;
        }
        expect([doc, ours]).toEqual([doc, jsYamlAccepts(doc)]);
        compared++;
      }
    });
    expect(compared).toBe(bases.length * values.length);
  });

  test('charts of services that differ in names, ports and callee addresses share one shape (one parse)', () => {
    const services = ['a', 'b', 'c', 'd'].map((n, i) => `  - { name: svc-${n}, language: go, port: ${8080 + i}, protocol: http${i < 3 ? `, calls: [svc-${'abcd'[i + 1]}]` : ''} }`);
    services.push('  - { name: last, language: go, port: 9090, protocol: grpc }');
    services[3] = services[3]!.replace(' }', ', calls: [last] }');
    const { tree } = renderProject(readAnswersText(`project: { name: shop }\nservices:\n${services.join('\n')}\n`, 'answers.yaml'), catalog);
    const shapes = ['svc-a', 'svc-b', 'svc-c', 'svc-d'].map((n) => yamlShape(tree.get(`deploy/charts/${n}/values.yaml`)!.content));
    // svc-a..svc-c call an HTTP service, svc-d a gRPC one (an ADDR instead of a URL): same lines, masked values.
    expect(new Set(shapes).size).toBe(1);
    expect(tree.get('deploy/charts/svc-d/values.yaml')!.content).toContain('value: "dns:///last-headless.shop.svc.cluster.local:9090"');
  });

  test('text inserted into generated YAML keeps its structure whenever it keeps its shape', () => {
    // A property check of the whole mask on real output: two projects (a graph with messaging, exposure
    // and policies; every language with other block choices), each YAML file mutated line by line with
    // indicators, quotes, escapes and document markers (a seeded generator, the same every run). When a
    // mutation leaves yamlShape unchanged, js-yaml must read the same structure: keys, nesting, lengths.
    const projects = [
      'project: { name: shop }\nservices:\n  - { name: web, language: node, port: 8080, calls: [{ service: orders, timeout: 500ms }], publishes: [orders.created], expose: true, egress: [{ host: api.stripe.com, port: 443 }] }\n  - { name: orders, language: go, port: 9090, protocol: grpc, subscribes: [{ subject: orders.*, durable: true }] }\n  - { name: reports, language: python, port: 8081, calls: [orders], uses: [kv] }\nmessaging: { pubsub: nats }\nstorage: { kv: etcd }\n',
      'project: { name: shop, namespace: shop-prod }\nservices:\n  - { name: web, language: node, port: 8080, replicas: 3 }\n  - { name: billing, language: go, port: 9090, protocol: grpc }\n  - { name: ledger, language: java, port: 8082 }\ncontainerization: { build: podman, runtime: cri-o }\norchestration: { kubernetes: { autoscaling: true } }\n',
    ];
    const pieces = ['a: b', '- x', '#', ' #x', '"', "'", '\\', '\\q', '---', '...', '[', ']', '{', '}', ',', '|', '>', '&a', '*a', '!t', '? ', 'x: y # z', 'two words', '\t', '%', '@'];
    const skeleton = (v: unknown): unknown =>
      Array.isArray(v) ? v.map(skeleton) : v !== null && typeof v === 'object' ? Object.fromEntries(Object.entries(v).map(([k, x]) => [k, skeleton(x)])) : 's';
    const structure = (text: string) => {
      try {
        return JSON.stringify(loadAll(text, undefined, { schema: FAILSAFE_SCHEMA }).map(skeleton));
      } catch {
        return 'invalid';
      }
    };
    let seed = 12345;
    const next = (n: number) => (seed = (seed * 1103515245 + 12345) & 0x7fffffff) % n;
    let kept = 0;
    for (const answers of projects) {
      const { tree } = renderProject(readAnswersText(answers, 'answers.yaml'), catalog);
      for (const [path, { content }] of tree) {
        if (!/\.ya?ml$/.test(path) || path.includes('/templates/')) continue;
        const shape = yamlShape(content);
        const original = structure(content);
        const lines = content.split('\n');
        for (let k = 0; k < 25; k++) {
          const i = next(lines.length);
          const [, prefix, rest] = /^( *(?:- )?(?:[A-Za-z0-9_][A-Za-z0-9_.\/-]*: )?)(.*)$/.exec(lines[i]!)!;
          const at = next(rest!.length + 1);
          const mutated = [...lines.slice(0, i), prefix + rest!.slice(0, at) + pieces[next(pieces.length)] + rest!.slice(at), ...lines.slice(i + 1)].join('\n');
          if (yamlShape(mutated) !== shape) continue;
          kept++;
          expect([path, mutated.split('\n')[i], structure(mutated)]).toEqual([path, mutated.split('\n')[i], original]);
        }
      }
    }
    expect(kept).toBeGreaterThan(500);
  });

  test('yamlShape masks the lines of a literal block that hold no quote or backslash, keeping their indentation', () => {
    // The lines before one with a quote are masked; a line as indented as the header is no block text.
    expect(yamlShape('m:\n  why: |-\n    a: b (c) [d]\n      more: (e)\n  x: |\n    one (1)\n    "two" x\n    three (3)\n  y: |\n  z: (z)\n')).toBe(
      'm:\n  why: |-\n    \u0000\n      \u0000\n  x: |\n    \u0000\n    "two" x\n    three (3)\n  y: |\n  z: (z)\n',
    );
  });

  test('yamlShape masks safe values and comment text only', () => {
    expect(yamlShape('a: x\nb: x y\nc: "x:1"\nd: "x y"\n- x\n  - y: 1\ne: x: y\nf: a #c\ng: *r\n  # g: x\n# "q"\nh:\n')).toBe(
      'a: \u0000\nb: \u0000\nc: \u0000\nd: "x y"\n- \u0000\n  - y: \u0000\ne: x: y\nf: a #c\ng: *r\n  #\u0000\n# "q"\nh:\n',
    );
  });
});
