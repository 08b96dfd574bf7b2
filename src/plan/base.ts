// The repository skeleton every project gets: answers file and its schema, README, Makefile,
// .gitignore, and one service skeleton per service (templates/base/).
import type { Catalog, FileSpec } from '../catalog/define.js';
import type { MergedContributions } from '../catalog/contributions.js';
import { skeletonFor } from '../catalog/skeleton.js';
import type { Resolved } from '../config/resolve.js';
import { ANSWERS_FILE, SCHEMA_FILE, answersSchemaText, serializeAnswers } from '../config/answers-file.js';
import { mermaidDiagram } from './diagram.js';
import { skeletonStores } from '../blocks/storage/skeleton.js';
import { portsText, refTitle } from '../catalog/network.js';
import { validateTools } from '../catalog/commands.js';
import { protoApi } from './proto-api.js';

/** One README row per network edge: every connection the generated system allows, and why. */
function edgeRows(contrib: MergedContributions): { from: string; to: string; ports: string; reason: string; block: string }[] {
  const peers = contrib.network.peers;
  return contrib.network.edges.map((e) => ({ from: refTitle(e.from, peers), to: refTitle(e.to, peers), ports: portsText(e.ports), reason: e.reason, block: e.block }));
}

export function baseFiles(r: Resolved, catalog: Catalog, contrib: MergedContributions): FileSpec[] {
  const validate = contrib.validate;
  return [
    { to: ANSWERS_FILE, content: serializeAnswers(r.config, catalog) },
    { to: SCHEMA_FILE, content: answersSchemaText(catalog) },
    { to: 'README.md', template: 'base/README.md.hbs', data: { diagram: mermaidDiagram(r.project, r.services, contrib, r.graph), edges: edgeRows(contrib), cycles: r.graph.cycles.map((c) => [...c, c[0]].join(' → ')) } },
    { to: 'Makefile', template: 'base/Makefile.hbs', data: { validate, tools: validateTools(validate) } },
    { to: '.gitignore', template: 'base/gitignore.hbs' },
    { to: '.editorconfig', template: 'base/editorconfig' },
    // A service skeleton: what its language's HTTP and gRPC variants share (common/), then the variant,
    // each with what the blocks add (skeleton: libraries, components, the protos of its gRPC callees).
    ...r.services.flatMap((service): FileSpec[] => {
      const to = `services/${service.name}`;
      const api = protoApi(r.project, service);
      const skeleton = skeletonFor(contrib, service);
      // Components by id and by the name the entry points call them with (messaging → startMessaging).
      const components = skeleton.components.map((id) => ({ id, title: id[0]!.toUpperCase() + id.slice(1) }));
      // dataLayer: the stores the skeleton's repository layer implements (src/blocks/storage/skeleton.ts).
      const data = { service, api, skeleton, components, dataLayer: skeletonStores(service) };
      const variants = ['common', service.protocol, ...(components.length ? ['components'] : [])];
      // Go and Python generate gRPC stubs with gen.sh: for their own API, and for the APIs of the gRPC
      // services they call (an HTTP service that calls one generates its client the same way).
      if (['go', 'python'].includes(service.language) && (service.protocol === 'grpc' || skeleton.protoRoots.length > 0)) variants.push('grpc-client');
      return [
        ...variants.map((variant) => ({ to, dir: `base/services/${service.language}/${variant}`, data })),
        // A gRPC service also gets the example API (.proto), the same for every language.
        ...(service.protocol === 'grpc' ? [{ to: `${to}/proto/${api.file}`, template: 'base/services/grpc-shared/greeter_service.proto.hbs', data }] : []),
      ];
    }),
  ];
}
