import { defineConfig } from 'wxt';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { readFileSync } from 'node:fs';
import { resolveModelPath } from './src/engine/node/model-store';

/** ort's three runtime files, loaded by URL so its worker/thread code keeps its own module URL (see PLATFORM.md). */
const ortFiles = ['ort.wasm.min.mjs', 'ort-wasm-simd-threaded.mjs', 'ort-wasm-simd-threaded.wasm'];

/** Every model file the default manifest needs, as models-root paths. */
function shippedModelFiles(): string[] {
  const read = <T,>(path: string) => JSON.parse(readFileSync(resolveModelPath(path), 'utf8')) as T;
  const manifest = read<{ detector: string; ocr: string; caption?: { model: string; gate: string } }>('manifest.json');
  const folder = (path: string) => path.slice(0, path.lastIndexOf('/') + 1);
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
    folder(manifest.detector) + detector.file,
    manifest.ocr,
    ...[ocr.detection.file, ocr.classifier.file, ocr.recognition.file, ocr.recognition.dictionary].map((f) => folder(manifest.ocr) + f),
    ...(ocr.segmentation ? [ocr.segmentation.lexicon] : []),
    ...(manifest.caption ? [...captionModelFiles(manifest.caption.model, read<CaptionModelFiles>(manifest.caption.model)), manifest.caption.gate] : []),
  ];
}

interface CaptionModelFiles {
  encoder: string;
  decoder: string;
  vocabulary: string;
}

function captionModelFiles(manifestPath: string, files: CaptionModelFiles): string[] {
  const folder = manifestPath.slice(0, manifestPath.lastIndexOf('/') + 1);
  return [manifestPath, ...[files.encoder, files.decoder, files.vocabulary].map((f) => folder + f)];
}

export default defineConfig({
  srcDir: '.',
  entrypointsDir: 'entrypoints',
  modules: ['@wxt-dev/module-svelte', '@wxt-dev/webextension-polyfill'],
  manifest: ({ browser, manifestVersion }) => ({
    name: 'LightCap Alt',
    description: 'Adds alt text to images that have none, generated on your own device. No image leaves your browser.',
    // declarativeNetRequestWithHostAccess: session rules that keep our own image fetches to what the page could see (see src/background/network-rules.ts).
    permissions: ['storage', 'contextMenus', 'declarativeNetRequestWithHostAccess', ...(browser === 'chrome' ? ['offscreen'] : []), ...(manifestVersion === 2 ? ['<all_urls>'] : [])],
    ...(manifestVersion === 3 ? { host_permissions: ['<all_urls>'] } : {}),
    content_security_policy:
      manifestVersion === 3
        ? { extension_pages: "script-src 'self' 'wasm-unsafe-eval'; object-src 'self';" }
        : ("script-src 'self' 'wasm-unsafe-eval'; object-src 'self';" as unknown as { extension_pages: string }),
    // runtime.getContexts (the offscreen-document guard) arrived in Chrome 116.
    ...(browser === 'chrome' ? { minimum_chrome_version: '116' } : {}),
    ...(browser === 'firefox'
      ? { browser_specific_settings: { gecko: { id: 'lightcap-alt@lightcap.example', strict_min_version: '128.0' } } }
      : {}),
  }),
  hooks: {
    'build:publicAssets': (_wxt, assets) => {
      const require = createRequire(import.meta.url);
      const ortDist = dirname(require.resolve('onnxruntime-web/ort-wasm-simd-threaded.wasm'));
      for (const file of ortFiles) assets.push({ absoluteSrc: join(ortDist, file), relativeDest: `ort/${file}` });
      for (const path of shippedModelFiles()) assets.push({ absoluteSrc: resolveModelPath(path), relativeDest: `models/${path}` });
    },
  },
  vite: () => ({
    build: { chunkSizeWarningLimit: 2048 },
  }),
});
