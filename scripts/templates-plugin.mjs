// Bundles templates/ into the program as the virtual module `virtual:templates`.
// `.hbs` files are precompiled here (strict, noEscape) so the CLI never compiles Handlebars at run time;
// every other file is embedded verbatim. esbuild (scripts/build.mjs) and vitest (vitest.config.ts) share
// this one loader, so tests render exactly what the shipped CLI renders.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import Handlebars from 'handlebars';
import jsYaml from 'js-yaml';

export const VIRTUAL_ID = 'virtual:templates';
export const HBS_OPTIONS = { strict: true, noEscape: true };

function walk(dir) {
  const out = [];
  for (const name of readdirSync(dir).sort()) {
    const full = join(dir, name);
    if (statSync(full).isDirectory()) out.push(...walk(full));
    else out.push(full);
  }
  return out;
}

/** Returns the source of a JS module: `export default { 'path': { kind, spec|text, mode } }`. */
export function templatesModuleSource(root) {
  const entries = [];
  for (const file of walk(root)) {
    const rel = relative(root, file).split(sep).join('/');
    const executable = (statSync(file).mode & 0o111) !== 0;
    const text = readFileSync(file, 'utf8');
    if (rel.endsWith('.hbs')) {
      let spec;
      try {
        spec = Handlebars.precompile(text, HBS_OPTIONS);
      } catch (err) {
        throw new Error(`templates/${rel}: ${err.message}`);
      }
      entries.push(`${JSON.stringify(rel)}: { kind: 'hbs', executable: ${executable}, spec: ${spec} }`);
    } else {
      // Verbatim files are not parsed back at run time, so check them here (Go-templated ones excepted).
      if (!text.includes('{{')) {
        try {
          if (/\.ya?ml$/.test(rel)) jsYaml.loadAll(text);
          else if (/\.json$/.test(rel)) JSON.parse(text);
        } catch (err) {
          throw new Error(`templates/${rel} is not valid: ${err.message.split('\n')[0]}`);
        }
      }
      // A getter: V8 compiles it, and puts its text in the code cache, only for the files a run copies.
      entries.push(`${JSON.stringify(rel)}: { kind: 'raw', executable: ${executable}, get text() { return ${JSON.stringify(text)}; } }`);
    }
  }
  return `export default {\n${entries.join(',\n')}\n};\n`;
}

export function esbuildTemplatesPlugin(root) {
  return {
    name: 'cn-scaffold-templates',
    setup(build) {
      build.onResolve({ filter: /^virtual:templates$/ }, () => ({ path: VIRTUAL_ID, namespace: 'cn-templates' }));
      build.onLoad({ filter: /.*/, namespace: 'cn-templates' }, () => ({
        contents: templatesModuleSource(root),
        loader: 'js',
        resolveDir: root,
        watchDirs: [root],
      }));
    },
  };
}

export function viteTemplatesPlugin(root) {
  const resolved = '\0' + VIRTUAL_ID;
  return {
    name: 'cn-scaffold-templates',
    resolveId(id) {
      return id === VIRTUAL_ID ? resolved : undefined;
    },
    load(id) {
      return id === resolved ? templatesModuleSource(root) : undefined;
    },
  };
}
