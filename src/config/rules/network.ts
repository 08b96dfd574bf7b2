// Network policy (reference/wave2.md §3, §6): which engine enforces what the service graph declares.
import { pick, servicesOf, type PartialConfig, type Rule } from './define.js';

/** `services.N.egress.M.host` of every egress to a DNS name (not an IP/CIDR). */
const fqdnEgress = (c: PartialConfig) =>
  servicesOf(c).flatMap(({ s, i }) =>
    (Array.isArray(s.egress) ? s.egress : []).flatMap((e: { host?: unknown }, j: number) => (typeof e?.host === 'string' && /[a-z]/i.test(e.host) && !e.host.includes(':') ? [`services.${i}.egress.${j}.host`] : [])),
  );

export const NETWORK_RULES: Rule[] = [
  {
    id: 'CN-NP-01',
    severity: 'warning',
    paths: ['network-policy.engine', 'services'],
    when: (c) => !['cilium', 'none', undefined].includes(pick(c, 'network-policy.engine') as string | undefined) && fqdnEgress(c).length > 0,
    at: fqdnEgress,
    message:
      'standard NetworkPolicy cannot match a DNS name: egress to it is allowed to every public address on its port (never to private, link-local or cluster ranges)',
    fix: 'give the destination as an IP/CIDR (services[].egress[].host), or --network-policy-engine cilium (exact toFQDNs rules)',
  },
];
