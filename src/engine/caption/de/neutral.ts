/**
 * Gender-neutral German for captions that stays grammatical: the people noun
 * phrases people-phrases.ts finds are rewritten with the neutral noun, their
 * article and adjectives agreeing, and people joined by "und" are counted
 * (see `neutralGermanWords`).
 */
import { numberWordDe } from '../../describe/wording-de';
import { definiteArticles, adjectiveEndings, contracted } from './grammar';
import type { Declension, GrammaticalCase, Slot } from './grammar';
import { adjectiveStem, declensionAfter, determinerForm, findPeoplePhrases, splitPunctuation } from './people-phrases';
import type { Determiner, Modifier, PeoplePhrase } from './people-phrases';
import { companionDe, spouseWordsDe } from './people-nouns';
import type { NeutralNounDe } from './people-nouns';
import { isGermanGarment } from './garments';
import { germanColourWord } from './colour-words';

function capitalise(word: string): string {
  return word.charAt(0).toUpperCase() + word.slice(1);
}

/** The determiner, as one or two tokens ("von der" for "vom" before a feminine noun). */
function renderDeterminer(determiner: Determiner, slot: Slot, c: GrammaticalCase): string[] {
  const word = determinerForm(determiner, slot, c) ?? determiner.word;
  if (!determiner.preposition) return [word];
  const joined = contracted[`${determiner.preposition} ${word}`];
  return joined ? [joined] : [determiner.preposition, word];
}

function inflect(modifier: Modifier, declension: Declension, slot: Slot, c: GrammaticalCase): string {
  return modifier.inflects ? `${modifier.word}${adjectiveEndings[declension][slot][c]}` : modifier.word;
}

const weiter: Modifier = { word: 'weiter', inflects: true };

/** One phrase in neutral words; `another` adds "weitere" ("eine weitere Person"). */
function renderPhrase(phrase: PeoplePhrase, another: boolean): string[] {
  const reading = phrase.candidates[0]!;
  const slot: Slot = reading.number === 'pl' ? 'pl' : phrase.neutral.gender;
  const declension = declensionAfter(phrase.determiner);
  const modifiers = another ? [weiter, ...phrase.modifiers] : phrase.modifiers;
  return [
    ...(phrase.determiner ? renderDeterminer(phrase.determiner, slot, reading.case) : []),
    ...modifiers.map((modifier) => inflect(modifier, declension, slot, reading.case)),
    `${phrase.neutral[reading.number][reading.case]}${phrase.suffix}`,
  ];
}

/** "seine Frau", "ihr Mann", "ihren Männern": a spouse, whose neutral word is the companion, not another "Person". */
function spousePhrase(tokens: readonly string[], phrase: PeoplePhrase): PeoplePhrase {
  const { determiner } = phrase;
  const possessive = determiner?.kind === 'ein-word' && (determiner.stem === 'sein' || determiner.stem === 'ihr');
  if (!possessive || !spouseWordsDe.has(splitPunctuation(tokens[phrase.end]!).core)) return phrase;
  return { ...phrase, neutral: companionDe };
}

/** How many people a phrase counts: "ein Mann" 1, "zwei Frauen" 2, "Männer" or "die Männer" unknown. */
function countOf(phrase: PeoplePhrase): number | undefined {
  const { determiner } = phrase;
  const number = phrase.candidates[0]!.number;
  if (!determiner || determiner.kind === 'definite') return number === 'sg' ? 1 : undefined;
  if (determiner.kind === 'ein') return 1;
  return determiner.count;
}

/** Phrases that can be joined into one count: no possessive ("seine Frau"), demonstrative or contraction. */
function joinable(phrase: PeoplePhrase): boolean {
  const { determiner } = phrase;
  return !determiner || (determiner.kind === 'definite' && !determiner.preposition) || determiner.kind === 'ein' || determiner.kind === 'number';
}

/**
 * Whether `next` joins the group that `first` opened and `previous` ended
 * ("ein Mann und eine Frau"), and then the cases both can be in; undefined
 * when it does not join.
 */
function joinedCases(tokens: readonly string[], first: PeoplePhrase, previous: PeoplePhrase, next: PeoplePhrase, cases: readonly GrammaticalCase[]): GrammaticalCase[] | undefined {
  if (next.neutral !== first.neutral || previous.suffix !== '') return undefined;
  if (tokens[previous.end + 1] !== 'und' || next.start !== previous.end + 2) return undefined;
  if (!joinable(first) || !joinable(next)) return undefined;
  if ((first.determiner?.kind === 'definite') !== (next.determiner?.kind === 'definite')) return undefined;
  if ((countOf(first) === undefined) !== (countOf(next) === undefined)) return undefined;
  if (!sameModifiers(first.modifiers, next.modifiers)) return undefined;
  if (describesClothing(tokens, next.end + 1)) return undefined;
  // Not the genitive: "zweier Personen" is correct but stilted; such pairs stay two phrases.
  const shared = cases.filter((c) => c !== 'gen' && next.candidates.some((r) => r.case === c));
  return shared.length > 0 ? shared : undefined;
}

function sameModifiers(a: readonly Modifier[], b: readonly Modifier[]): boolean {
  return a.length === b.length && a.every((m, i) => m.word === b[i]!.word && m.inflects === b[i]!.inflects);
}

/** "in einem roten Kleid", "mit Hut", "im blauen Hemd": what follows describes one person's clothes. */
function describesClothing(tokens: readonly string[], from: number): boolean {
  const next = splitPunctuation(tokens[from] ?? '').core.toLowerCase();
  if (next !== 'in' && next !== 'im' && next !== 'mit') return false;
  const following = tokens.slice(from + 1, from + 5).map((t) => splitPunctuation(t).core.toLowerCase());
  if (following.some(isGermanGarment)) return true;
  return next !== 'mit' && following.slice(0, 2).some((w) => germanColourWord(w) !== undefined || adjectiveStem(w) === 'gestreift' || w === 'gestreift');
}

/** A group joined by "und" as one plural phrase: "zwei Personen", "die beiden Kinder", "den beiden jungen Personen". */
function renderGroup(group: readonly PeoplePhrase[], c: GrammaticalCase, another: boolean): string[] {
  const first = group[0]!;
  const last = group[group.length - 1]!;
  const counts = group.map(countOf);
  const total = counts.every((n) => n !== undefined) ? counts.reduce<number>((sum, n) => sum + (n ?? 0), 0) : undefined;
  const noun = `${first.neutral.pl[c]}${last.suffix}`;
  if (first.determiner?.kind === 'definite') {
    // "die beiden Personen" is how German says "the two people".
    const count = total === undefined ? [] : [total === 2 ? 'beiden' : numberWordDe(total)];
    return [definiteArticles.pl[c], ...count, ...first.modifiers.map((modifier) => inflect(modifier, 'weak', 'pl', c)), noun];
  }
  const modifiers = another && total !== undefined ? [weiter, ...first.modifiers] : first.modifiers;
  return [...(total === undefined ? [] : [numberWordDe(total)]), ...modifiers.map((modifier) => inflect(modifier, 'strong', 'pl', c)), noun];
}

/**
 * Gender-neutral German that stays grammatical, on words as the caption model
 * writes them (nouns capitalised; punctuation as tokens or stuck to a word):
 * - Mann/Frau/Herr/Dame → Person, Junge/Mädchen → Kind, in the case and number
 *   the article shows; the article and the adjectives before the noun agree
 *   with the new gender: "ein junger Mann" → "eine junge Person", "den
 *   Jungen" → "das Kind", "mit einem Mann" → "mit einer Person", "vom Mann"
 *   → "von der Person". Articles handled: der/die/das/den/dem/des, ein-,
 *   kein-, mein-, dein-, sein-, ihr- with any ending, dies-, jen-, jed-,
 *   welch-, number words, and im/am/vom/zum/beim/zur/ins/ans;
 * - people joined by "und" become one count when nothing tells them apart,
 *   as tidy.ts does: "ein Junge und ein Mädchen" → "zwei Kinder", "der Mann
 *   und die Frau" → "die beiden Personen", "mit einem Mann und einer Frau" →
 *   "mit zwei Personen", "Männer und Frauen" → "Personen"; not when their
 *   adjectives differ or clothing follows ("ein Mann und eine Frau in einem
 *   roten Kleid": the dress is hers);
 * - a later "eine Person" after an earlier person is "eine weitere Person"
 *   (tidy.ts's "another person").
 * - a spouse ("seine Frau", "ihr Mann") is the companion: "eine Frau und ihr
 *   Mann" → "eine Person und ihre Begleitung" (pronouns.ts has made "sein"
 *   agree with "Person" first), never "ihre Person".
 * Not handled: pronouns (er/sie, sein/ihr: German has no settled neutral
 * singular pronoun, so "sein Fahrrad" stays; a caption should name "die
 * Person" instead); feminine job nouns and the generic
 * masculine ("Polizistin", "Sänger"); Mutter/Vater, Sohn/Tochter, Bruder/
 * Schwester; relative pronouns ("der Mann, der ..." keeps "der"); adjectives
 * not directly between article and noun (intensifiers such as "sehr" aside), and more than four words between them;
 * the genitive in joined pairs; words written lower case ("mann").
 * Where the article leaves the case open ("den Jungen": one boy, accusative,
 * or boys, dative), a dative- or accusative-only preposition before it
 * decides, else the accusative singular.
 */
export function neutralGermanWords(words: readonly string[]): string[] {
  const tokens = [...words];
  const phrases = findPeoplePhrases(tokens).map((phrase) => spousePhrase(tokens, phrase));
  const out: string[] = [];
  const seen = new Set<NeutralNounDe>();
  let cursor = 0;
  for (let k = 0; k < phrases.length; ) {
    const first = phrases[k]!;
    out.push(...tokens.slice(cursor, first.start));
    const group = [first];
    let cases = [...new Set(first.candidates.map((r) => r.case))];
    for (let next = phrases[k + 1]; next; next = phrases[k + group.length]) {
      const shared = joinedCases(tokens, first, group[group.length - 1]!, next, cases);
      if (!shared) break;
      group.push(next);
      cases = shared;
    }
    const repeat = seen.has(first.neutral);
    const rendered =
      group.length > 1
        ? renderGroup(group, cases[0]!, repeat)
        : renderPhrase(first, repeat && first.modifiers.length === 0 && (first.determiner?.kind === 'ein' || first.determiner?.kind === 'number'));
    if (first.capital) rendered[0] = capitalise(rendered[0]!);
    out.push(...rendered);
    seen.add(first.neutral);
    cursor = group[group.length - 1]!.end + 1;
    k += group.length;
  }
  out.push(...tokens.slice(cursor));
  return out;
}
