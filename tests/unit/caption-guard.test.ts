import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { cocoCaptionWords, unsupportedObjects, wordsOfClasses } from '../../src/engine/caption/guard';
import { mentionedCocoClasses } from '../../src/eval/objects';

const labels = (JSON.parse(readFileSync('models/detector/centernet.json', 'utf8')) as { labels: string[] }).labels;

function presence(scores: Record<string, number>): Float32Array {
  return Float32Array.from(labels, (label) => scores[label] ?? 0);
}

describe('hallucination guard', () => {
  const options = { minPresence: 0.05, minPresenceByClass: { person: 0.15 } };

  it('flags a COCO object the caption names but the detector never scored', () => {
    const words = 'a man throws a frisbee to a dog'.split(' ');
    const found = unsupportedObjects(words, presence({ person: 0.6, dog: 0.02, frisbee: 0.3 }), labels, options);
    expect(found).toEqual([{ label: 'dog', words: ['dog'], presence: expect.closeTo(0.02, 5) as unknown as number }]);
  });

  it('uses the stricter floor for people', () => {
    const words = 'a boy and a dog'.split(' ');
    expect(unsupportedObjects(words, presence({ person: 0.1, dog: 0.5 }), labels, options).map((f) => f.label)).toEqual(['person']);
    expect(unsupportedObjects(words, presence({ person: 0.2, dog: 0.5 }), labels, options)).toEqual([]);
  });

  it('ignores words that name no COCO class', () => {
    expect(unsupportedObjects('a red wall near the grass'.split(' '), presence({}), labels, options)).toEqual([]);
  });

  it('forbids every word of a refused class on the retry', () => {
    expect(wordsOfClasses(['dog'])).toEqual(['dog', 'dogs', 'puppy', 'puppies']);
  });

  it('only names classes the detector knows, with words the evaluation maps to the same class', () => {
    for (const [label, words] of Object.entries(cocoCaptionWords)) {
      expect(labels).toContain(label);
      for (const word of words) expect([...mentionedCocoClasses(`a ${word}`)]).toEqual([label]);
    }
  });
});
