import type { RgbaImage } from './image/types';
import { assertValidImage } from './image/tensor';
import { checkMinSide, defaultDecodeLimits } from './image/sniff';
import type { InferenceRuntime } from './runtime/ort';
import type { ModelStore } from './models';
import { folderOf, readJson } from './models';
import { createDetector, parseDetectorConfig } from './detect/detector';
import type { Detection, Detector } from './detect/detector';
import { createTextReader } from './ocr/ocr';
import type { OcrConfig, TextLine, TextReader } from './ocr/ocr';
import { describe as describeFindings } from './describe/describe';
import type { DescriptionOptions } from './describe/describe';
import { EngineError, throwIfAborted } from './errors';
import { raceAbort } from '../shared/abort';

/** models/manifest.json */
export interface EngineManifest {
  /** Bumped whenever a model or its settings change; part of every cache key. */
  version: string;
  detector: string;
  ocr: string;
  objects: { minScore: number };
  description: DescriptionOptions;
}

export interface StageTimings {
  detector: number;
  ocrDetection: number;
  ocrClassification: number;
  ocrRecognition: number;
  /** Number of text lines that went through recognition. */
  ocrLines: number;
  describe: number;
  total: number;
}

export interface EngineResult {
  /** The alt text; empty when nothing was confident. */
  alt: string;
  /** False means "nothing confident": say so instead of guessing. */
  confident: boolean;
  objects: Detection[];
  text: TextLine[];
  ms: StageTimings;
}

export interface DescribeOptions {
  signal?: AbortSignal;
  /**
   * Return detected objects down to this score, below the manifest's
   * threshold, so an evaluation can sweep it. The alt text is unaffected.
   */
  reportObjectsFrom?: number;
  /** Overrides the manifest's description settings for this call. */
  description?: Partial<DescriptionOptions>;
}

export interface Engine {
  /** Creates the model sessions, once; later calls share the same promise. */
  load(signal?: AbortSignal): Promise<void>;
  /** load(), then one run of each model so the first real call is not slow. */
  ready(signal?: AbortSignal): Promise<void>;
  describe(image: RgbaImage, options?: DescribeOptions): Promise<EngineResult>;
  release(): Promise<void>;
}

export interface EngineOptions {
  runtime: InferenceRuntime;
  store: ModelStore;
  /** Defaults to "manifest.json". */
  manifestPath?: string;
}

interface LoadedModels {
  manifest: EngineManifest;
  detector: Detector;
  reader: TextReader;
}

export function createEngine(options: EngineOptions): Engine {
  const { runtime, store, manifestPath = 'manifest.json' } = options;
  let loading: Promise<LoadedModels> | undefined;

  const load = (signal?: AbortSignal): Promise<LoadedModels> => {
    // Loading is shared by every caller, so one caller's abort must not cancel it.
    loading ??= loadModels(runtime, store, manifestPath).catch((error: unknown) => {
      loading = undefined;
      throw error;
    });
    return raceAbort(loading, signal, () => {
      throw new EngineError('aborted', 'the request was cancelled', { cause: signal?.reason });
    });
  };

  return {
    async load(signal) {
      await load(signal);
    },
    async ready(signal) {
      const models = await load(signal);
      // Warm-up: the first run of a wasm session allocates its arenas.
      const blank = { width: 64, height: 64, data: new Uint8Array(64 * 64 * 4).fill(255) };
      await models.detector.detect(blank, { signal });
      await models.reader.read(blank, signal);
    },
    async describe(image, describeOptions = {}) {
      const { signal } = describeOptions;
      const started = performance.now();
      throwIfAborted(signal);
      assertValidImage(image);
      checkMinSide(image.width, image.height, defaultDecodeLimits);
      const { manifest, detector, reader } = await load(signal);

      let mark = performance.now();
      const minScore = manifest.objects.minScore;
      const found = await detector.detect(image, { minScore: Math.min(minScore, describeOptions.reportObjectsFrom ?? minScore), signal });
      const detectorMs = performance.now() - mark;

      const read = await reader.read(image, signal);

      mark = performance.now();
      const said = found.detections.filter((d) => d.score >= minScore);
      const description = describeFindings(said, read.lines, { ...manifest.description, ...describeOptions.description });
      const describeMs = performance.now() - mark;
      return {
        alt: description.alt,
        confident: description.kind === 'described',
        objects: found.detections,
        text: read.lines,
        ms: {
          detector: detectorMs,
          ocrDetection: read.timings.detection,
          ocrClassification: read.timings.classification,
          ocrRecognition: read.timings.recognition,
          ocrLines: read.timings.lines,
          describe: describeMs,
          total: performance.now() - started,
        },
      };
    },
    async release() {
      const pending = loading;
      loading = undefined;
      if (!pending) return;
      const models = await pending.catch(() => undefined);
      await Promise.all([models?.detector.release(), models?.reader.release()]);
    },
  };
}

async function loadModels(runtime: InferenceRuntime, store: ModelStore, manifestPath: string): Promise<LoadedModels> {
  const manifest = await readJson<EngineManifest>(store, manifestPath);
  const detectorConfig = parseDetectorConfig(await readJson<unknown>(store, manifest.detector));
  const detectorFolder = folderOf(manifest.detector);
  const ocrConfig = await readJson<OcrConfig>(store, manifest.ocr);
  const ocrFolder = folderOf(manifest.ocr);
  const detector = await createDetector(runtime, await store.bytes(detectorFolder + detectorConfig.file), detectorConfig);
  const reader = await createTextReader(
    runtime,
    {
      detection: await store.bytes(ocrFolder + ocrConfig.detection.file),
      classifier: await store.bytes(ocrFolder + ocrConfig.classifier.file),
      recognition: await store.bytes(ocrFolder + ocrConfig.recognition.file),
      dictionary: await store.text(ocrFolder + ocrConfig.recognition.dictionary),
      lexicon: ocrConfig.segmentation ? await readJson<string[]>(store, ocrConfig.segmentation.lexicon) : undefined,
    },
    ocrConfig,
  );
  return { manifest, detector, reader };
}
