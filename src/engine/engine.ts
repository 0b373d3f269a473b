import type { RgbaImage } from './image/types';
import { assertValidImage } from './image/tensor';
import { sharpness } from './image/sharpness';
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
import { nameableObjects } from './describe/object-floors';
import type { ObjectFloors } from './describe/object-floors';
import { isLanguage, languages, wordingFor } from './describe/languages';
import type { Language } from './describe/languages';
import { EngineError, throwIfAborted } from './errors';
import { createExclusive } from '../shared/exclusive';
import { loadOnce } from './load-once';
import type { Concept } from './caption/model';
import { readConcepts } from './caption/model';
import { dropUnseenPhrases, unseenConceptWords, withOtherForms } from './caption/concept-support';
import { unsupportedObjects } from './caption/guard';
import { objectsToName } from './caption/disputed-kind';
import { defaultColourCheck } from './caption/colours';
import { gateProbability, gateSignals } from './caption/gate';
import type { GateSignals } from './caption/gate';
import { captionLanguageFor } from './caption/language';
import type { CaptionLanguage } from './caption/language';
import { captionFiles, createCaptioners } from './caption/captioners';
import { readAhead } from './read-ahead';
import type { Captioners, LoadedCaptioner } from './caption/captioners';
import { captionSettingsFor } from './caption/settings';
import type { CaptionSettings, LanguageCaptionSettings } from './caption/settings';

export type { Language } from './describe/languages';
export type { CaptionSettings, LanguageCaptionSettings } from './caption/settings';
export { captionSettingsFor } from './caption/settings';

/** models/manifest.json */
export interface EngineManifest {
  /** Bumped whenever a model or its settings change; part of every cache key. */
  version: string;
  detector: string;
  ocr: string;
  objects: ObjectFloors;
  description: DescriptionOptions;
  /**
   * The English LightCap caption model, and the caption settings other
   * languages share; without it the description is the objects-and-text
   * sentence.
   */
  caption?: CaptionSettings;
  /** Other languages' caption models (src/engine/caption/settings.ts); a language without one gets no caption. */
  captionByLanguage?: Partial<Record<Language, LanguageCaptionSettings>>;
}

export type CaptionOutcome =
  /** The caption leads the description. */
  | 'used'
  /** The model was unsure of its own caption. */
  | 'low-confidence'
  /** It kept naming an object the detector did not see. */
  | 'unsupported-object'
  /** It named a place or thing the concept head did not see, and not in a phrase that could be left out (concept-support.ts). */
  | 'unseen-place'
  /** Neutral wording is on, and the caption says a gender it cannot reword ("Spielerin", "Bruder"): the objects sentence is said instead. */
  | 'gendered-word'
  /** It would have been said, but the image is a picture of text (a banner, a sign): only the text is said. */
  | 'text-is-the-picture';

export interface CaptionReport {
  /** The tidied caption sentence, said or not, in the language asked for. */
  text: string;
  /** The model's words, before the colour check, tidying and neutral wording. */
  words: string[];
  /**
   * `words` less the phrases that name a place or thing the concept head did
   * not see (src/engine/caption/concept-support.ts) and the colour words the
   * pixels do not support (src/engine/caption/colours.ts): what `text` is
   * tidied from.
   */
  checkedWords: string[];
  /** Colour words removed from the caption because too few pixels of what they describe have that colour. */
  coloursDropped: string[];
  /** Earlier attempts the guard rejected, with the classes it found unsupported and the words of unseen places it could not leave out. */
  rejected: { words: string[]; unsupported: string[] }[];
  outcome: CaptionOutcome;
  meanLogProb: number;
  /** The gate's probability that the caption names only what is there; said when at least the gate's threshold. */
  confidence: number;
  /** What the gate looked at. */
  signals: GateSignals;
  /** Objects the guard found named but not seen, over every try. */
  guardFired: { label: string; words: string[]; presence: number }[];
  /**
   * Places and things the concept head scored too low that the model's words
   * named, over every try (concept-support.ts): left out with their phrase, or
   * forbidden and the caption decoded again.
   */
  unseenPlaces: string[];
  /** The concepts the model read as tokens, best first. */
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
   * The language of the description; 'en' by default. Text read in the image
   * is never translated. A language without its own caption model gets the
   * objects-and-text sentence in that language, never another language's caption.
   */
  language?: Language;
  /**
   * Return detected objects down to this score too, below their floors in
   * the manifest, so an evaluation can sweep it. The alt text is unaffected.
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
  /**
   * Creates the model sessions, once; later calls share the same promise.
   * The English caption model loads here, with the detector and the reader
   * (the first image needs all three); another language's caption
   * model loads on the first description asked for in that language.
   */
  load(signal?: AbortSignal): Promise<void>;
  /** load(), then one run of each loaded model on a blank image: the CLI's warm-up, and the host's speed check of last resort. */
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
  captioners: Captioners;
}

export function createEngine(options: EngineOptions): Engine {
  const { runtime, store, manifestPath = 'manifest.json' } = options;
  // Loading is shared by every caller, so one caller's abort must not cancel it.
  const models = loadOnce(() => loadModels(runtime, store, manifestPath));
  const load = (signal?: AbortSignal): Promise<LoadedModels> => models.get(signal);
  const exclusive = oneImageAtATime();

  return {
    async load(signal) {
      await load(signal);
    },
    async ready(signal) {
      const models = await load(signal);
      // Warm-up: the first run of a wasm session allocates its arenas.
      const blank = { width: 64, height: 64, data: new Uint8Array(64 * 64 * 4).fill(255) };
      await exclusive(signal, async () => {
        const found = await models.detector.detect(blank, { signal });
        await models.reader.read(blank, signal);
        for (const captioner of await models.captioners.loaded()) {
          if (!found.features) break;
          const memory = await captioner.model.encode({ features: found.features, classPresence: found.classPresence }, signal);
          await captioner.model.decode(memory, { beamSize: captioner.settings.beamSize, signal });
        }
      });
    },
    async describe(image, describeOptions = {}) {
      const { signal } = describeOptions;
      const started = performance.now();
      throwIfAborted(signal);
      const language = describeOptions.language ?? 'en';
      if (!isLanguage(language)) throw new EngineError('invalid-option', `unknown description language "${String(language)}"; known: ${languages.join(', ')}`);
      assertValidImage(image);
      checkMinSide(image.width, image.height, defaultDecodeLimits);
      const { manifest, detector, reader, captioners } = await load(signal);

      const reportFrom = describeOptions.reportObjectsFrom;
      const call = describeOptions.caption ?? {};
      const { found, detectorMs, read, caption } = await exclusive(signal, async () => {
        const detectStarted = performance.now();
        // Fainter boxes too, for the caption's colour check only: they locate an object the guard accepted.
        const found = await detector.detect(image, {
          minScore: Math.min(manifest.objects.minScore, defaultColourCheck.minBoxScore, ...(reportFrom === undefined ? [] : [reportFrom])),
          signal,
        });
        const detectorMs = performance.now() - detectStarted;
        const read = await reader.read(image, signal);
        // Only now, and only for a caption in this language: the model loads on first use.
        // Not abortable: a model still being made after this call gave up would share the wasm memory with the next call's runs.
        const captioner = call.enabled !== false && found.features ? await captioners.get(language) : undefined;
        const caption =
          captioner && found.features
            ? await captionImage(
                captioner,
                captionLanguageFor(language),
                { features: found.features, classPresence: found.classPresence },
                { image, objects: found.detections },
                detector.config.labels,
                call,
                signal,
              )
            : undefined;
        return { found, detectorMs, read, caption };
      });

      const mark = performance.now();
      // What the objects sentence may name; by default also what the result reports.
      const nameable = nameableObjects(found.detections, manifest.objects, image);
      const { description, textIsThePicture } = composeDescription(
        {
          image,
          // A caption that is not said still has an opinion on which animal it is.
          objects: objectsToName(
            nameable,
            caption?.report,
            caption?.report.outcome === 'used',
            captionLanguageFor(language).names,
            detector.config.labels,
            captionSettingsFor(manifest, language)?.guard ?? {},
            found.detections,
          ),
          text: read.lines,
          caption: caption?.report.outcome === 'used' ? caption.report.text : undefined,
        },
        { ...manifest.description, ...describeOptions.description },
        wordingFor(language),
      );
      // The report says why a caption good enough to say was not said.
      const captionReport = caption && textIsThePicture && caption.report.outcome === 'used' ? { ...caption.report, outcome: 'text-is-the-picture' as const } : caption?.report;
      const describeMs = performance.now() - mark;
      return {
        alt: description.alt,
        confident: description.kind === 'described',
        objects: found.detections.filter((d) => nameable.includes(d) || (reportFrom !== undefined && d.score >= reportFrom)),
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
      const loaded = await models.take();
      await Promise.all([loaded?.detector.release(), loaded?.reader.release(), loaded?.captioners.release()]);
    },
  };
}

/**
 * Runs one image's models at a time (src/shared/exclusive.ts says why). A call
 * aborted while it waits gives up at once, as an engine 'aborted' error.
 */
function oneImageAtATime(): <T>(signal: AbortSignal | undefined, work: () => Promise<T>) => Promise<T> {
  const line = createExclusive();
  return (signal, work) =>
    line.run(signal, work).catch((error: unknown) => {
      if (signal?.aborted && !(error instanceof EngineError)) throw new EngineError('aborted', 'the request was cancelled', { cause: signal.reason });
      throw error;
    });
}

async function loadModels(runtime: InferenceRuntime, store: ModelStore, manifestPath: string): Promise<LoadedModels> {
  const manifest = await readJson<EngineManifest>(store, manifestPath);
  const detectorConfig = parseDetectorConfig(await readJson<unknown>(store, manifest.detector));
  const detectorFolder = folderOf(manifest.detector);
  const ocrConfig = await readJson<OcrConfig>(store, manifest.ocr);
  const ocrFolder = folderOf(manifest.ocr);
  // Every file is read at once, and the first session (which compiles ort's wasm) is made while the rest arrive.
  // The sessions are made one after another: they share one wasm memory.
  const files = readAhead(store);
  const ocrFile = (file: string) => ocrFolder + file;
  // The text recogniser, direction classifier and word list are read when an image first has text (see OcrModelFiles).
  files.start([detectorFolder + detectorConfig.file, ocrFile(ocrConfig.detection.file)]);
  // English, the default language, loads with the rest (see Engine.load).
  const englishFiles = captionFiles(store, manifest, 'en').then((paths) => files.start(paths));
  const detection = files.bytes(ocrFile(ocrConfig.detection.file));
  const dictionary = store.text(ocrFile(ocrConfig.recognition.dictionary));
  const lexiconPath = ocrConfig.segmentation?.lexicon;
  // A failed read reaches the caller when its turn comes (after the detector session); the others are not left unhandled.
  for (const read of [detection, dictionary, englishFiles]) read.catch(() => undefined);

  const detector = await createDetector(runtime, await files.bytes(detectorFolder + detectorConfig.file), detectorConfig);
  const reader = await createTextReader(
    runtime,
    {
      detection: await detection,
      classifier: () => store.bytes(ocrFile(ocrConfig.classifier.file)),
      recognition: () => store.bytes(ocrFile(ocrConfig.recognition.file)),
      dictionary: await dictionary,
      lexicon: lexiconPath === undefined ? undefined : () => readJson<string[]>(store, lexiconPath),
    },
    ocrConfig,
  );
  await englishFiles;
  const captioners = createCaptioners(runtime, files, manifest);
  await captioners.get('en');
  return { manifest, detector, reader, captioners };
}

/**
 * Caption, check it against the detector, and decide whether it may lead the
 * description. Each guard retry forbids the words of the objects the detector
 * did not see; a caption that still names one is not said, nor one the
 * confidence gate does not trust. The final caption's colour words must then
 * agree with the pixels of what they describe, or go.
 */
async function captionImage(
  { model, gate, settings, unnameable, placeForms, placeWords }: LoadedCaptioner,
  language: CaptionLanguage,
  input: { features: NonNullable<DetectorOutput['features']>; classPresence: Float32Array },
  seen: { image: RgbaImage; objects: readonly Detection[] },
  labels: readonly string[],
  call: NonNullable<DescribeOptions['caption']>,
  signal: AbortSignal | undefined,
): Promise<{ report: CaptionReport; encoderMs: number; decoderMs: number }> {
  const memory = await model.encode(input, signal);
  // The concepts the model read as tokens; memory.concepts may hold every concept's score (all_concepts.py).
  const readByModel = readConcepts(model.manifest, memory);
  const pictureSharpness = sharpness(seen.image);
  const unseen =
    call.guard === false
      ? new Set<string>()
      : withOtherForms(
          unseenConceptWords(memory.concepts, model.manifest.conceptTokens !== undefined, language.places.checked, settings.guard.conceptSupport),
          placeForms,
          new Set(memory.concepts.map((c) => c.word)),
        );
  const banned: string[] = [];
  const unseenPlaces: string[] = [];
  const guardFired: CaptionReport['guardFired'] = [];
  const rejected: CaptionReport['rejected'] = [];
  let decoderMs = 0;
  for (;;) {
    const raw = await model.decode(memory, { beamSize: call.beamSize ?? settings.beamSize, bannedWords: banned, signal });
    decoderMs += raw.decoderMs;
    const unsupported = call.guard === false ? [] : unsupportedObjects(raw.words, input.classPresence, labels, settings.guard, language.names, unnameable);
    guardFired.push(...unsupported);
    const places = dropUnseenPhrases(raw.words, unseen, placeWords, language.places.grammar);
    for (const word of places.found) if (!unseenPlaces.includes(word)) unseenPlaces.push(word);
    const refused = [...unsupported.map((u) => u.label), ...places.stuck];
    if (refused.length > 0 && rejected.length < settings.guard.retries) {
      rejected.push({ words: raw.words, unsupported: refused });
      banned.push(...language.names.wordsOfClasses(unsupported.map((u) => u.label), model.vocabulary), ...places.stuck);
      continue;
    }
    const colours = language.checkColours(places.words, seen.image, seen.objects);
    const neutral = call.neutralWording ?? settings.neutralWording;
    const text = language.tidy(colours.words, { neutral });
    const signals = gateSignals({
      words: raw.words,
      tokenLogProbs: raw.tokenLogProbs,
      meanLogProb: raw.meanLogProb,
      retried: rejected.length > 0,
      classPresence: input.classPresence,
      labels,
      conceptWords: readByModel.map((c) => c.word),
      sharpness: pictureSharpness,
      names: language.names,
    });
    const confidence = gateProbability(gate, signals);
    const confident = confidence >= (call.minConfidence ?? gate.threshold);
    const gendered = neutral ? language.genderedWords(text) : [];
    const outcome: CaptionOutcome =
      unsupported.length > 0
        ? 'unsupported-object'
        : places.stuck.length > 0
          ? 'unseen-place'
          : !confident || !text
            ? 'low-confidence'
            : gendered.length > 0
              ? 'gendered-word'
              : 'used';
    if (refused.length > 0) rejected.push({ words: raw.words, unsupported: refused });
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
        unseenPlaces,
        concepts: readByModel,
      },
      encoderMs: memory.encoderMs,
      decoderMs,
    };
  }
}
