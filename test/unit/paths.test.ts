import { describe, expect, it } from 'vitest';
import { join, resolve } from 'node:path';
import { insideRoot, safeRelative } from '../../src/util/paths.js';

describe('safeRelative / insideRoot', () => {
  const root = '/tmp/cn-paths-root';

  it('keeps plain generated paths as they are', () => {
    for (const p of ['README.md', 'deploy/charts/api/values.schema.json', '.github/workflows/api.yml', 'a/.b/c...d/e_f@g+h-i']) {
      expect(safeRelative(p)).toBe(p);
      expect(insideRoot(root, p)).toBe(join(root, p));
    }
  });

  it('normalizes paths that are safe but not plain, the same way join does', () => {
    expect(safeRelative('a//b/./c')).toBe('a/b/c');
    expect(safeRelative('a/b/../c')).toBe('a/c');
    expect(insideRoot(root, 'a/./b')).toBe(join(root, 'a/b'));
    expect(insideRoot(`${root}/x/..`, 'a')).toBe(join(resolve(root), 'a'));
  });

  it('refuses every way out of the root', () => {
    for (const p of ['..', '../x', 'a/../../x', './..', '.', '', '/etc/passwd', 'C:/x', 'a\\..\\x', 'a/\0b', '..\\x']) {
      expect(() => safeRelative(p), p).toThrow();
      expect(() => insideRoot(root, p), p).toThrow();
    }
  });

  it('treats dot-only segments as traversal, but names that merely contain dots as names', () => {
    expect(() => safeRelative('a/../..')).toThrow();
    expect(safeRelative('a/..b/c')).toBe('a/..b/c');
    expect(safeRelative('...')).toBe('...');
    expect(insideRoot('/', 'etc/x')).toBe('/etc/x');
  });
});
