// Ratify (Notary Project) verifies signatures for OPA Gatekeeper as an external-data provider (domain.md §3.4):
// chart values (verifiers for the chosen signer, scoped to our images), the ConstraintTemplate and the
// constraint for the project's namespace, and a pinned install script. Ratify v1 requires Gatekeeper (CR-23).
import * as z from 'zod';
import { defineBlock } from '../../catalog/define.js';
import { HELM, KUBECTL } from '../../catalog/prerequisites.js';
import { keylessIdentity, keylessIssuer } from './shared.js';

/** ratify/ratify chart 1.15.5 = Ratify v1.4.4 (charts/ratify/Chart.yaml @v1.4.4). */
const RATIFY_CHART = '1.15.5';
/** Gatekeeper the Ratify 1.4.4 chart is built for (charts/ratify/values.yaml `gatekeeper.version`). */
const GATEKEEPER_CHART = '3.18.0';

export default defineBlock({
  id: 'ratify',
  category: 'distribution',
  slot: 'admission',
  title: 'Ratify + Gatekeeper',
  summary: 'Ratify v1 as an OPA Gatekeeper external-data provider: Notation (or cosign) verification at admission',
  status: 'stable',
  options: z
    .object({
      gatekeeper: z.enum(['install', 'existing']).default('install').describe('install Gatekeeper with Ratify, or use the Gatekeeper already in the cluster'),
      action: z.enum(['deny', 'warn', 'dryrun']).default('deny').describe('Gatekeeper enforcementAction of the constraint'),
    })
    .strict(),
  questions: {
    gatekeeper: { message: 'OPA Gatekeeper?', choices: { install: `install Gatekeeper ${GATEKEEPER_CHART} with Ratify`, existing: 'already installed (external data enabled)' } },
    action: { message: 'What happens to pods with unverified images?', choices: { deny: 'rejected', warn: 'admitted with a warning', dryrun: 'only audited' } },
  },
  files: (ctx) => {
    const c = ctx.config as Record<string, any>;
    const signer = c.distribution?.signer;
    const cosign = c.distribution?.cosign ?? {};
    const r = {
      chart: RATIFY_CHART,
      gatekeeper: GATEKEEPER_CHART,
      installGatekeeper: ctx.options.gatekeeper === 'install',
      enforcementAction: ctx.options.action,
      notation: signer === 'notation',
      cosign: signer === 'cosign',
      keyless: cosign.mode !== 'key',
      identity: keylessIdentity(c),
      issuer: keylessIssuer(c) ?? '',
      trustedIdentity: c.distribution?.notation?.trustedIdentity ?? '*',
      scopes: ctx.services.map((s) => s.image),
      // What the constraint sends to Ratify: the project's repositories, nothing else (trailing slash: no sibling
      // repository such as <repository>-other matches).
      prefix: `${ctx.project.image.registry}/${ctx.project.image.repository}/`,
    };
    return [
      { to: 'deploy/policies/ratify/values.yaml', template: 'distribution/ratify/values.yaml.hbs', data: { r } },
      { to: 'deploy/policies/ratify/install.sh', template: 'distribution/ratify/install.sh.hbs', data: { r } },
      { to: 'deploy/policies/ratify/constraint-template.yaml', template: 'distribution/ratify/constraint-template.yaml' },
      { to: 'deploy/policies/ratify/constraint.yaml', template: 'distribution/ratify/constraint.yaml.hbs', data: { r } },
    ];
  },
  contribute: (ctx) => ({
    make: [{ name: 'admission-install', help: `Install ${ctx.options.gatekeeper === 'install' ? 'Gatekeeper, ' : ''}Ratify and the verification constraint`, recipe: ['bash deploy/policies/ratify/install.sh'], requires: [KUBECTL, HELM] }],
    firstDeploy: [{ phase: 'admission', target: 'admission-install', title: 'install Ratify (with Gatekeeper) and the signature verification constraint' }],
    readme: [
      {
        title: 'Admission: Ratify + Gatekeeper',
        order: 36,
        body:
          `Ratify v1.4.4 (chart ${RATIFY_CHART}) verifies the signatures of the project's images (\`${ctx.project.image.registry}/${ctx.project.image.repository}/*\`) ` +
          `in pods of \`${ctx.project.namespace}\` for OPA Gatekeeper ` +
          `${ctx.options.gatekeeper === 'install' ? GATEKEEPER_CHART + ' (installed with it)' : '(already installed, external data enabled)'}; ` +
          'other images (the `helm test` pod, sidecars) are not sent to Ratify. Gatekeeper fails closed (`validatingWebhookFailurePolicy: Fail`): ' +
          'while it or Ratify cannot answer, pods are rejected (and, Gatekeeper being a cluster-wide webhook, other writes outside ' +
          '`gatekeeper-system` and `kube-system` too), instead of admitted unverified. ' +
          (ctx.config.distribution as { signer?: string } | undefined)?.signer === 'notation'
            ? '`NOTATION_CA_FILE=ca.crt make admission-install` (the CA that issues your Notation signing certificates). Files: `deploy/policies/ratify/`.'
            : '`make admission-install`. Files: `deploy/policies/ratify/`.',
      },
    ],
    diagram: { nodes: [{ id: 'admission', label: 'Gatekeeper + Ratify', group: 'platform' }], edges: [{ from: 'admission', to: 'k8s', label: 'admits verified images' }] },
  }),
});
