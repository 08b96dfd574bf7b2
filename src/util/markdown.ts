// Markdown for the generated READMEs.

/** A table's lines, or the one line `empty` when there is no row: a header over nothing reads as broken. */
export function markdownTable(columns: string[], rows: string[], empty: string): string[] {
  if (rows.length === 0) return [empty];
  return [`| ${columns.join(' | ')} |`, `| ${columns.map(() => '---').join(' | ')} |`, ...rows];
}
