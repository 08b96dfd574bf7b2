// Issue #5, registry and distribution: generated trees for the registry × signer × admission choices pass the
// output validators (helm, strict schemas incl. cert-manager/Kyverno/Prometheus Operator, Pod Security,
// shellcheck); the cross-choice rules fire with their messages; the image reference, pull Secret and pipeline
// contributions follow the registry answer; and no file in any tree holds a password or secret value.
import { mkdir, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { parseAllDocuments } from 'yaml';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { catalog } from '../src/catalog/registry.js';
import { readAnswersText, type RawAnswers } from '../src/config/sources.js';
import { resolveConfig } from '../src/config/resolve.js';
import { renderProject, type Rendered } from '../src/generate.js';
import { UserError } from '../src/util/errors.js';
import { formatReport, validateTrees, type ValidationReport } from './support/validators/index.js';

const PROJECT = 'project: { name: shop, namespace: shop }\n';
const SERVICES = `services:
  - { name: api, language: node, port: 8080, protocol: http }
  - { name: billing, language: go, port: 9000, protocol: grpc }
`;
const IDENTITY = '^https://github\\.com/acme/shop/\\.github/workflows/release\\.yml@refs/heads/main$';

/** The answers file: a combination may bring its own `project:` section. */
const answers = (extra: string): RawAnswers =>
  readAnswersText((/^project:/m.test(extra) ? '' : PROJECT) + SERVICES + extra, 'answers.yaml');

/**
 * Together these cover every value of every registry/distribution option in a valid combination
 * (string options aside): install, version, expose, tls, database, scanner, severities, referrersApi,
 * cosign mode/format/sbom, Kyverno policyType/action, Ratify gatekeeper/action, and signer/admission none.
 */
const COMBOS: Record<string, string> = {
  'harbor-cosign-kyverno': `
registry: { provider: harbor, harbor: { host: harbor.acme.io } }
distribution: { signer: cosign, admission: kyverno, cosign: { identity: '${IDENTITY}' } }
`,
  'harborvm-notation-ratify': `
registry: { provider: harbor, harbor: { install: vm, tls: secret, scanSeverity: low } }
distribution: { signer: notation, admission: ratify, ratify: { action: warn } }
`,
  'external-cosign-none': `
project: { name: shop, namespace: shop, image: { registry: ghcr.io, repository: acme/shop } }
registry: { provider: external, external: { scanSeverity: medium } }
distribution: { signer: cosign, admission: none, cosign: { sbom: false } }
`,
  'harbor28-clair-notaryv1': `
registry: { provider: harbor, harbor: { version: v2.8, scanner: clair, expose: ingress, scanSeverity: critical } }
distribution: { signer: notary-v1, admission: none }
`,
  'harbor-notation-kyverno-clusterpolicy': `
registry: { provider: harbor, harbor: { expose: loadBalancer, tls: secret, database: external, scanSeverity: medium } }
distribution: { signer: notation, admission: kyverno, kyverno: { policyType: ClusterPolicy, action: Audit } }
`,
  'external-cosignkey-kyverno-v2': `
registry: { provider: external, external: { scanSeverity: none } }
distribution: { signer: cosign, admission: kyverno, cosign: { mode: key, format: v2 } }
`,
  'external-referrers-cosignv3-ratify': `
registry: { provider: external, external: { referrersApi: true } }
distribution: { signer: cosign, admission: ratify, cosign: { format: v3, identity: '${IDENTITY}' }, ratify: { gatekeeper: existing, action: dryrun } }
`,
  'harbor-cosign-ivpol-nosigner-check': `
registry: { provider: harbor, harbor: { scanSeverity: none } }
distribution: { signer: cosign, admission: kyverno, kyverno: { policyType: ImageValidatingPolicy }, cosign: { identity: '${IDENTITY}' } }
`,
  'harbor-nosigner': `
registry: { provider: harbor }
distribution: { signer: none, admission: none }
`,
};

let work = '';
const rendered = new Map<string, Rendered>();
const dirs = new Map<string, string>();
let reports = new Map<string, ValidationReport>();

beforeAll(async () => {
  work = path.join(os.tmpdir(), `cn-registry-distribution-${process.pid}`);
  await rm(work, { recursive: true, force: true });
  for (const [name, extra] of Object.entries(COMBOS)) {
    const r = renderProject(answers(extra), catalog);
    rendered.set(name, r);
    const dir = path.join(work, name);
    for (const [rel, f] of r.tree) {
      await mkdir(path.dirname(path.join(dir, rel)), { recursive: true });
      await writeFile(path.join(dir, rel), f.content, { mode: f.executable ? 0o755 : 0o644 });
    }
    dirs.set(name, dir);
  }
  const byDir = await validateTrees([...dirs.values()]);
  reports = new Map([...dirs].map(([name, dir]) => [name, byDir.get(dir)!]));
}, 540_000);

afterAll(async () => {
  if (work) await rm(work, { recursive: true, force: true });
});

const tree = (name: string) => rendered.get(name)!.tree;
const file = (name: string, rel: string): string => {
  const f = tree(name).get(rel);
  if (!f) throw new Error(`${name}: no ${rel}`);
  return f.content;
};
const yamlDocs = (name: string, rel: string) => parseAllDocuments(file(name, rel)).map((d) => d.toJS() as Record<string, any>);

describe('generated trees pass the output validators', () => {
  test.each(Object.keys(COMBOS))('%s', (name) => {
    const report = reports.get(name)!;
    expect(report.failures, formatReport(report)).toEqual([]);
    // The shell scripts of these blocks went through shellcheck.
    expect(report.counts.shell?.checked ?? 0).toBeGreaterThan(0);
  });
});

describe('files follow the choices', () => {
  test('Harbor on Kubernetes: pinned chart, secrets by reference only, image host from the Harbor answer', () => {
    const t = tree('harbor-cosign-kyverno');
    expect([...t.keys()].filter((p) => p.startsWith('deploy/harbor/')).sort()).toEqual([
      'deploy/harbor/bootstrap.sh',
      'deploy/harbor/certificate.yaml',
      'deploy/harbor/install.sh',
      'deploy/harbor/servicemonitor.yaml',
      'deploy/harbor/values.yaml',
    ]);
    const values = yamlDocs('harbor-cosign-kyverno', 'deploy/harbor/values.yaml')[0]!;
    expect(values.externalURL).toBe('https://harbor.acme.io');
    expect(values.expose.type).toBe('route');
    expect(values.existingSecretAdminPassword).toBe('harbor-admin');
    expect(values.existingSecretSecretKey).toBe('harbor-encryption-key');
    expect(values.registry.credentials.existingSecret).toBe('harbor-registry-credentials');
    expect(values).not.toHaveProperty('harborAdminPassword');
    for (const s of ['deploy/harbor/install.sh', 'deploy/harbor/bootstrap.sh']) expect(t.get(s)!.executable, s).toBe(true);
    expect(file('harbor-cosign-kyverno', 'deploy/harbor/install.sh')).toContain('--version "$CHART_VERSION"');
    expect(file('harbor-cosign-kyverno', 'deploy/harbor/install.sh')).toContain("readonly CHART_VERSION='1.19.1'");
    // project.image follows the registry choice: charts pull from Harbor with the pull Secret.
    const chart = yamlDocs('harbor-cosign-kyverno', 'deploy/charts/api/values.yaml')[0]!;
    expect(chart.image.repository).toBe('harbor.acme.io/shop/api');
    expect(chart.imagePullSecrets).toEqual([{ name: 'registry-pull' }]);
    // ServiceMonitor only because kube-prometheus-stack is selected, with its selector label (CR-50).
    expect(yamlDocs('harbor-cosign-kyverno', 'deploy/harbor/servicemonitor.yaml')[0]!.metadata.labels.release).toBe('kube-prometheus-stack');
  });

  test('Harbor on a VM: harbor.yml without passwords, installer flags', () => {
    const yml = yamlDocs('harborvm-notation-ratify', 'deploy/harbor/harbor.yml')[0]!;
    expect(yml.hostname).toBe('harbor.example.com');
    expect(yml).not.toHaveProperty('harbor_admin_password');
    expect(yml.database).not.toHaveProperty('password');
    expect(file('harborvm-notation-ratify', 'deploy/harbor/install.sh')).toContain('./install.sh --with-trivy');
    expect(tree('harborvm-notation-ratify').has('deploy/harbor/values.yaml')).toBe(false);
  });

  test('Notary v1 pins Harbor 2.8 (chart 1.12.6) with its notary values; Clair replaces Trivy', () => {
    const values = yamlDocs('harbor28-clair-notaryv1', 'deploy/harbor/values.yaml')[0]!;
    expect(values.notary).toEqual({ enabled: true });
    expect(values.trivy.enabled).toBe(false);
    expect(values.expose.ingress.hosts.notary).toBe('notary.harbor.example.com');
    expect(file('harbor28-clair-notaryv1', 'deploy/harbor/install.sh')).toContain("readonly CHART_VERSION='1.12.6'");
    expect(file('harbor28-clair-notaryv1', 'deploy/signing/dct.env')).toContain('DOCKER_CONTENT_TRUST_SERVER=https://notary.harbor.example.com');
    // Harbor ≥ 2.9 values never carry notary keys (CR-10).
    expect(yamlDocs('harbor-cosign-kyverno', 'deploy/harbor/values.yaml')[0]).not.toHaveProperty('notary');
  });

  test('Kyverno policy form matches the signer', () => {
    const ivpol = yamlDocs('harbor-cosign-kyverno', 'deploy/policies/verify-images.yaml')[0]!;
    expect(ivpol.apiVersion).toBe('policies.kyverno.io/v1');
    expect(ivpol.kind).toBe('ImageValidatingPolicy');
    expect(ivpol.spec.matchImageReferences).toEqual([{ glob: 'harbor.acme.io/shop/*' }]);
    expect(ivpol.spec.attestors[0].cosign.keyless.identities).toEqual([{ issuer: 'https://token.actions.githubusercontent.com', subjectRegExp: IDENTITY }]);

    const notary = yamlDocs('harbor-notation-kyverno-clusterpolicy', 'deploy/policies/verify-images.yaml')[0]!;
    expect(notary.kind).toBe('ClusterPolicy');
    const vi = notary.spec.rules[0].verifyImages[0];
    expect(vi.type).toBe('Notary'); // CR-24
    expect(vi.failureAction).toBe('Audit');
    expect(notary.spec.rules[0].context[0].configMap).toEqual({ name: 'notation-ca', namespace: 'kyverno' });

    const v2 = yamlDocs('external-cosignkey-kyverno-v2', 'deploy/policies/verify-images.yaml')[0]!;
    expect(v2.spec.rules[0].verifyImages[0].type).toBe('Cosign'); // .sig tags: the legacy verifier
    expect(v2.spec.rules[0].verifyImages[0].attestors[0].entries[0].keys.publicKeys).toBe('k8s://kyverno/cosign-public-key');
  });

  test('Ratify: trust policy scoped to the images, Gatekeeper pinned or reused, constraint per namespace', () => {
    const values = yamlDocs('harborvm-notation-ratify', 'deploy/policies/ratify/values.yaml')[0]!;
    expect(values.notation.trustPolicies[0].registryScopes).toEqual(['harbor.example.com/shop/api', 'harbor.example.com/shop/billing']);
    expect(values.cosign.enabled).toBe(false);
    expect(file('harborvm-notation-ratify', 'deploy/policies/ratify/install.sh')).toContain('gatekeeper/gatekeeper --version 3.18.0');
    expect(file('external-referrers-cosignv3-ratify', 'deploy/policies/ratify/install.sh')).not.toContain('helm upgrade --install gatekeeper');
    const constraint = yamlDocs('harborvm-notation-ratify', 'deploy/policies/ratify/constraint.yaml')[0]!;
    expect(constraint.spec).toMatchObject({ enforcementAction: 'warn', match: { namespaces: ['shop'] } });
    const policy = JSON.parse(file('harborvm-notation-ratify', 'deploy/signing/notation/trustpolicy.oci.json'));
    expect(policy.version).toBe('1.0');
  });

  test('pipeline contributions: registry login secrets, one scan threshold, signing by digest', () => {
    const c = rendered.get('harbor-cosign-kyverno')!.contrib.pipeline;
    expect(c.registry).toEqual({ host: 'harbor.acme.io', usernameSecret: 'REGISTRY_USERNAME', passwordSecret: 'REGISTRY_PASSWORD' });
    // The registry answers the vulnerability question once; the CI scans once, before the push (no contributed scan step).
    expect(c.scanSeverity).toBe('high');
    // No contributed login or scan step: the CI/CD block logs in with `registry` and runs the one scan itself.
    expect(c.steps.map((s) => s.id)).toEqual(['cosign-sign', 'sbom-attest']);
    const byId = Object.fromEntries(c.steps.map((s) => [s.id, s]));
    expect(byId['cosign-sign']!.run).toBe('cosign sign --yes "${IMAGE}@${DIGEST}"');
    expect(byId['cosign-sign']!.oidc).toBe(true);
    expect(byId['sbom-attest']!.run).toContain('cosign attest --yes --type spdxjson --predicate sbom.spdx.json');
    // The SBOM is the CI/CD block's, made from the local image: no step pulls the pushed image back for it.
    expect(c.sbom).toBe(true);
    for (const s of c.steps) expect(s.run).not.toMatch(/syft|registry:/);
    for (const s of c.steps) expect(s.run).not.toMatch(/:\$\{TAG\}|\btrivy\b/);

    const ext = rendered.get('external-cosign-none')!.contrib.pipeline;
    expect(ext.registry!.host).toBe('ghcr.io');
    expect(ext.scanSeverity).toBe('medium');
    const sign = ext.steps.find((s) => s.id === 'cosign-sign')!;
    // GHCR has no referrers API: cosign falls back to the v2 layout (CR-14).
    expect(sign.run).toContain('--new-bundle-format=false --use-signing-config=false');
    expect(ext.steps.some((s) => s.id === 'sbom-attest')).toBe(false);

    const key = rendered.get('external-cosignkey-kyverno-v2')!.contrib.pipeline;
    expect(key.scanSeverity).toBe('none');
    expect(key.steps.find((s) => s.id === 'cosign-sign')!.secrets!.map((s) => s.name)).toEqual(['COSIGN_PRIVATE_KEY', 'COSIGN_PASSWORD']);
    expect(key.steps.find((s) => s.id === 'cosign-sign')!.oidc).toBe(false);
    expect(rendered.get('harborvm-notation-ratify')!.contrib.pipeline.scanSeverity).toBe('low');
    expect(rendered.get('harbor28-clair-notaryv1')!.contrib.pipeline.scanSeverity).toBe('critical');
  });

  test('the workflow scans once, before the push, at the registry threshold (Harbor bootstrap uses the same one)', () => {
    const expected: Record<string, string | null> = {
      'harbor-cosign-kyverno': 'HIGH,CRITICAL',
      'harborvm-notation-ratify': 'LOW,MEDIUM,HIGH,CRITICAL',
      'external-cosign-none': 'MEDIUM,HIGH,CRITICAL',
      'harbor28-clair-notaryv1': 'CRITICAL',
      'external-cosignkey-kyverno-v2': null,
      'harbor-cosign-ivpol-nosigner-check': null,
    };
    for (const [name, severities] of Object.entries(expected)) {
      const wf = yamlDocs(name, '.github/workflows/_service-node.yml')[0]!;
      const steps = Object.values(wf.jobs as Record<string, { steps?: { name: string; uses?: string; run?: string; with?: Record<string, unknown> }[] }>).flatMap(
        (j) => j.steps ?? [],
      );
      const trivy = steps.filter((s) => s.uses?.startsWith('aquasecurity/trivy-action@') || /\btrivy\b/.test(s.run ?? ''));
      if (severities === null) {
        expect(trivy, name).toEqual([]);
        continue;
      }
      expect(trivy.length, name).toBe(1);
      expect(trivy[0]!.with, name).toMatchObject({ severity: severities, 'exit-code': '1' });
      // Unfixed vulnerabilities count, as they do for Harbor's pull block: what passes CI is never refused for them.
      expect(trivy[0]!.with, name).not.toHaveProperty('ignore-unfixed');
      const publish = (wf.jobs.publish.steps as { name: string }[]).map((s) => s.name);
      expect(publish.indexOf(trivy[0]!.name), name).toBeLessThan(publish.indexOf('Push the scanned image'));
    }
    const harborSeverity = (name: string) => /^readonly HARBOR_SEVERITY=(\S+)$/m.exec(file(name, 'deploy/harbor/bootstrap.sh'))?.[1];
    expect(harborSeverity('harbor-cosign-kyverno')).toMatch(/^'?high'?$/);
    expect(harborSeverity('harbor28-clair-notaryv1')).toMatch(/^'?critical'?$/);
  });

  test('the SBOM exists iff the signer attests one (distribution.<signer>.sbom), made from the local image', () => {
    const sbomSteps = (name: string) => {
      const wf = file(name, '.github/workflows/_service-node.yml');
      return {
        syft: (wf.match(/syft scan "docker:\$IMAGE:\$TAG"/g) ?? []).length,
        attest: (wf.match(/cosign attest |oras attach /g) ?? []).length,
        other: /cyclonedx|sbom: true|registry:\$/i.test(wf),
      };
    };
    expect(sbomSteps('harbor-cosign-kyverno')).toEqual({ syft: 1, attest: 1, other: false });
    // Notation attaches the SBOM as a signed referrer (oras attach, then notation sign of its digest).
    expect(sbomSteps('harborvm-notation-ratify')).toEqual({ syft: 1, attest: 1, other: false });
    for (const name of ['external-cosign-none', 'harbor28-clair-notaryv1', 'harbor-nosigner']) {
      expect(sbomSteps(name), name).toEqual({ syft: 0, attest: 0, other: false });
    }
  });
});

describe('no secret value in any generated file', () => {
  const DEFAULTS = ['Harbor12345', 'not-a-secure-key', 'harbor_registry_password', 'changeit', 'root123'];
  // Keys that hold a secret value; `existing*` keys name a Secret (a reference), which is what we want.
  const SECRET_KEY = /(password|passwd|secret_?key|passphrase|_token)$/i;
  const REFERENCE_KEY = /^existing/i;

  /** Keys whose value is a secret literal (a non-empty string that is not a reference). */
  function secretLiterals(v: unknown, at = ''): string[] {
    if (Array.isArray(v)) return v.flatMap((x, i) => secretLiterals(x, `${at}[${i}]`));
    if (v && typeof v === 'object') {
      return Object.entries(v).flatMap(([k, x]) =>
        SECRET_KEY.test(k) && !REFERENCE_KEY.test(k) && typeof x === 'string' && x !== '' && !/^\$|^\{\{/.test(x) ? [`${at}.${k}`] : secretLiterals(x, `${at}.${k}`),
      );
    }
    return [];
  }

  test.each(Object.keys(COMBOS))('%s', (name) => {
    const found: string[] = [];
    for (const [rel, f] of tree(name)) {
      for (const d of DEFAULTS) if (f.content.includes(d)) found.push(`${rel}: default credential ${d}`);
      if (/\.(ya?ml|json)$/.test(rel) && !/\/templates\//.test(rel)) {
        for (const doc of parseAllDocuments(f.content)) found.push(...secretLiterals(doc.toJS()).map((k) => `${rel}: ${k}`));
      }
      // Shell/env assignments of a literal to a secret-looking variable.
      for (const m of f.content.matchAll(/^\s*(?:export\s+)?[A-Z_]*(?:PASSWORD|SECRET|TOKEN|PASSPHRASE)[A-Z_]*=(['"]?)([^\s'"$]+)\1\s*$/gm)) {
        found.push(`${rel}: ${m[0].trim()}`);
      }
    }
    expect(found).toEqual([]);
  });
});

describe('the rules table', () => {
  const rejected = (extra: string): string => {
    try {
      resolveConfig(answers(extra), catalog);
    } catch (e) {
      if (e instanceof UserError) return e.problems.map((p) => p.message).join('\n');
      throw e;
    }
    throw new Error('expected the answers to be rejected');
  };
  const warned = (extra: string): string => {
    const r = resolveConfig(answers(extra), catalog);
    return [...r.warnings, ...r.infos].map((p) => p.message).join('\n');
  };

  test.each([
    // Explicit answers: left unset, Notary v1 makes Harbor default to 2.8, 2.8 to an Ingress, and a VM to TLS files.
    ['CR-10', 'registry: { harbor: { version: v2.15 } }\ndistribution: { signer: notary-v1, admission: none }', /Harbor removed its Notary in 2\.9\.0.*\[CR-10\]/],
    ['CR-10 (external)', 'registry: { provider: external }\ndistribution: { signer: notary-v1, admission: none }', /\[CR-10\]/],
    ['CN-REG-01', 'registry: { harbor: { version: v2.8, expose: ingress } }', /Harbor 2\.8 is end of life.*\[CN-REG-01\]/],
    ['CN-REG-02', 'registry: { harbor: { version: v2.8, expose: route } }\ndistribution: { signer: notary-v1, admission: none }', /no Gateway API route.*\[CN-REG-02\]/],
    ['CN-REG-03', 'registry: { harbor: { install: vm, tls: cert-manager } }', /cert-manager issues certificates into Kubernetes Secrets.*\[CN-REG-03\]/],
    ['CR-14', 'registry: { provider: external }\ndistribution: { admission: none, cosign: { format: v3 } }', /referrers API.*\[CR-14\]/],
    ['CR-14-N', 'registry: { provider: external }\ndistribution: { signer: notation, admission: none }', /Notation signatures are OCI 1\.1 referrers.*\[CR-14-N\]/],
    ['CN-DIST-01', 'distribution: { signer: none, admission: kyverno }', /without a signer.*\[CN-DIST-01\]/],
    ['CN-DIST-02', 'registry: { harbor: { version: v2.8, expose: ingress } }\ndistribution: { signer: notary-v1, admission: ratify }', /Notary v1\/TUF.*\[CN-DIST-02\]/],
    ['CN-DIST-05', 'distribution: { signer: notation, admission: kyverno, kyverno: { policyType: ImageValidatingPolicy } }', /ImageValidatingPolicy covers cosign 3 keyless.*\[CN-DIST-05\]/],
  ])('%s is an error', (_id, extra, message) => {
    expect(rejected(extra)).toMatch(message);
  });

  test.each([
    ['CR-12', 'registry: { harbor: { scanner: clair } }', /dropped its built-in Clair in 2\.2.*\[CR-12\]/],
    ['CR-15', 'registry: { harbor: { expose: ingress } }', /ingress-nginx.*\[CR-15\]/],
    ['CR-13', '', /enable_content_trust_cosign.*\[CR-13\]/],
    ['CR-20', 'registry: { provider: external }', /kyverno#16664.*\[CR-20\]/],
    ['CR-21', 'distribution: { cosign: { mode: key } }', /kyverno#17363.*\[CR-21\]/],
    ['CR-23', 'distribution: { signer: notation, admission: ratify, ratify: { gatekeeper: existing } }', /enableExternalData=true.*\[CR-23\]/],
    ['CN-DIST-03', 'distribution: { admission: ratify }', /Sigstore bundles is not confirmed.*\[CN-DIST-03\]/],
    ['CN-DIST-04', '', /trusts no keyless signer.*\[CN-DIST-04\]/],
    ['Notary v1 legacy', 'registry: { harbor: { version: v2.8, expose: ingress } }\ndistribution: { signer: notary-v1, admission: none }', /Notary v1 \/ Docker Content Trust is legacy: notaryproject\/notary was archived on 2025-07-31/],
  ])('%s is a warning or note', (_id, extra, message) => {
    expect(warned(extra)).toMatch(message);
  });

  test('project.image.registry stays the user-facing override', () => {
    const r = resolveConfig(answers('project: { name: shop, image: { registry: mirror.acme.io } }\nregistry: { harbor: { host: harbor.acme.io } }'), catalog);
    expect(r.services[0]!.image).toBe('mirror.acme.io/shop/api');
    expect(resolveConfig(answers('registry: { harbor: { host: harbor.acme.io } }'), catalog).services[0]!.image).toBe('harbor.acme.io/shop/api');
  });

  test('list statuses: Notary v1 is legacy with evidence and a successor', () => {
    const b = catalog.blocks.find((x) => x.category === 'distribution' && x.id === 'notary-v1')!;
    expect(b.status).toBe('legacy');
    expect(b.successor).toBe('notation');
    expect(b.statusNote).toMatch(/archived on 2025-07-31.*goharbor\/harbor#18509/);
    const ids = catalog.blocks.filter((x) => x.category === 'registry' || x.category === 'distribution').map((x) => `${x.category}/${x.id}`);
    expect(ids).toEqual(['registry/harbor', 'registry/external', 'distribution/cosign', 'distribution/notation', 'distribution/notary-v1', 'distribution/kyverno', 'distribution/ratify']);
  });
});
