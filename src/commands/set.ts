// `cn-scaffold set KEY=VALUE... [--dir DIR]`: change answers and regenerate in one step. The same
// as `regenerate DIR --set KEY=VALUE...`, so validation, saving to cn-scaffold.yaml, the merge of
// user edits and every output flag behave identically.
import { UsageError } from '../util/errors.js';
import { regenerate, type RegenerateOptions } from './regenerate.js';

export interface SetOptions extends RegenerateOptions {
  dir?: string;
}

export async function set(assignments: string[], opts: SetOptions): Promise<number> {
  const bad = assignments.filter((a) => a.indexOf('=') <= 0);
  if (assignments.length === 0 || bad.length > 0) {
    throw new UsageError(`cn-scaffold set expects KEY=VALUE pairs${bad.length ? `, got '${bad.join("', '")}'` : ''}`, [
      { message: 'keys are dotted answer paths', fix: 'cn-scaffold set containerization.runtime=cri-o services.0.replicas=3' },
    ]);
  }
  const { dir, ...rest } = opts;
  return regenerate(dir, { ...rest, set: [...assignments, ...(opts.set ?? [])], command: 'set' });
}
