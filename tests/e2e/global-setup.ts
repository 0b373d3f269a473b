/**
 * Builds the extension for the end-to-end tests when the build is missing or
 * older than any source file. Set LIGHTCAP_E2E_BUILD=0 to use whatever is in
 * .output (e.g. when `npm run build` already ran), or =1 to always rebuild.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { repoRoot } from './extension';

const sourceRoots = ['entrypoints', 'src', 'public', 'assets', 'components', 'models/manifest.json', 'wxt.config.ts', 'package.json'];

function newestMtime(path: string): number {
  if (!existsSync(path)) return 0;
  const stat = statSync(path);
  if (!stat.isDirectory()) return stat.mtimeMs;
  let newest = stat.mtimeMs;
  for (const entry of readdirSync(path)) {
    if (entry === 'node_modules' || entry.startsWith('.')) continue;
    newest = Math.max(newest, newestMtime(join(path, entry)));
  }
  return newest;
}

function buildIfNeeded(browser: 'chrome' | 'firefox', outDir: string): void {
  const manifest = join(repoRoot, '.output', outDir, 'manifest.json');
  const mode = process.env.LIGHTCAP_E2E_BUILD;
  if (mode === '0') return;
  const built = existsSync(manifest) ? statSync(manifest).mtimeMs : 0;
  const sources = Math.max(...sourceRoots.map((p) => newestMtime(join(repoRoot, p))));
  if (mode !== '1' && built > sources) return;
  console.log(`[e2e] building the ${browser} extension (${built ? 'sources changed' : 'no build yet'})…`);
  execFileSync(join(repoRoot, 'node_modules', '.bin', 'wxt'), ['build', '-b', browser], { cwd: repoRoot, stdio: 'inherit' });
}

export default function setup(): void {
  buildIfNeeded('chrome', 'chrome-mv3');
  buildIfNeeded('firefox', 'firefox-mv2');
}
