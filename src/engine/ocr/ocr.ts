import type { RgbaImage } from '../image/types';
import type { TensorSpec } from '../image/tensor';
import { imageToTensor } from '../image/tensor';
import { floatTensor } from '../runtime/ort';
import type { GraphOptimization, InferenceRuntime, ModelSession } from '../runtime/ort';
import { EngineError, throwIfAborted } from '../errors';
import { loadOnce } from '../load-once';
import type { LoadOnce } from '../load-once';
import { dbPostprocess } from './db-postprocess';
import type { DbPostprocessOptions } from './db-postprocess';
import type { Quad } from './geometry';
import { distance, quadArea } from './geometry';
import { freeMargins, lineCrop, sampleQuadInto } from './crop';
import { ctcGreedyDecode, mean } from './ctc';
import { readingOrder } from './reading-order';
import { cropPlanar, detectionTiles, pasteCore } from './tiles';
import { createSegmenter, defaultSegmenterOptions } from './segment';
import type { Segmenter, SegmenterOptions } from './segment';
import { likelyPart, rejoinFragments } from './word-filter';
import type { IsCommonWord, ScoredWord } from './word-filter';

/** models/ocr/ocr.json: everything about the OCR models that is not code. */
export interface OcrConfig {
  detection: {
    file: string;
    /** ort's level for this model; 'all' when absent ('disabled' for a file stored as ort optimises it). */
    graphOptimization?: GraphOptimization;
    /** Longer side of the detector input; larger images are shrunk, smaller are not grown. */
    maxSide: number;
    /** Input sides must be multiples of this (the network's stride). */
    multiple: number;
    input: TensorSpec;
    postprocess: DbPostprocessOptions;
    /** Boxes with a shorter side below this, in source pixels, are too small to read. */
    minTextHeight: number;
    /**
     * A cheap first look at a fraction of the resolution: most photos have no
     * text, and this lets them skip the full-size pass. On ocr-dev a half-size
     * look found text in 57 of 60 images and lost 3 words; on captions-dev it
     * let 58 of 60 photos skip the full pass.
     */
    gate?: { scale: number; boxThreshold: number; minSize: number };
    /**
     * Inputs with a side over tile.maxSide are read in overlapping tiles (tiles.ts says why): the
     * detector's wasm memory then stays at what one tile needs, whatever the image size.
     */
    tile?: { maxSide: number; margin: number };
  };
  classifier: {
    file: string;
    width: number;
    height: number;
    input: TensorSpec;
    /** Labels of the classifier's outputs, e.g. ["0", "180"]. */
    labels: readonly string[];
    /** A line is turned over only when "180" wins with at least this probability. */
    threshold: number;
  };
  recognition: {
    file: string;
    dictionary: string;
    /** PaddleOCR appends a space class after the dictionary. */
    appendSpace: boolean;
    height: number;
    /** Margin added above and below each line, as a fraction of its height, where there is room; see freeMargins. */
    padding: number;
    /** Lines are padded to at least this width, as in training. */
    minWidth: number;
    maxWidth: number;
    batchSize: number;
    input: TensorSpec;
    /** See CtcOptions. */
    gapRatio: number;
    minGapSteps: number;
  };
  /** Optional: re-split words read without spaces, with this frequency-ranked word list (a models-root path). */
  segmentation?: { lexicon: string } & Partial<SegmenterOptions>;
  /** Which words are said; see word-filter.ts. Without a segmentation lexicon no word counts as common. */
  filter: {
    /** Mean character probability a common word needs. */
    minWordConfidence: number;
    /** Probability every character of any other word (numbers, names, codes) needs. */
    minCharacterConfidence: number;
    /** Rows of text said at most. */
    maxRows: number;
    /** Boxes read at most, largest first. */
    maxBoxes: number;
  };
}

export interface TextWord {
  text: string;
  /** Mean character probability of the recogniser. */
  confidence: number;
  /**
   * Where the word sits along its line's box, from its first to its last
   * character: fractions from the quad's left edge (top-left → top-right) to
   * its right edge. An evaluation uses it to ignore single words in regions
   * its labels mark "do not care".
   */
  span?: [number, number];
}

export interface TextLine {
  text: string;
  /** The line's words with their own confidences. */
  words: TextWord[];
  /** Mean character probability of the recogniser. */
  confidence: number;
  /** Corners in source-image pixels: top-left, top-right, bottom-right, bottom-left. */
  quad: Quad;
  /** Boxes on one visual row share a row number; rows count from the top. */
  row: number;
}

/** A line as the recogniser read it, before filtering: each word keeps its characters' probabilities and positions. */
export interface RecognisedLine extends Omit<TextLine, 'words'> {
  words: ScoredWord[];
}

export interface OcrTimings {
  detection: number;
  classification: number;
  recognition: number;
  lines: number;
}

export interface OcrResult {
  /** Text boxes in reading order: rows top to bottom, boxes left to right. */
  lines: TextLine[];
  timings: OcrTimings;
}

export interface OcrModelFiles {
  detection: Uint8Array;
  /**
   * Read when the first image with text needs them, not before: most photos have
   * none, and holding the recogniser's 10.8 MB until then was memory for nothing.
   */
  classifier: () => Promise<Uint8Array>;
  recognition: () => Promise<Uint8Array>;
  dictionary: string;
  /**
   * Words by frequency, most frequent first; enables segmentation. Read, like
   * the recogniser, when the first image with text needs it: parsing its 1.9 MB
   * and indexing it took about 0.35 s of the first caption's wait on a slow machine.
   */
  lexicon?: () => Promise<readonly string[]>;
}

export interface TextReader {
  read(image: RgbaImage, signal?: AbortSignal): Promise<OcrResult>;
  release(): Promise<void>;
}

export async function createTextReader(
  runtime: InferenceRuntime,
  files: OcrModelFiles,
  config: OcrConfig,
  signal?: AbortSignal,
): Promise<TextReader> {
  const detection = await runtime.createSession('ocr-detection', files.detection, signal, { graphOptimization: config.detection.graphOptimization });
  // Most photos have no text: the direction classifier and the recogniser (10 MB) are made on the
  // first image that has some, which keeps them off the path to the first caption.
  let released = false;
  /** A session made once, from bytes read when it is first needed and not kept once it exists. */
  const lazySession = (name: string, read: () => Promise<Uint8Array>): LoadOnce<ModelSession> =>
    loadOnce(async () => {
      if (released) throw new EngineError('internal', 'the text reader was released');
      return runtime.createSession(name, await read());
    });
  const classifier = lazySession('ocr-direction', files.classifier);
  const recognition = lazySession('ocr-recognition', files.recognition);
  const characters = files.dictionary.split(/\r?\n/).filter((line, i, all) => line.length > 0 || i < all.length - 1);
  if (config.recognition.appendSpace) characters.push(' ');
  const { lexicon: _lexiconPath, ...segmenterOverrides } = config.segmentation ?? { lexicon: '' };
  const readLexicon = files.lexicon;
  const segmenterOnce = readLexicon ? loadOnce(async () => createSegmenter(await readLexicon(), { ...defaultSegmenterOptions, ...segmenterOverrides })) : undefined;
  const now = () => performance.now();

  return {
    async read(image, signal) {
      throwIfAborted(signal);
      const timings: OcrTimings = { detection: 0, classification: 0, recognition: 0, lines: 0 };
      let start = now();
      // Dense text (a bookshelf, a spreadsheet) can give hundreds of boxes;
      // only the biggest are read, since only maxRows rows are said anyway.
      const boxes = largest(await detectText(detection, image, config, signal), config.filter.maxBoxes);
      timings.detection = now() - start;
      if (boxes.length === 0) return { lines: [], timings };

      const margins = freeMargins(boxes, config.recognition.padding);
      const crops = boxes.map((quad, i) => lineCrop(quad, margins[i]));
      start = now();
      // Made without the signal: the engine runs one image at a time, and a session still being made after
      // this call gave up would share the wasm memory with the next image's runs.
      const upsideDown = await classifyDirection(await classifier.get(), image, crops, config, signal);
      timings.classification = now() - start;

      start = now();
      const read = await recognise(await recognition.get(), image, boxes, crops, upsideDown, characters, config, signal);
      timings.recognition = now() - start;
      timings.lines = crops.length;

      const segmenter = await segmenterOnce?.get(signal);
      const isCommonWord: IsCommonWord = segmenter ? (letters) => segmenter.isCommonWord(letters) : () => false;
      const kept = read.flatMap((line) => sayablePart(line, segmenter, isCommonWord, config.filter) ?? []);
      const rows = readingOrder(kept).slice(0, config.filter.maxRows);
      const lines = rows.flatMap((row, index) => row.items.map((line) => ({ ...line, row: index })));
      return { lines, timings };
    },
    async release() {
      released = true;
      const [direction, recogniser] = await Promise.all([classifier.take(), recognition.take()]);
      await Promise.all([detection.release(), direction?.release(), recogniser?.release()]);
    },
  };
}

/** Detector input size: longer side capped, both sides rounded to the stride. */
export function detectionInputSize(width: number, height: number, maxSide: number, multiple: number): { width: number; height: number } {
  const scale = Math.min(1, maxSide / Math.max(width, height));
  const round = (v: number) => Math.max(multiple, Math.round((v * scale) / multiple) * multiple);
  return { width: round(width), height: round(height) };
}

async function probabilityMap(session: ModelSession, image: RgbaImage, maxSide: number, config: OcrConfig, signal?: AbortSignal) {
  const { multiple, input, tile } = config.detection;
  const size = detectionInputSize(image.width, image.height, maxSide, multiple);
  const pixels = imageToTensor(image, size.width, size.height, input);
  const tiles = tile ? detectionTiles(size.width, size.height, { ...tile, multiple }) : [];
  if (tiles.length <= 1) return runDetector(session, pixels, size.width, size.height, signal);
  const prob = new Float32Array(size.width * size.height);
  for (const part of tiles) {
    const map = await runDetector(session, cropPlanar(pixels, 3, size.width, size.height, part.input), part.input.width, part.input.height, signal);
    if (map.width !== part.input.width || map.height !== part.input.height) {
      throw new EngineError('model-load', `the text detector's map is ${map.width}x${map.height} for a ${part.input.width}x${part.input.height} tile; tiles need one of the input's size`);
    }
    pasteCore(prob, size.width, map.prob, part);
  }
  return { prob, width: size.width, height: size.height };
}

async function runDetector(session: ModelSession, pixels: Float32Array, width: number, height: number, signal?: AbortSignal) {
  const outputs = await session.run({ [session.inputNames[0]!]: floatTensor(pixels, [1, 3, height, width]) }, signal);
  const map = outputs[session.outputNames[0]!];
  if (!map || map.type !== 'float32') throw new EngineError('inference', 'the text detector returned no probability map');
  const [, , mapHeight, mapWidth] = map.dims as [number, number, number, number];
  return { prob: map.data as Float32Array, width: mapWidth, height: mapHeight };
}

async function detectText(session: ModelSession, image: RgbaImage, config: OcrConfig, signal?: AbortSignal): Promise<Quad[]> {
  const { maxSide, postprocess, minTextHeight, gate, multiple } = config.detection;
  const full = detectionInputSize(image.width, image.height, maxSide, multiple);
  const fullSide = Math.max(full.width, full.height);
  if (gate && fullSide * gate.scale >= 4 * multiple) {
    const look = await probabilityMap(session, image, fullSide * gate.scale, config, signal);
    const anything = dbPostprocess(look.prob, look.width, look.height, { ...postprocess, boxThreshold: gate.boxThreshold, minSize: gate.minSize });
    if (anything.length === 0) return [];
  }
  const map = await probabilityMap(session, image, maxSide, config, signal);
  const sx = image.width / map.width;
  const sy = image.height / map.height;
  return dbPostprocess(map.prob, map.width, map.height, postprocess)
    .map((region) => region.rect.corners.map((p) => ({ x: clamp(p.x * sx, 0, image.width), y: clamp(p.y * sy, 0, image.height) })) as Quad)
    .filter((quad) => shortSide(quad) >= minTextHeight);
}

async function classifyDirection(
  session: ModelSession,
  image: RgbaImage,
  crops: ReturnType<typeof lineCrop>[],
  config: OcrConfig,
  signal?: AbortSignal,
): Promise<boolean[]> {
  const { width, height, input, labels, threshold } = config.classifier;
  const slot = 3 * width * height;
  const batch = new Float32Array(slot * crops.length);
  crops.forEach((crop, i) => {
    const w = Math.min(width, Math.max(1, Math.ceil(height * crop.aspect)));
    sampleQuadInto(batch, i * slot, image, crop.quad, w, height, width, input, false);
  });
  const outputs = await session.run({ [session.inputNames[0]!]: floatTensor(batch, [crops.length, 3, height, width]) }, signal);
  const probs = outputs[session.outputNames[0]!]!.data as Float32Array;
  const flipped = labels.indexOf('180');
  return crops.map((_, i) => probs[i * labels.length + flipped]! >= threshold);
}

async function recognise(
  session: ModelSession,
  image: RgbaImage,
  boxes: readonly Quad[],
  crops: ReturnType<typeof lineCrop>[],
  upsideDown: boolean[],
  characters: readonly string[],
  config: OcrConfig,
  signal?: AbortSignal,
): Promise<RecognisedLine[]> {
  const { height, minWidth, maxWidth, batchSize, input, gapRatio, minGapSteps } = config.recognition;
  // Batches of similar aspect waste the least padding, as in PaddleOCR.
  const order = crops.map((_, i) => i).sort((a, b) => crops[a]!.aspect - crops[b]!.aspect);
  const results: RecognisedLine[] = new Array(crops.length);
  for (let first = 0; first < order.length; first += batchSize) {
    throwIfAborted(signal);
    const members = order.slice(first, first + batchSize);
    const widest = Math.max(...members.map((i) => Math.ceil(height * crops[i]!.aspect)));
    const padWidth = Math.min(maxWidth, Math.max(minWidth, Math.ceil(widest / 8) * 8));
    const slot = 3 * height * padWidth;
    const batch = new Float32Array(slot * members.length);
    members.forEach((index, b) => {
      const crop = crops[index]!;
      const w = Math.min(padWidth, Math.max(1, Math.ceil(height * crop.aspect)));
      sampleQuadInto(batch, b * slot, image, crop.quad, w, height, padWidth, input, upsideDown[index]!);
    });
    const outputs = await session.run({ [session.inputNames[0]!]: floatTensor(batch, [members.length, 3, height, padWidth]) }, signal);
    const out = outputs[session.outputNames[0]!]!;
    const [, steps, classes] = out.dims as [number, number, number];
    // A dictionary that does not match the model would read every line wrong, silently.
    if (classes !== characters.length + 1) {
      throw new EngineError('model-load', `the recogniser has ${classes} classes but the dictionary gives ${characters.length + 1}`);
    }
    const probs = out.data as Float32Array;
    members.forEach((index, b) => {
      const decoded = ctcGreedyDecode(probs.subarray(b * steps * classes, (b + 1) * steps * classes), steps, classes, characters, { gapRatio, minGapSteps });
      // Positions come as fractions of the padded batch width; the line's own crop is the first `w` columns, read turned round when upside down.
      const w = Math.min(padWidth, Math.max(1, Math.ceil(height * crops[index]!.aspect)));
      const words = decoded.words.map((word) => ({
        ...word,
        characterPositions: word.characterPositions.map((p) => {
          const along = Math.min(1, (p * padWidth) / w);
          return upsideDown[index] ? 1 - along : along;
        }),
      }));
      results[index] = { text: decoded.text, words, confidence: decoded.confidence, quad: boxes[index]!, row: 0 };
    });
  }
  return results;
}

/**
 * What of a recognised line is said, with the words in the engine's output
 * shape: pieces of split words joined back, glued words split, and only the
 * words likely to be real kept. Undefined when nothing is left.
 */
export function sayablePart(
  line: RecognisedLine,
  segmenter: Segmenter | undefined,
  isCommonWord: IsCommonWord,
  filter: OcrConfig['filter'],
): TextLine | undefined {
  // Join first: a joined word is a common word, which the segmenter never splits.
  const joined = { ...line, words: rejoinFragments(line.words, isCommonWord) };
  const split = segmenter ? resegment(joined, segmenter) : joined;
  const kept = likelyPart(split, isCommonWord, filter);
  if (!kept) return undefined;
  const words = kept.words.map(({ text, confidence, characterPositions }): TextWord => {
    if (!characterPositions || characterPositions.length === 0) return { text, confidence };
    const first = Math.min(...characterPositions);
    const last = Math.max(...characterPositions);
    return { text, confidence, span: [round3(first), round3(last)] };
  });
  return { ...kept, words, text: words.map((w) => w.text).join(' ') };
}

/** Re-splits glued words; each piece keeps the confidences of its own characters. */
export function resegment(line: RecognisedLine, segmenter: Segmenter): RecognisedLine {
  const words = line.words.flatMap((word) => splitWord(word, segmenter.split(word.text)));
  return { ...line, words, text: words.map((w) => w.text).join(' ') };
}

function round3(value: number): number {
  return Math.round(value * 1000) / 1000;
}

function splitWord(word: ScoredWord, pieces: readonly string[]): ScoredWord[] {
  if (pieces.length === 1) return [word];
  const lengths = pieces.map((piece) => Array.from(piece).length);
  // One confidence per code point; should case folding ever change a length, the pieces share the word's.
  if (lengths.reduce((sum, n) => sum + n, 0) !== word.characterConfidences.length) {
    return pieces.map((text) => ({ ...word, text }));
  }
  let start = 0;
  return pieces.map((text, i) => {
    const characterConfidences = word.characterConfidences.slice(start, start + lengths[i]!);
    const characterPositions = word.characterPositions?.slice(start, start + lengths[i]!);
    start += lengths[i]!;
    return {
      text,
      confidence: mean(characterConfidences),
      characterConfidences,
      ...(characterPositions ? { characterPositions } : {}),
    };
  });
}

function largest(boxes: Quad[], count: number): Quad[] {
  if (boxes.length <= count) return boxes;
  return boxes
    .map((quad) => ({ quad, area: quadArea(quad) }))
    .sort((a, b) => b.area - a.area)
    .slice(0, count)
    .map(({ quad }) => quad);
}

function shortSide([tl, tr, br, bl]: Quad): number {
  return Math.min(Math.max(distance(tl, tr), distance(bl, br)), Math.max(distance(tl, bl), distance(tr, br)));
}

function clamp(v: number, lo: number, hi: number): number {
  return Math.min(hi, Math.max(lo, v));
}
