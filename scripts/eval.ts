/**
 * npm run eval -- --set <dir-or-json> [--set ...] [--language en|de] [--limit N] [--threads N] [--out reports/] [--features DIR] [--beam N]
 *
 * A COCO-caption set (a folder with captions.json + images/, or a caption
 * JSON file whose info.images_dir names its images folder, relative to the
 * file) gets CIDEr-D, BLEU-4 and
 * object precision/recall against the COCO objects its references mention,
 * for the default description and its baselines side by side: the
 * objects-and-text template, nearest-neighbour caption retrieval (when the
 * trunk features of models/lightcap/README.md are in --features) and the raw
 * LightCap caption. With --language de the engine describes in German and
 * everything is scored against the set's German references: the objects a
 * caption names are read with the German name → class map of the
 * hallucination guard (src/eval/objects-de.ts).
 * An OCR folder (labels.json [+ labels_words.json] + images/) gets
 * case-insensitive bag-of-words word recall and precision; words read inside
 * the labels' "do not care" regions count neither way (ICDAR protocol).
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { createNodeEngine } from '../src/engine/node/node-engine';
import { captionSettingsFor } from '../src/engine/engine';
import type { DescribeOptions, Engine, EngineManifest, EngineResult } from '../src/engine/engine';
import { defaultDescriptionOptions, describe, phraseForObjects } from '../src/engine/describe/describe';
import { wordingFor } from '../src/engine/describe/languages';
import { nameableObjects } from '../src/engine/describe/object-floors';
import { languageOption } from './language-option';
import type { Language } from '../src/engine/describe/languages';
import { captionLanguageFor } from '../src/engine/caption/language';
import { parseCaptionGate } from '../src/engine/caption/gate';
import { checkedWordsOfForms } from '../src/engine/caption/concept-support';
import { objectsToName } from '../src/engine/caption/disputed-kind';
import { repoModelsRoot } from '../src/engine/node/model-store';
import { describeFolder } from '../src/eval/describe-folder';
import type { ImageOutcome } from '../src/eval/describe-folder';
import { corpusBleu } from '../src/eval/bleu';
import { corpusCiderD } from '../src/eval/cider';
import { referencesByImage } from '../src/eval/coco-captions';
import { readCaptionSet } from '../src/eval/caption-set';
import type { CaptionSet } from '../src/eval/caption-set';
import { evalLanguageFor } from '../src/eval/eval-language';
import { objectPrecisionRecall } from '../src/eval/objects';
import { placeMentions } from '../src/eval/places';
import { ocrWordScores } from '../src/eval/ocr-metrics';
import { pointInQuad } from '../src/engine/ocr/geometry';
import type { Point } from '../src/engine/ocr/geometry';

const { values } = parseArgs({
  options: {
    set: { type: 'string', multiple: true, default: [] },
    limit: { type: 'string' },
    threads: { type: 'string', default: '1' },
    out: { type: 'string', default: 'reports' },
    features: { type: 'string', default: '/tmp/lightcap-features' },
    beam: { type: 'string' },
    language: { type: 'string', default: 'en' },
  },
});

const language: Language = languageOption(values.language);
const wording = wordingFor(language);
const captionLanguage = captionLanguageFor(language);
const evalLanguage = evalLanguageFor(language);

const defaultSets: Record<Language, string[]> = {
  en: ['../shared/data/captions-dev', '../shared/data/captions-dev-vizwiz', '../shared/data/ocr-dev'],
  de: ['../shared/data/flickr30k-text/captions-dev-de.json'],
};
const sets = values.set.length > 0 ? values.set : defaultSets[language];
const limit = values.limit ? Number(values.limit) : Infinity;
const beamOverride = values.beam ? { beamSize: Number(values.beam) } : {};
/**
 * One engine run per image keeps everything every system needs: objects down
 * to 0.2 (threshold sweep), the caption with its confidence whatever it is
 * (confidence sweep), gendered words (the references are gendered; neutral
 * wording is scored separately), and the guard's rejected attempts.
 */
const captionRunOptions: DescribeOptions = {
  language,
  reportObjectsFrom: 0.2,
  caption: { minConfidence: 0, neutralWording: false, ...beamOverride },
};

const manifest = JSON.parse(readFileSync(join(repoModelsRoot, 'manifest.json'), 'utf8')) as EngineManifest;
const captionSettings = captionSettingsFor(manifest, language);
/** The detector's class names, for reading which classes a caption names. */
const detectorLabels = (JSON.parse(readFileSync(join(repoModelsRoot, manifest.detector), 'utf8')) as { labels: string[] }).labels;
if (!captionSettings) console.log(`no ${language} caption model in models/manifest.json: the caption systems are the objects-and-text template`);
const engine = await createNodeEngine({ threads: Number(values.threads) });
await engine.ready();
await mkdir(values.out, { recursive: true });

for (const setDir of sets) {
  const dir = resolve(setDir);
  const captionSet = readCaptionSet(dir);
  if (!captionSet && !existsSync(join(dir, 'labels.json'))) {
    console.log(`${setDir}: not found, skipped`);
    continue;
  }
  const report = captionSet ? await evalCaptions(engine, captionSet) : await evalOcr(engine, dir);
  const file = join(values.out, `eval-${captionSet?.name ?? basename(dir)}.json`);
  await writeFile(file, JSON.stringify(report, null, 1));
  console.log(`report: ${file}\n`);
}
await engine.release();

/** The engine over the first `--limit` files of an images folder. */
function runAll(engine: Engine, imagesDir: string, files: string[], options: DescribeOptions): Promise<ImageOutcome[]> {
  return describeFolder(engine, imagesDir, files.slice(0, limit), options);
}

interface Scored {
  file: string;
  result: EngineResult;
  image: { width: number; height: number };
  references: string[];
}

/** The default description for a gate threshold, rebuilt from one run (the engine's own rules). */
function defaultAlt(item: Scored, minConfidence: number, neutral: boolean): string {
  const lead = saidCaption(item, minConfidence, neutral);
  const objects = objectsToName(saidObjects(item), item.result.caption, lead !== undefined, captionLanguage.names, detectorLabels, captionSettings?.guard ?? {}, item.result.objects);
  return describe(objects, item.result.text, manifest.description, lead, wording).alt;
}

/**
 * The caption sentence the engine would say at this gate threshold, or
 * undefined: the guard passed it, the gate trusts it enough, and with
 * neutral wording it says no gender it cannot reword (German "Spielerin").
 */
function saidCaption(item: Scored, minConfidence: number, neutral: boolean): string | undefined {
  const caption = item.result.caption;
  if (!caption || !captionSaid(item, minConfidence)) return undefined;
  const text = captionLanguage.tidy(caption.checkedWords, { neutral });
  return neutral && captionLanguage.genderedWords(text).length > 0 ? undefined : text;
}

/** Whether the engine would say the caption at this gate threshold: the guard passed it and the gate trusts it enough. */
function captionSaid(item: Scored, minConfidence: number): boolean {
  const caption = item.result.caption;
  return caption?.outcome === 'used' && caption.confidence >= minConfidence;
}

function templateAlt(item: Scored): string {
  return describe(saidObjects(item), item.result.text, manifest.description, undefined, wording).alt;
}

function saidObjects(item: Scored) {
  return nameableObjects(item.result.objects, manifest.objects, item.image);
}

/** The caption as the model first said it, before the guard and the confidence gate. */
function rawCaption(item: Scored, neutral = false): string {
  const caption = item.result.caption;
  return caption ? captionLanguage.tidy(caption.rejected[0]?.words ?? caption.words, { neutral }) : '';
}

/**
 * Colour words kept and dropped by the colour check over every final caption,
 * each with how many appear in none of the image's references (a proxy for
 * "invented"), and the final caption alone (after the guard, no gate)
 * scored without and with the check.
 */
function colourCheckSummary(scored: readonly Scored[]): string {
  const inNoReference = (colour: string, references: readonly string[]) => !references.some((r) => evalLanguage.mentionsColour(r, colour));
  const kept = scored.flatMap((s) => evalLanguage.coloursOf(s.result.caption!.checkedWords).map((w) => inNoReference(w, s.references)));
  const dropped = scored.flatMap((s) => s.result.caption!.coloursDropped.map((w) => inNoReference(w, s.references)));
  const unchecked = scoreSystem('', scored, scored.map((s) => captionLanguage.tidy(s.result.caption!.words, { neutral: false })));
  const checked = scoreSystem('', scored, scored.map((s) => captionLanguage.tidy(s.result.caption!.checkedWords, { neutral: false })));
  return (
    `${kept.length} colour words kept (${kept.filter(Boolean).length} in no reference), ${dropped.length} dropped (${dropped.filter(Boolean).length} in no reference); ` +
    `final caption alone, no gate: CIDEr-D ${unchecked.ciderD.toFixed(3)} → ${checked.ciderD.toFixed(3)}, BLEU-4 ${unchecked.bleu4.toFixed(3)} → ${checked.bleu4.toFixed(3)}`
  );
}

/**
 * The concept check's work (concept-support.ts): phrases of place left out of
 * the final captions and captions it kept from being said, each word with
 * whether a reference mentions it; and the place and thing words that the
 * captions the default says still name, with how many no reference mentions.
 */
function placeCheckSummary(scored: readonly Scored[], threshold: number): string {
  const { checked } = captionLanguage.places;
  // Another form of a checked word ("Bäume", "buildings") counts as that word, as the engine checks it.
  const wordsOfForm = checkedWordsOfForms(captionLanguage.places);
  const asChecked = (words: readonly string[]) =>
    words.flatMap((word) => (checked.has(word) ? [word] : (wordsOfForm.get(word) ?? []).slice(0, 1)));
  const unseen = scored.flatMap((s) => placeMentions(asChecked(s.result.caption!.unseenPlaces), checked, s.references, language));
  const refused = scored.filter((s) => s.result.caption!.outcome === 'unseen-place').length;
  const said = scored.filter((s) => captionSaid(s, threshold)).flatMap((s) => placeMentions(asChecked(s.result.caption!.checkedWords), checked, s.references, language));
  const notMentioned = (list: readonly { inReference: boolean }[]) => list.filter((m) => !m.inReference).length;
  const share = said.length === 0 ? 0 : (100 * notMentioned(said)) / said.length;
  return (
    `${unseen.length} unseen place or thing words (${notMentioned(unseen)} in no reference), ${refused} captions not said for one; ` +
    `the captions said name ${said.length} place or thing words, ${notMentioned(said)} (${share.toFixed(1)} %) in no reference (${language === 'de' ? 'same word in any ending, or a compound ending in it' : 'same word or its plural'})`
  );
}

/** `captionsSaid`: how many alts the caption leads, where the system has a caption. */
function scoreSystem(name: string, scored: readonly Scored[], alts: readonly string[], captionsSaid?: number) {
  const items = scored.map((s, i) => ({ candidate: alts[i]!, references: s.references }));
  const cider = corpusCiderD(items);
  const bleu = corpusBleu(items);
  const objects = objectPrecisionRecall(
    scored.map((s, i) => ({ predicted: [alts[i]!], references: s.references })),
    evalLanguage.mentioned,
  );
  return {
    name,
    ciderD: cider.score,
    bleu4: bleu.bleu4,
    objectPrecision: objects.precision,
    objectRecall: objects.recall,
    wrongObjectShare: objects.tp + objects.fp === 0 ? 0 : objects.fp / (objects.tp + objects.fp),
    saysSomething: alts.filter((a) => a.trim() !== '').length,
    captionsSaid,
    perImage: cider.perImage,
  };
}

async function evalCaptions(engine: Engine, set: CaptionSet) {
  const { coco, imagesDir } = set;
  const refs = referencesByImage(coco);
  const images = coco.images.filter((i) => (refs.get(i.id)?.length ?? 0) > 0);
  const outcomes = await runAll(engine, imagesDir, images.map((i) => i.file_name), captionRunOptions);
  const scored: Scored[] = outcomes.flatMap((o, index) => (o.result && o.image ? [{ file: o.file, result: o.result, image: o.image, references: refs.get(images[index]!.id)! }] : []));
  // Without a caption model for the language no caption is said, whatever the threshold.
  const gate = parseCaptionGate(JSON.parse(readFileSync(join(repoModelsRoot, captionSettings?.gate ?? manifest.caption?.gate ?? 'lightcap/gate.json'), 'utf8')));
  const threshold = gate.threshold;
  const said = scored.filter((s) => captionSaid(s, threshold)).length;
  // The retrieval baseline's captions are English.
  const nn = language === 'en' ? nearestNeighbourCaptions(set.name, dirname(imagesDir)) : undefined;

  const systems = [
    scoreSystem('objects + text template (before LightCap)', scored, scored.map(templateAlt)),
    ...(nn ? [scoreSystem(`nearest-neighbour retrieval (${nn.name})`, scored, scored.map((s) => nn.captions[s.file] ?? ''))] : []),
    scoreSystem('LightCap caption alone, no guard, no gate', scored, scored.map((s) => rawCaption(s)), scored.filter((s) => s.result.caption).length),
    scoreSystem('same, neutral wording', scored, scored.map((s) => rawCaption(s, true)), scored.filter((s) => s.result.caption).length),
    scoreSystem(`default: LightCap (guard, gate ≥ ${threshold}) or template, + text`, scored, scored.map((s) => defaultAlt(s, threshold, false)), said),
    scoreSystem(
      'default with neutral wording (the shipped setting)',
      scored,
      scored.map((s) => defaultAlt(s, threshold, true)),
      scored.filter((s) => saidCaption(s, threshold, true) !== undefined).length,
    ),
  ];
  console.log(`${set.name}${language === 'en' ? '' : ` (${language})`}: ${scored.length} images (${outcomes.length - scored.length} errors)${nn || language !== 'en' ? '' : ' (nearest-neighbour baseline skipped: no trunk features, see models/lightcap/README.md)'}`);
  console.log('  system                                                        CIDEr-D  BLEU-4  obj-P   obj-R   wrong-obj  captions said  no alt');
  for (const system of systems) {
    console.log(
      `  ${system.name.padEnd(62)}${system.ciderD.toFixed(3).padStart(7)}${system.bleu4.toFixed(3).padStart(8)}` +
        `${system.objectPrecision.toFixed(3).padStart(8)}${system.objectRecall.toFixed(3).padStart(8)}` +
        `${(100 * system.wrongObjectShare).toFixed(1).padStart(9)} %${String(system.captionsSaid ?? '–').padStart(15)}${String(scored.length - system.saysSomething).padStart(8)}`,
    );
  }
  console.log('  (wrong-obj: share of the COCO objects named that no reference mentions; captions said: the caption leads the alt)');

  const withCaption = scored.filter((s) => s.result.caption);
  const fired = withCaption.filter((s) => s.result.caption!.guardFired.length > 0);
  // The guard was right when no reference mentions the object it refused.
  const firings = fired.flatMap((s) => s.result.caption!.guardFired.map((g) => ({ label: g.label, right: !s.references.some((r) => evalLanguage.mentioned(r).has(g.label)) })));
  const gaveUp = withCaption.filter((s) => s.result.caption!.outcome === 'unsupported-object').length;
  console.log(
    `  hallucination guard: fired on ${fired.length}/${withCaption.length} images (${firings.length} objects; ${firings.filter((f) => f.right).length} of them absent from every reference), ` +
      `${gaveUp} captions still unsupported after the retry (template used)`,
  );
  const byLabel = new Map<string, { fired: number; right: number }>();
  for (const f of firings) {
    const entry = byLabel.get(f.label) ?? { fired: 0, right: 0 };
    entry.fired++;
    if (f.right) entry.right++;
    byLabel.set(f.label, entry);
  }
  console.log(`    by class (fired/absent from references): ${[...byLabel].sort((a, b) => b[1].fired - a[1].fired).map(([k, v]) => `${k} ${v.fired}/${v.right}`).join(', ')}`);
  console.log(`  colour check: ${colourCheckSummary(withCaption)}`);
  if (captionLanguage.places.checked.size > 0) console.log(`  place check: ${placeCheckSummary(withCaption, threshold)}`);

  const thresholds = [...new Set([0.95, 0.9, 0.85, 0.8, 0.75, 0.7, 0.65, 0.6, 0.5, 0.4, threshold, 0].map((t) => round(t)))].sort((a, b) => b - a);
  console.log('  gate threshold sweep (the gate\'s probability that the caption names only real objects): captions used, CIDEr-D / BLEU-4 / object precision of the default description');
  const sweep = thresholds.map((f) => {
    const alts = scored.map((s) => defaultAlt(s, f, false));
    const used = scored.filter((s) => captionSaid(s, f)).length;
    const system = scoreSystem(`gate ≥ ${f}`, scored, alts);
    console.log(`    ≥${String(f).padEnd(9)}${f === round(threshold) ? '*' : ' '}used ${String(used).padStart(3)}/${scored.length}  ${system.ciderD.toFixed(3)} / ${system.bleu4.toFixed(3)} / ${system.objectPrecision.toFixed(3)}`);
    return { threshold: f, used, ciderD: system.ciderD, bleu4: system.bleu4, objectPrecision: system.objectPrecision };
  });

  const minScores = [0.25, 0.3, 0.35, 0.4, 0.45, 0.5, 0.6];
  const detectorSweep = minScores.map((minScore) => {
    const pr = objectPrecisionRecall(
      scored.map(({ result, references }) => ({
        predicted: [phraseForObjects(result.objects.filter((d) => d.score >= minScore), defaultDescriptionOptions, wording) ?? ''],
        references,
      })),
      evalLanguage.mentioned,
    );
    return { minScore, precision: pr.precision, recall: pr.recall, tp: pr.tp, fp: pr.fp, fn: pr.fn, perClass: pr.perClass };
  });
  console.log('  detector threshold sweep (objects named by the template, top 3 kinds):');
  for (const d of detectorSweep) console.log(`    ≥${d.minScore.toFixed(2)}  precision ${d.precision.toFixed(3)}  recall ${d.recall.toFixed(3)}  (tp ${d.tp}, fp ${d.fp}, fn ${d.fn})`);

  let qualityIssues: { total: number; nothingConfident: number; captioned: number; examples: string[]; highestCaptionConfidence: number } | undefined;
  if (coco.quality_issue_images?.length) {
    const q = await runAll(engine, imagesDir, coco.quality_issue_images.map((i) => i.file_name), { language, caption: { neutralWording: true, ...beamOverride } });
    const results = q.flatMap((o) => (o.result ? [o.result] : []));
    qualityIssues = {
      total: q.length,
      nothingConfident: results.filter((r) => !r.confident).length,
      captioned: results.filter((r) => r.caption?.outcome === 'used').length,
      examples: results.filter((r) => r.confident).map((r) => r.alt),
      // The gate's threshold must sit above this for none of them to get a caption (the guard stops the others).
      highestCaptionConfidence: Math.max(...results.map((r) => (r.caption && r.caption.outcome !== 'unsupported-object' && r.caption.outcome !== 'unseen-place' ? r.caption.confidence : -Infinity))),
    };
    console.log(
      `  quality-issue images (default settings): ${qualityIssues.nothingConfident}/${qualityIssues.total} "nothing confident", ${qualityIssues.captioned} captioned ` +
        `(highest caption confidence ${qualityIssues.highestCaptionConfidence.toFixed(3)})` +
        (qualityIssues.examples.length ? `; said: ${qualityIssues.examples.map((e) => JSON.stringify(e)).join(' | ')}` : ''),
    );
  }
  return {
    set: set.name,
    kind: 'captions',
    language,
    images: outcomes.length,
    errors: outcomes.filter((o) => o.error).map((o) => ({ file: o.file, error: o.error })),
    systems: systems.map(({ perImage: _perImage, ...rest }) => rest),
    guard: { firedImages: fired.length, captionedImages: withCaption.length, firedObjects: firings.length, absentFromReferences: firings.filter((f) => f.right).length, gaveUp, byLabel: Object.fromEntries(byLabel) },
    confidenceSweep: sweep,
    detectorSweep,
    qualityIssues,
    perImage: scored.map((s) => ({
      file: s.file,
      alt: defaultAlt(s, threshold, true),
      template: templateAlt(s),
      caption: s.result.caption ? { words: s.result.caption.words.join(' '), meanLogProb: round(s.result.caption.meanLogProb), confidence: round(s.result.caption.confidence), outcome: s.result.caption.outcome, rejected: s.result.caption.rejected } : undefined,
      nn: nn?.captions[s.file],
      objects: s.result.objects.map((d) => [d.label, round(d.score)]),
    })),
  };
}

/**
 * The nearest-neighbour baseline's captions, computed by
 * models/lightcap/nn_baseline.py from the same trunk features, when they exist.
 */
function nearestNeighbourCaptions(setName: string, dir: string): { name: string; captions: Record<string, string> } | undefined {
  const split = { 'captions-dev': 'dev', 'captions-dev-vizwiz': 'vizwiz' }[setName];
  if (!split || !existsSync(join(values.features, 'train.grid.npy')) || !existsSync(join(values.features, `${split}.grid.npy`))) return undefined;
  const out = join(values.features, `nn-${split}.json`);
  const args = ['--features', values.features, '--dev-data', dir, '--out', values.features, '--splits', split, '--ks', '10', '--captions-out', out];
  const run = spawnSync('/usr/bin/python3', ['models/lightcap/nn_baseline.py', ...args], {
    stdio: ['ignore', 'ignore', 'inherit'],
    env: { ...process.env, OPENBLAS_NUM_THREADS: '1' },
  });
  if (run.status !== 0 || !existsSync(out)) return undefined;
  const all = JSON.parse(readFileSync(out, 'utf8')) as Record<string, Record<string, string>>;
  const key = `${split}/k10+presence`;
  return all[key] ? { name: 'k=10, pooled grid + class presence', captions: all[key] } : undefined;
}

interface WordLabel {
  text: string;
  quad: number[];
  illegible: boolean;
}

async function evalOcr(engine: Engine, dir: string) {
  const labels = JSON.parse(await readFile(join(dir, 'labels.json'), 'utf8')) as Record<string, string>;
  const wordsFile = join(dir, 'labels_words.json');
  const words = existsSync(wordsFile) ? (JSON.parse(await readFile(wordsFile, 'utf8')) as Record<string, WordLabel[]>) : undefined;
  const files = Object.keys(labels);
  // Text is read the same with or without the caption model; skip it here.
  const outcomes = await runAll(engine, join(dir, 'images'), files, { language, caption: { enabled: false } });
  const items = outcomes.map((o) => {
    const regions = words?.[o.file] ?? [];
    const dontCare = regions.filter((w) => w.illegible).map((w) => toQuad(w.quad));
    const inDontCare = (point: Point) => dontCare.some((quad) => pointInQuad(point, quad));
    // ICDAR protocol: text read inside a "do not care" region counts neither way.
    const lines = (o.result?.text ?? []).filter((line) => !inDontCare(centre(line.quad)));
    // ...word by word, as ICDAR 2015 does: its words under three characters are all "do not care" regions.
    const kept = lines.flatMap((line) => line.words.filter((w) => !w.span || !inDontCare(alongQuad(line.quad, (w.span[0] + w.span[1]) / 2))));
    const reference = words ? regions.filter((w) => !w.illegible).map((w) => w.text) : (labels[o.file] ?? '').split(/\s+/);
    const lineWords = lines.reduce((n, l) => n + l.words.length, 0);
    return {
      predicted: lines.map((l) => l.text).join(' '),
      predictedWords: kept.map((w) => w.text).join(' '),
      reference,
      ignoredLines: (o.result?.text.length ?? 0) - lines.length,
      ignoredWords: lineWords - kept.length,
    };
  });
  const scores = ocrWordScores(items.map((i) => ({ predicted: i.predictedWords, reference: i.reference })));
  const lineScores = ocrWordScores(items);
  const ms = outcomes.flatMap((o) => (o.result ? [o.result.ms] : []));
  console.log(`${basename(dir)}: ${outcomes.length} images, ${outcomes.filter((o) => o.error).length} errors`);
  console.log(`  word recall ${scores.recall.toFixed(3)}  precision ${scores.precision.toFixed(3)}  F1 ${scores.f1.toFixed(3)}  (${scores.matched} matched of ${scores.referenceWords} reference, ${scores.predictedWords} read)`);
  console.log(
    `  text read inside do-not-care regions, ignored: ${items.reduce((s, i) => s + i.ignoredLines, 0)} lines, then ${items.reduce((s, i) => s + i.ignoredWords, 0)} more words ` +
      `(ignoring whole lines only: recall ${lineScores.recall.toFixed(3)}  precision ${lineScores.precision.toFixed(3)})`,
  );
  console.log(`  median ms: OCR detection ${median(ms.map((m) => m.ocrDetection)).toFixed(0)}, recognition ${median(ms.map((m) => m.ocrRecognition)).toFixed(0)}, total ${median(ms.map((m) => m.total)).toFixed(0)}`);
  return {
    set: basename(dir),
    kind: 'ocr',
    images: outcomes.length,
    errors: outcomes.filter((o) => o.error).map((o) => ({ file: o.file, error: o.error })),
    words: scores,
    wordsIgnoringWholeLinesOnly: lineScores,
    perImage: outcomes.map((o, i) => ({ file: o.file, read: items[i]!.predicted, scored: items[i]!.predictedWords, reference: items[i]!.reference.join(' '), alt: o.result?.alt })),
  };
}

function toQuad(q: number[]): Point[] {
  return [0, 2, 4, 6].map((i) => ({ x: q[i]!, y: q[i + 1]! }));
}

/** The point at fraction t along a quad's reading direction, halfway between its top and bottom edges. */
function alongQuad(quad: readonly Point[], t: number): Point {
  const [tl, tr, br, bl] = quad as [Point, Point, Point, Point];
  const top = { x: tl.x + (tr.x - tl.x) * t, y: tl.y + (tr.y - tl.y) * t };
  const bottom = { x: bl.x + (br.x - bl.x) * t, y: bl.y + (br.y - bl.y) * t };
  return { x: (top.x + bottom.x) / 2, y: (top.y + bottom.y) / 2 };
}

function centre(quad: readonly Point[]): Point {
  return { x: quad.reduce((s, p) => s + p.x, 0) / quad.length, y: quad.reduce((s, p) => s + p.y, 0) / quad.length };
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted.length ? sorted[Math.floor(sorted.length / 2)]! : NaN;
}

function round(v: number): number {
  return Math.round(v * 1000) / 1000;
}
