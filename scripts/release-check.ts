/**
 * npm run release:check: the store checks on the packages `npm run zip` made
 * (scripts/build/release-checks.ts on each unpacked build, then AMO's own
 * linter on the Firefox zip). Exits 1 on any finding or linter error.
 *
 *   npm run release:check [-- --budget-mib 80] [--skip-zip]
 *
 * The budget is ours, far below the stores' limits (AMO 200 MB): 80 MiB holds the
 * runtime (in Chrome two builds: the WebGPU-capable one and the WASM-only one that
 * starts sooner, 30 MB together), the detectors, OCR and two languages' caption
 * models, and stops a stray file or a third copy of a model.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { checkBuild } from './build/release-checks';

const { values } = parseArgs({ options: { 'budget-mib': { type: 'string', default: '80' }, 'skip-zip': { type: 'boolean', default: false } } });
const budget = Number(values['budget-mib']) * 2 ** 20;
const listing = readFileSync('store/listing.md', 'utf8');
let failed = false;

if (!values['skip-zip']) {
  const zip = spawnSync('npm', ['run', '--silent', 'zip'], { stdio: ['ignore', 'ignore', 'inherit'] });
  if (zip.status !== 0) throw new Error('npm run zip failed');
}

for (const build of ['chrome-mv3', 'firefox-mv2']) {
  const root = join('.output', build);
  if (!existsSync(join(root, 'manifest.json'))) throw new Error(`${root} is missing: run npm run zip first`);
  const { files, bytes, findings } = checkBuild(root, listing, budget);
  console.log(`${build}: ${files} files, ${(bytes / 2 ** 20).toFixed(1)} MiB (budget ${values['budget-mib']} MiB), ${findings.length} findings`);
  for (const f of findings) console.log(`  ✗ ${f.check}: ${f.file}: ${f.detail}`);
  if (findings.length > 0) failed = true;
}

const firefoxZip = readdirSync('.output').find((f) => f.endsWith('-firefox.zip'));
if (!firefoxZip) throw new Error('no Firefox zip in .output: run npm run zip first');
const lint = spawnSync(join('node_modules', '.bin', 'addons-linter'), ['--output', 'json', join('.output', firefoxZip)], { encoding: 'utf8', maxBuffer: 64 * 2 ** 20 });
let report: { summary: { errors: number; warnings: number; notices: number }; errors: { code: string; file?: string; message: string }[]; warnings: { code: string; file?: string; message: string }[] };
try {
  report = JSON.parse(lint.stdout) as typeof report;
} catch {
  throw new Error(`addons-linter gave no JSON report (exit ${lint.status}): ${lint.stderr.slice(0, 500)}`);
}
console.log(`addons-linter on ${firefoxZip}: ${report.summary.errors} errors, ${report.summary.warnings} warnings, ${report.summary.notices} notices`);
for (const e of report.errors) console.log(`  ✗ ${e.code}: ${e.file ?? ''}: ${e.message}`);
// Warnings stay visible for the reviewer's eye; only errors fail the check.
for (const w of report.warnings) console.log(`  ! ${w.code}: ${w.file ?? ''}: ${w.message}`);
if (report.summary.errors > 0) failed = true;

console.log(failed ? 'release check: FAILED' : 'release check: passed');
process.exitCode = failed ? 1 : 0;
