/** Running the engine over a data set's images (`<imagesDir>/<file>`), for the evaluation scripts. */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { decodeImageNode } from '../engine/node/decode';
import { EngineError } from '../engine/errors';
import type { DescribeOptions, Engine, EngineResult } from '../engine/engine';

export interface ImageOutcome {
  file: string;
  result?: EngineResult;
  /** The decoded picture's size, when it decoded. */
  image?: { width: number; height: number };
  /** Why the image could not be described ("code: message" for the engine's own errors). */
  error?: string;
}

/** Each file described in turn; a failure is recorded, never thrown. Progress goes to stderr every 25 images. */
export async function describeFolder(engine: Engine, imagesDir: string, files: readonly string[], options: DescribeOptions): Promise<ImageOutcome[]> {
  const outcomes: ImageOutcome[] = [];
  for (const file of files) {
    try {
      const image = await decodeImageNode(new Uint8Array(await readFile(join(imagesDir, file))));
      outcomes.push({ file, result: await engine.describe(image, options), image: { width: image.width, height: image.height } });
    } catch (error) {
      outcomes.push({ file, error: error instanceof EngineError ? `${error.code}: ${error.message}` : String(error) });
    }
    if (outcomes.length % 25 === 0) process.stderr.write(`  ${outcomes.length} images\n`);
  }
  return outcomes;
}
