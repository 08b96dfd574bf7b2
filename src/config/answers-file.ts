// cn-scaffold.yaml: the answers as the user reads and edits them, and its JSON Schema.
// Written in a fixed key order (project, services, then categories in catalog order) so the same
// answers always give the same bytes, with only the selected blocks' option sections.
import { toYamlBlock } from '../render/helpers.js';
import * as z from 'zod';
import type { Catalog } from '../catalog/define.js';
import { catalog as shippedCatalog } from '../catalog/registry.js';
import { buildProjectSchema, type Config } from './schema.js';
import { answerKeys, applicabilityText } from './answer-keys.js';

// The JSON Schema of the shipped catalog, computed once at build time (scripts/build.mjs): the catalog
// is static, and converting the zod schema on every run cost ~3 ms of each `init`. Undefined when the
// sources run unbundled (tests), which compute it.
declare const __CN_ANSWERS_SCHEMA__: string | undefined;

export const ANSWERS_FILE = 'cn-scaffold.yaml';
export const SCHEMA_FILE = '.cn-scaffold/schema.json';

export function serializeAnswers(config: Config, catalog: Catalog): string {
  // Fixed key order whatever order the answers came in; derived values (namespace, repository,
  // registry) stay unset unless given, so they keep following what they derive from.
  const p = config.project;
  const project = JSON.parse(
    JSON.stringify({ name: p.name, namespace: p.namespace, kubernetesVersion: p.kubernetesVersion, image: { registry: p.image.registry, repository: p.image.repository } }),
  );
  if (Object.keys(project.image).length === 0) delete project.image;
  const out: Record<string, unknown> = { version: config.version, project, services: config.services };
  for (const cat of catalog.categories) {
    const section = config[cat.id] as Record<string, unknown> | undefined;
    if (!section) continue;
    const ordered: Record<string, unknown> = {};
    for (const slot of cat.slots) if (slot.key in section) ordered[slot.key] = section[slot.key];
    for (const b of catalog.blocks.filter((x) => x.category === cat.id)) {
      const chosen = section[b.slot];
      const isSelected = chosen === b.id || (Array.isArray(chosen) && chosen.includes(b.id));
      if (isSelected && b.id in section && Object.keys(section[b.id] as object).length > 0) ordered[b.id] = section[b.id];
    }
    out[cat.id] = ordered;
  }
  return (
    `# yaml-language-server: $schema=${SCHEMA_FILE}\n` +
    '# cn-scaffold answers. Change a choice here (or with `cn-scaffold set KEY=VALUE`) and run\n' +
    '# `cn-scaffold regenerate`: generated files follow, and your own edits to them are kept.\n' +
    // The block YAML writer of every generated file (src/render/helpers.ts): quotes only where a YAML
    // 1.1 or 1.2 reader would take the text for something else (yes, on, 1.33), as js-yaml did.
    toYamlBlock(out) +
    '\n'
  );
}

/** The answers JSON Schema as written to .cn-scaffold/schema.json and printed by `cn-scaffold schema`. */
export function answersSchemaText(catalog: Catalog): string {
  if (catalog === shippedCatalog && typeof __CN_ANSWERS_SCHEMA__ === 'string') return __CN_ANSWERS_SCHEMA__;
  return JSON.stringify(answersJsonSchema(catalog), null, 2) + '\n';
}

export function answersJsonSchema(catalog: Catalog): Record<string, unknown> {
  const schema = z.toJSONSchema(buildProjectSchema(catalog), { io: 'input', unrepresentable: 'any' }) as Record<string, unknown>;
  // When each slot and option applies, and the defaults that follow from other answers, as declared
  // next to them (editors show the descriptions while cn-scaffold.yaml is edited).
  for (const k of answerKeys(catalog)) {
    const text = applicabilityText(k);
    const path = k.kind === 'slot' ? [k.category, k.slot.key] : [k.category, k.block!.id, k.option!];
    const node = path.reduce<any>((o, p) => o?.properties?.[p], schema);
    if (text && node) node.description = node.description ? `${String(node.description).replace(/\.?$/, '.')} ${text}` : text;
  }
  return {
    ...schema,
    $id: 'https://cn-scaffold.dev/schema/answers-v1.json',
    title: 'cn-scaffold answers (cn-scaffold.yaml)',
  };
}
