import { describe, expect, it } from 'vitest';
import {
  classMaxima,
  decodeCenterNetBoxes,
  decodeNanoDetLevel,
  findPeaks,
  iou,
  nonMaxSuppression,
  parseDetectorConfig,
  peaksFromGraph,
  postprocess,
  toSourceBox,
  topKPeaks,
} from '../../src/engine/detect/detector';
import type { Candidate, CenterNetConfig, NanoDetConfig } from '../../src/engine/detect/detector';
import { floatTensor } from '../../src/engine/runtime/ort';
import { EngineError } from '../../src/engine/errors';

/** [classes, h, w] heatmap from per-class rows of numbers. */
function heatmap(planes: number[][][]): Float32Array {
  return new Float32Array(planes.flat(2));
}

const box = (x: number, y: number, width: number, height: number) => ({ x, y, width, height });

describe('findPeaks', () => {
  it('keeps cells that are the maximum of their 3x3 window, per class plane', () => {
    const heat = heatmap([
      [
        [0.1, 0.2, 0.1, 0.0],
        [0.2, 0.9, 0.3, 0.0],
        [0.1, 0.3, 0.2, 0.6],
      ],
      [
        // The same position as class 0's peak is a peak here too: planes are independent.
        [0.0, 0.0, 0.0, 0.0],
        [0.0, 0.5, 0.0, 0.0],
        [0.0, 0.0, 0.0, 0.0],
      ],
    ]);
    const peaks = findPeaks(heat, 2, 3, 4, 0.25);
    expect(peaks).toEqual([
      { classIndex: 0, x: 1, y: 1, score: expect.closeTo(0.9, 6) },
      { classIndex: 0, x: 3, y: 2, score: expect.closeTo(0.6, 6) },
      { classIndex: 1, x: 1, y: 1, score: 0.5 },
    ]);
  });

  it('treats the border as padding that never wins, and counts ties as peaks (heat == maxpool)', () => {
    const heat = heatmap([
      [
        [0.7, 0.7, 0.1],
        [0.1, 0.1, 0.1],
      ],
    ]);
    expect(findPeaks(heat, 1, 2, 3, 0.5).map((p) => [p.x, p.y])).toEqual([
      [0, 0],
      [1, 0],
    ]);
  });

  it('drops peaks under the threshold and supports a wider window', () => {
    const heat = heatmap([[[0.8, 0.0, 0.6, 0.0, 0.1]]]);
    expect(findPeaks(heat, 1, 1, 5, 0.0).map((p) => p.x)).toEqual([0, 2, 4]);
    expect(findPeaks(heat, 1, 1, 5, 0.5).map((p) => p.x)).toEqual([0, 2]);
    expect(findPeaks(heat, 1, 1, 5, 0.0, 5).map((p) => p.x)).toEqual([0]);
  });

  it('rejects a heatmap whose size does not match', () => {
    expect(() => findPeaks(new Float32Array(5), 1, 2, 3, 0)).toThrow(EngineError);
  });
});

describe('topKPeaks', () => {
  it('sorts by score and breaks ties in the graph TopKV2 order (y, x, class)', () => {
    const peaks = [
      { classIndex: 3, x: 1, y: 1, score: 0.5 },
      { classIndex: 0, x: 2, y: 0, score: 0.5 },
      { classIndex: 1, x: 1, y: 1, score: 0.5 },
      { classIndex: 0, x: 0, y: 0, score: 0.9 },
    ];
    expect(topKPeaks(peaks, 3)).toEqual([peaks[3], peaks[1], peaks[2]]);
  });
});

describe('decodeCenterNetBoxes', () => {
  it('places the box around cell * stride with the left/top/right/bottom distances', () => {
    // 2x3 grid, distances in input pixels; the peak sits at x=2, y=1.
    const height = 2;
    const width = 3;
    const plane = height * width;
    const sizes = new Float32Array(4 * plane);
    const cell = 1 * width + 2;
    sizes[cell] = 5; // left
    sizes[plane + cell] = 3; // top
    sizes[2 * plane + cell] = 7; // right
    sizes[3 * plane + cell] = 1; // bottom
    const [candidate] = decodeCenterNetBoxes([{ classIndex: 4, x: 2, y: 1, score: 0.8 }], sizes, height, width, 4);
    // centre (8, 4): x1 = 3, y1 = 1, x2 = 15, y2 = 5
    expect(candidate).toEqual({ classIndex: 4, score: 0.8, box: box(3, 1, 12, 4) });
  });
});

describe('decodeNanoDetLevel', () => {
  it('uses the softmax expectation of the distance bins, times the stride, from the cell centre', () => {
    const regMax = 2; // 3 bins per side
    const classes = 2;
    const gridWidth = 2;
    const stride = 8;
    // 2 cells; only cell 1 (x=1, y=0, centre (12, 4)) scores above the threshold.
    const scores = new Float32Array([0.1, 0.2, 0.05, 0.7]);
    const boxes = new Float32Array(2 * 4 * 3);
    const big = 30; // a one-hot bin: softmax puts ~all weight there
    const sides = [
      [big, 0, 0], // left: bin 0 -> 0
      [0, big, 0], // top: bin 1 -> 1 * 8
      [0, 0, big], // right: bin 2 -> 2 * 8
      [0, 0, 0], // bottom: uniform -> expectation 1 -> 8
    ];
    sides.forEach((bins, side) => boxes.set(bins, (1 * 4 + side) * 3));
    const candidates = decodeNanoDetLevel(scores, boxes, classes, gridWidth, stride, regMax, 0.5);
    expect(candidates).toHaveLength(1);
    const [c] = candidates;
    expect(c!.classIndex).toBe(1);
    expect(c!.score).toBeCloseTo(0.7, 6);
    expect(c!.box.x).toBeCloseTo(12, 4);
    expect(c!.box.y).toBeCloseTo(4 - 8, 4);
    expect(c!.box.x + c!.box.width).toBeCloseTo(12 + 16, 4);
    expect(c!.box.y + c!.box.height).toBeCloseTo(4 + 8, 4);
  });
});

describe('iou', () => {
  it('is intersection over union, 0 for disjoint or touching boxes', () => {
    expect(iou(box(0, 0, 10, 10), box(0, 0, 10, 10))).toBe(1);
    expect(iou(box(0, 0, 10, 10), box(5, 0, 10, 10))).toBeCloseTo(50 / 150, 10);
    expect(iou(box(0, 0, 10, 10), box(2, 2, 2, 2))).toBeCloseTo(4 / 100, 10);
    expect(iou(box(0, 0, 10, 10), box(10, 0, 10, 10))).toBe(0);
    expect(iou(box(0, 0, 10, 10), box(20, 20, 5, 5))).toBe(0);
  });
});

describe('nonMaxSuppression', () => {
  const candidates: Candidate[] = [
    { classIndex: 0, score: 0.6, box: box(1, 0, 10, 10) }, // overlaps the 0.9 box: IoU 90/110
    { classIndex: 0, score: 0.9, box: box(0, 0, 10, 10) },
    { classIndex: 16, score: 0.8, box: box(0, 0, 10, 10) }, // same place, other class
    { classIndex: 0, score: 0.5, box: box(50, 50, 10, 10) },
  ];

  it('suppresses overlapping boxes of the same class only, highest score first', () => {
    const kept = nonMaxSuppression(candidates, 0.5);
    expect(kept.map((c) => c.score)).toEqual([0.9, 0.8, 0.5]);
  });

  it('can ignore classes, cap the count, and keeps boxes whose IoU equals the threshold', () => {
    expect(nonMaxSuppression(candidates, 0.5, { classAgnostic: true }).map((c) => c.score)).toEqual([0.9, 0.5]);
    expect(nonMaxSuppression(candidates, 0.5, { maxDetections: 2 }).map((c) => c.score)).toEqual([0.9, 0.8]);
    expect(nonMaxSuppression(candidates, 9 / 11).map((c) => c.score)).toEqual([0.9, 0.8, 0.6, 0.5]);
  });
});

describe('toSourceBox', () => {
  it('scales x and y separately (the input was squashed) and clips to the image', () => {
    // 512x512 model input, 1024x256 source image.
    expect(toSourceBox(box(100, 100, 50, 20), 2, 0.5, 1024, 256)).toEqual(box(200, 50, 100, 10));
    expect(toSourceBox(box(-10, 500, 30, 30), 2, 0.5, 1024, 256)).toEqual(box(0, 250, 40, 6));
  });
});

describe('classMaxima', () => {
  it('reads class-major heatmaps and cell-major score lists', () => {
    expect([...classMaxima(new Float32Array([0.1, 0.5, 0.2, 0.3]), 2, true)]).toEqual([0.5, 0.3].map(Math.fround));
    expect([...classMaxima(new Float32Array([0.1, 0.5, 0.2, 0.3]), 2, false)]).toEqual([0.2, 0.5].map(Math.fround));
  });
});

const labels = Array.from({ length: 3 }, (_, i) => `class${i}`);

function centerNetConfig(): CenterNetConfig {
  return {
    file: 'centernet.onnx',
    input: { name: 'image', width: 16, height: 16, channelOrder: 'rgb', layout: 'nchw', scale: 1, mean: [0, 0, 0], std: [1, 1, 1] },
    outputs: { heatmap: 'heatmap', sizes: 'sizes' },
    labels,
    postprocess: { kind: 'centernet', stride: 4, peakWindow: 3, topK: 10, maxDetections: 5, iouThreshold: 0.5, minScore: 0.35, classAgnosticNms: false },
  };
}

describe('postprocess (CenterNet)', () => {
  it('goes from raw heads to thresholded, NMS-ed detections in source pixels', () => {
    const config = centerNetConfig();
    const grid = 4;
    const plane = grid * grid;
    const heat = new Float32Array(labels.length * plane);
    heat[0 * plane + 1 * grid + 1] = 0.9; // class 0 at (1, 1)
    heat[0 * plane + 1 * grid + 3] = 0.8; // class 0 at (3, 1): a separate peak whose box overlaps the first
    heat[2 * plane + 3 * grid + 2] = 0.3; // class 2 below the default threshold
    const sizes = new Float32Array(4 * plane).fill(4);
    sizes.fill(6, 0, plane); // left distance 6 everywhere
    const outputs = { heatmap: floatTensor(heat, [1, 3, grid, grid]), sizes: floatTensor(sizes, [1, 4, grid, grid]) };

    const result = postprocess(config, outputs, { width: 32, height: 8 });
    // Boxes in input pixels: (4-6, 4-4)..(4+4, 4+4) = [-2,0,8,8] and [6,0,16,8]; IoU = 2*8/(10*8+10*8-16) < 0.5.
    expect(result.detections).toHaveLength(2);
    expect(result.detections[0]).toEqual({ label: 'class0', classIndex: 0, score: expect.closeTo(0.9, 6), box: box(0, 0, 16, 4) });
    expect(result.detections[1]!.box).toEqual(box(12, 0, 20, 4));
    expect([...result.classPresence]).toEqual([0.9, 0, 0.3].map(Math.fround));

    const lower = postprocess(config, outputs, { width: 32, height: 8 }, 0.25);
    expect(lower.detections.map((d) => d.label)).toEqual(['class0', 'class0', 'class2']);
  });

  it('applies NMS within a class', () => {
    const config = centerNetConfig();
    const grid = 4;
    const plane = grid * grid;
    const heat = new Float32Array(labels.length * plane);
    heat[1 * grid + 0] = 0.9;
    heat[1 * grid + 2] = 0.8; // two cells apart: both are peaks
    const sizes = new Float32Array(4 * plane).fill(8); // 16x16 boxes, 8 px apart: IoU 1/3
    const outputs = { heatmap: floatTensor(heat, [1, 3, grid, grid]), sizes: floatTensor(sizes, [1, 4, grid, grid]) };
    expect(postprocess(config, outputs, { width: 16, height: 16 }).detections).toHaveLength(2);
    config.postprocess.iouThreshold = 0.3;
    expect(postprocess(config, outputs, { width: 16, height: 16 }).detections).toHaveLength(1);
  });
});

describe('peaks found by the graph (centernet_peaks.py)', () => {
  /** What the graph hands back for a heatmap: every cell, peaks at their score and the rest at -1, highest first, first k. */
  function graphPeaks(heat: Float32Array, classes: number, grid: number, k: number) {
    const peakCells = new Set(findPeaks(heat, classes, grid, grid, 0).map((p) => p.classIndex * grid * grid + p.y * grid + p.x));
    const ranked = [...heat.keys()]
      .map((index) => ({ index, score: peakCells.has(index) ? heat[index]! : -1 }))
      .sort((a, b) => b.score - a.score || a.index - b.index)
      .slice(0, k);
    return {
      scores: new Float32Array(ranked.map((r) => r.score)),
      indices: BigInt64Array.from(ranked, (r) => BigInt(r.index)),
    };
  }

  it('give the same detections and presence as the heatmap they came from', () => {
    const grid = 4;
    const plane = grid * grid;
    const heat = new Float32Array(labels.length * plane);
    heat[1 * grid + 1] = 0.9;
    heat[1 * grid + 2] = 0.5; // next to a stronger cell: not a peak
    heat[3 * grid + 3] = 0.8;
    heat[2 * plane + 3 * grid + 0] = 0.4;
    heat[plane + 2] = 0.2;
    const sizes = new Float32Array(4 * plane).fill(4);
    const fromHeatmap = postprocess(centerNetConfig(), { heatmap: floatTensor(heat, [1, 3, grid, grid]), sizes: floatTensor(sizes, [1, 4, grid, grid]) }, { width: 32, height: 32 }, 0.1);

    const { scores, indices } = graphPeaks(heat, labels.length, grid, 8);
    const config: CenterNetConfig = { ...centerNetConfig(), outputs: { peaks: { scores: 'peak_scores', indices: 'peak_indices', classPresence: 'class_presence' }, sizes: 'sizes' } };
    const outputs = {
      peak_scores: floatTensor(scores, [1, 8]),
      peak_indices: { type: 'int64' as const, data: indices, dims: [1, 8] },
      class_presence: floatTensor(classMaxima(heat, labels.length, true), [1, 3]),
      sizes: floatTensor(sizes, [1, 4, grid, grid]),
    };
    const fromGraph = postprocess(config, outputs, { width: 32, height: 32 }, 0.1);
    expect(fromGraph.detections.map((d) => d.score)).toEqual([0.9, 0.8, 0.4, 0.2].map(Math.fround));
    expect(fromGraph).toEqual(fromHeatmap);
    // A config names one of the two; a graph without the named outputs fails.
    expect(() => postprocess(config, { ...outputs, peak_indices: floatTensor(new Float32Array(8), [1, 8]) }, { width: 32, height: 32 })).toThrow(/int64/);
  });

  it('decode an index as class, row and column, and refuse one outside the heatmap', () => {
    const peaks = peaksFromGraph(new Float32Array([0.7, 0.6, -1]), BigInt64Array.from([2n * 12n + 1n * 4n + 3n, 5n, 0n]), 3, 3, 4, 0.65);
    expect(peaks).toEqual([{ classIndex: 2, y: 1, x: 3, score: Math.fround(0.7) }]);
    expect(() => peaksFromGraph(new Float32Array([0.9]), BigInt64Array.from([24n]), 2, 3, 4, 0.5)).toThrow(/outside 2x3x4/);
    expect(() => peaksFromGraph(new Float32Array([0.9, 0.8]), BigInt64Array.from([1n]), 2, 3, 4, 0.5)).toThrow(/2 scores, 1 indices/);
  });
});

describe('parseDetectorConfig', () => {
  it('accepts the shipped shape and rejects broken configs with a model-load error', () => {
    const good = centerNetConfig();
    expect(parseDetectorConfig(JSON.parse(JSON.stringify(good)))).toEqual(good);
    const nanodet: NanoDetConfig = {
      ...good,
      outputs: { levels: [{ stride: 8, scores: 's8', boxes: 'b8' }] },
      postprocess: { kind: 'nanodet', regMax: 10, topK: 100, maxDetections: 20, iouThreshold: 0.5, minScore: 0.35, classAgnosticNms: false },
    };
    expect(parseDetectorConfig(nanodet)).toEqual(nanodet);
    const broken = (mutate: (c: Record<string, unknown>) => void) => {
      const copy = JSON.parse(JSON.stringify(good)) as Record<string, unknown>;
      mutate(copy);
      return () => parseDetectorConfig(copy);
    };
    expect(broken((c) => delete c.labels)).toThrow(/labels/);
    expect(broken((c) => ((c.postprocess as Record<string, unknown>).minScore = 2))).toThrow(/minScore/);
    expect(broken((c) => ((c.postprocess as Record<string, unknown>).kind = 'yolo'))).toThrow(/kind/);
    expect(broken((c) => ((c.input as Record<string, unknown>).layout = 'nhwc'))).toThrow(EngineError);
    expect(broken((c) => (c.graphOptimization = 'fast'))).toThrow(/graphOptimization/);
    expect(parseDetectorConfig({ ...good, graphOptimization: 'disabled' })).toMatchObject({ graphOptimization: 'disabled' });
    const peaks = { scores: 'peak_scores', indices: 'peak_indices', classPresence: 'class_presence' };
    expect(parseDetectorConfig({ ...good, outputs: { peaks, sizes: 'sizes' } })).toMatchObject({ outputs: { peaks } });
    expect(broken((c) => ((c.outputs as Record<string, unknown>).peaks = peaks))).toThrow(/either heatmap or peaks/);
    expect(broken((c) => delete (c.outputs as Record<string, unknown>).heatmap)).toThrow(/either heatmap or peaks/);
    expect(broken((c) => (c.outputs = { peaks: { scores: 'a' }, sizes: 'sizes' }))).toThrow(/scores, indices and classPresence/);
  });
});
