/** models/lightcap/manifest.json, written by models/lightcap/export.py. */
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
  decoding: { maxWords: number; blockRepeatedTrigrams: boolean; lengthAlpha: number; suppressTokens: number[]; beamSize: number };
}
