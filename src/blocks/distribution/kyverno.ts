// Kyverno verifies image signatures at admission (domain.md §3.4): only images signed by the chosen signer's
// identity run in the project's namespace, and tags are rewritten to the verified digest. The policy form
// follows the signer (kyvernoPolicyKind): ImageValidatingPolicy for cosign 3 keyless; ClusterPolicy with
// `type: SigstoreBundle` (cosign 3, CR-19), `type: Cosign` (v2 .sig tags) or `type: Notary` (Notation, CR-24).
// Installed with the kyverno/kyverno chart 3.9.0 (Kyverno 1.19.0).
import * as z from 'zod';
import { defineBlock, type BlockContext } from '../../catalog/define.js';
import { toYamlBlock } from '../../render/helpers.js';
import { HELM, KUBECTL } from '../../catalog/prerequisites.js';
import { PULL_SECRET } from '../registry/shared.js';
import {
  COSIGN_PUBLIC_KEY_SECRET,
  KYVERNO_NAMESPACE,
  NOTATION_CA_CONFIGMAP,
  REKOR_URL,
  cosignFormat,
  identityUnset,
  kyvernoPolicyKind,
  keylessIdentity,
  keylessIssuer,
} from './shared.js';

const KYVERNO_CHART = '3.9.0';

const Options = z
  .object({
    policyType: z
      .enum(['auto', 'ImageValidatingPolicy', 'ClusterPolicy'])
      .default('auto')
      .describe('auto: ImageValidatingPolicy for cosign 3 keyless, ClusterPolicy.verifyImages otherwise'),
    action: z.enum(['Enforce', 'Audit']).default('Enforce').describe('Enforce: reject unsigned images; Audit: admit and report'),
  })
  .strict();
type KyvernoOptions = z.infer<typeof Options>;

interface Cosign {
  mode: 'keyless' | 'key';
  issuer: string;
  identity?: string;
}

function policy(ctx: BlockContext<KyvernoOptions>): Record<string, unknown> {
  const c = ctx.config as Record<string, any>;
  const signer = c.distribution?.signer as string;
  const cosign = (c.distribution?.cosign ?? {}) as Cosign;
  const images = `${ctx.project.image.registry}/${ctx.project.image.repository}/*`;
  const name = `verify-images-${ctx.project.name}`.slice(0, 63);
  const ns = ctx.project.namespace;
  const enforce = ctx.options.action === 'Enforce';

  if (kyvernoPolicyKind(c) === 'ImageValidatingPolicy') {
    return {
      apiVersion: 'policies.kyverno.io/v1',
      kind: 'ImageValidatingPolicy',
      metadata: { name },
      spec: {
        validationActions: [enforce ? 'Deny' : 'Audit'],
        failurePolicy: enforce ? 'Fail' : 'Ignore',
        matchConstraints: {
          namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': ns } },
          resourceRules: [{ apiGroups: [''], apiVersions: ['v1'], operations: ['CREATE', 'UPDATE'], resources: ['pods'] }],
        },
        matchImageReferences: [{ glob: images }],
        // Pull credentials for reading signatures from a private registry (Secret in the Kyverno namespace).
        credentials: { secrets: [PULL_SECRET] },
        attestors: [
          {
            name: 'cosign',
            cosign: {
              keyless: { identities: [{ issuer: keylessIssuer(c) ?? '', subjectRegExp: keylessIdentity(c) }] },
              ctlog: { url: REKOR_URL },
            },
          },
        ],
        validationConfigurations: { mutateDigest: true, verifyDigest: true, required: true },
        validations: [
          {
            expression: 'images.containers.map(image, verifyImageSignatures(image, [attestors.cosign])).all(e, e > 0)',
            message: `images from ${images} must carry a cosign signature of the release identity`,
          },
        ],
      },
    };
  }

  let type: string;
  let entry: Record<string, unknown>;
  const context: Record<string, unknown>[] = [];
  if (signer === 'notation') {
    type = 'Notary';
    // The CA is read from a ConfigMap at admission (a Kyverno context variable), so no certificate is in git.
    context.push({ name: 'notationca', configMap: { name: NOTATION_CA_CONFIGMAP, namespace: KYVERNO_NAMESPACE } });
    entry = { certificates: { cert: '{{ notationca.data."ca.crt" }}' } };
  } else {
    type = cosignFormat(c) === 'v3' ? 'SigstoreBundle' : 'Cosign';
    entry =
      cosign.mode === 'key'
        ? { keys: { publicKeys: `k8s://${KYVERNO_NAMESPACE}/${COSIGN_PUBLIC_KEY_SECRET}`, rekor: { url: REKOR_URL } } }
        : { keyless: { issuer: keylessIssuer(c) ?? '', subjectRegExp: keylessIdentity(c), rekor: { url: REKOR_URL } } };
  }
  return {
    apiVersion: 'kyverno.io/v1',
    kind: 'ClusterPolicy',
    metadata: { name },
    spec: {
      webhookTimeoutSeconds: 15,
      background: false,
      rules: [
        {
          name: 'verify-signature',
          match: { any: [{ resources: { kinds: ['Pod'], namespaces: [ns] } }] },
          ...(context.length ? { context } : {}),
          verifyImages: [
            {
              imageReferences: [images],
              type,
              failureAction: ctx.options.action,
              mutateDigest: true,
              verifyDigest: true,
              required: true,
              imageRegistryCredentials: { secrets: [PULL_SECRET] },
              attestors: [{ entries: [entry] }],
            },
          ],
        },
      ],
    },
  };
}

export default defineBlock({
  id: 'kyverno',
  category: 'distribution',
  slot: 'admission',
  title: 'Kyverno',
  summary: 'admission policy: only images signed by your CI identity run (cosign 3 bundles, v2 tags or Notation)',
  status: 'stable',
  options: Options,
  questions: {
    policyType: {
      message: 'Which Kyverno policy API?',
      choices: {
        auto: 'pick the verified form for the signer',
        ImageValidatingPolicy: 'policies.kyverno.io/v1 (CEL; cosign 3 keyless)',
        ClusterPolicy: 'kyverno.io/v1 ClusterPolicy.verifyImages',
      },
    },
    action: { message: 'Reject unsigned images, or only report them?', choices: { Enforce: 'reject', Audit: 'admit and report' } },
  },
  files: (ctx) => {
    const header =
      `# Signature verification at admission for namespace ${ctx.project.namespace}, generated by cn-scaffold.\n` +
      `# Requires Kyverno (chart kyverno/kyverno ${KYVERNO_CHART}): make admission-install.\n`;
    return [{ to: 'deploy/policies/verify-images.yaml', content: `${header}${toYamlBlock(policy(ctx))}\n` }];
  },
  contribute: (ctx) => {
    const c = ctx.config as Record<string, any>;
    const signer = c.distribution?.signer as string;
    const cosign = (c.distribution?.cosign ?? {}) as Cosign;
    // The inputs live in Kyverno's namespace, which must exist before them (helm --create-namespace only creates it
    // at install time, after these commands); creating it first is idempotent and the install keeps it.
    const prereq: string[] = [
      `kubectl create namespace ${KYVERNO_NAMESPACE} --dry-run=client -o yaml | kubectl apply -f -`,
      `kubectl -n ${KYVERNO_NAMESPACE} create secret docker-registry ${PULL_SECRET} --docker-server=${ctx.project.image.registry} --docker-username=... --docker-password=...`,
    ];
    if (signer === 'notation') prereq.push(`kubectl -n ${KYVERNO_NAMESPACE} create configmap ${NOTATION_CA_CONFIGMAP} --from-file=ca.crt`);
    if (signer === 'cosign' && cosign.mode === 'key') prereq.push(`kubectl -n ${KYVERNO_NAMESPACE} create secret generic ${COSIGN_PUBLIC_KEY_SECRET} --from-file=cosign.pub`);
    return {
      make: [
        {
          name: 'admission-install',
          help: `Install Kyverno ${KYVERNO_CHART} and the image signature policy`,
          requires: [
            KUBECTL,
            HELM,
            ...[PULL_SECRET, ...(signer === 'cosign' && cosign.mode === 'key' ? [COSIGN_PUBLIC_KEY_SECRET] : [])].map((secret) => ({
              secret,
              namespace: KYVERNO_NAMESPACE,
              hint: `create it as README.md "Admission: Kyverno" shows (kubectl create namespace ${KYVERNO_NAMESPACE} first)`,
            })),
          ],
          recipe: [
            'helm repo add kyverno https://kyverno.github.io/kyverno/ --force-update',
            `helm upgrade --install kyverno kyverno/kyverno --version ${KYVERNO_CHART} --namespace ${KYVERNO_NAMESPACE} --create-namespace --wait`,
            'kubectl apply -f deploy/policies/verify-images.yaml',
          ],
        },
      ],
      readme: [
        {
          title: 'Admission: Kyverno',
          order: 36,
          body: [
            `\`deploy/policies/verify-images.yaml\` (${kyvernoPolicyKind(c)}) ${ctx.options.action === 'Enforce' ? 'rejects' : 'reports'} pods in ` +
              `\`${ctx.project.namespace}\` whose images from \`${ctx.project.image.registry}/${ctx.project.image.repository}\` are not signed, and pins ` +
              'admitted images to the verified digest. Before `make admission-install`, give Kyverno what it reads:',
            '',
            '```sh',
            ...prereq,
            '```',
            signer === 'cosign' && cosign.mode === 'keyless' && identityUnset(c)
              ? '\nThe policy trusts no signer until `distribution.cosign.identity` is set (fails closed).'
              : '',
          ]
            .filter((l) => l !== '')
            .join('\n'),
        },
      ],
      notes: [`Admission: create the Kyverno inputs listed in README.md ("Admission: Kyverno"), then run make admission-install.`],
      firstDeploy: [{ phase: 'admission' as const, target: 'admission-install', title: 'install Kyverno and the image signature policy' }],
      diagram: { nodes: [{ id: 'admission', label: 'Kyverno signature check', group: 'platform' }], edges: [{ from: 'admission', to: 'k8s', label: 'admits signed images' }] },
    };
  },
});
