/**
 * Turns decoded words into a sentence a screen reader reads well: one
 * capital, a full stop, "a"/"an" agreeing with the next word, and optionally
 * gender-neutral words (the training captions are heavily gendered, and the
 * model guesses gender from pixels).
 */
const neutral: Record<string, string> = {
  man: 'person', woman: 'person', men: 'people', women: 'people', boy: 'child', girl: 'child', boys: 'children', girls: 'children',
  guy: 'person', guys: 'people', lady: 'person', ladies: 'people', gentleman: 'person', he: 'they', she: 'they', his: 'their', her: 'their',
};

const clitics = new Set(["n't", "'s", "'re", "'ve", "'ll", "'d", "'m"]);

/** The tokenizer split "dog's" and "isn't"; put them back together. */
export function joinClitics(words: readonly string[]): string[] {
  const out: string[] = [];
  for (const word of words) {
    if (out.length > 0 && clitics.has(word)) out[out.length - 1] += word;
    else out.push(word);
  }
  return out;
}

export function tidyCaption(words: readonly string[], options: { neutral: boolean }): string {
  const out = joinClitics(
    words.filter((w) => w !== '.' && w.trim() !== '').map((w) => (options.neutral ? (neutral[w.toLowerCase()] ?? w) : w)),
  );
  for (let i = 0; i < out.length - 1; i++) {
    if (out[i] === 'a' || out[i] === 'an') out[i] = /^[aeiou]/i.test(out[i + 1]!) ? 'an' : 'a';
  }
  const sentence = out.join(' ').replace(/\s+([,.!?;:'])/g, '$1').replace(/\s+/g, ' ').trim();
  if (!sentence) return '';
  return `${sentence.charAt(0).toUpperCase()}${sentence.slice(1)}.`;
}
