// What the cluster and the registry would reject, checked on the generated files: the pushed image is the scanned
// one, as a single manifest (Harbor checks the signature of the manifest containerd fetches); Ratify verifies only
// the project's images and Gatekeeper fails closed; Tekton's non-root steps can write their workspace; Kyverno's
// inputs are created after its namespace; a VM Harbor is not given a cluster DNS name; GitLab keyless signing gets a
// GitLab-shaped identity.
import { parse, parseAllDocuments } from 'yaml';
import { describe, expect, test } from 'vitest';
import { catalog } from '../src/catalog/registry.js';
import { applySet, emptyAnswers } from '../src/config/sources.js';
import { renderProject } from '../src/generate.js';
import { UserError } from '../src/util/errors.js';

const SERVICES = 'services=[{"name":"api"},{"name":"billing","language":"go","protocol":"grpc","port":9000}]';
function render(sets: string[]) {
  const raw = emptyAnswers();
  for (const s of ['project.name=shop', SERVICES, ...sets]) applySet(raw, s);
  return renderProject(raw, catalog);
}
const text = (sets: string[], p: string) => {
  const f = render(sets).tree.get(p);
  if (!f) throw new Error(`${p} is not generated`);
  return f.content;
};
const docs = (t: string) => parseAllDocuments(t).map((d) => d.toJS() as Record<string, any>);

describe('defect: pods could not pull (index signed, child manifest checked) / scanned image not the pushed one', () => {
  test('GitHub: one build, loaded and scanned; that image is pushed as a single manifest, its digest signed', () => {
    const wf = parse(text([], '.github/workflows/_service-node.yml')) as { jobs: Record<string, { steps: any[]; outputs?: any; env?: any }> };
    const all = Object.values(wf.jobs).flatMap((j) => j.steps);
    const builds = all.filter((s) => String(s.uses).startsWith('docker/build-push-action@'));
    // The PR build (no push) and the main-branch build; neither pushes, neither adds attestation manifests.
    for (const b of builds) expect(b.with.push ?? false).toBe(false);
    const publish = wf.jobs.publish!;
    const build = publish.steps.filter((s) => String(s.uses).startsWith('docker/build-push-action@'));
    expect(build).toHaveLength(1);
    expect(build[0].with).toMatchObject({ load: true, provenance: false, sbom: false, tags: '${{ inputs.image }}:${{ github.sha }}' });
    const scan = publish.steps.find((s) => String(s.uses).startsWith('aquasecurity/trivy-action@'));
    expect(scan.with['image-ref']).toBe(build[0].with.tags);
    const push = publish.steps.find((s) => s.id === 'push');
    expect(publish.env).toMatchObject({ IMAGE: '${{ inputs.image }}', TAG: '${{ github.sha }}' });
    expect(push.run).toMatch(/^docker push "\$IMAGE:\$TAG"$/m);
    expect(publish.steps.indexOf(scan)).toBeLessThan(publish.steps.indexOf(push));
    expect(publish.outputs.digest).toBe('${{ steps.push.outputs.digest }}');
    expect(push.run).toMatch(/echo "digest=\$digest" >> "\$GITHUB_OUTPUT"/);
  });

  test('GitLab and Tekton push the archive that was scanned, and make the SBOM from it', () => {
    const ci = parse(text(['cicd.provider=gitlab-ci'], '.gitlab-ci.yml')) as Record<string, any>;
    expect(ci['api:scan'].script.join('\n')).toContain('trivy image --input image.tar');
    expect(ci['api:push'].script.join('\n')).toContain('buildah pull -q oci-archive:image.tar');
    expect(ci['api:sign'].needs).toContain('api:image');
    expect(ci['api:sign'].script.join('\n')).toContain('syft scan "oci-archive:image.tar"');
    const tasks = docs(text(['cicd.provider=tekton', 'distribution.cosign.mode=key'], '.tekton/tasks.yaml'));
    const script = (suffix: string) => tasks.find((t) => t.metadata.name === `shop-${suffix}`)!.spec.steps[0].script as string;
    expect(script('push')).toContain('buildah pull -q oci-archive:image.tar');
    expect(script('sign')).toContain('syft scan "oci-archive:image.tar"');
  });
});

describe('defect: Ratify + Gatekeeper denied out-of-scope images and failed open', () => {
  const sets = ['distribution.admission=ratify'];
  test('the constraint sends only the project images to Ratify', () => {
    const constraint = docs(text(sets, 'deploy/policies/ratify/constraint.yaml'))[0]!;
    expect(constraint.spec.parameters).toEqual({ imagePrefixes: ['harbor.example.com/shop/'] });
    const template = docs(text(sets, 'deploy/policies/ratify/constraint-template.yaml'))[0]!;
    expect(template.spec.crd.spec.validation.openAPIV3Schema.properties.imagePrefixes).toMatchObject({ type: 'array', items: { type: 'string' } });
    const rego = template.spec.targets[0].rego as string;
    // Every image list is filtered by the prefixes before external_data, and nothing is asked when none is left.
    const remote = rego.slice(rego.indexOf('remote_data := response {'));
    for (const list of ['containers', 'initContainers', 'ephemeralContainers']) expect(remote).toMatch(new RegExp(`spec\\.${list}\\[_\\]\\.image; in_scope\\(img\\)\\]`));
    expect(rego).toMatch(/in_scope\(img\) \{\n\s+startswith\(img, input\.parameters\.imagePrefixes\[_\]\)\n\s*\}/);
    expect(remote.indexOf('count(all_images) > 0')).toBeLessThan(remote.indexOf('external_data('));
    // The verifiers cover exactly the project's images; the chart's cluster-wide tag mutation is off.
    const values = parse(text(sets, 'deploy/policies/ratify/values.yaml')) as Record<string, any>;
    expect(values.cosign.scopes).toEqual(['harbor.example.com/shop/api', 'harbor.example.com/shop/billing']);
    expect(values.provider.enableMutation).toBe(false);
  });

  test('Gatekeeper fails closed: installed with failurePolicy Fail, or an existing one checked', () => {
    const install = text(sets, 'deploy/policies/ratify/install.sh');
    expect(install).toContain('--set validatingWebhookFailurePolicy=Fail');
    const existing = text([...sets, 'distribution.ratify.gatekeeper=existing'], 'deploy/policies/ratify/install.sh');
    expect(existing).toMatch(/failurePolicy\}'[\s\S]*\[ "\$policy" = Fail \] \|\| die/);
  });
});

describe('defect: Tekton steps could not write the workspace; Buildah root without a reason', () => {
  const tree = render(['cicd.provider=tekton', 'distribution.cosign.mode=key']).tree;
  const all = (p: string) => docs(tree.get(p)!.content);
  test('every PipelineRun gives its pods fsGroup = the group of the non-root steps', () => {
    const runs = [...tree.keys()].filter((p) => p.startsWith('.tekton/')).flatMap(all).flatMap((d) => (d.kind === 'TriggerTemplate' ? d.spec.resourcetemplates : [d])).filter((d) => d.kind === 'PipelineRun');
    expect(runs.length).toBeGreaterThanOrEqual(3);
    const clone = all('.tekton/tasks.yaml').find((t) => t.metadata.name === 'shop-clone')!;
    const group = clone.spec.stepTemplate.securityContext.runAsGroup;
    expect(clone.spec.stepTemplate.securityContext.runAsNonRoot).toBe(true);
    for (const r of runs) expect(r.spec.taskRunTemplate.podTemplate.securityContext.fsGroup, r.metadata.generateName).toBe(group);
  });

  test('root only where needed, with the reason in the Task; the test task is non-root without Go gRPC', () => {
    const tasks = all('.tekton/tasks.yaml');
    for (const name of ['shop-build', 'shop-push']) expect(tasks.find((t) => t.metadata.name === name)!.spec.description).toMatch(/Runs as root.*newuidmap.*CLONE_NEWUSER/);
    const testTask = (t: typeof tree) => docs(t.get('.tekton/tasks.yaml')!.content).find((x) => x.metadata.name === 'shop-test')!.spec;
    expect(testTask(tree).stepTemplate.securityContext.runAsUser).toBe(0);
    expect(testTask(tree).description).toMatch(/as root: the Go gRPC setup .* installs protoc with apk/);
    const raw = emptyAnswers();
    for (const s of ['project.name=shop', 'services=[{"name":"api"}]', 'cicd.provider=tekton', 'distribution.cosign.mode=key']) applySet(raw, s);
    expect(testTask(renderProject(raw, catalog).tree).stepTemplate.securityContext).toMatchObject({ runAsNonRoot: true, runAsUser: 65532 });
  });

  test('a Go HTTP service that calls a gRPC service generates its client stubs (gen.sh, apk): the test task is root', () => {
    const raw = emptyAnswers();
    const services = 'services=[{"name":"web","language":"go","calls":["pay"]},{"name":"pay","language":"python","protocol":"grpc","port":9000}]';
    for (const s of ['project.name=shop', services, 'cicd.provider=tekton', 'distribution.cosign.mode=key']) applySet(raw, s);
    const t = renderProject(raw, catalog).tree;
    // The Go service's CI setup runs `apk add` exactly when its folder has gen.sh.
    expect(t.has('services/web/gen.sh')).toBe(true);
    const spec = docs(t.get('.tekton/tasks.yaml')!.content).find((x) => x.metadata.name === 'shop-test')!.spec;
    expect(spec.stepTemplate.securityContext.runAsUser).toBe(0);
    expect(spec.description).toMatch(/as root: the Go gRPC setup .* installs protoc with apk/);
  });
});

describe('defect 12 (supply chain): commands and defaults that could not work', () => {
  test('Kyverno: the namespace is created before the Secret placed in it', () => {
    const readme = text([], 'README.md');
    const block = readme.slice(readme.indexOf('## Admission: Kyverno'));
    const ns = block.indexOf('kubectl create namespace kyverno');
    expect(ns).toBeGreaterThan(0);
    expect(ns).toBeLessThan(block.indexOf('kubectl -n kyverno create'));
  });

  test('a VM Harbor is refused a Clair adapter URL only a cluster resolves', () => {
    const vm = ['registry.harbor.install=vm', 'registry.harbor.tls=secret', 'registry.harbor.scanner=clair'];
    expect(() => render(vm)).toThrow(UserError);
    try {
      render(vm);
    } catch (e) {
      expect((e as UserError).problems.map((p) => p.message).join('\n')).toContain('Harbor on a VM cannot resolve the Clair adapter URL');
    }
    const ok = render([...vm, 'registry.harbor.clairAdapterUrl=http://clair-adapter.example.com:8080']);
    expect(ok.tree.get('deploy/harbor/bootstrap.sh')!.content).toContain('http://clair-adapter.example.com:8080');
  });

  test('GitLab keyless signing: the placeholder identity is GitLab-shaped and still matches no signer', () => {
    const gitlab = render(['cicd.provider=gitlab-ci']);
    const policy = gitlab.tree.get('deploy/policies/verify-images.yaml')!.content;
    expect(policy).toContain('https://gitlab.com');
    expect(policy).not.toMatch(/github/);
    const id = /subjectRegExp: (.+)$/m.exec(policy)?.[1]?.replace(/^'|'$/g, '');
    expect(id).toMatch(/^\^https:\/\/gitlab\\\.com\//);
    // No GitLab identity (ci_config_ref_uri: https://gitlab.com/<group>/<project>//.gitlab-ci.yml@<ref>) matches it.
    expect(new RegExp(id!).test('https://gitlab.com/acme/shop//.gitlab-ci.yml@refs/heads/main')).toBe(false);
    // Until it is set, the run says so.
    expect(gitlab.resolved.warnings.map((w) => w.message).join('\n')).toMatch(/trusts no keyless signer/);
  });
});
