import { imageStages } from '../messaging/protocol';
import type { ImageStage, ImageTimingSummary } from '../messaging/protocol';

export type ImageTimings = Record<ImageStage, number>;

/**
 * The engine's time per image, for benchmarks (EngineStatus.imageTimings):
 * medians over the last `window` images, and sums over all of them. Bounded
 * memory however long the host lives.
 */
export function createImageTimingLog(window = 200) {
  const recent: ImageTimings[] = [];
  let images = 0;
  let engineTotalMs = 0;
  let firstEngineMs = 0;
  return {
    add(timings: ImageTimings): void {
      if (images === 0) firstEngineMs = timings.engine;
      images++;
      engineTotalMs += timings.engine;
      recent.push(timings);
      if (recent.length > window) recent.shift();
    },
    summary(): ImageTimingSummary | undefined {
      if (images === 0) return undefined;
      const median = Object.fromEntries(imageStages.map((stage) => [stage, medianOf(recent.map((t) => t[stage]))])) as ImageTimings;
      return { images, median, engineTotalMs, firstEngineMs };
    },
  };
}

function medianOf(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}
