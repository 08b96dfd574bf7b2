// The manifest format: each distinct merge base stored once, format 1 still read, and a forged base
// never hidden behind another entry's hash.
import { closeSync, mkdtempSync, openSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { manifestChunks, manifestEquals, parseManifest, serializeManifest, trustedBase, type Manifest } from '../../src/reconcile/manifest.js';
import { sha256 } from '../../src/util/hash.js';

const tool = { name: 'cn-scaffold', version: '0.1.0' };
const entry = (base: string, block = 'base') => ({ block, sha256: sha256(base), base });

describe('manifest', () => {
  test('identical contents are stored once and read back into every entry', () => {
    const shared = 'apiVersion: v2\nname: chart\n'.repeat(50);
    const m: Manifest = { version: 2, tool, files: { 'b/Chart.yaml': entry(shared), 'a/Chart.yaml': entry(shared), 'README.md': entry('# hi\n') } };
    const text = serializeManifest(m);
    expect(text.split(JSON.stringify(shared)).length - 1).toBe(1); // the shared content appears once
    const json = JSON.parse(text);
    expect(json.version).toBe(2);
    expect(Object.keys(json.files)).toEqual(['README.md', 'a/Chart.yaml', 'b/Chart.yaml']);
    expect(Object.keys(json.bases)).toHaveLength(2);
    const back = parseManifest(text);
    expect(back.problems).toEqual([]);
    expect(back.manifest.files).toEqual(m.files);
    expect(serializeManifest(back.manifest)).toBe(text); // stable: same bytes again
  });

  test('format 1 (every base inline) is read as it is', () => {
    const v1 = JSON.stringify({ version: 1, tool, files: { 'x.txt': entry('x\n'), 'y.txt': entry('y\n', 'cicd/github-actions') } });
    const { manifest, problems } = parseManifest(v1);
    expect(problems).toEqual([]);
    expect(manifest.files['y.txt']).toEqual(entry('y\n', 'cicd/github-actions'));
    expect(trustedBase(manifest.files['x.txt'])).toBe('x\n');
  });

  test('a forged base under a real hash stays inline and untrusted; the genuine one stays trusted', () => {
    const genuine = entry('generated\n');
    const forged = { ...genuine, base: 'the user content\n' };
    const text = serializeManifest({ version: 2, tool, files: { 'a.txt': genuine, 'b.txt': forged } });
    const { manifest } = parseManifest(text);
    expect(trustedBase(manifest.files['a.txt'])).toBe('generated\n');
    expect(manifest.files['b.txt']!.base).toBe('the user content\n');
    expect(trustedBase(manifest.files['b.txt'])).toBeUndefined();
  });

  test('an entry whose base is nowhere is dropped with a reason', () => {
    const text = JSON.stringify({ version: 2, tool, files: { 'a.txt': { block: 'base', sha256: sha256('a') } }, bases: {} });
    const { manifest, problems } = parseManifest(text);
    expect(manifest.files).toEqual({});
    expect(problems.map((p) => `${p.key}: ${p.message}`)).toEqual(['a.txt: no merge base stored for it; entry ignored']);
  });

  test('a large manifest is produced in bounded chunks that add up to the same bytes, and compared chunk by chunk', () => {
    const files: Manifest['files'] = {};
    for (let i = 0; i < 300; i++) files[`services/s${i}/main.go`] = entry(`package main // ${i}\n`.repeat(40));
    const m: Manifest = { version: 2, tool, files };
    const chunks = [...manifestChunks(m)];
    const text = serializeManifest(m);
    expect(chunks.length).toBeGreaterThan(3);
    expect(Math.max(...chunks.map((c) => c.length))).toBeLessThan(65536 + 2000);
    expect(chunks.join('')).toBe(text);
    expect(parseManifest(text).manifest.files).toEqual(files);
    expect(manifestEquals(m, text)).toBe(true);
    expect(manifestEquals(m, text + '\n')).toBe(false);
    expect(manifestEquals(m, text.slice(0, -1))).toBe(false);
    expect(manifestEquals(m, text.replace('// 299', '// 2999'))).toBe(false);
    // From a file descriptor, read piece by piece (how regenerate compares the manifest on disk).
    const dir = mkdtempSync(join(tmpdir(), 'cn-manifest-'));
    try {
      const onDisk = (t: string) => {
        writeFileSync(join(dir, 'm.json'), t);
        const fd = openSync(join(dir, 'm.json'), 'r');
        try {
          return manifestEquals(m, fd);
        } finally {
          closeSync(fd);
        }
      };
      expect(onDisk(text)).toBe(true);
      expect(onDisk(text + '\n')).toBe(false);
      expect(onDisk(text.slice(0, -1))).toBe(false);
      expect(onDisk(text.replace('// 299', '// 2999'))).toBe(false);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
