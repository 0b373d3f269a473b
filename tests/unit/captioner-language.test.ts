import { describe, expect, it } from 'vitest';
import { createEngineCaptioner } from '../../src/host/captioner';
import type { DescribeOptions, Engine, EngineResult } from '../../src/engine/engine';
import { solidImage } from '../helpers/images';

describe('the engine captioner', () => {
  it('asks the engine for the description in the style\'s language', async () => {
    const calls: DescribeOptions[] = [];
    const result: EngineResult = {
      alt: 'Eine Person.',
      confident: true,
      objects: [],
      text: [],
      ms: { detector: 0, ocrDetection: 0, ocrClassification: 0, ocrRecognition: 0, ocrLines: 0, captionEncoder: 0, captionDecoder: 0, describe: 0, total: 0 },
    };
    const engine: Engine = {
      load: () => Promise.resolve(),
      ready: () => Promise.resolve(),
      release: () => Promise.resolve(),
      describe: (_image, options = {}) => {
        calls.push(options);
        return Promise.resolve(result);
      },
    };
    const captioner = createEngineCaptioner(engine, () => Promise.resolve(solidImage(8, 8, [0, 0, 0, 255])));
    const signal = new AbortController().signal;
    const caption = await captioner.caption(new Uint8Array(1), signal, { caption: true, neutral: true, language: 'de' });
    expect(caption.caption.alt).toBe('Eine Person.');
    await captioner.caption(new Uint8Array(1), signal, { caption: false, neutral: false, language: 'en' });
    expect(calls).toEqual([
      { signal, language: 'de', caption: { enabled: true, neutralWording: true } },
      { signal, language: 'en', caption: { enabled: false, neutralWording: false } },
    ]);
  });
});
