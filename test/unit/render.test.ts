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
    ];
    const values = ['value', 'other', 'x y', '8080', 'a/b.c@d-e', 'v*', '.hidden', '_u', 'z', 'r.example.com/a/b:dev', 'a=b+c', 'a: b', 'a #b', 'a,b', 'x, a', 'x,a', '@x', '-', '- x', '*alias', '&a x', '!tag', '|', '>', '"q', "'q", 'a"b', "a'b", 'a\\b', '[a]', '{a}', '%x', '? x', 'a ', '#', ':x', ''];
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

  test('yamlShape masks safe values and comment text only', () => {
    expect(yamlShape('a: x\nb: x y\nc: "x:1"\nd: "x y"\n- x\n  - y: 1\ne: x: y\nf: a #c\ng: *r\n  # g: x\n# "q"\nh:\n')).toBe(
      'a: \u0000\nb: \u0000\nc: \u0000\nd: "x y"\n- \u0000\n  - y: \u0000\ne: x: y\nf: a #c\ng: *r\n  #\u0000\n# "q"\nh:\n',
    );
  });
});
