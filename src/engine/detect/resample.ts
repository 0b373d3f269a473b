/**
 * Bilinear resampling of a [1, C, h, w] feature map to another grid. The
 * caption model reads the detector's stride-32 features on the grid it was
 * trained on (16 x 16, from a 512 input); a detector exported at another
 * input size (384 gives 12 x 12) needs its map brought to that grid.
 *
 * Sampling uses half-pixel centres (PyTorch's `align_corners=False`, ONNX
 * Resize `half_pixel`): a cell covers the same share of the image on both
 * grids, so cell centres line up by where they are in the picture. Samples
 * past the outer cell centres take the edge value. Shrinking does not
 * pre-filter (no antialiasing), as neither PyTorch nor ONNX does by default.
 */
import { EngineError } from '../errors';
import { floatTensor } from '../runtime/ort';
import type { FloatTensor } from '../runtime/ort';

export interface GridSize {
  height: number;
  width: number;
}

/** For each output index along one axis: the two source indices and the weight of the second. */
interface AxisTaps {
  low: Int32Array;
  high: Int32Array;
  weight: Float64Array;
}

function axisTaps(inputSize: number, outputSize: number): AxisTaps {
  const low = new Int32Array(outputSize);
  const high = new Int32Array(outputSize);
  const weight = new Float64Array(outputSize);
  const scale = inputSize / outputSize;
  for (let i = 0; i < outputSize; i++) {
    const source = Math.min(Math.max((i + 0.5) * scale - 0.5, 0), inputSize - 1);
    const below = Math.floor(source);
    low[i] = below;
    high[i] = Math.min(below + 1, inputSize - 1);
    weight[i] = source - below;
  }
  return { low, high, weight };
}

/**
 * Resamples `channels` planes of `input` (channel-major, each row-major
 * `from.height` x `from.width`) to `to`. Returns a new array.
 */
export function resampleBilinear(input: Float32Array, channels: number, from: GridSize, to: GridSize): Float32Array {
  for (const size of [from, to]) {
    if (!(Number.isInteger(size.height) && Number.isInteger(size.width) && size.height > 0 && size.width > 0)) {
      throw new EngineError('internal', `grid ${size.height}x${size.width} must be positive integers`);
    }
  }
  const inPlane = from.height * from.width;
  if (!(Number.isInteger(channels) && channels > 0) || input.length !== channels * inPlane) {
    throw new EngineError('internal', `feature map has ${input.length} values, expected ${channels}x${from.height}x${from.width}`);
  }
  const rows = axisTaps(from.height, to.height);
  const columns = axisTaps(from.width, to.width);
  const outPlane = to.height * to.width;
  const output = new Float32Array(channels * outPlane);
  for (let c = 0; c < channels; c++) {
    const inBase = c * inPlane;
    const outBase = c * outPlane;
    for (let y = 0; y < to.height; y++) {
      const top = inBase + rows.low[y]! * from.width;
      const bottom = inBase + rows.high[y]! * from.width;
      const wy = rows.weight[y]!;
      for (let x = 0; x < to.width; x++) {
        const left = columns.low[x]!;
        const right = columns.high[x]!;
        const wx = columns.weight[x]!;
        const upper = input[top + left]! * (1 - wx) + input[top + right]! * wx;
        const lower = input[bottom + left]! * (1 - wx) + input[bottom + right]! * wx;
        output[outBase + y * to.width + x] = upper * (1 - wy) + lower * wy;
      }
    }
  }
  return output;
}

/**
 * A [1, C, h, w] feature tensor on the `to` grid: the tensor itself when it
 * is already there (so a detector at its native size passes its output on
 * untouched), otherwise a bilinear resampling.
 */
export function resampleFeatures(features: FloatTensor, to: GridSize): FloatTensor {
  const [batch, channels, height, width] = features.dims;
  if (features.dims.length !== 4 || batch !== 1 || channels === undefined || height === undefined || width === undefined) {
    throw new EngineError('inference', `detector features must be [1, C, h, w], got ${features.dims.join('x')}`);
  }
  if (height === to.height && width === to.width) return features;
  return floatTensor(resampleBilinear(features.data, channels, { height, width }, to), [1, channels, to.height, to.width]);
}
