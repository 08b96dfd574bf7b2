// Builds dist/: a tiny ESM entry (dist/cli.js) and the whole program as one CommonJS bundle
// (dist/main.cjs) with every library and every template (precompiled) inside, so the published
// package has no runtime dependencies. The entry runs the bundle with V8's code cache (dist/main.cache),
// which this script produces by running the built CLI once on a representative job.
import { build } from 'esbuild';
import { execFileSync } from 'node:child_process';
import { chmodSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { fileURLToPath } from 'node:url';
import { dirname, join } from 'node:path';
import { esbuildTemplatesPlugin } from './templates-plugin.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));

// CN_OUTDIR lets several people build side by side without deleting each other's dist/.
const outdir = process.env.CN_OUTDIR ?? join(root, 'dist');
rmSync(outdir, { recursive: true, force: true });
const common = {
  bundle: true,
  platform: 'node',
  target: 'node20',
  minify: true,
  legalComments: 'linked',
  define: { __CN_VERSION__: JSON.stringify(pkg.version) },
  logLevel: 'warning',
};
// zod is imported as a namespace everywhere (`import * as z from 'zod'`, read property by property), so
// esbuild keeps only the schema types the code names. One `import { z }` (zod's namespace as a value) or
// `import('zod')` keeps all of zod: code cache 1.69 -> 1.83 MB, ~3 % of a default run (docs/architecture.md).
for (const rel of readdirSync(join(root, 'src'), { recursive: true })) {
  if (!rel.endsWith('.ts')) continue;
  const text = readFileSync(join(root, 'src', rel), 'utf8');
  if (/import\s*\{[^}]*\bz\b[^}]*\}\s*from\s*'zod'|import\(\s*'zod'\s*\)/.test(text)) {
    throw new Error(`src/${rel}: import zod as a namespace, import * as z from 'zod' (it keeps the bundle to the parts of zod it uses)`);
  }
}

/** Bundles `code` (TypeScript importing the sources, with the templates) and runs it; returns its stdout. */
async function probe(code) {
  const out = await build({
    ...common,
    minify: false,
    legalComments: 'none',
    write: false,
    format: 'cjs',
    stdin: { contents: code, resolveDir: root, loader: 'ts' },
    plugins: [esbuildTemplatesPlugin(join(root, 'templates'))],
  });
  return execFileSync(process.execPath, ['-'], { input: out.outputFiles[0].text, encoding: 'utf8' });
}

// The answers JSON Schema depends only on the (static) catalog: compute it here, once, from the same
// sources, and compile it into the bundle as a string (see answersSchemaText in src/config/answers-file.ts).
const answersSchema = await probe(
  "import { answersJsonSchema } from './src/config/answers-file.ts';\n" +
    "import { catalog } from './src/catalog/registry.ts';\n" +
    "process.stdout.write(JSON.stringify(answersJsonSchema(catalog), null, 2) + '\\n');\n",
);
JSON.parse(answersSchema); // fail the build, not a user's run, if it is not JSON

// YAML shapes verified here (see parsedYamlShapes in src/render/render.ts): representative projects
// are rendered with the same code, every YAML output parsed back, and the shapes that parsed are
// compiled in, so a run whose outputs have those shapes (the default stack; each language with HTTP
// and gRPC; a call graph) does not parse them again. A template that renders invalid YAML here fails the build.
const REPRESENTATIVE_ANSWERS = [
  'project: { name: app }\nservices:\n  - { name: api }\n', // what init --yes answers
  ...['http', 'grpc'].map(
    (protocol) =>
      `project: { name: app }\nservices:\n` +
      ['node', 'go', 'python', 'java'].map((language, i) => `  - { name: ${language}-${protocol}, language: ${language}, port: ${8080 + i}, protocol: ${protocol} }\n`).join(''),
  ),
  // A call graph: a service exposed on the gateway, and calls between every pair of protocols (each caller
  // gets its callee's address in its chart's env).
  'project: { name: app }\nservices:\n' +
    [
      ['a', 'node', 'http', 'b'],
      ['b', 'go', 'http', 'c'],
      ['c', 'python', 'grpc', 'd'],
      ['d', 'java', 'http', 'e'],
      ['e', 'node', 'grpc', 'f'],
      ['f', 'go', 'grpc', ''],
    ]
      .map(([name, language, protocol, callee], i) => `  - { name: ${name}, language: ${language}, port: ${8080 + i}, protocol: ${protocol}${callee ? `, calls: [${callee}]` : ''}${i === 0 ? ', expose: true' : ''} }\n`)
      .join(''),
];
const verifiedShapes = JSON.parse(
  await probe(
    "import { readAnswersText } from './src/config/sources.ts';\n" +
      "import { catalog } from './src/catalog/registry.ts';\n" +
      "import { renderProject } from './src/generate.ts';\n" +
      "import { parsedYamlShapes } from './src/render/render.ts';\n" +
      `for (const text of ${JSON.stringify(REPRESENTATIVE_ANSWERS)}) renderProject(readAnswersText(text, 'answers.yaml'), catalog);\n` +
      'process.stdout.write(JSON.stringify(parsedYamlShapes()));\n',
  ),
);

// commander requires node:child_process when it loads, for executable subcommands, which cn-scaffold
// does not declare; loading it (and net and dgram behind it) is ~1 ms of every start. commander only
// ever calls its spawn(): it gets a spawn that loads the real module on first call.
const lazyChildProcessForCommander = {
  name: 'lazy-child-process-for-commander',
  setup(b) {
    b.onResolve({ filter: /^node:child_process$/ }, (args) =>
      /[\\/]node_modules[\\/]commander[\\/]/.test(args.importer) ? { path: 'lazy-child-process', namespace: 'cn-lazy' } : undefined,
    );
    b.onLoad({ filter: /.*/, namespace: 'cn-lazy' }, () => ({
      contents: "exports.spawn = (...args) => require('node:child_process').spawn(...args);",
      loader: 'js',
    }));
  },
};

// Parts of zod that cn-scaffold never uses, but that the bundle would initialise on every start:
// - the ~45 locales re-exported as z.locales: only `en` is kept (zod applies it itself);
// - z.fromJSONSchema (JSON Schema to zod; cn-scaffold only goes the other way, at build time): its module
//   builds its tables from zod's whole API when it loads, ~0.8 ms. A stub takes its place.
const zodWithoutUnusedParts = {
  name: 'zod-without-unused-parts',
  setup(b) {
    const inZod = (args) => /[\\/]node_modules[\\/]zod[\\/]/.test(args.importer);
    b.onResolve({ filter: /^\.\.\/locales\/index\.js$/ }, (args) =>
      inZod(args) ? { path: join(dirname(args.importer), '../locales/en-only.js'), namespace: 'cn-zod-locales' } : undefined,
    );
    b.onLoad({ filter: /.*/, namespace: 'cn-zod-locales' }, (args) => ({
      contents: `export { default as en } from ${JSON.stringify(join(dirname(args.path), 'en.js'))};`,
      loader: 'js',
      resolveDir: dirname(args.path),
    }));
    b.onResolve({ filter: /^\.\/from-json-schema\.js$/ }, (args) => (inZod(args) ? { path: 'from-json-schema', namespace: 'cn-zod-unused' } : undefined));
    b.onLoad({ filter: /.*/, namespace: 'cn-zod-unused' }, () => ({
      contents: "export function fromJSONSchema() { throw new Error('z.fromJSONSchema is not bundled in cn-scaffold'); }",
      loader: 'js',
    }));
  },
};

await build({
  ...common,
  define: { ...common.define, __CN_ANSWERS_SCHEMA__: JSON.stringify(answersSchema), __CN_VERIFIED_YAML_SHAPES__: JSON.stringify(verifiedShapes) },
  entryPoints: { main: join(root, 'src/main.ts') },
  outdir,
  outExtension: { '.js': '.cjs' },
  format: 'cjs',
  // The file is the function CommonJS would wrap it in, so dist/cli.js hands V8 the text as read: one
  // flat string (building the wrapper at run time made V8 copy 2 MB first, ~1 ms of every start).
  banner: { js: '(function (exports, require, module, __filename, __dirname) {' },
  footer: { js: '})' },
  plugins: [esbuildTemplatesPlugin(join(root, 'templates')), lazyChildProcessForCommander, zodWithoutUnusedParts],
});
// dist/cli.js reads the bundle as latin1, which is exact for ASCII and ~2.5 ms cheaper than decoding
// 2 MB of UTF-8. esbuild escapes non-ASCII in strings but not in regular expression literals: write
// those with \u escapes (src/util/style.ts).
const nonAscii = /[^\x00-\x7f]/.exec(readFileSync(join(outdir, 'main.cjs'), 'latin1'));
if (nonAscii) throw new Error(`dist/main.cjs is not ASCII near: ${JSON.stringify(readFileSync(join(outdir, 'main.cjs'), 'latin1').slice(Math.max(0, nonAscii.index - 60), nonAscii.index + 20))}`);
await build({
  ...common,
  entryPoints: { cli: join(root, 'src/cli.ts') },
  outdir,
  // CommonJS, marked so by dist/package.json: an ES module entry makes Node set up its ESM loader,
  // ~2.5 ms on every start (measured against `node -e 0`), which `--version` alone cannot afford.
  format: 'cjs',
  banner: { js: '#!/usr/bin/env node' },
});
chmodSync(join(outdir, 'cli.js'), 0o755);
writeFileSync(join(outdir, 'package.json'), JSON.stringify({ type: 'commonjs' }) + '\n');

// Training run for the code cache: the default stack, read from an answers file (so the YAML parser's
// functions are cached too) with an HTTP and a gRPC service, exercises the code paths of a typical run.
const scratch = mkdtempSync(join(tmpdir(), 'cn-build-'));
try {
  const answers = join(scratch, 'answers.yaml');
  writeFileSync(
    answers,
    'project: { name: training }\nservices:\n  - { name: web, language: node, port: 8080, protocol: http }\n  - { name: api, language: go, port: 9090, protocol: grpc }\n',
  );
  execFileSync(process.execPath, [join(outdir, 'cli.js'), 'init', join(scratch, 'app'), '--answers', answers, '--no-git'], {
    env: { ...process.env, CN_BUILD_CODE_CACHE: '1', CI: '1' },
    stdio: 'ignore',
  });
} finally {
  rmSync(scratch, { recursive: true, force: true });
}
