import type { GraphOptimization } from '../runtime/ort';
import type { TableFile } from './tables';

/** models/lightcap/manifest.json, written by models/lightcap/export.py (prefold_tables.py adds `graphOptimization` and `tables`). */
export interface CaptionModelManifest {
  encoder: string;
  decoder: string;
  vocabulary: string;
  layers: number;
  heads: number;
  headDim: number;
  prefixLength: number;
  vocabSize: number;
  specialTokens: { pad: number; bos: number; eos: number; unk: number };
  /** ort's level for both graphs; 'all' when absent. */
  graphOptimization?: GraphOptimization;
  /**
   * True when the decoder takes the encoder's memory as one batch row and repeats it
   * for the beams itself (broadcast_memory.py); otherwise the caller repeats it.
   */
  decoderBroadcastsMemory?: boolean;
  /**
   * True when the decoder returns only the new position's keys and values (`step_keys`,
   * `step_values`, step_cache.py) and the caller writes the next step's cache; otherwise it
   * returns the whole cache (`present_keys`, `present_values`).
   */
  decoderReturnsStep?: boolean;
  /**
   * How many of the concepts the model reads as tokens, when the encoder reports every
   * concept's score (all_concepts.py): its first `conceptTokens` concepts are those. When
   * absent, the encoder reports only the concepts it read.
   */
  conceptTokens?: number;
  /** By graph file: its fp32 tables, stored as int8 beside it. */
  tables?: Record<string, TableFile>;
  decoding: { maxWords: number; blockRepeatedTrigrams: boolean; lengthAlpha: number; suppressTokens: number[]; beamSize: number };
}

/**
 * The files a caption model's manifest names, relative to its folder: the vocabulary, both graphs,
 * then their stored tables. The engine reads them all, and the extension build ships them.
 */
export function captionModelFileNames(manifest: Pick<CaptionModelManifest, 'vocabulary' | 'encoder' | 'decoder' | 'tables'>): string[] {
  const tables = [manifest.encoder, manifest.decoder].flatMap((graph) => manifest.tables?.[graph]?.file ?? []);
  return [manifest.vocabulary, manifest.encoder, manifest.decoder, ...tables];
}
