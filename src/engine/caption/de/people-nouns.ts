/**
 * The German words for people the neutral wording handles, every inflected
 * form, with the neutral noun each becomes (Mann → Person, Junge → Kind).
 */
import type { GermanGender } from '../../describe/german-nouns';
import { allCases } from './grammar';
import type { GrammaticalCase, GrammaticalNumber, Reading } from './grammar';

/** A neutral noun in every case and number. */
export interface NeutralNounDe {
  gender: GermanGender;
  sg: Readonly<Record<GrammaticalCase, string>>;
  pl: Readonly<Record<GrammaticalCase, string>>;
}

/** One written form of a people noun: what it becomes, and which cases and numbers it can be. */
export interface PeopleNounForm {
  neutral: NeutralNounDe;
  /** The gender of the word itself ("Mann" m, "Mädchen" n), which its article agrees with. */
  gender: GermanGender;
  readings: readonly Reading[];
}

const samePerCase = (form: string): Record<GrammaticalCase, string> => ({ nom: form, acc: form, dat: form, gen: form });

const personDe: NeutralNounDe = { gender: 'f', sg: samePerCase('Person'), pl: samePerCase('Personen') };
const childDe: NeutralNounDe = {
  gender: 'n',
  sg: { nom: 'Kind', acc: 'Kind', dat: 'Kind', gen: 'Kindes' },
  pl: { nom: 'Kinder', acc: 'Kinder', dat: 'Kindern', gen: 'Kinder' },
};

const parentDe: NeutralNounDe = {
  gender: 'n',
  sg: { nom: 'Elternteil', acc: 'Elternteil', dat: 'Elternteil', gen: 'Elternteils' },
  pl: samePerCase('Eltern'),
};

/**
 * "ihr Mann", "seine Frau": a spouse, said as the person's companion ("ihre
 * Begleitung"), since "ihre Person" would say nothing and "Partner" is itself
 * gendered.
 */
export const companionDe: NeutralNounDe = { gender: 'f', sg: samePerCase('Begleitung'), pl: samePerCase('Begleitungen') };

/** The nouns neutral wording writes, so that later steps can agree with them. */
export const neutralNounsDe: readonly NeutralNounDe[] = [personDe, childDe, parentDe, companionDe];

/** The forms of "Mann" and "Frau", which after "sein"/"ihr" mean husband and wife. */
export const spouseWordsDe: ReadonlySet<string> = new Set(['Mann', 'Mannes', 'Männer', 'Männern', 'Frau', 'Frauen']);

const readings = (number: GrammaticalNumber, ...cases: GrammaticalCase[]): Reading[] => cases.map((c) => ({ number, case: c }));
const form = (neutral: NeutralNounDe, gender: GermanGender, ...r: Reading[][]): PeopleNounForm => ({ neutral, gender, readings: r.flat() });

/**
 * Every inflected form of the people nouns handled (Mann/Frau/Herr/Dame →
 * Person, Junge/Mädchen/Sohn/Tochter → Kind, Vater/Mutter → Elternteil, as
 * English says "parent"), gendered or already
 * neutral: the neutral ones are listed so that "ein Mann und eine Person" is
 * recognised as two people. Capitalised, as German writes nouns: "junge" is
 * "young", "Junge" is "boy".
 */
export const germanPeopleNouns: Readonly<Record<string, PeopleNounForm>> = {
  Mann: form(personDe, 'm', readings('sg', 'nom', 'acc', 'dat')),
  Mannes: form(personDe, 'm', readings('sg', 'gen')),
  Männer: form(personDe, 'm', readings('pl', 'nom', 'acc', 'gen')),
  Männern: form(personDe, 'm', readings('pl', 'dat')),
  Frau: form(personDe, 'f', readings('sg', ...allCases)),
  Frauen: form(personDe, 'f', readings('pl', ...allCases)),
  Herr: form(personDe, 'm', readings('sg', 'nom')),
  Herrn: form(personDe, 'm', readings('sg', 'acc', 'dat', 'gen')),
  Herren: form(personDe, 'm', readings('pl', ...allCases)),
  Dame: form(personDe, 'f', readings('sg', ...allCases)),
  Damen: form(personDe, 'f', readings('pl', ...allCases)),
  Person: form(personDe, 'f', readings('sg', ...allCases)),
  Personen: form(personDe, 'f', readings('pl', ...allCases)),
  Junge: form(childDe, 'm', readings('sg', 'nom')),
  // "den Jungen" is one boy (accusative) or boys (dative plural): the article and context decide.
  Jungen: form(childDe, 'm', readings('sg', 'acc', 'dat', 'gen'), readings('pl', ...allCases)),
  Jungs: form(childDe, 'm', readings('pl', ...allCases)),
  // Southern German and Austrian for "Junge".
  Bub: form(childDe, 'm', readings('sg', 'nom')),
  Buben: form(childDe, 'm', readings('sg', 'acc', 'dat', 'gen'), readings('pl', ...allCases)),
  Mädchen: form(childDe, 'n', readings('sg', 'nom', 'acc', 'dat'), readings('pl', ...allCases)),
  Mädchens: form(childDe, 'n', readings('sg', 'gen')),
  Sohn: form(childDe, 'm', readings('sg', 'nom', 'acc', 'dat')),
  Sohnes: form(childDe, 'm', readings('sg', 'gen')),
  Söhne: form(childDe, 'm', readings('pl', 'nom', 'acc', 'gen')),
  Söhnen: form(childDe, 'm', readings('pl', 'dat')),
  Tochter: form(childDe, 'f', readings('sg', ...allCases)),
  Töchter: form(childDe, 'f', readings('pl', 'nom', 'acc', 'gen')),
  Töchtern: form(childDe, 'f', readings('pl', 'dat')),
  Vater: form(parentDe, 'm', readings('sg', 'nom', 'acc', 'dat')),
  Vaters: form(parentDe, 'm', readings('sg', 'gen')),
  Väter: form(parentDe, 'm', readings('pl', 'nom', 'acc', 'gen')),
  Vätern: form(parentDe, 'm', readings('pl', 'dat')),
  Mutter: form(parentDe, 'f', readings('sg', ...allCases)),
  Mütter: form(parentDe, 'f', readings('pl', 'nom', 'acc', 'gen')),
  Müttern: form(parentDe, 'f', readings('pl', 'dat')),
  Elternteil: form(parentDe, 'n', readings('sg', 'nom', 'acc', 'dat')),
  Eltern: form(parentDe, 'n', readings('pl', ...allCases)),
  Kind: form(childDe, 'n', readings('sg', 'nom', 'acc', 'dat')),
  Kindes: form(childDe, 'n', readings('sg', 'gen')),
  Kinds: form(childDe, 'n', readings('sg', 'gen')),
  Kinder: form(childDe, 'n', readings('pl', 'nom', 'acc', 'gen')),
  Kindern: form(childDe, 'n', readings('pl', 'dat')),
};

/**
 * The neutral nominative for a gendered noun, the simple map: Mann/Frau →
 * Person, Männer/Frauen → Personen, Junge/Mädchen → Kind, Jungen/Mädchen →
 * Kinder ("Mädchen" and "Jungen" are singular or plural, hence `plural`).
 * Swapping the noun alone breaks agreement ("ein Mann" → "ein Person"): use
 * `neutralGermanWords` on a sentence.
 */
export function neutralGermanNoun(word: string, plural: boolean): string | undefined {
  const entry = Object.hasOwn(germanPeopleNouns, word) ? germanPeopleNouns[word] : undefined;
  if (!entry || !entry.readings.some((r) => r.number === (plural ? 'pl' : 'sg'))) return undefined;
  return plural ? entry.neutral.pl.nom : entry.neutral.sg.nom;
}

