// Line-based three-way merge of the user's file against what cn-scaffold generated last time (the
// merge base) and what it generates now. node-diff3 finds the regions (a well-kept diff3
// implementation); we only format them as standard git conflict markers that editors recognise.
import { diff3Merge } from 'node-diff3';

export interface MergeOutcome {
  content: string;
  conflicts: number;
}

export function threeWayMerge(yours: string, base: string, theirs: string, theirsLabel: string): MergeOutcome {
  const split = (s: string) => s.split('\n');
  const regions = diff3Merge(split(yours), split(base), split(theirs), { excludeFalseConflicts: true });
  const out: string[] = [];
  let conflicts = 0;
  for (const r of regions) {
    if (r.ok) out.push(...r.ok);
    else if (r.conflict) {
      conflicts++;
      out.push('<<<<<<< yours', ...r.conflict.a, '=======', ...r.conflict.b, `>>>>>>> ${theirsLabel}`);
    }
  }
  return { content: out.join('\n'), conflicts };
}

export const hasConflictMarkers = (s: string) => /^<<<<<<< yours$/m.test(s) && /^>>>>>>> /m.test(s);
