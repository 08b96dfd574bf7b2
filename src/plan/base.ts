// The repository skeleton every project gets: answers file and its schema, README, Makefile,
// .gitignore, and one service skeleton per service (templates/base/).
import type { Catalog, FileSpec } from '../catalog/define.js';
import type { MergedContributions } from '../catalog/contributions.js';
import type { Resolved } from '../config/resolve.js';
import { ANSWERS_FILE, SCHEMA_FILE, answersSchemaText, serializeAnswers } from '../config/answers-file.js';
import { mermaidDiagram } from './diagram.js';
import { skeletonStores } from '../blocks/storage/skeleton.js';
import { portsText, refTitle } from '../catalog/network.js';

/** One README row per network edge: every connection the generated system allows, and why. */
function edgeRows(contrib: MergedContributions): { from: string; to: string; ports: string; reason: string; block: string }[] {
  const peers = contrib.network.peers;
  return contrib.network.edges.map((e) => ({ from: refTitle(e.from, peers), to: refTitle(e.to, peers), ports: portsText(e.ports), reason: e.reason, block: e.block }));
}
import { validateTools } from '../catalog/commands.js';

export function baseFiles(r: Resolved, catalog: Catalog, contrib: MergedContributions): FileSpec[] {
  const validate = contrib.validate;
  return [
    { to: ANSWERS_FILE, content: serializeAnswers(r.config, catalog) },
    { to: SCHEMA_FILE, content: answersSchemaText(catalog) },
    { to: 'README.md', template: 'base/README.md.hbs', data: { diagram: mermaidDiagram(r.project, r.services, contrib, r.graph), edges: edgeRows(contrib), cycles: r.graph.cycles.map((c) => [...c, c[0]].join(' → ')) } },
    { to: 'Makefile', template: 'base/Makefile.hbs', data: { validate, tools: validateTools(validate) } },
    { to: '.gitignore', template: 'base/gitignore.hbs' },
    { to: '.editorconfig', template: 'base/editorconfig' },
    // A service skeleton: what its language's HTTP and gRPC variants share (common/), then the variant.
    ...r.services.flatMap((service) =>
      // A gRPC service also gets the example API (.proto), the same for every language.
      ['common', service.protocol, ...(service.protocol === 'grpc' ? ['grpc-shared'] : [])].map((variant) => ({
        to: `services/${service.name}`,
        dir: variant === 'grpc-shared' ? 'base/services/grpc-shared' : `base/services/${service.language}/${variant}`,
        // dataLayer: the stores the skeleton's repository layer implements (src/blocks/storage/skeleton.ts).
        data: { service, dataLayer: skeletonStores(service) },
      })),
    ),
  ];
}
