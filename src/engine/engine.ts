import type { RgbaImage } from './image/types';
import { assertValidImage } from './image/tensor';
import { checkMinSide, defaultDecodeLimits } from './image/sniff';
import type { InferenceRuntime } from './runtime/ort';
import type { ModelStore } from './models';
import { folderOf, readJson } from './models';
import { createDetector, parseDetectorConfig } from './detect/detector';
import type { Detection, Detector, DetectorOutput } from './detect/detector';
import { createTextReader } from './ocr/ocr';
import type { OcrConfig, TextLine, TextReader } from './ocr/ocr';
import { composeDescription } from './describe/describe';
import type { DescriptionOptions } from './describe/describe';
import { EngineError, throwIfAborted } from './errors';
import { raceAbort } from '../shared/abort';
import { loadCaptionModel } from './caption/model';
import type { CaptionModel, Concept } from './caption/model';
import { unsupportedObjects, wordsOfClasses } from './caption/guard';
import type { GuardOptions } from './caption/guard';
import { tidyCaption } from './caption/tidy';
import { checkCaptionColours, defaultColourCheck } from './caption/colours';
import { gateProbability, gateSignals, parseCaptionGate } from './caption/gate';
import type { CaptionGate, GateSignals } from './caption/gate';

/** models/manifest.json */
export interface EngineManifest {
  /** Bumped whenever a model or its settings change; part of every cache key. */
  version: string;
  detector: string;
  ocr: string;
  objects: { minScore: number };
  description: DescriptionOptions;
  /** The LightCap caption model; without it the description is the objects-and-text sentence. */
  caption?: CaptionSettings;
}

export interface CaptionSettings {
  /** models/lightcap/manifest.json, relative to models/. */
  model: string;
  beamSize: number;
  /**
   * The confidence gate (src/engine/caption/gate.ts), relative to models/: a
   * caption it does not trust is not said, and the objects-and-text sentence
   * is used instead. Faithfulness over fluency.
   */
  gate: string;
  guard: GuardOptions & {
    /** Re-decodes with the unsupported objects' words forbidden, this many times, before giving up on the caption. */
    retries: number;
  };
  /** "person"/"child" instead of gendered words, unless a call says otherwise. */
  neutralWording: boolean;
}

export type CaptionOutcome =
  /** The caption leads the description. */
  | 'used'
  /** The model was unsure of its own caption. */
  | 'low-confidence'
  /** It kept naming an object the detector did not see. */
  | 'unsupported-object'
  /** It would have been said, but the image is a picture of text (a banner, a sign): only the text is said. */
  | 'text-is-the-picture';

export interface CaptionReport {
  /** The tidied caption sentence, said or not. */
  text: string;
  /** The model's words, before the colour check, tidying and neutral wording. */
  words: string[];
  /**
   * `words` less the colour words the pixels do not support
   * (src/engine/caption/colours.ts): what `text` is tidied from.
   */
  checkedWords: string[];
  /** Colour words removed from the caption because too few pixels of what they describe have that colour. */
  coloursDropped: string[];
  /** Earlier attempts the guard rejected, with the classes it found unsupported. */
  rejected: { words: string[]; unsupported: string[] }[];
  outcome: CaptionOutcome;
  meanLogProb: number;
  /** The gate's probability that the caption names only what is there; said when at least the gate's threshold. */
  confidence: number;
  /** What the gate looked at. */
  signals: GateSignals;
  /** Objects the guard found named but not seen, over every try. */
  guardFired: { label: string; words: string[]; presence: number }[];
  concepts: Concept[];
}

export interface StageTimings {
  detector: number;
  ocrDetection: number;
  ocrClassification: number;
  ocrRecognition: number;
  /** Number of text lines that went through recognition. */
  ocrLines: number;
  captionEncoder: number;
  /** All decoding attempts together. */
  captionDecoder: number;
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
  /** Absent when the engine has no caption model or the call turned it off. */
  caption?: CaptionReport;
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
  caption?: {
    /** False gives the objects-and-text sentence (the evaluation's baseline). */
    enabled?: boolean;
    neutralWording?: boolean;
    beamSize?: number;
    /** Overrides the gate's threshold (evaluation sweeps; 0 says every caption the guard passed). */
    minConfidence?: number;
    /** Turns the hallucination guard off (evaluation ablation). */
    guard?: boolean;
  };
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
  captioner?: { model: CaptionModel; gate: CaptionGate };
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
      const found = await models.detector.detect(blank, { signal });
      await models.reader.read(blank, signal);
      if (models.captioner && found.features) {
        const memory = await models.captioner.model.encode({ features: found.features, classPresence: found.classPresence }, signal);
        await models.captioner.model.decode(memory, { beamSize: models.manifest.caption?.beamSize, signal });
      }
    },
    async describe(image, describeOptions = {}) {
      const { signal } = describeOptions;
      const started = performance.now();
      throwIfAborted(signal);
      assertValidImage(image);
      checkMinSide(image.width, image.height, defaultDecodeLimits);
      const { manifest, detector, reader, captioner } = await load(signal);

      let mark = performance.now();
      const minScore = manifest.objects.minScore;
      const reportFrom = Math.min(minScore, describeOptions.reportObjectsFrom ?? minScore);
      // Fainter boxes too, for the caption's colour check only: they locate an object the guard accepted.
      const found = await detector.detect(image, { minScore: Math.min(reportFrom, defaultColourCheck.minBoxScore), signal });
      const detectorMs = performance.now() - mark;

      const read = await reader.read(image, signal);

      const call = describeOptions.caption ?? {};
      const caption =
        captioner && manifest.caption && call.enabled !== false && found.features
          ? await captionImage(
              captioner.model,
              captioner.gate,
              manifest.caption,
              { features: found.features, classPresence: found.classPresence },
              { image, objects: found.detections },
              detector.config.labels,
              call,
              signal,
            )
          : undefined;

      mark = performance.now();
      const { description, textIsThePicture } = composeDescription(
        {
          image,
          objects: found.detections.filter((d) => d.score >= minScore),
          text: read.lines,
          caption: caption?.report.outcome === 'used' ? caption.report.text : undefined,
        },
        { ...manifest.description, ...describeOptions.description },
      );
      // The report says why a caption good enough to say was not said.
      const captionReport = caption && textIsThePicture && caption.report.outcome === 'used' ? { ...caption.report, outcome: 'text-is-the-picture' as const } : caption?.report;
      const describeMs = performance.now() - mark;
      return {
        alt: description.alt,
        confident: description.kind === 'described',
        objects: found.detections.filter((d) => d.score >= reportFrom),
        text: read.lines,
        ...(captionReport ? { caption: captionReport } : {}),
        ms: {
          detector: detectorMs,
          ocrDetection: read.timings.detection,
          ocrClassification: read.timings.classification,
          ocrRecognition: read.timings.recognition,
          ocrLines: read.timings.lines,
          captionEncoder: caption?.encoderMs ?? 0,
          captionDecoder: caption?.decoderMs ?? 0,
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
      await Promise.all([models?.detector.release(), models?.reader.release(), models?.captioner?.model.release()]);
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
  const captioner = manifest.caption
    ? { model: await loadCaptionModel(runtime, store, manifest.caption.model), gate: parseCaptionGate(await readJson<unknown>(store, manifest.caption.gate)) }
    : undefined;
  return { manifest, detector, reader, captioner };
}

/**
 * Caption, check it against the detector, and decide whether it may lead the
 * description. Each guard retry forbids the words of the objects the detector
 * did not see; a caption that still names one is not said, nor one the
 * confidence gate does not trust. The final caption's colour words must then
 * agree with the pixels of what they describe, or go.
 */
async function captionImage(
  model: CaptionModel,
  gate: CaptionGate,
  settings: CaptionSettings,
  input: { features: NonNullable<DetectorOutput['features']>; classPresence: Float32Array },
  seen: { image: RgbaImage; objects: readonly Detection[] },
  labels: readonly string[],
  call: NonNullable<DescribeOptions['caption']>,
  signal: AbortSignal | undefined,
): Promise<{ report: CaptionReport; encoderMs: number; decoderMs: number }> {
  const memory = await model.encode(input, signal);
  const banned: string[] = [];
  const guardFired: CaptionReport['guardFired'] = [];
  const rejected: CaptionReport['rejected'] = [];
  let decoderMs = 0;
  for (;;) {
    const raw = await model.decode(memory, { beamSize: call.beamSize ?? settings.beamSize, bannedWords: banned, signal });
    decoderMs += raw.decoderMs;
    const unsupported = call.guard === false ? [] : unsupportedObjects(raw.words, input.classPresence, labels, settings.guard);
    guardFired.push(...unsupported);
    if (unsupported.length > 0 && rejected.length < settings.guard.retries) {
      rejected.push({ words: raw.words, unsupported: unsupported.map((u) => u.label) });
      banned.push(...wordsOfClasses(unsupported.map((u) => u.label)));
      continue;
    }
    const colours = checkCaptionColours(raw.words, seen.image, seen.objects);
    const text = tidyCaption(colours.words, { neutral: call.neutralWording ?? settings.neutralWording });
    const signals = gateSignals({
      words: raw.words,
      tokenLogProbs: raw.tokenLogProbs,
      meanLogProb: raw.meanLogProb,
      retried: rejected.length > 0,
      classPresence: input.classPresence,
      labels,
      conceptWords: memory.concepts.map((c) => c.word),
    });
    const confidence = gateProbability(gate, signals);
    const confident = confidence >= (call.minConfidence ?? gate.threshold);
    const outcome: CaptionOutcome = unsupported.length > 0 ? 'unsupported-object' : !confident || !text ? 'low-confidence' : 'used';
    if (unsupported.length > 0) rejected.push({ words: raw.words, unsupported: unsupported.map((u) => u.label) });
    return {
      report: {
        text,
        words: raw.words,
        checkedWords: colours.words,
        coloursDropped: colours.dropped,
        rejected,
        outcome,
        meanLogProb: raw.meanLogProb,
        confidence,
        signals,
        guardFired,
        concepts: memory.concepts,
      },
      encoderMs: memory.encoderMs,
      decoderMs,
    };
  }
}
