// Findings and per-check counters for one validated tree. Every check reports through a Reporter so that
// "checked" and "failed" are counted the same way everywhere (a unit fails once however many findings it has).
export interface Finding {
  check: string;
  file: string;
  object?: string;
  message: string;
}

export interface ValidationReport {
  failures: Finding[];
  warnings: Finding[];
  notValidated: Finding[];
  counts: Record<string, { checked: number; failed: number }>;
}

export class Reporter {
  readonly report: ValidationReport = { failures: [], warnings: [], notValidated: [], counts: {} };
  private readonly failedUnits = new Map<string, Set<string>>();

  private counter(check: string): { checked: number; failed: number } {
    return (this.report.counts[check] ??= { checked: 0, failed: 0 });
  }

  /** Count `n` units (files, objects, charts...) as checked by `check`. */
  checked(check: string, n = 1): void {
    this.counter(check).checked += n;
  }

  fail(check: string, file: string, object: string | undefined, message: string): void {
    this.report.failures.push(clean({ check, file, object, message }));
    const units = this.failedUnits.get(check) ?? new Set<string>();
    this.failedUnits.set(check, units);
    const key = `${file}\u0000${object ?? ''}`;
    if (!units.has(key)) {
      units.add(key);
      this.counter(check).failed += 1;
    }
  }

  warn(check: string, file: string, object: string | undefined, message: string): void {
    this.report.warnings.push(clean({ check, file, object, message }));
  }

  notValidated(check: string, file: string, object: string | undefined, message: string): void {
    this.report.notValidated.push(clean({ check, file, object, message }));
  }
}

function clean(f: Finding): Finding {
  if (f.object === undefined) delete f.object;
  return f;
}

/** A plain-text summary: one line per check, then failures, warnings and not-validated entries. */
export function formatReport(r: ValidationReport): string {
  const lines: string[] = [];
  const checks = Object.keys(r.counts).sort();
  lines.push('check                 checked  failed');
  for (const c of checks) {
    const { checked, failed } = r.counts[c]!;
    lines.push(`${c.padEnd(20)} ${String(checked).padStart(8)} ${String(failed).padStart(7)}`);
  }
  const section = (title: string, list: Finding[]): void => {
    if (list.length === 0) return;
    lines.push('', `${title} (${list.length})`);
    for (const f of list) lines.push(`- [${f.check}] ${f.file}${f.object ? ` ${f.object}` : ''}: ${f.message}`);
  };
  section('FAILURES', r.failures);
  section('WARNINGS', r.warnings);
  section('NOT VALIDATED', r.notValidated);
  if (r.failures.length === 0) lines.push('', 'OK: no failures');
  return lines.join('\n');
}
