// Answer sources: origins (file:line, flag), --set parsing, precedence.
import { describe, expect, test } from 'vitest';
import { applySet, emptyAnswers, originOf, overlay, parseServiceSpec, readAnswersText, setAt } from '../../src/config/sources.js';
import { UserError } from '../../src/util/errors.js';

describe('answers file', () => {
  test('records the line of every value', () => {
    const raw = readAnswersText('project:\n  name: shop\nservices:\n  - name: api\n    port: 8080\n', 'a.yaml');
    expect(raw.data).toEqual({ project: { name: 'shop' }, services: [{ name: 'api', port: 8080 }] });
    expect(raw.origins.get('project.name')).toBe('a.yaml:2');
    expect(raw.origins.get('services.0.port')).toBe('a.yaml:5');
    expect(originOf(raw, ['services', 0, 'protocol'])).toBe('a.yaml:4'); // missing key → its parent
  });

  test('bad YAML names the file and line', () => {
    try {
      readAnswersText('project:\n  name: [shop\n', 'bad.yaml');
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(UserError);
      expect((e as UserError).problems[0]!.origin).toMatch(/^bad\.yaml:\d+:\d+$/);
    }
  });

  test('duplicate keys are an error, not a silent overwrite', () => {
    expect(() => readAnswersText('project:\n  name: a\n  name: b\n', 'dup.yaml')).toThrow(/not valid YAML/);
  });

  test('a key holding a mapping or list is located at the key; flow and block items at their own line', () => {
    const text = [
      '# answers', // 1
      'project:', // 2
      '  name: shop', // 3
      '  image: {registry: r.example.com,', // 4
      '          repository: acme/shop}', // 5
      'services:', // 6
      '  - {name: a, port: 8080}', // 7
      '  -', // 8
      '    name: b', // 9
      '  - name: c', // 10
      '    port: 8082', // 11
      'cicd:', // 12
      '', // 13
      '  controller: github-actions', // 14
      '',
    ].join('\n');
    const raw = readAnswersText(text, 'a.yaml');
    const lines = Object.fromEntries([...raw.origins].map(([k, v]) => [k, Number(v.slice('a.yaml:'.length))]));
    expect(lines).toEqual({
      project: 2,
      'project.name': 3,
      'project.image': 4,
      'project.image.registry': 4,
      'project.image.repository': 5,
      services: 6,
      'services.0': 7,
      'services.0.name': 7,
      'services.0.port': 7,
      'services.1': 9,
      'services.1.name': 9,
      'services.2': 10,
      'services.2.name': 10,
      'services.2.port': 11,
      cicd: 12,
      'cicd.controller': 14,
    });
    expect(raw.data).toEqual({
      project: { name: 'shop', image: { registry: 'r.example.com', repository: 'acme/shop' } },
      services: [{ name: 'a', port: 8080 }, { name: 'b' }, { name: 'c', port: 8082 }],
      cicd: { controller: 'github-actions' },
    });
  });

  test('YAML 1.2 core scalars: yes/on stay strings, numbers and booleans are typed, JSON is read as well', () => {
    const raw = readAnswersText('a: yes\nb: on\nc: 0x1F\nd: "1.30"\ne: 2024-01-01\nf: true\ng: ~\n', 'a.yaml');
    expect(raw.data).toEqual({ a: 'yes', b: 'on', c: 31, d: '1.30', e: '2024-01-01', f: true, g: null });
    const json = readAnswersText('{"project": {"name": "shop"},\n "services": [{"name": "api"}]}', 'a.json');
    expect(json.data).toEqual({ project: { name: 'shop' }, services: [{ name: 'api' }] });
    expect(json.origins.get('services.0.name')).toBe('a.json:2');
  });

  test('aliases to missing anchors, unknown tags and several documents are YAML errors with a line', () => {
    for (const text of ['project:\n  name: *nope\n', 'project: !custom x\n', 'project: {}\n---\nservices: []\n']) {
      try {
        readAnswersText(text, 'bad.yaml');
        expect.unreachable();
      } catch (e) {
        expect(e).toBeInstanceOf(UserError);
        expect((e as UserError).message).toBe('bad.yaml is not valid YAML');
        expect((e as UserError).problems[0]!.origin).toMatch(/^bad\.yaml(:\d+:\d+)?$/);
      }
    }
  });

  test('empty files and comment-only files hold no answers', () => {
    expect(readAnswersText('', 'a.yaml').data).toEqual({});
    expect(readAnswersText('# nothing yet\n', 'a.yaml').data).toEqual({});
  });

  test('a top-level list is refused with a hint', () => {
    expect(() => readAnswersText('- a\n- b\n', 'list.yaml')).toThrow(/must contain a mapping/);
  });
});

describe('--set', () => {
  test('parses values as YAML scalars and dotted keys with list indexes', () => {
    const raw = emptyAnswers();
    applySet(raw, 'services.0.port=9000');
    applySet(raw, 'containerization.containerd.runtimeClass=true');
    applySet(raw, 'project.name=shop');
    expect(raw.data).toEqual({ services: [{ port: 9000 }], containerization: { containerd: { runtimeClass: true } }, project: { name: 'shop' } });
    expect(raw.origins.get('services.0.port')).toBe('--set services.0.port=9000');
  });

  test('rejects malformed keys and missing =', () => {
    expect(() => applySet(emptyAnswers(), 'project..name=x')).toThrow(/Invalid key/);
    expect(() => applySet(emptyAnswers(), 'project.name')).toThrow(/key=value/);
    expect(() => applySet(emptyAnswers(), '__proto__.polluted=1')).toThrow(UserError);
  });
});

describe('precedence', () => {
  test('later sources win key by key; lists are replaced whole', () => {
    const file = readAnswersText('project:\n  name: a\n  namespace: ns\nservices:\n  - name: x\n  - name: y\n', 'f.yaml');
    const flags = emptyAnswers();
    setAt(flags, ['project', 'name'], 'b', '--name b');
    setAt(flags, ['services'], [{ name: 'z' }], '--service z');
    const merged = overlay(file, flags);
    expect(merged.data).toEqual({ project: { name: 'b', namespace: 'ns' }, services: [{ name: 'z' }] });
    expect(merged.origins.get('project.name')).toBe('--name b');
    expect(merged.origins.get('project.namespace')).toBe('f.yaml:3');
  });
});

test('--service specs', () => {
  expect(parseServiceSpec('api:go:9000:grpc:3')).toEqual({ name: 'api', language: 'go', port: 9000, protocol: 'grpc', replicas: 3 });
  expect(parseServiceSpec('web')).toEqual({ name: 'web' });
  expect(() => parseServiceSpec('api:node:eighty')).toThrow(UserError);
  try {
    parseServiceSpec('api:node:eighty');
  } catch (e) {
    expect((e as UserError).problems[0]!.message).toMatch(/port must be a number, got 'eighty'/);
  }
  expect(() => parseServiceSpec('a:b:1:c:2:extra')).toThrow(/Invalid --service/);
});
