// Rendering: safe serialisation helpers, strict templates, parse-back of YAML/JSON.
import { describe, expect, test } from 'vitest';
import { parse } from 'yaml';
import { shellWord, toYamlBlock, yamlScalar } from '../../src/render/helpers.js';
import { checkParses, renderTemplate, TemplateError } from '../../src/render/render.js';

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
    const out = renderTemplate('orchestration/kubernetes/namespace.yaml.hbs', { project: { name: 'x', namespace: 'ns\n  evil: true' } }).content;
    const doc = parse(out);
    expect(doc.metadata.name).toBe('ns\n  evil: true');
    expect(doc.metadata.evil).toBeUndefined();
  });

  test('rendered YAML and JSON are parsed back', () => {
    expect(() => checkParses('a.yaml', 'a: [1', 'x.hbs')).toThrow(/x\.hbs rendered invalid YAML for a\.yaml/);
    expect(() => checkParses('a.json', '{', 'y.hbs')).toThrow(/y\.hbs rendered invalid JSON/);
    expect(() => checkParses('deploy/charts/a/templates/d.yaml', '{{ .Values.x }}: [', 'z')).not.toThrow();
  });
});
