// Fluent Bit as the (lighter) node log agent (domain.md §6.2): YAML configuration, the standard
// format since 3.2 — classic .conf is deprecated at the end of 2026 (CR-54) — with the CRI multiline
// parser on containerd/CRI-O (CR-53) and the kubernetes filter.
import * as z from 'zod';
import { defineBlock } from '../../catalog/define.js';
import { LOG_OUTPUTS, OUTPUT_CHOICES, loggingContribution, loggingFiles, runtimeLogFormat, type LogOutput, type OutputCredential } from './logging.js';

const ENV: Record<LogOutput, { name: string; value: string }[]> = {
  elasticsearch: [
    { name: 'ES_HOST', value: 'elasticsearch-master.logging.svc.cluster.local' },
    { name: 'ES_PORT', value: '9200' },
  ],
  opensearch: [
    { name: 'OPENSEARCH_HOST', value: 'opensearch-cluster-master.logging.svc.cluster.local' },
    { name: 'OPENSEARCH_PORT', value: '9200' },
  ],
  loki: [
    { name: 'LOKI_HOST', value: 'loki-gateway.logging.svc.cluster.local' },
    { name: 'LOKI_PORT', value: '80' },
  ],
  s3: [
    { name: 'S3_BUCKET', value: '' },
    { name: 'S3_REGION', value: 'us-east-1' },
  ],
  stdout: [],
};
const CREDENTIALS: Record<LogOutput, OutputCredential[]> = {
  elasticsearch: [
    { env: 'ES_USER', key: 'username' },
    { env: 'ES_PASSWORD', key: 'password' },
  ],
  opensearch: [
    { env: 'OPENSEARCH_USER', key: 'username' },
    { env: 'OPENSEARCH_PASSWORD', key: 'password' },
  ],
  loki: [],
  s3: [
    { env: 'AWS_ACCESS_KEY_ID', key: 'aws-access-key-id' },
    { env: 'AWS_SECRET_ACCESS_KEY', key: 'aws-secret-access-key' },
  ],
  stdout: [],
};

const options = z
  .object({
    output: z.enum(LOG_OUTPUTS).default('elasticsearch').describe('Where Fluent Bit ships the logs'),
  })
  .strict();

export default defineBlock({
  id: 'fluent-bit',
  category: 'observability',
  slot: 'logging',
  title: 'Fluent Bit',
  summary: 'Fluent Bit 5.1 DaemonSet (YAML config), Kubernetes metadata, output to Elasticsearch/OpenSearch/Loki/S3/stdout',
  status: 'stable',
  options,
  questions: {
    output: { message: 'Where should Fluent Bit ship the logs?', choices: OUTPUT_CHOICES },
  },
  files: (ctx) => {
    const { cri, runtime } = runtimeLogFormat(ctx);
    const output = ctx.options.output;
    const env = ENV[output].map((e) => (e.name === 'S3_BUCKET' ? { ...e, value: `${ctx.project.name}-logs` } : e));
    return loggingFiles('fluent-bit', 'fluent-bit.yaml', 'observability/fluent-bit/fluent-bit.yaml.hbs', {
      output,
      cri,
      runtime,
      env,
      credentials: CREDENTIALS[output],
    });
  },
  contribute: (ctx) => loggingContribution(ctx, 'fluent-bit', 'Fluent Bit', 'fluent-bit.yaml', CREDENTIALS[ctx.options.output]),
});
