import { describe, expect, it } from 'vitest';
import { mkdtempSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { listFiles, modelCardTerms, packageNotice, packagesOfModules, renderNotices, unattributed } from '../../scripts/build/notices';

describe('third-party notices', () => {
  it('finds the npm packages behind bundled module ids, scoped ones and nested node_modules included', () => {
    const packages = packagesOfModules([
      '/repo/src/engine/engine.ts',
      '/repo/node_modules/svelte/src/internal/client/index.js',
      '/repo/node_modules/@wxt-dev/storage/dist/index.mjs?commonjs-proxy',
      '/repo/node_modules/a/node_modules/b/lib/b.js',
      '\0vite/preload-helper.js',
    ]);
    expect([...packages]).toEqual([
      ['@wxt-dev/storage', '/repo/node_modules/@wxt-dev/storage'],
      ['b', '/repo/node_modules/a/node_modules/b'],
      ['svelte', '/repo/node_modules/svelte'],
    ]);
  });

  it('reads a package\'s licence and its text, and refuses a package that declares none', () => {
    const root = mkdtempSync(join(tmpdir(), 'notices-'));
    mkdirSync(join(root, 'ok'));
    writeFileSync(join(root, 'ok', 'package.json'), JSON.stringify({ name: 'ok', version: '1.2.3', license: 'MIT' }));
    writeFileSync(join(root, 'ok', 'LICENSE.md'), 'MIT License\n\nCopyright (c) someone\n');
    expect(packageNotice(join(root, 'ok'))).toEqual({ name: 'ok', version: '1.2.3', license: 'MIT', text: 'MIT License\n\nCopyright (c) someone' });
    mkdirSync(join(root, 'bad'));
    writeFileSync(join(root, 'bad', 'package.json'), JSON.stringify({ name: 'bad', version: '0.0.1' }));
    expect(() => packageNotice(join(root, 'bad'))).toThrow(/bad@0\.0\.1 ships in the extension but declares no licence/);
  });

  it('lists every shipped file under the first rule that claims it, and names the files no rule claims', () => {
    const root = mkdtempSync(join(tmpdir(), 'build-'));
    mkdirSync(join(root, 'ort'));
    mkdirSync(join(root, 'models', 'x'), { recursive: true });
    for (const file of ['ort/ort.wasm', 'models/x/model.onnx', 'models/stray.bin', 'popup.html']) writeFileSync(join(root, file), '');
    const files = listFiles(root);
    expect(files).toEqual(['models/stray.bin', 'models/x/model.onnx', 'ort/ort.wasm', 'popup.html']);
    const sources = [
      { prefix: 'ort/', what: 'the runtime', license: 'MIT' },
      { prefix: 'models/x/', what: 'model x', license: 'Apache-2.0', details: 'trained on Y' },
    ];
    expect(unattributed(files, sources)).toEqual(['models/stray.bin', 'popup.html']);
    const text = renderNotices({
      product: 'P',
      version: '1.0.0',
      packages: [{ name: 'svelte', version: '5.0.0', license: 'MIT' }],
      files,
      sources: [...sources, { prefix: '', what: 'our own files', license: 'MIT (this project)' }],
    });
    expect(text).toContain('model x\n  licence: Apache-2.0\n  - models/x/model.onnx\n\n  trained on Y');
    expect(text).toContain('our own files\n  licence: MIT (this project)\n  - models/stray.bin\n  - popup.html\n');
    expect(text).not.toMatch(/our own files[\s\S]*ort\/ort\.wasm/);
    expect(text).toContain('svelte 5.0.0\n  licence: MIT\n\n  (the package ships no licence file');
  });

  it('quotes the caption model card\'s section on its data and terms', () => {
    const terms = modelCardTerms(readFileSync('models/lightcap/MODEL_CARD.md', 'utf8'));
    expect(terms).toMatch(/^Training data and its terms/);
    expect(terms).toMatch(/research use only/i);
    expect(terms).not.toMatch(/\n## /);
    expect(() => modelCardTerms('# card\n')).toThrow(/no "Training data and its terms" section/);
  });
});
