import { describe, expect, it } from 'vitest';
import { createImageTimingLog } from '../../src/host/image-timings';

const image = (engine: number) => ({ decode: 1, detector: engine / 2, text: 0, captionEncoder: 2, captionDecoder: engine / 4, engine });

describe('image timing log', () => {
  it('gives medians over its window and sums over every image, with the first (cold) one apart', () => {
    const log = createImageTimingLog(3);
    expect(log.summary()).toBeUndefined();
    for (const ms of [900, 100, 300, 200, 400]) log.add(image(ms));
    // The window holds the last three (300, 200, 400); the sums hold all five.
    expect(log.summary()).toEqual({ images: 5, median: image(300), engineTotalMs: 1900, firstEngineMs: 900 });
  });

  it('takes the middle pair\'s mean for an even window', () => {
    const log = createImageTimingLog(4);
    for (const ms of [100, 400, 200, 800]) log.add(image(ms));
    expect(log.summary()?.median.engine).toBe(300);
  });
});
