// sha256 of a text, as lowercase hex: the manifest's file hashes and the parse-back's shape keys.
import * as nodeCrypto from 'node:crypto';

// crypto.hash (Node 20.12+, so always here: engines >= 20.19) is the one-shot form, without a Hash
// object per call; the fallback keeps the unbundled sources working on any Node that runs them.
const oneShot = (nodeCrypto as { hash?: (algorithm: string, data: string, encoding: 'hex') => string }).hash;
export const sha256 = (s: string): string => (oneShot ? oneShot('sha256', s, 'hex') : nodeCrypto.createHash('sha256').update(s, 'utf8').digest('hex'));
