// Per-language tooling used by shared files (Makefile, CI): one table, so a language is described once.
import type { LANGUAGES } from './schema.js';

export interface LanguageTooling {
  title: string;
  /** Run from services/<name>: installs what the tests need and runs them. */
  test: string;
}

export const LANGUAGE_TOOLING: Record<(typeof LANGUAGES)[number], LanguageTooling> = {
  node: { title: 'Node.js (TypeScript)', test: 'npm ci && npm test' },
  go: { title: 'Go', test: 'go test ./...' },
  python: { title: 'Python', test: 'python3 -m unittest discover -v' },
  java: { title: 'Java', test: 'mvn -q -B test' },
};
