import { defineConfig } from 'vitest/config';
import { readFileSync } from 'node:fs';
import { viteTemplatesPlugin } from './scripts/templates-plugin.mjs';

const pkg = JSON.parse(readFileSync(new URL('./package.json', import.meta.url), 'utf8')) as { version: string };

export default defineConfig({
  plugins: [viteTemplatesPlugin(new URL('./templates', import.meta.url).pathname)],
  define: { __CN_VERSION__: JSON.stringify(pkg.version) },
  test: {
    include: ['test/**/*.test.ts'],
    // Golden trees contain the generated services' own tests: they are data here.
    exclude: ['test/golden/**', 'node_modules/**'],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    pool: 'forks',
  },
});
