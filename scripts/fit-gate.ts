/**
 * npm run gate:fit -- [--language en|de] [--set <dir-or-json>...] [--quality-from <dir>...] [--caption-model PATH] [--folds 5]
 *                      [--old-floor -1.15] [--threshold P] [--min-cider 0.1] [--signals a,b,...] [--captions FILE] [--write]
 *
 * Fits the caption confidence gate (src/engine/caption/gate.ts) for the
 * shipped caption model: runs the engine on the dev sets with every caption
 * the guard passes, labels each right when it names no object that the
 * references leave out and shares something with them (per-image CIDEr-D at
 * least --min-cider: a caption naming no COCO object, "a group of hikers in
 * the snow" for a blurred kitchen photo, is otherwise never wrong), fits a
 * logistic model over the gate's signals, and
 * prints the curve it is judged by (captions said against wrong objects
 * named) with k-fold out-of-fold probabilities, next to the old single floor
 * on the mean token log-probability. The threshold is the out-of-fold point
 * that says the most captions without naming more wrong objects than the old
 * floor did (or --threshold P, a fixed point), raised at least 0.01 above every caption of the
 * VizWiz quality-issue photos.
 * (Saying fewer captions is not safer: an unsaid caption gives way to the
 * objects sentence, whose detections name wrong objects too; on captions-dev
 * the description names the fewest wrong objects near this point.) --write stores the gate in models/lightcap/gate.json. The engine's
 * captions are kept in reports/gate-captions.json; --captions <that file>
 * refits from them without running the engine again.
 *
 * Each language's caption model has its own gate. With --language de the
 * German model is fitted on the German references of captions-dev
 * (flickr30k-text/captions-dev-de.json), objects read with the German name →
 * class map, and held above the VizWiz quality-issue photos (--quality-from:
 * they need no references); --write stores the gate next to the model
 * (models/lightcap-de/gate.json). Before the manifest names the German model
 * (it needs this gate first), --caption-model lightcap-de/manifest.json fits
 * it from there: the engine then runs with the English gate in its place,
 * which changes nothing here, since every caption the guard passes is
 * collected whatever its confidence.
 */
import { existsSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { createNodeEngine } from '../src/engine/node/node-engine';
import { repoModelsRoot } from '../src/engine/node/model-store';
import { captionSettingsFor } from '../src/engine/engine';
import type { EngineManifest } from '../src/engine/engine';
import { folderOf } from '../src/engine/models';
import { languageOption } from './language-option';
import type { Language } from '../src/engine/describe/languages';
import { captionLanguageFor } from '../src/engine/caption/language';
import { gateSignalNames } from '../src/engine/caption/gate';
import type { GateSignals } from '../src/engine/caption/gate';
import { referencesByImage } from '../src/eval/coco-captions';
import { describeFolder } from '../src/eval/describe-folder';
import { readCaptionSet } from '../src/eval/caption-set';
import { evalLanguageFor } from '../src/eval/eval-language';
import { corpusCiderD } from '../src/eval/cider';
import { fitLogistic, gateCurve, mostSaidWithin, outOfFold, pointAtSaid, predictLogistic, toCaptionGate } from '../src/eval/gate-fit';
import type { CurvePoint, GateExample } from '../src/eval/gate-fit';

const { values } = parseArgs({
  options: {
    set: { type: 'string', multiple: true, default: [] },
    folds: { type: 'string', default: '5' },
    'old-floor': { type: 'string', default: '-1.15' },
    threshold: { type: 'string' },
    'min-cider': { type: 'string', default: '0.1' },
    l2: { type: 'string', default: '1' },
    threads: { type: 'string', default: '1' },
    write: { type: 'boolean', default: false },
    captions: { type: 'string' },
    signals: { type: 'string', default: gateSignalNames.join(',') },
    language: { type: 'string', default: 'en' },
    'quality-from': { type: 'string', multiple: true, default: [] },
    'caption-model': { type: 'string' },
  },
});

const language: Language = languageOption(values.language);
const captionLanguage = captionLanguageFor(language);
const evalLanguage = evalLanguageFor(language);
/**
 * Labelled sets in the model's language, and sets whose quality-issue photos
 * (no references needed) hold the threshold up. English: the VizWiz set is
 * both, as it always was.
 */
const defaults: Record<Language, { sets: string[]; qualityFrom: string[] }> = {
  en: { sets: ['../shared/data/captions-dev', '../shared/data/captions-dev-vizwiz'], qualityFrom: [] },
  de: { sets: ['../shared/data/flickr30k-text/captions-dev-de.json'], qualityFrom: ['../shared/data/captions-dev-vizwiz'] },
};
const sets = values.set.length > 0 ? values.set : defaults[language].sets;
/**
 * How far above the quality-issue photos' highest caption the threshold must sit. The browser
 * does not decode every photo as sharp does: Chromium's colour management moved one ICC-tagged
 * VizWiz photo's pixels by up to 171 levels and its German confidence by 0.0048 (50 VizWiz photos,
 * the other 49 decoded to the same pixels, 2026-12-03). A threshold 0.001 above a blurred photo's
 * caption, as before, could let it through in the extension; 0.01 is twice the spread measured.
 */
const qualityMargin = 0.01;
const qualityFrom = values['quality-from'].length > 0 ? values['quality-from'] : defaults[language].qualityFrom;
const manifest = JSON.parse(await readFile(join(repoModelsRoot, 'manifest.json'), 'utf8')) as EngineManifest;
const captionModel = values['caption-model'] ?? captionSettingsFor(manifest, language)?.model;
if (!captionModel) {
  console.error(`models/manifest.json has no ${language} caption model; name it with --caption-model (e.g. lightcap-${language}/manifest.json)`);
  process.exit(2);
}
if (!values.captions && !existsSync(join(repoModelsRoot, captionModel))) {
  console.error(`models/${captionModel} does not exist: export the ${language} caption model first`);
  process.exit(2);
}
const gatePath = `${folderOf(captionModel)}gate.json`;
const reportSuffix = language === 'en' ? '' : `-${language}`;
const folds = Number(values.folds);
const oldFloor = Number(values['old-floor']);
const signals = values.signals.split(',').map((name) => {
  const known = gateSignalNames.find((s) => s === name);
  if (!known) throw new Error(`unknown signal ${name}; known: ${gateSignalNames.join(', ')}`);
  return known;
});

interface CollectedCaption {
  file: string;
  signals: GateSignals;
  meanLogProb: number;
  /** The caption as said, gendered (the references are). */
  text: string;
  references: string[];
}

/** Every caption the guard lets through on the dev sets, and those of the quality-issue photos. */
/**
 * The engine's manifest with `captionModel` as the language's caption model,
 * when the manifest does not name it yet (see --caption-model).
 */
function manifestWithCaptionModel(): EngineManifest | undefined {
  if (captionSettingsFor(manifest, language)?.model === captionModel) return undefined;
  if (language === 'en') return { ...manifest, caption: { ...manifest.caption!, model: captionModel! } };
  const placeholderGate = manifest.caption?.gate ?? 'lightcap/gate.json';
  return { ...manifest, captionByLanguage: { ...manifest.captionByLanguage, [language]: { model: captionModel!, gate: placeholderGate } } };
}

async function collect(): Promise<{ sets: CollectedCaption[][]; qualityIssues: CollectedCaption[] }> {
  const engine = await createNodeEngine({ threads: Number(values.threads), manifest: manifestWithCaptionModel() });
  await engine.ready();
  const options = { language, caption: { minConfidence: 0, neutralWording: false } };
  // Only captions the guard let through are the gate's to judge.
  const collected = async (name: string, imagesDir: string, files: string[], references: (file: string) => string[]): Promise<CollectedCaption[]> =>
    (await describeFolder(engine, imagesDir, files, options)).flatMap(({ file, result, error }) => {
      if (error) console.log(`  ${file}: ${error}`);
      const caption = result?.caption;
      if (!caption || caption.outcome !== 'used') return [];
      return [{ file: `${name}/${file}`, signals: caption.signals, meanLogProb: caption.meanLogProb, text: captionLanguage.tidy(caption.checkedWords, { neutral: false }), references: references(file) }];
    });
  const out: { sets: CollectedCaption[][]; qualityIssues: CollectedCaption[] } = { sets: [], qualityIssues: [] };
  for (const path of [...sets, ...qualityFrom]) {
    const set = readCaptionSet(path);
    if (!set) {
      console.log(`${path}: not found, skipped`);
      continue;
    }
    const { coco, imagesDir, name } = set;
    if (sets.includes(path)) {
      const references = referencesByImage(coco);
      const referenced = coco.images.filter((image) => (references.get(image.id)?.length ?? 0) > 0);
      const referencesOf = new Map(referenced.map((image) => [image.file_name, references.get(image.id)!]));
      out.sets.push(await collected(name, imagesDir, [...referencesOf.keys()], (file) => referencesOf.get(file)!));
    }
    out.qualityIssues.push(...(await collected(name, imagesDir, (coco.quality_issue_images ?? []).map((i) => i.file_name), () => [])));
  }
  await engine.release();
  return out;
}

await mkdir('reports', { recursive: true });
const data = values.captions ? (JSON.parse(await readFile(values.captions, 'utf8')) as Awaited<ReturnType<typeof collect>>) : await collect();
if (!values.captions) await writeFile(`reports/gate-captions${reportSuffix}.json`, JSON.stringify(data));

const minCider = Number(values['min-cider']);
const examples: (GateExample & { file: string; meanLogProb: number; text: string; ciderD: number })[] = [];
for (const items of data.sets) {
  // Per-image CIDEr-D against the set's own references (document frequencies from the set, as in npm run eval).
  const cider = corpusCiderD(items.map((item) => ({ candidate: item.text, references: item.references })));
  items.forEach((item, i) => {
    const present = new Set(item.references.flatMap((r) => [...evalLanguage.mentioned(r)]));
    const named = [...evalLanguage.mentioned(item.text)];
    const wrong = named.filter((c) => !present.has(c)).length;
    const ciderD = cider.perImage[i] ?? 0;
    examples.push({ file: item.file, x: signals.map((s) => item.signals[s]), y: wrong === 0 && ciderD >= minCider ? 1 : 0, named: named.length, wrong, meanLogProb: item.meanLogProb, text: item.text, ciderD });
  });
}
const qualityIssueSignals = data.qualityIssues.map((item) => signals.map((s) => item.signals[s]));

const l2 = Number(values.l2);
const oof = outOfFold(examples, folds, l2);
const newCurve = gateCurve(examples, oof);
const oldCurve = gateCurve(examples, examples.map((e) => e.meanLogProb));
const oldPoint = oldCurve.filter((p) => p.threshold >= oldFloor).at(-1);
const totalNamed = examples.reduce((s, e) => s + e.named, 0);
const totalWrong = examples.reduce((s, e) => s + e.wrong, 0);
console.log(
  `${examples.length} captions passed the guard: ${examples.filter((e) => e.wrong > 0).length} name an object no reference mentions (${totalWrong} of ${totalNamed} named objects), ` +
    `${examples.filter((e) => e.wrong === 0 && e.ciderD < minCider).length} more share too little with the references (CIDEr-D < ${minCider}); the rest are the gate's "right"`,
);
console.log(`${folds}-fold out-of-fold gate against the old floor (mean token log-probability), captions said → wrong objects named / named (share):`);
const row = (p: CurvePoint | undefined) => (p ? `${String(p.wrong).padStart(3)} / ${String(p.named).padStart(3)} (${(100 * p.wrongShare).toFixed(1).padStart(4)} %)` : '–'.padStart(21));
console.log('  said   old floor               new gate');
for (const said of [60, 80, 100, 120, 140, 150, 160, 170, 180, 200, examples.length]) {
  if (said > examples.length) continue;
  console.log(`  ${String(said).padStart(4)}   ${row(pointAtSaid(oldCurve, said))}   ${row(pointAtSaid(newCurve, said))}`);
}
if (!oldPoint) throw new Error(`no caption reaches the old floor ${oldFloor}`);
const matched = mostSaidWithin(newCurve, oldPoint.wrong);
if (!matched) throw new Error('the gate cannot match the old floor');
console.log(`old floor ${oldFloor}: ${oldPoint.said} said, ${oldPoint.wrong} wrong of ${oldPoint.named} named; new gate at the same wrong objects: ${matched.said} said (threshold ${matched.threshold.toFixed(3)}, out of fold)`);
const sameSaid = pointAtSaid(newCurve, oldPoint.said);
if (sameSaid) console.log(`new gate saying as many as the old floor: ${sameSaid.said} said, ${sameSaid.wrong} wrong of ${sameSaid.named} named`);

const model = fitLogistic(examples, l2);
const qualityScores = qualityIssueSignals.map((x) => predictLogistic(model, x));
const qualityMax = Math.max(0, ...qualityScores);
data.qualityIssues.forEach((item, i) => console.log(`  quality-issue photo ${item.file}: "${item.text}" ${qualityScores[i]!.toFixed(3)}`));
// Out-of-fold probabilities sit on the final model's scale closely enough to carry its threshold over.
// --threshold fixes the point instead (train_all.sh): since the guard holds things to
// 0.3, the old floor names so few wrong objects that matching it would say far fewer captions
// while the description names about as many wrong objects (models/lightcap/MODEL_CARD.md).
const chosen = values.threshold === undefined ? matched.threshold : Number(values.threshold);
if (!Number.isFinite(chosen) || chosen < 0 || chosen > 1) throw new Error(`--threshold must be a probability, got ${values.threshold}`);
const threshold = Math.max(chosen, qualityMax + qualityMargin);
const gate = toCaptionGate(signals, model, threshold);
const inSample = examples.filter((e) => predictLogistic(model, e.x) >= threshold);
console.log(`final gate (all ${examples.length} captions): threshold ${gate.threshold} (quality-issue photos' highest ${qualityMax.toFixed(3)}); in sample it says ${inSample.length}, ${inSample.reduce((s, e) => s + e.wrong, 0)} wrong of ${inSample.reduce((s, e) => s + e.named, 0)} named`);
console.log(`weights (standardised): ${signals.map((s, i) => `${s} ${gate.weights[i]!.toFixed(2)}`).join(', ')}; bias ${gate.bias.toFixed(2)}`);
const outOfFoldScore = new Map(examples.map((e, i) => [e.file, oof[i]!]));
const report = {
  examples: examples.length, folds, l2, minCider, oldFloor, oldPoint, matched, qualityMax, gate, oldCurve, newCurve,
  perCaption: examples.map(({ x: _x, ...e }) => ({ ...e, outOfFold: outOfFoldScore.get(e.file) })),
};
await writeFile(`reports/gate-fit${reportSuffix}.json`, JSON.stringify(report, null, 1));
console.log(`report: reports/gate-fit${reportSuffix}.json`);
if (values.write) {
  await writeFile(join(repoModelsRoot, gatePath), JSON.stringify(gate, null, 2) + '\n');
  console.log(`wrote ${join(repoModelsRoot, gatePath)}`);
}
