// TLS of the NATS client port (option messaging.nats.tls): the server certificate from cert-manager, the
// URL clients use, and where they find the CA. The chart mounts the Secret (config.nats.tls.secretName,
// repo:nats-io/k8s helm/charts/nats/values.yaml); cert-manager objects: cert-manager.io/v1.
import { toYamlBlock } from '../../render/helpers.js';
import { NATS_NAMESPACE, NATS_RELEASE, NATS_URL } from './nats-model.js';

/** The server certificate's Secret (cert-manager also writes the CA into it as ca.crt). */
export const NATS_TLS_SECRET = 'nats-server-tls';
/** The ConfigMap with the CA certificate in the application namespace (NATS_CA of the services). */
export const NATS_CA_CONFIGMAP = 'nats-ca';
/** Where clients connect: tls:// when the server requires TLS. */
export const natsUrl = (o: { tls: boolean }) => (o.tls ? NATS_URL.replace(/^nats:/, 'tls:') : NATS_URL);

/**
 * TLS for the client port from cert-manager (cert-manager.io/v1): a self-signed root in the messaging
 * namespace, an Issuer signing with it, and the server certificate for the Service and every pod name.
 * cert-manager writes the CA into the server Secret as ca.crt (CA issuer); make messaging-install copies it
 * into a ConfigMap of the application namespace, which the services read as NATS_CA.
 */
export function natsTls(): string {
  const meta = (name: string) => ({ name, namespace: NATS_NAMESPACE });
  const docs = [
    { apiVersion: 'cert-manager.io/v1', kind: 'Issuer', metadata: meta('nats-selfsigned'), spec: { selfSigned: {} } },
    {
      apiVersion: 'cert-manager.io/v1',
      kind: 'Certificate',
      metadata: meta('nats-ca'),
      spec: { isCA: true, commonName: 'nats-ca', secretName: 'nats-ca', duration: '87600h', privateKey: { algorithm: 'ECDSA', size: 256 }, issuerRef: { group: 'cert-manager.io', kind: 'Issuer', name: 'nats-selfsigned' } },
    },
    { apiVersion: 'cert-manager.io/v1', kind: 'Issuer', metadata: meta('nats-ca'), spec: { ca: { secretName: 'nats-ca' } } },
    {
      apiVersion: 'cert-manager.io/v1',
      kind: 'Certificate',
      metadata: meta('nats-server'),
      spec: {
        secretName: NATS_TLS_SECRET,
        dnsNames: [
          NATS_RELEASE,
          `${NATS_RELEASE}.${NATS_NAMESPACE}`,
          `${NATS_RELEASE}.${NATS_NAMESPACE}.svc`,
          `${NATS_RELEASE}.${NATS_NAMESPACE}.svc.cluster.local`,
          `*.${NATS_RELEASE}-headless.${NATS_NAMESPACE}.svc.cluster.local`,
        ],
        privateKey: { algorithm: 'ECDSA', size: 256, rotationPolicy: 'Always' },
        issuerRef: { group: 'cert-manager.io', kind: 'Issuer', name: 'nats-ca' },
      },
    },
  ];
  return [
    '# TLS of the NATS client port, issued by cert-manager (needs cert-manager in the cluster), applied by',
    '# make messaging-install. Clients trust the CA through NATS_CA (ConfigMap nats-ca in the app namespace).',
    ...docs.map((d) => `---\n${toYamlBlock(d, 0)}`),
    '',
  ].join('\n');
}
