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

export function tidyCaption(words: readonly string[], options: { neutral: boolean }): string {
  const out: string[] = [];
  for (const word of words) {
    if (word === '.' || word.trim() === '') continue;
    const said = options.neutral ? (neutral[word.toLowerCase()] ?? word) : word;
    // The tokenizer split "dog's" and "isn't"; put them back together.
    if (out.length > 0 && clitics.has(said)) out[out.length - 1] += said;
    else out.push(said);
  }
  for (let i = 0; i < out.length - 1; i++) {
    if (out[i] === 'a' || out[i] === 'an') out[i] = /^[aeiou]/i.test(out[i + 1]!) ? 'an' : 'a';
  }
  const sentence = out.join(' ').replace(/\s+([,.!?;:'])/g, '$1').replace(/\s+/g, ' ').trim();
  if (!sentence) return '';
  return `${sentence.charAt(0).toUpperCase()}${sentence.slice(1)}.`;
}
