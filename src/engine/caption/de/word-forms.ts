/**
 * Forms of German nouns: enough to tell that "Bäume" in a caption is the
 * concept head's "Baum", and that a reference's "bäumen" mentions it.
 */

const endings = ['', 'e', 'en', 'n', 's', 'es', 'er', 'ern', 'se', 'sen'];
const umlauts: Readonly<Record<string, string>> = { a: 'ä', o: 'ö', u: 'ü' };

/**
 * The forms of a German noun that a reference's lowercase tokens may hold:
 * its case and plural endings, on the word and on its plural umlaut
 * ("Baum" → "bäume", "bäumen"; "Haus" → "häuser"; "Hindernis" →
 * "hindernisse"), with "ß" written "ss" as some references do. A few other
 * words share a form and count as a mention: the verb "hängen" for "Hang",
 * "wegen" for "Weg"; and the compound rule in placeMentions counts
 * "Leinwand" for "Wand".
 */
export function germanForms(word: string): Set<string> {
  const lower = word.toLowerCase();
  const stems = new Set([lower, lower.replaceAll('ß', 'ss'), lower.replaceAll('ss', 'ß')].flatMap((w) => [w, w.endsWith('e') && w.length > 3 ? w.slice(0, -1) : w]));
  for (const stem of [...stems]) {
    const vowel = /(au|[aou])([^aeiouäöü]*)$/.exec(stem);
    if (vowel) stems.add(stem.slice(0, vowel.index) + (vowel[1] === 'au' ? 'äu' : umlauts[vowel[1]!]!) + vowel[2]);
  }
  return new Set([...stems].flatMap((stem) => endings.map((ending) => stem + ending)));
}
