// Shared by the cluster-runtime blocks (containerd, CRI-O): the optional RuntimeClass and the chart
// value that pins workloads to it. RuntimeClass.handler must equal the runtime's handler table name
// (domain.md §1.6, CR-06).
import * as z from 'zod';
import type { BlockContext, FilesContext, FileSpec } from '../../catalog/define.js';
import type { Contributions } from '../../catalog/contributions.js';

export const RuntimeOptionsSchema = z
  .object({
    runtimeClass: z
      .boolean()
      .default(false)
      .describe('Emit a RuntimeClass for the runtime handler and set runtimeClassName on every workload'),
  })
  .strict();
export type RuntimeOptions = z.infer<typeof RuntimeOptionsSchema>;

export const runtimeQuestions = {
  runtimeClass: { message: 'Emit a RuntimeClass and pin the workloads to it? (only needed when nodes run several handlers)' },
};

export function runtimeFiles(ctx: FilesContext<RuntimeOptions>, handler: string, templateDir: string): FileSpec[] {
  const files: FileSpec[] = [{ to: 'deploy/cluster/runtime', dir: templateDir, data: { handler } }];
  if (ctx.options.runtimeClass) {
    files.push({ to: 'deploy/cluster/runtimeclass.yaml', template: 'containerization/runtimeclass.yaml.hbs', data: { handler } });
  }
  return files;
}

export function runtimeContribution(ctx: BlockContext<RuntimeOptions>, handler: string, title: string): Contributions {
  return {
    chart: () =>
      ctx.options.runtimeClass
        ? { extraValues: { runtimeClassName: handler }, valuesSchema: { runtimeClassName: { type: 'string', description: 'RuntimeClass the pods run with' } } }
        : {},
    readme: [
      {
        title: 'Cluster runtime',
        order: 60,
        body:
          `Nodes run **${title}** (handler \`${handler}\`). Node configuration examples and the kubelet settings that must ` +
          'match them are in `deploy/cluster/runtime/`.' +
          (ctx.options.runtimeClass ? ` Workloads are pinned to the RuntimeClass \`${handler}\` (\`deploy/cluster/runtimeclass.yaml\`, apply it once per cluster).` : ''),
      },
    ],
  };
}
