import { describe, expect, it } from 'vitest';
import { resampleBilinear, resampleFeatures } from '../../src/engine/detect/resample';
import { createDetector, parseDetectorConfig, postprocess } from '../../src/engine/detect/detector';
import type { CenterNetConfig } from '../../src/engine/detect/detector';
import { floatTensor } from '../../src/engine/runtime/ort';
import type { InferenceRuntime, PlainTensor } from '../../src/engine/runtime/ort';
import { EngineError } from '../../src/engine/errors';

/** Element-wise closeness at float32 precision. */
function expectClose(actual: Float32Array, expected: readonly number[]): void {
  expect(actual).toHaveLength(expected.length);
  expected.forEach((value, i) => expect(actual[i]).toBeCloseTo(value, 5));
}

describe('resampleBilinear', () => {
  it('upsamples with half-pixel centres and edge clamping (the numbers of torch interpolate, align_corners=False)', () => {
    // 2x2 -> 4x4: output centres sit at -0.25, 0.25, 0.75, 1.25 input cells; the outer ones clamp to the edge.
    const out = resampleBilinear(new Float32Array([0, 1, 2, 3]), 1, { height: 2, width: 2 }, { height: 4, width: 4 });
    expectClose(out, [0, 0.25, 0.75, 1, 0.5, 0.75, 1.25, 1.5, 1.5, 1.75, 2.25, 2.5, 2, 2.25, 2.75, 3]);
  });

  it('resamples each channel on its own, height and width apart', () => {
    const input = new Float32Array([
      // channel 0, 2x3
      0, 1, 2,
      3, 4, 5,
      // channel 1
      10, 0, -10,
      5, 5, 5,
    ]);
    const out = resampleBilinear(input, 2, { height: 2, width: 3 }, { height: 3, width: 4 });
    expectClose(out, [
      0, 0.625, 1.375, 2,
      1.5, 2.125, 2.875, 3.5,
      3, 3.625, 4.375, 5,
      10, 3.75, -3.75, -10,
      7.5, 4.375, 0.625, -2.5,
      5, 5, 5, 5,
    ]);
  });

  it('downsamples 4x4 to 2x2 by sampling between cell pairs', () => {
    const out = resampleBilinear(Float32Array.from({ length: 16 }, (_, i) => i), 1, { height: 4, width: 4 }, { height: 2, width: 2 });
    expectClose(out, [2.5, 4.5, 10.5, 12.5]);
  });

  it('keeps a constant map constant and the same grid unchanged', () => {
    const constant = resampleBilinear(new Float32Array(12 * 12).fill(3.5), 1, { height: 12, width: 12 }, { height: 16, width: 16 });
    expect(constant.every((v) => v === 3.5)).toBe(true);
    const input = Float32Array.from({ length: 6 }, (_, i) => i * 0.1);
    expect([...resampleBilinear(input, 1, { height: 2, width: 3 }, { height: 2, width: 3 })]).toEqual([...input]);
  });

  it('rejects data that does not match its grid, and empty grids', () => {
    expect(() => resampleBilinear(new Float32Array(5), 1, { height: 2, width: 3 }, { height: 4, width: 4 })).toThrow(EngineError);
    expect(() => resampleBilinear(new Float32Array(4), 1, { height: 2, width: 2 }, { height: 0, width: 4 })).toThrow(EngineError);
  });
});

describe('resampleFeatures', () => {
  it('returns the very tensor when it is already on the grid, a resampled one otherwise', () => {
    const features = floatTensor(new Float32Array(2 * 3 * 3).fill(1), [1, 2, 3, 3]);
    expect(resampleFeatures(features, { height: 3, width: 3 })).toBe(features);
    const resampled = resampleFeatures(features, { height: 4, width: 5 });
    expect(resampled.dims).toEqual([1, 2, 4, 5]);
    expect(resampled.data.every((v) => v === 1)).toBe(true);
  });

  it('rejects a tensor that is not [1, C, h, w]', () => {
    expect(() => resampleFeatures(floatTensor(new Float32Array(4), [4]), { height: 2, width: 2 })).toThrow(EngineError);
  });
});

const labels = ['class0', 'class1'];

/** A CenterNet config at a 384 input whose 12x12 features the captioner reads on 16x16. */
function smallInputConfig(): CenterNetConfig {
  return {
    file: 'centernet.onnx',
    input: { name: 'image', width: 384, height: 384, channelOrder: 'rgb', layout: 'nchw', scale: 1, mean: [0, 0, 0], std: [1, 1, 1] },
    outputs: { heatmap: 'heatmap', sizes: 'sizes', features: 'features', featuresGrid: { width: 16, height: 16 } },
    labels,
    postprocess: { kind: 'centernet', stride: 4, peakWindow: 3, topK: 10, maxDetections: 5, iouThreshold: 0.5, minScore: 0.35, classAgnosticNms: false },
  };
}

/** Heads of a 384-input CenterNet (96x96 cells) with one class-1 peak and a 12x12 feature map. */
function smallInputOutputs(): Record<string, PlainTensor> {
  const grid = 96;
  const plane = grid * grid;
  const heat = new Float32Array(labels.length * plane);
  heat[plane + 48 * grid + 24] = 0.9; // class 1 at cell (x 24, y 48) = input pixel (96, 192)
  const sizes = new Float32Array(4 * plane).fill(32);
  const features = Float32Array.from({ length: 3 * 12 * 12 }, (_, i) => i % 7);
  return {
    heatmap: floatTensor(heat, [1, labels.length, grid, grid]),
    sizes: floatTensor(sizes, [1, 4, grid, grid]),
    features: floatTensor(features, [1, 3, 12, 12]),
  };
}

/** A runtime whose one session answers every run with smallInputOutputs(), after `look` has seen the feeds. */
function smallInputRuntime(look: (feeds: Record<string, PlainTensor>) => Promise<void>): InferenceRuntime {
  return {
    kind: 'wasm',
    threads: 1,
    executionProviders: () => ({}),
    async createSession(name) {
      return {
        name,
        executionProvider: 'wasm',
        inputNames: ['image'],
        outputNames: ['heatmap', 'sizes', 'features'],
        async run(feeds) {
          await look(feeds);
          return smallInputOutputs();
        },
        async release() {},
      };
    },
  };
}

describe('a CenterNet detector at a smaller input', () => {
  it('maps boxes to source pixels by its own input size, not 512', () => {
    // Input pixel box (64, 160)-(128, 224) on a 384 input; the source is 768x384, so x doubles and y stays.
    const result = postprocess(smallInputConfig(), smallInputOutputs(), { width: 768, height: 384 });
    expect(result.detections).toEqual([{ label: 'class1', classIndex: 1, score: expect.closeTo(0.9, 6), box: { x: 128, y: 160, width: 128, height: 64 } }]);
  });

  it('hands the captioner its features on the config grid', async () => {
    const config = parseDetectorConfig(JSON.parse(JSON.stringify(smallInputConfig())));
    const fed: Record<string, readonly number[]> = {};
    const runtime = smallInputRuntime(async (feeds) => {
      for (const [key, tensor] of Object.entries(feeds)) fed[key] = tensor.dims;
    });
    const detector = await createDetector(runtime, new Uint8Array(0), config);
    const image = { width: 40, height: 30, data: new Uint8Array(40 * 30 * 4).fill(128) };
    const result = await detector.detect(image);
    expect(fed.image).toEqual([1, 3, 384, 384]);
    expect(result.features?.dims).toEqual([1, 3, 16, 16]);
    const expected = resampleBilinear(smallInputOutputs().features!.data as Float32Array, 3, { height: 12, width: 12 }, { height: 16, width: 16 });
    expect([...result.features!.data]).toEqual([...expected]);
    expect(result.detections.map((d) => d.label)).toEqual(['class1']);
  });

  it('rejects a features grid without features, or with a bad size', () => {
    const withoutFeatures = JSON.parse(JSON.stringify(smallInputConfig())) as { outputs: Record<string, unknown> };
    delete withoutFeatures.outputs.features;
    expect(() => parseDetectorConfig(withoutFeatures)).toThrow(EngineError);
    const badGrid = JSON.parse(JSON.stringify(smallInputConfig())) as { outputs: Record<string, unknown> };
    badGrid.outputs.featuresGrid = { width: 16, height: 0 };
    expect(() => parseDetectorConfig(badGrid)).toThrow(EngineError);
  });
});

describe("the detector's input buffer", () => {
  it('is reused by calls that follow each other, and never shared by calls that overlap', async () => {
    const seen: { first: number; buffer: ArrayBufferLike }[] = [];
    const runtime = smallInputRuntime(async (feeds) => {
      // ort copies the input only when the run starts, which may be after another call has begun.
      await new Promise((resolve) => setTimeout(resolve, 5));
      const data = feeds.image!.data as Float32Array;
      seen.push({ first: data[0]!, buffer: data.buffer });
    });
    const detector = await createDetector(runtime, new Uint8Array(0), smallInputConfig());
    const grey = (value: number) => ({ width: 8, height: 8, data: new Uint8Array(8 * 8 * 4).fill(value).map((v, i) => (i % 4 === 3 ? 255 : v)) });
    await detector.detect(grey(30));
    await Promise.all([detector.detect(grey(10)), detector.detect(grey(200))]);
    await detector.detect(grey(60));
    expect(seen.map((s) => s.first)).toEqual([30, 10, 200, 60]);
    expect(seen[1]!.buffer).toBe(seen[0]!.buffer);
    expect(seen[2]!.buffer).not.toBe(seen[1]!.buffer);
    expect([seen[1]!.buffer, seen[2]!.buffer]).toContain(seen[3]!.buffer);
  });
});
