import { describe, expect, it } from 'vitest';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { checkBuild, codeFindings, documentedPermissions } from '../../scripts/build/release-checks';

const listing = readFileSync('store/listing.md', 'utf8');

/** A small unpacked build that passes every check; `change` plants a problem. */
function build(change: (root: string) => void = () => {}): string {
  const root = mkdtempSync(join(tmpdir(), 'release-'));
  mkdirSync(join(root, 'chunks'));
  const manifest = {
    manifest_version: 3,
    permissions: ['storage', 'contextMenus', 'declarativeNetRequestWithHostAccess', 'offscreen', 'scripting'],
    host_permissions: ['<all_urls>'],
    content_security_policy: { extension_pages: "script-src 'self' 'wasm-unsafe-eval'; object-src 'self';" },
  };
  writeFileSync(join(root, 'manifest.json'), JSON.stringify(manifest));
  writeFileSync(join(root, 'popup.html'), '<!doctype html><script type="module" src="/chunks/popup.js"></script>');
  writeFileSync(join(root, 'chunks', 'popup.js'), 'document.createElementNS("http://www.w3.org/2000/svg", "svg"); const evaluate = (x) => x; evaluate(1);');
  change(root);
  const files = ['THIRD_PARTY_NOTICES.txt', 'chunks/popup.js', 'manifest.json', 'popup.html'];
  writeFileSync(join(root, 'THIRD_PARTY_NOTICES.txt'), `Ours\n  licence: MIT\n${files.map((f) => `  - ${f}`).join('\n')}\n`);
  return root;
}

const mib = 2 ** 20;

describe('release checks', () => {
  it('pass on a clean build', () => {
    expect(checkBuild(build(), listing, 50 * mib).findings).toEqual([]);
  });

  it('read the documented permissions from the store listing', () => {
    expect([...documentedPermissions(listing)].sort()).toEqual(['<all_urls>', 'contextMenus', 'declarativeNetRequestWithHostAccess', 'offscreen', 'scripting', 'storage']);
  });

  it('fail on a planted remote script, eval, and a request to an origin of ours', () => {
    const root = build((r) => {
      writeFileSync(join(r, 'popup.html'), '<!doctype html><script src="https://cdn.example.com/lib.js"></script>');
      writeFileSync(join(r, 'chunks', 'popup.js'), 'const f = new Function("return 1"); fetch("https://telemetry.example.net/ping"); eval("2");');
    });
    const findings = checkBuild(root, listing, 50 * mib).findings.map((f) => `${f.check} ${f.file} ${f.detail}`);
    expect(findings).toEqual(
      expect.arrayContaining([
        'remote-code popup.html a <script> from another origin',
        'network-origin popup.html https://cdn.example.com',
        'dynamic-code chunks/popup.js new Function(',
        'dynamic-code chunks/popup.js eval(',
        'network-origin chunks/popup.js https://telemetry.example.net',
      ]),
    );
  });

  it('let the one known new Function( of ort\'s JSPI glue through, and no second one nor one elsewhere', () => {
    const glue = 'ort/ort-wasm-simd-threaded.jspi.mjs';
    const once = build((r) => {
      mkdirSync(join(r, 'ort'), { recursive: true });
      writeFileSync(join(r, glue), 'c=(new Function(Object.keys(k),h))(...Object.values(k));');
    });
    expect(codeFindings(once, [glue])).toEqual([]);
    const twice = build((r) => {
      mkdirSync(join(r, 'ort'), { recursive: true });
      writeFileSync(join(r, glue), 'new Function("a"); new Function("b");');
      writeFileSync(join(r, 'ort', 'ort.jspi.min.mjs'), 'new Function("c");');
    });
    expect(codeFindings(twice, [glue, 'ort/ort.jspi.min.mjs']).map((f) => `${f.file} ${f.detail}`)).toEqual([`${glue} new Function(`, 'ort/ort.jspi.min.mjs new Function(']);
  });

  it('fail on a permission the listing does not justify, and on a CSP that lets remote code in', () => {
    const root = build((r) => {
      const manifest = JSON.parse(readFileSync(join(r, 'manifest.json'), 'utf8')) as Record<string, unknown>;
      manifest.permissions = ['storage', 'tabs'];
      manifest.content_security_policy = { extension_pages: "script-src 'self' https://cdn.example.com; object-src 'self';" };
      writeFileSync(join(r, 'manifest.json'), JSON.stringify(manifest));
    });
    const findings = checkBuild(root, listing, 50 * mib).findings.map((f) => `${f.check}: ${f.detail}`);
    expect(findings).toEqual([
      'remote-code: content_security_policy allows https://cdn.example.com',
      'permission: "tabs" is not among the documented permissions',
    ]);
  });

  it('fail on a shipped file the notices do not name, and over the size budget', () => {
    const root = build((r) => writeFileSync(join(r, 'stray.bin'), Buffer.alloc(2048)));
    const findings = checkBuild(root, listing, 1024).findings.map((f) => `${f.check} ${f.file}`);
    expect(findings).toEqual(['licence stray.bin', 'size .']);
  });
});
