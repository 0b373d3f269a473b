/**
 * npm run caption -- [--json] [--threads N] [--language en|de] [--gendered] [--no-caption] <file-or-url>...
 * Describes each image with the same engine the extension runs: the LightCap
 * caption (when the model is sure of it) plus any text read in the image, in
 * English or German (text read in the image is never translated).
 */
import { readFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { decodeImageNode } from '../src/engine/node/decode';
import { createNodeEngine } from '../src/engine/node/node-engine';
import { fetchImageBytes } from '../src/engine/image/fetch';
import { EngineError } from '../src/engine/errors';
import { isLanguage } from '../src/engine/describe/languages';
import { unknownLanguageMessage } from './language-option';

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    json: { type: 'boolean', default: false },
    threads: { type: 'string', default: '1' },
    language: { type: 'string', default: 'en' },
    gendered: { type: 'boolean', default: false },
    'no-caption': { type: 'boolean', default: false },
    help: { type: 'boolean', short: 'h', default: false },
  },
});

const language = values.language;
if (values.help || positionals.length === 0 || !isLanguage(language)) {
  if (!isLanguage(language)) console.error(unknownLanguageMessage(language));
  console.log(
    [
      'usage: npm run caption -- [--json] [--threads N] [--language en|de] [--gendered] [--no-caption] <file-or-url>...',
      '  --language    the language of the description (default en); without a caption model for it in models/manifest.json,',
      '                the objects and text in that language',
      '  --gendered    keep the caption model\'s man/woman/boy/girl (default: person, child)',
      '  --no-caption  only the detected objects and text, without the caption model',
    ].join('\n'),
  );
  process.exit(values.help ? 0 : 2);
}

const engine = await createNodeEngine({ threads: Number(values.threads) });
let failures = 0;
for (const input of positionals) {
  const started = performance.now();
  try {
    const bytes = /^https?:\/\//i.test(input) ? await fetchImageBytes(input) : new Uint8Array(await readFile(input));
    const fetchedAt = performance.now();
    const image = await decodeImageNode(bytes);
    const decodeMs = performance.now() - fetchedAt;
    const result = await engine.describe(image, { language, caption: { enabled: !values['no-caption'], neutralWording: !values.gendered } });
    const total = performance.now() - started;
    if (values.json) {
      console.log(
        JSON.stringify({
          input,
          alt: result.alt,
          confident: result.confident,
          caption: result.caption
            ? {
                text: result.caption.text,
                outcome: result.caption.outcome,
                meanLogProb: round(result.caption.meanLogProb, 3),
                confidence: round(result.caption.confidence, 3),
                signals: mapValues(result.caption.signals, (v) => round(v, 3)),
                rejected: result.caption.rejected,
                guardFired: result.caption.guardFired.map((g) => ({ label: g.label, words: g.words, presence: round(g.presence, 3) })),
                coloursDropped: result.caption.coloursDropped,
                unseenPlaces: result.caption.unseenPlaces,
                concepts: result.caption.concepts.map((c) => ({ word: c.word, score: round(c.score, 3) })),
              }
            : null,
          objects: result.objects.map((o) => ({ label: o.label, score: round(o.score, 3), box: mapValues(o.box, (v) => Math.round(v)) })),
          text: result.text.map((l) => ({ text: l.text, confidence: round(l.confidence, 3), row: l.row })),
          ms: { load: round(fetchedAt - started, 1), decode: round(decodeMs, 1), ...mapValues(result.ms, (v) => round(v, 1)), total: round(total, 1) },
        }),
      );
    } else {
      console.log(`${input}: ${result.confident ? result.alt : '(nothing confident enough to say)'}`);
    }
  } catch (error) {
    failures++;
    const code = error instanceof EngineError ? error.code : 'internal';
    const message = error instanceof Error ? error.message : String(error);
    if (values.json) console.log(JSON.stringify({ input, error: { code, message } }));
    else console.error(`${input}: error (${code}): ${message}`);
  }
}
await engine.release();
process.exitCode = failures > 0 ? 1 : 0;

function round(value: number, digits: number): number {
  const f = 10 ** digits;
  return Math.round(value * f) / f;
}

function mapValues<T extends object>(object: T, fn: (value: number) => number): Record<keyof T, number> {
  return Object.fromEntries(Object.entries(object).map(([k, v]) => [k, fn(v as number)])) as Record<keyof T, number>;
}
