/**
 * Gendered German words that neutral wording does not rewrite: family and
 * wedding words without a neutral noun that reads naturally ("Bruder",
 * "Braut"), feminine forms of words for people ("Spielerin", "Polizistin")
 * and compounds of Mann/Frau ("Feuerwehrmann", "Geschäftsfrau"). With
 * neutral wording on, a caption that still has one is not said: the
 * objects sentence is, which says "eine Person". Never a gender guessed from
 * pixels, even at the cost of a caption.
 */
import { germanClassOf } from './object-names';

const alwaysGendered = new Set([
  'bruder', 'bruders', 'brüder', 'brüdern', 'schwester', 'schwestern', 'braut', 'bräute', 'bräutigam', 'bräutigams', 'ehemann', 'ehemänner',
  'ehefrau', 'ehefrauen', 'freundin', 'freundinnen', 'oma', 'opa', 'großmutter', 'großvater', 'onkel', 'tante', 'tanten', 'nonne', 'nonnen',
  'mönch', 'mönche', 'könig', 'königin', 'prinz', 'prinzessin', 'cowboy', 'cowboys', 'cowgirl', 'cowgirls',
]);

/** Words that end like a Mann compound and name no person. */
const notMannCompounds = new Set(['dobermann', 'dobermanns', 'dobermänner', 'dobermännern']);

/** The words of a German sentence that still say a person's gender. */
export function genderedWordsDe(sentence: string): string[] {
  return (sentence.match(/[\p{L}-]+/gu) ?? []).filter((word) => {
    const lower = word.toLowerCase();
    if (alwaysGendered.has(lower)) return true;
    // "eine weibliche Person", "ein männlicher Sänger": the adjective says it.
    if (/^(weiblich|männlich)(e|en|em|er|es)?$/.test(lower)) return true;
    // "Spielerin", "Polizistinnen": a word for people with the feminine ending, known or not
    // ("Asiatin", "Verkäuferin", "Schülerinnen": agent nouns the object names do not list).
    const feminine = /^(.{3,}?)(in|innen)$/.exec(lower);
    if (feminine && germanClassOf(feminine[1]!) === 'person') return true;
    if (/^.{3,}(?:er|ler|ner|ist|ant|ent|at|og|eur|ör)(?:in|innen)$/.test(lower)) return true;
    if (germanClassOf(lower) !== 'person') return false;
    // "Feuerwehrmann", "Geschäftsfrauen": neutral wording rewrites only the plain nouns.
    return /.(mann|mannes|männer|männern|frau|frauen)$/.test(lower) && !notMannCompounds.has(lower);
  });
}
