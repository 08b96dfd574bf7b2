// Validation: every problem names its key, its origin and a fix; archived blocks and rules.
import { describe, expect, test } from 'vitest';
import { resolveConfig } from '../../src/config/resolve.js';
import { readAnswersText, applySet } from '../../src/config/sources.js';
import { catalog } from '../../src/catalog/registry.js';
import { UserError, type Problem } from '../../src/util/errors.js';

const problemsOf = (yaml: string, sets: string[] = []): Problem[] => {
  const raw = readAnswersText(yaml, 'answers.yaml');
  for (const s of sets) applySet(raw, s);
  try {
    resolveConfig(raw, catalog);
  } catch (e) {
    if (e instanceof UserError) return e.problems;
    throw e;
  }
  return [];
};
const MIN = 'project:\n  name: shop\nservices:\n  - name: api\n';

describe('resolveConfig', () => {
  test('defaults fill a minimal answers file and derived values follow the project', () => {
    const r = resolveConfig(readAnswersText(MIN, 'a.yaml'), catalog);
    // Harbor is the default registry, so images live on its host unless project.image.registry says otherwise.
    expect(r.project).toEqual({ name: 'shop', namespace: 'shop', kubernetesVersion: '1.34', image: { registry: 'harbor.example.com', repository: 'shop' } });
    expect(r.services[0]).toMatchObject({ name: 'api', language: 'node', port: 8080, protocol: 'http', replicas: 2, image: 'harbor.example.com/shop/api' });
    const ext = resolveConfig(readAnswersText(MIN + 'registry:\n  provider: external\n', 'a.yaml'), catalog);
    expect(ext.project.image.registry).toBe('ghcr.io');
    const own = resolveConfig(readAnswersText('project:\n  name: shop\n  image: {registry: r.example.com}\nservices:\n  - name: api\n', 'a.yaml'), catalog);
    expect(own.services[0]!.image).toBe('r.example.com/shop/api');
    expect(r.selected).toEqual(expect.arrayContaining(['containerization/docker', 'containerization/containerd', 'containerization/compose', 'orchestration/kubernetes']));
  });

  test('invalid service names are rejected with the file line', () => {
    const [p] = problemsOf('project:\n  name: shop\nservices:\n  - name: ../etc\n');
    expect(p).toMatchObject({ key: 'services.0.name', origin: 'answers.yaml:4' });
    expect(p!.message).toMatch(/DNS label/);
    expect(problemsOf('project:\n  name: Shop_1\nservices:\n  - name: api\n')[0]!.key).toBe('project.name');
    expect(problemsOf(MIN, ['services.0.name=a' + 'b'.repeat(45)])[0]!.message).toMatch(/at most 40/);
  });

  test('unknown choices list the valid ones and suggest the closest', () => {
    const [p] = problemsOf(MIN, ['containerization.runtime=containrd']);
    expect(p!.key).toBe('containerization.runtime');
    expect(p!.origin).toBe('--set containerization.runtime=containrd');
    expect(p!.message).toMatch(/one of: containerd, cri-o, docker-engine, rkt/);
    expect(p!.fix).toBe('--set containerization.runtime=containerd');
  });

  test('unknown keys get a did-you-mean', () => {
    const [p] = problemsOf(MIN + 'containerization:\n  buidl: docker\n');
    expect(p).toMatchObject({ key: 'containerization.buidl', origin: 'answers.yaml:6', fix: "did you mean 'build'?" });
  });

  test('archived rkt is refused with the reason and the successor', () => {
    const [p] = problemsOf(MIN, ['containerization.runtime=rkt']);
    expect(p!.message).toMatch(/archived/);
    expect(p!.message).toMatch(/cncf\/toc#262/);
    expect(p!.fix).toBe('--set containerization.runtime=containerd');
  });

  test('duplicate service names and ports are refused', () => {
    const ps = problemsOf('project:\n  name: s\nservices:\n  - {name: a, port: 8080}\n  - {name: a, port: 8080}\n');
    expect(ps.map((p) => p.key).sort()).toEqual(['services.1.name', 'services.1.port']);
  });

  test('privileged ports are refused: the services run as a non-root user', () => {
    expect(problemsOf(MIN, ['services.0.port=80'])[0]!.message).toMatch(/>= 1024/);
  });

  test('a rule warning is reported, not fatal', () => {
    const r = resolveConfig(readAnswersText(MIN + 'containerization:\n  runtime: docker-engine\n', 'a.yaml'), catalog);
    expect(r.warnings.map((w) => w.message).join()).toMatch(/cri-dockerd/);
  });
});
