// The one table of cross-category compatibility rules (domain.md §11), assembled from one file per
// area in src/config/rules/. Validation applies it to the final answers; the prompts apply it to each
// candidate choice (an error disables the choice and shows the message); the combination tests derive
// valid and invalid answer sets from it. `when` sees a partial config while prompting: sections not
// answered yet are undefined.
import type { PartialConfig, Rule } from './rules/define.js';
import { PLATFORM_RULES } from './rules/platform.js';
import { DELIVERY_RULES } from './rules/delivery.js';
import { SUPPLY_CHAIN_RULES } from './rules/supply-chain.js';
import { GRAPH_RULES } from './rules/graph.js';
import { DISCOVERY_RULES } from './rules/discovery.js';
import { NETWORK_RULES } from './rules/network.js';
import { STORAGE_RULES } from './rules/storage.js';
import { MESSAGING_RULES } from './rules/messaging.js';
import { MESH_RULES } from './rules/mesh.js';

export { pick, type PartialConfig, type Rule, type Severity } from './rules/define.js';

export const RULES: Rule[] = [...PLATFORM_RULES, ...DELIVERY_RULES, ...SUPPLY_CHAIN_RULES, ...GRAPH_RULES, ...DISCOVERY_RULES, ...NETWORK_RULES, ...STORAGE_RULES, ...MESSAGING_RULES, ...MESH_RULES];

/** Evaluates the table against a (partial) config. */
export function evaluateRules(c: PartialConfig, rules: Rule[] = RULES): Rule[] {
  return rules.filter((r) => {
    try {
      return r.when(c);
    } catch {
      return false; // a partial config may lack what a rule reads; it is re-checked on the final answers
    }
  });
}
