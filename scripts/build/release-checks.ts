/**
 * What a store reviewer checks, checked before they do (scripts/release-check.ts
 * runs these on both builds): no remote code, no dynamic code, no network
 * origin of our own, only documented permissions, a known licence for every
 * shipped file, and a size budget.
 */
import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { listFiles } from './notices';

export interface Finding {
  check: 'remote-code' | 'dynamic-code' | 'network-origin' | 'permission' | 'licence' | 'size';
  file: string;
  detail: string;
}

/**
 * Origins that appear in shipped code as text, never fetched, each with why.
 * Anything else is a request the privacy policy does not allow.
 */
export const knownTextOrigins: Readonly<Record<string, string>> = {
  'http://www.w3.org': 'XML namespaces (SVG, XHTML) in DOM calls',
  'http://base.invalid': 'a base for parsing relative URLs; .invalid never resolves',
  'https://github.com': 'links in library error messages (WXT)',
  'https://wxt.dev': 'links in library error messages (WXT)',
  'https://svelte.dev': 'links in library error messages (Svelte)',
  'https://web.dev': 'a link in an onnxruntime-web error message',
};

/**
 * Dynamic code we ship knowingly, by file and exact count, each with why. A
 * new occurrence, or one in another file, is still a finding.
 */
export const knownDynamicCode: readonly { file: string; what: string; count: number; why: string }[] = [
  {
    file: 'ort/ort-wasm-simd-threaded.jspi.mjs',
    what: 'new Function(',
    count: 1,
    why:
      "Emscripten embind's emval method caller in onnxruntime-web's JSPI glue (Chrome). Its WebGPU provider does not reach it " +
      '(a probe counted no Function construction while a session was made and run on WebGPU), and our CSP has no ' +
      "'unsafe-eval', so it would throw rather than run; it builds no code from the network.",
  },
];

const CODE = /\.(m?js|html)$/;
const DYNAMIC_CODE: [RegExp, string][] = [
  [/(?<![\w$.])eval\s*\(/, 'eval('],
  [/\bnew\s+Function\s*\(/, 'new Function('],
  [/\b(setTimeout|setInterval)\s*\(\s*["'`]/, 'a timer given a string of code'],
];
const REMOTE_CODE: [RegExp, string][] = [
  [/<script[^>]+src\s*=\s*["']?(https?:)?\/\//i, 'a <script> from another origin'],
  [/\bimportScripts\s*\(\s*["'`](https?:)?\/\//, 'importScripts() from another origin'],
  [/\bimport\s*\(\s*["'`](https?:)?\/\//, 'import() from another origin'],
  [/\bfrom\s*["'](https?:)?\/\//, 'a static import from another origin'],
];

/** Dynamic and remote code in the shipped scripts and pages. */
export function codeFindings(root: string, files: readonly string[]): Finding[] {
  const findings: Finding[] = [];
  for (const file of files.filter((f) => CODE.test(f))) {
    const text = readFileSync(join(root, file), 'utf8');
    for (const [pattern, what] of DYNAMIC_CODE) {
      const count = text.match(new RegExp(pattern.source, 'g'))?.length ?? 0;
      const known = knownDynamicCode.find((k) => k.file === file && k.what === what);
      if (count > 0 && count !== known?.count) findings.push({ check: 'dynamic-code', file, detail: what });
    }
    for (const [pattern, what] of REMOTE_CODE) if (pattern.test(text)) findings.push({ check: 'remote-code', file, detail: what });
    for (const origin of new Set(text.match(/\bhttps?:\/\/[a-z0-9.-]+(:\d+)?/gi) ?? [])) {
      if (!(origin.toLowerCase() in knownTextOrigins)) findings.push({ check: 'network-origin', file, detail: origin });
    }
  }
  return findings;
}

/** The manifest's remote sources: a CSP that allows other origins, or a page that is not ours. */
export function manifestFindings(manifest: ManifestShape, documented: ReadonlySet<string>): Finding[] {
  const findings: Finding[] = [];
  const csp = typeof manifest.content_security_policy === 'string' ? manifest.content_security_policy : (manifest.content_security_policy?.extension_pages ?? '');
  for (const source of csp.split(/[\s;]+/)) {
    if (/^(https?:|\*|data:|blob:)/.test(source) || source === "'unsafe-eval'") findings.push({ check: 'remote-code', file: 'manifest.json', detail: `content_security_policy allows ${source}` });
  }
  for (const permission of [...(manifest.permissions ?? []), ...(manifest.host_permissions ?? []), ...(manifest.optional_permissions ?? [])]) {
    if (!documented.has(permission)) findings.push({ check: 'permission', file: 'manifest.json', detail: `"${permission}" is not among the documented permissions` });
  }
  return findings;
}

export interface ManifestShape {
  permissions?: string[];
  host_permissions?: string[];
  optional_permissions?: string[];
  content_security_policy?: string | { extension_pages?: string };
}

/**
 * The permissions store/listing.md justifies: the `###` headings of its
 * "Permission justifications" section, each naming one (the backticked name
 * when there is one, else the first word).
 */
export function documentedPermissions(listing: string): Set<string> {
  const start = listing.indexOf('## Permission justifications');
  if (start < 0) throw new Error('store/listing.md has no "Permission justifications" section');
  const end = listing.indexOf('\n## ', start + 3);
  const section = listing.slice(start, end < 0 ? undefined : end);
  const names = new Set<string>();
  for (const [, heading] of section.matchAll(/^### (.+)$/gm)) {
    const name = /`([^`]+)`/.exec(heading!)?.[1] ?? heading!.trim().split(/\s+/)[0]!;
    names.add(name);
  }
  return names;
}

/** Every shipped file must be named in THIRD_PARTY_NOTICES.txt (which says where it comes from and its licence). */
export function licenceFindings(files: readonly string[], notices: string | undefined): Finding[] {
  if (notices === undefined) return [{ check: 'licence', file: 'THIRD_PARTY_NOTICES.txt', detail: 'missing' }];
  const listed = new Set([...notices.matchAll(/^ {2}- (\S+)$/gm)].map((m) => m[1]!));
  return files.filter((f) => !listed.has(f)).map((file) => ({ check: 'licence', file, detail: 'not in THIRD_PARTY_NOTICES.txt' }));
}

export function sizeFindings(root: string, files: readonly string[], budgetBytes: number): { bytes: number; findings: Finding[] } {
  const bytes = files.reduce((sum, f) => sum + statSync(join(root, f)).size, 0);
  return { bytes, findings: bytes > budgetBytes ? [{ check: 'size', file: '.', detail: `${(bytes / 2 ** 20).toFixed(1)} MiB, over the ${(budgetBytes / 2 ** 20).toFixed(0)} MiB budget` }] : [] };
}

/** All checks on one unpacked build. */
export function checkBuild(root: string, listing: string, budgetBytes: number): { files: number; bytes: number; findings: Finding[] } {
  const files = listFiles(root);
  const manifest = JSON.parse(readFileSync(join(root, 'manifest.json'), 'utf8')) as ManifestShape;
  let notices: string | undefined;
  try {
    notices = readFileSync(join(root, 'THIRD_PARTY_NOTICES.txt'), 'utf8');
  } catch {
    notices = undefined;
  }
  const size = sizeFindings(root, files, budgetBytes);
  return {
    files: files.length,
    bytes: size.bytes,
    findings: [...codeFindings(root, files), ...manifestFindings(manifest, documentedPermissions(listing)), ...licenceFindings(files, notices), ...size.findings],
  };
}
