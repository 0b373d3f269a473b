import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

/**
 * ESLint's import zones cover the popup's .ts files only (the project does not
 * lint .svelte files), so the components' imports are checked here: the popup
 * reaches the engine, host, background and page through messages only.
 */
const popupDir = fileURLToPath(new URL('../../entrypoints/popup', import.meta.url));
const forbidden = /(^|\/)(engine|host|background|page)\/|^onnxruntime-web(\/|$)/;

function importsOf(source: string): string[] {
  return [...source.matchAll(/\bimport\s(?:[^'"]*?\sfrom\s)?['"]([^'"]+)['"]/g)].map((match) => match[1]!);
}

describe('popup components', () => {
  const files = readdirSync(popupDir).filter((name) => name.endsWith('.svelte'));

  it('are found', () => {
    expect(files).toContain('App.svelte');
  });

  it('import nothing from the engine, host, background or page', () => {
    const imports = files.map((file) => ({ file, paths: importsOf(readFileSync(join(popupDir, file), 'utf8')) }));
    expect(imports.find((entry) => entry.file === 'App.svelte')?.paths).toContain('@/src/popup/i18n');
    for (const { file, paths } of imports) expect(paths.filter((path) => forbidden.test(path)), file).toEqual([]);
  });

  it('the check itself catches a forbidden path', () => {
    expect(importsOf("import { x } from '@/src/engine/engine';\nimport type { Y } from '../../src/host/cache';").filter((p) => forbidden.test(p))).toHaveLength(2);
    expect(forbidden.test('@/src/popup/page')).toBe(false);
  });
});
