/**
 * THIRD_PARTY_NOTICES.txt, generated at build time from what the build
 * actually ships (wxt.config.ts, `build:done`):
 * - every npm package whose code the bundler put into our scripts (from the
 *   chunks' module ids), with its licence and licence text;
 * - every other shipped file, attributed by `shippedFileSources`: the
 *   onnxruntime-web runtime, the model files and where they come from, and
 *   our own files.
 * A shipped file that nothing attributes fails the build: nothing ships
 * without a known licence.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative, sep } from 'node:path';

export interface PackageNotice {
  name: string;
  version: string;
  license: string;
  /** The package's LICENSE (or LICENCE, COPYING) file, when it has one. */
  text?: string;
}

/** A rule attributing shipped files (by path prefix inside the build) to their source and licence. */
export interface FileSource {
  prefix: string;
  what: string;
  license: string;
  /** The licence text to print, if it is not a package's (e.g. the model card's terms). */
  details?: string;
}

/** The folders of the npm packages in a list of bundled module ids (absolute paths, possibly with query strings), by package name. */
export function packagesOfModules(moduleIds: readonly string[]): Map<string, string> {
  const found = new Map<string, string>();
  for (const id of moduleIds) {
    const path = id.replace(/\?.*$/, '').split(sep).join('/');
    const at = path.lastIndexOf('/node_modules/');
    if (at < 0) continue;
    const parts = path.slice(at + '/node_modules/'.length).split('/');
    const name = parts[0]?.startsWith('@') ? `${parts[0]}/${parts[1]}` : parts[0];
    if (name && !name.startsWith('.') && !found.has(name)) found.set(name, path.slice(0, at + '/node_modules/'.length) + name);
  }
  return new Map([...found].sort(([a], [b]) => a.localeCompare(b)));
}

/** Name, version, licence and licence text of an installed package; throws when it declares no licence. */
export function packageNotice(packageDir: string): PackageNotice {
  const manifest = JSON.parse(readFileSync(join(packageDir, 'package.json'), 'utf8')) as { name: string; version: string; license?: unknown };
  const license = typeof manifest.license === 'string' ? manifest.license : undefined;
  if (!license) throw new Error(`${manifest.name}@${manifest.version} ships in the extension but declares no licence`);
  const file = readdirSync(packageDir).find((f) => /^(licen[cs]e|copying)(\.(md|txt))?$/i.test(f));
  return { name: manifest.name, version: manifest.version, license, ...(file ? { text: readFileSync(join(packageDir, file), 'utf8').trim() } : {}) };
}

/** Every file under a build folder, as forward-slash paths relative to it. */
export function listFiles(root: string): string[] {
  const out: string[] = [];
  const walk = (dir: string) => {
    for (const entry of readdirSync(dir)) {
      const path = join(dir, entry);
      if (statSync(path).isDirectory()) walk(path);
      else out.push(relative(root, path).split(sep).join('/'));
    }
  };
  if (existsSync(root)) walk(root);
  return out.sort();
}

/** Shipped files no rule attributes. */
export function unattributed(files: readonly string[], sources: readonly FileSource[]): string[] {
  return files.filter((file) => !sources.some((source) => file.startsWith(source.prefix)));
}

export function renderNotices(input: { product: string; version: string; packages: readonly PackageNotice[]; files: readonly string[]; sources: readonly FileSource[] }): string {
  const rule = '='.repeat(78);
  const lines: string[] = [
    `${input.product} ${input.version}: third-party notices`,
    '',
    'Generated at build time from the files this build ships. Nothing in the',
    'extension is downloaded at run time.',
    '',
    rule,
    'Files in this extension and where they come from',
    rule,
  ];
  // Each file under the first rule whose prefix it has.
  const owner = (file: string) => input.sources.find((source) => file.startsWith(source.prefix));
  for (const source of input.sources) {
    const files = input.files.filter((f) => owner(f) === source);
    if (files.length === 0) continue;
    lines.push('', `${source.what}`, `  licence: ${source.license}`, ...files.map((f) => `  - ${f}`));
    if (source.details) lines.push('', ...source.details.split('\n').map((l) => `  ${l}`.trimEnd()));
  }
  lines.push('', rule, 'npm packages bundled into the extension\'s scripts', rule);
  for (const pkg of input.packages) {
    lines.push('', `${pkg.name} ${pkg.version}`, `  licence: ${pkg.license}`);
    lines.push('', ...(pkg.text ?? '(the package ships no licence file; its package.json declares the licence above)').split('\n').map((l) => `  ${l}`.trimEnd()));
  }
  return lines.join('\n') + '\n';
}

/** The model card's section on training data and its terms, for the caption model's notice. */
export function modelCardTerms(modelCard: string): string {
  const start = modelCard.indexOf('## Training data and its terms');
  if (start < 0) throw new Error('MODEL_CARD.md has no "Training data and its terms" section');
  const end = modelCard.indexOf('\n## ', start + 3);
  return modelCard.slice(start + 3, end < 0 ? undefined : end).trim();
}
