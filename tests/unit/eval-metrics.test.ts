import { describe, expect, it } from 'vitest';
import { corpusBleu } from '../../src/eval/bleu';
import { corpusCiderD } from '../../src/eval/cider';
import { cocoClassNames, cocoSynonymPhrases, mentionedCocoClasses, objectPrecisionRecall } from '../../src/eval/objects';
import { normalizeOcrWord, ocrWordScores } from '../../src/eval/ocr-metrics';
import { countNgrams, tokenizeCaption, whitespaceTokenize } from '../../src/eval/tokenize';

/** The epsilons of coco-caption's bleu_scorer.py, used to state exact expectations. */
const TINY = 1e-15;
const SMALL = 1e-9;

describe('tokenizeCaption (coco-caption PTBTokenizer + punctuation removal)', () => {
  it('lowercases and removes punctuation tokens', () => {
    expect(tokenizeCaption('A man , riding a horse .')).toEqual(['a', 'man', 'riding', 'a', 'horse']);
    expect(tokenizeCaption('A man, riding a horse.')).toEqual(['a', 'man', 'riding', 'a', 'horse']);
    expect(tokenizeCaption('"Wow!" -- a (big) dog; really? yes: no...')).toEqual([
      'wow', 'a', 'big', 'dog', 'really', 'yes', 'no',
    ]);
  });

  it('splits clitics the PTB way and keeps them', () => {
    expect(tokenizeCaption("The dog's toy isn't it's")).toEqual(['the', 'dog', "'s", 'toy', 'is', "n't", 'it', "'s"]);
    expect(tokenizeCaption('They can\u2019t, cannot')).toEqual(['they', 'ca', "n't", 'can', 'not']);
    // Already tokenised input survives re-tokenisation.
    expect(tokenizeCaption("dog 's do n't")).toEqual(['dog', "'s", 'do', "n't"]);
    // A possessive plural apostrophe is a removed "'" token.
    expect(tokenizeCaption("the dogs' bowls")).toEqual(['the', 'dogs', 'bowls']);
  });

  it('keeps numbers, abbreviations and internal hyphens intact and splits $ and %', () => {
    expect(tokenizeCaption('At 10:30 it costs $1,000.50 (50% off) in the U.S.')).toEqual([
      'at', '10:30', 'it', 'costs', '$', '1,000.50', '50', '%', 'off', 'in', 'the', 'u.s.',
    ]);
    expect(tokenizeCaption('A one-north sign, Mr. Lee - ok')).toEqual(['a', 'one-north', 'sign', 'mr.', 'lee', 'ok']);
  });

  it('whitespaceTokenize only splits', () => {
    expect(whitespaceTokenize('  a  b.\tc ')).toEqual(['a', 'b.', 'c']);
  });

  it('counts n-grams per order', () => {
    const counts = countNgrams(['a', 'b', 'a', 'b'], 3);
    expect([...counts[0]!]).toEqual([['a', 2], ['b', 2]]);
    expect([...counts[1]!]).toEqual([['a b', 2], ['b a', 1]]);
    expect([...counts[2]!]).toEqual([['a b a', 1], ['b a b', 1]]);
  });
});

describe('corpusBleu (coco-caption Bleu, closest reference length)', () => {
  it('scores an exact match as 1 (up to the tiny/small epsilons)', () => {
    const scores = corpusBleu([{ candidate: 'a dog runs on the grass', references: ['A dog runs on the grass.'] }]);
    expect(scores.bleu1).toBeCloseTo(1, 8);
    expect(scores.bleu2).toBeCloseTo(1, 8);
    expect(scores.bleu3).toBeCloseTo(1, 8);
    expect(scores.bleu4).toBeCloseTo(1, 8);
    expect(scores.bleu1).toBeLessThan(1); // (6 + 1e-15) / (6 + 1e-9) < 1, as in the Python
  });

  it('matches a hand-computed example with a brevity penalty', () => {
    // Candidate "the cat on mat" (4 words); references of length 6 and 7, the
    // closest is 6, so BP = exp(1 - 6/4) = exp(-0.5) = 0.60653.
    // Unigrams: the, cat, on, mat all occur -> p1 = 4/4.
    // Bigrams: "the cat" (ref 1), "cat on" (ref 2), "on mat" (none) -> p2 = 2/3.
    // No trigram or 4-gram matches: p3 = p4 = 0, softened by the epsilons.
    const scores = corpusBleu([{
      candidate: 'the cat on mat',
      references: ['the cat is on the mat', 'there is a cat on the mat'],
    }]);
    expect(scores.bleu1).toBeCloseTo(Math.exp(-0.5), 8); // 0.60653
    expect(scores.bleu2).toBeCloseTo(Math.sqrt(2 / 3) * Math.exp(-0.5), 8); // 0.49523

    const brevityPenalty = Math.exp(1 - (6 + SMALL) / (4 + TINY));
    const p1 = (4 + TINY) / (4 + SMALL);
    const p2 = (2 + TINY) / (3 + SMALL);
    const p3 = (0 + TINY) / (2 + SMALL);
    const p4 = (0 + TINY) / (1 + SMALL);
    expect(scores.bleu3).toBeCloseTo(Math.cbrt(p1 * p2 * p3) * brevityPenalty, 15); // ≈ 4.2e-6, not 0
    expect(scores.bleu4).toBeCloseTo((p1 * p2 * p3 * p4) ** 0.25 * brevityPenalty, 15);
    expect(scores.bleu3).toBeGreaterThan(4.2e-6);
    expect(scores.bleu3).toBeLessThan(4.21e-6);
  });

  it('reproduces the epsilon smoothing for captions shorter than the n-gram order', () => {
    // Two words: no trigram exists, so p3 = 1e-15 / 1e-9 = 1e-6 and
    // BLEU-3 = (1 * 1 * 1e-6)^(1/3) = 0.01, BLEU-4 = (1e-12)^(1/4) = 0.001.
    const scores = corpusBleu([{ candidate: 'a cat', references: ['a cat'] }]);
    expect(scores.bleu2).toBeCloseTo(1, 8);
    expect(scores.bleu3).toBeCloseTo(0.01, 8);
    expect(scores.bleu4).toBeCloseTo(0.001, 8);
  });

  it('clips candidate counts by the maximum reference count', () => {
    // "the" x4; the reference has "the" twice -> p1 = 2/4; BP = exp(1 - 6/4).
    const scores = corpusBleu([{ candidate: 'the the the the', references: ['the cat is on the mat'] }]);
    expect(scores.bleu1).toBeCloseTo(0.5 * Math.exp(-0.5), 8); // 0.30327
  });

  it('breaks closest-length ties towards the shorter reference', () => {
    // Candidate has 5 words, references 4 and 6: the tie picks 4, so no
    // brevity penalty (picking 6 would give exp(-0.2) = 0.82).
    const scores = corpusBleu([{
      candidate: 'a dog runs on grass',
      references: ['a dog runs fast', 'a dog runs on the grass'],
    }]);
    expect(scores.bleu1).toBeCloseTo(1, 8);
  });

  it('pools counts and applies one brevity penalty over the corpus', () => {
    // Image 1: 4 words vs closest reference 6 (p1 4/4, p2 2/3).
    // Image 2: 8 words vs reference 6 (p1 6/8, p2 4/7).
    // Pooled: testlen 12 = reflen 12, so BP = 1 although image 1 alone is short;
    // p1 = 10/12, p2 = 6/10, BLEU-2 = sqrt(10/12 * 6/10) = sqrt(0.5).
    const scores = corpusBleu([
      { candidate: 'the cat on mat', references: ['the cat is on the mat', 'there is a cat on the mat'] },
      { candidate: 'a dog runs in the green park today', references: ['a dog runs in the park'] },
    ]);
    expect(scores.bleu1).toBeCloseTo(10 / 12, 8);
    expect(scores.bleu2).toBeCloseTo(Math.sqrt(0.5), 8);
  });

  it('accepts a custom tokenizer and rejects images without references', () => {
    const scores = corpusBleu([{ candidate: 'A B', references: ['a b'] }], { tokenize: whitespaceTokenize });
    expect(scores.bleu1).toBeLessThan(1e-5); // case differs, so nothing matches
    expect(() => corpusBleu([{ candidate: 'a', references: [] }])).toThrow(RangeError);
  });
});

describe('corpusCiderD (vrama91/cider ciderD, df over the evaluated corpus)', () => {
  // The hand computations below write w for the idf weight ln 2 of a two-image
  // corpus; it cancels in every cosine.

  it('scores a candidate identical to all its references as 10', () => {
    // Two images, so idf = ln 2 - ln(df): n-grams shared by both images
    // ("a", "on", "the", "on the") weigh 0, every other n-gram weighs ln 2.
    // Each order 1..4 has non-zero weights, and the clipped cosine of a vector
    // with itself is sum(r^2) / (|r| |r|) = 1; no length difference, so
    // CIDEr-D = 10 * mean(1, 1, 1, 1) = 10 for each image.
    const result = corpusCiderD([
      { candidate: 'a dog runs on the grass', references: ['a dog runs on the grass', 'A dog runs on the grass.'] },
      { candidate: 'a cat sleeps on the sofa', references: ['a cat sleeps on the sofa', 'a cat sleeps on the sofa'] },
    ]);
    expect(result.perImage[0]).toBeCloseTo(10, 10);
    expect(result.perImage[1]).toBeCloseTo(10, 10);
    expect(result.score).toBeCloseTo(10, 10);
  });

  it('gives 0 to orders with no n-grams (three-word identical captions score 7.5)', () => {
    // Orders 1-3 give 1 each; neither side has a 4-gram, both norms are 0 and
    // the Python leaves the (zero) dot product undivided: 10 * (3/4) = 7.5.
    const result = corpusCiderD([
      { candidate: 'a dog runs', references: ['a dog runs'] },
      { candidate: 'a cat sleeps', references: ['a cat sleeps'] },
    ]);
    expect(result.perImage).toHaveLength(2);
    expect(result.perImage[0]).toBeCloseTo(7.5, 10);
    expect(result.perImage[1]).toBeCloseTo(7.5, 10);
  });

  it('scores a disjoint candidate as 0 and averages images for the corpus score', () => {
    const result = corpusCiderD([
      { candidate: 'zebra eats hay', references: ['a dog runs on the grass', 'a dog runs on the grass'] },
      { candidate: 'a cat sleeps on the sofa', references: ['a cat sleeps on the sofa'] },
    ]);
    expect(result.perImage[0]).toBe(0);
    expect(result.perImage[1]).toBeCloseTo(10, 10);
    expect(result.score).toBeCloseTo(5, 10);
  });

  it('applies the gaussian length penalty on the bigram-count difference', () => {
    // Image A: candidate "dog runs fast now", reference "a dog runs"; image B
    // only supplies document frequencies. With w = ln 2 (and "a", in both
    // images, weighing 0; "fast", "now" unseen -> log(max(1, 0)) = 0 -> w):
    //   1-grams: cand {dog, runs, fast, now} norm 2w, ref {a:0, dog, runs}
    //            norm sqrt(2) w, dot 2 w^2 -> 1/sqrt(2)
    //   2-grams: cand {dog runs, runs fast, fast now} norm sqrt(3) w,
    //            ref {a dog, dog runs} norm sqrt(2) w, dot w^2 -> 1/sqrt(6)
    //   3-grams: no overlap -> 0; 4-grams: reference has none -> 0
    //   length = bigram count: 3 vs 2, delta 1 -> penalty exp(-1 / (2 * 6^2))
    const items = [
      { candidate: 'dog runs fast now', references: ['a dog runs'] },
      { candidate: 'a cat sleeps', references: ['a cat sleeps'] },
    ];
    const cosineMean = (1 / Math.SQRT2 + 1 / Math.sqrt(6)) / 4;
    const penalised = corpusCiderD(items);
    expect(penalised.perImage[0]).toBeCloseTo(10 * cosineMean * Math.exp(-1 / 72), 10); // 2.74993
    const unpenalised = corpusCiderD(items, { sigma: 1e9 });
    expect(unpenalised.perImage[0]).toBeCloseTo(10 * cosineMean, 10); // 2.78838

    // The penalty alone is the ratio of the two: a 10-word candidate (9 bigrams
    // vs 2, delta 7) loses a factor exp(-49/72) = 0.506.
    const longItems = [{ candidate: 'dog runs fast now and then and again and again', references: ['a dog runs'] }, items[1]!];
    const longPenalised = corpusCiderD(longItems).perImage[0]!;
    const longUnpenalised = corpusCiderD(longItems, { sigma: 1e9 }).perImage[0]!;
    expect(longPenalised / longUnpenalised).toBeCloseTo(Math.exp(-49 / 72), 10);
  });

  it('clips repeated candidate n-grams by the reference weight', () => {
    // "dog dog dog" vs "a dog runs": unigram dog has weight 3w vs w, so the
    // clipped dot is min(3w, w) * w = w^2 over norms 3w * sqrt(2) w ->
    // 1/(3 sqrt 2); higher orders do not overlap; bigram counts 2 vs 2.
    // Without clipping the unigram term would be 1/sqrt(2), three times more.
    const result = corpusCiderD([
      { candidate: 'dog dog dog', references: ['a dog runs'] },
      { candidate: 'a cat sleeps', references: ['a cat sleeps'] },
    ]);
    expect(result.perImage[0]).toBeCloseTo((10 * (1 / (3 * Math.SQRT2))) / 4, 10); // 0.58926
  });

  it('averages over references', () => {
    // Against its first reference the candidate gets (1 + 1 + 1 + 0), against
    // the disjoint second one 0; mean over orders 3/4, over 2 references 3/8.
    const result = corpusCiderD([
      { candidate: 'a dog runs', references: ['a dog runs', 'zebra eats hay'] },
      { candidate: 'a cat sleeps', references: ['a cat sleeps'] },
    ]);
    expect(result.perImage[0]).toBeCloseTo(3.75, 10);
  });

  it('is 0 on a one-image corpus (idf = log 1 = 0) and for an empty corpus', () => {
    expect(corpusCiderD([{ candidate: 'a dog runs', references: ['a dog runs'] }]).score).toBe(0);
    expect(corpusCiderD([])).toEqual({ score: 0, perImage: [] });
    expect(() => corpusCiderD([{ candidate: 'a', references: [] }])).toThrow(RangeError);
  });
});

describe('COCO object mentions', () => {
  it('lists the 80 COCO classes in standard order', () => {
    expect(cocoClassNames).toEqual([
      'person', 'bicycle', 'car', 'motorcycle', 'airplane', 'bus', 'train', 'truck', 'boat', 'traffic light',
      'fire hydrant', 'stop sign', 'parking meter', 'bench', 'bird', 'cat', 'dog', 'horse', 'sheep', 'cow',
      'elephant', 'bear', 'zebra', 'giraffe', 'backpack', 'umbrella', 'handbag', 'tie', 'suitcase', 'frisbee',
      'skis', 'snowboard', 'sports ball', 'kite', 'baseball bat', 'baseball glove', 'skateboard', 'surfboard',
      'tennis racket', 'bottle', 'wine glass', 'cup', 'fork', 'knife', 'spoon', 'bowl', 'banana', 'apple',
      'sandwich', 'orange', 'broccoli', 'carrot', 'hot dog', 'pizza', 'donut', 'cake', 'chair', 'couch',
      'potted plant', 'bed', 'dining table', 'toilet', 'tv', 'laptop', 'mouse', 'remote', 'keyboard',
      'cell phone', 'microwave', 'oven', 'toaster', 'sink', 'refrigerator', 'book', 'clock', 'vase',
      'scissors', 'teddy bear', 'hair drier', 'toothbrush',
    ]);
  });

  it('writes every phrase in tokenised form and maps class names to themselves', () => {
    for (const phrase of cocoSynonymPhrases().keys()) {
      if (phrase.includes('\u0000')) continue; // the end-of-caption marker
      expect(tokenizeCaption(phrase).join(' ')).toBe(phrase);
    }
    for (const className of cocoClassNames) {
      // Bare "orange" is deliberately not a fruit mention (mostly the colour).
      if (className === 'orange') continue;
      expect(mentionedCocoClasses(className)).toEqual(new Set([className]));
    }
  });

  it('handles plurals and synonyms', () => {
    expect(mentionedCocoClasses('Two dogs playing')).toEqual(new Set(['dog']));
    expect(mentionedCocoClasses('a puppy and a kitten')).toEqual(new Set(['dog', 'cat']));
    expect(mentionedCocoClasses('People riding motorbikes past a sofa.')).toEqual(
      new Set(['person', 'motorcycle', 'couch']),
    );
    expect(mentionedCocoClasses('A lady talking on her cellphone near the television')).toEqual(
      new Set(['person', 'cell phone', 'tv']),
    );
    expect(mentionedCocoClasses('A bike leaning on a table')).toEqual(new Set(['bicycle', 'dining table']));
  });

  it('prefers the longest phrase', () => {
    expect(mentionedCocoClasses('a hot dog with mustard')).toEqual(new Set(['hot dog']));
    expect(mentionedCocoClasses('a teddy bear on a bed')).toEqual(new Set(['teddy bear', 'bed']));
    expect(mentionedCocoClasses('A red fire hydrant next to a stop sign')).toEqual(
      new Set(['fire hydrant', 'stop sign']),
    );
    expect(mentionedCocoClasses('She holds a tennis racket')).toEqual(new Set(['tennis racket']));
    expect(mentionedCocoClasses('a microwave oven')).toEqual(new Set(['microwave']));
    expect(mentionedCocoClasses('a pit bull')).toEqual(new Set(['dog']));
    expect(mentionedCocoClasses("a catcher's mitt")).toEqual(new Set(['person', 'baseball glove']));
  });

  it('does not count ambiguous words or blocker phrases', () => {
    expect(mentionedCocoClasses('a baseball player swinging a bat')).toEqual(new Set(['person']));
    expect(mentionedCocoClasses('an empty bus stop by the train tracks')).toEqual(new Set());
    expect(mentionedCocoClasses('an orange cat')).toEqual(new Set(['cat']));
    expect(mentionedCocoClasses('a bowl with an orange')).toEqual(new Set(['bowl', 'orange']));
    expect(mentionedCocoClasses('an orange on a plate')).toEqual(new Set(['orange']));
    expect(mentionedCocoClasses('oranges and apples')).toEqual(new Set(['orange', 'apple']));
  });

  it('computes micro precision/recall and per-class counts', () => {
    const result = objectPrecisionRecall([
      // predicted {person, horse}; references {person, horse, dog}: tp 2, fn 1 (dog)
      { predicted: ['a man riding a horse'], references: ['a person on a horse', 'a woman riding a pony near a dog'] },
      // predicted {cat, couch, remote}; references {cat, couch}: tp 2, fp 1 (remote)
      { predicted: ['a cat on a couch with a remote'], references: ['a cat sleeping on a sofa'] },
      // predicted {hot dog}; references {dog}: fp 1 (hot dog), fn 1 (dog)
      { predicted: ['a hot dog on a plate'], references: ['a dog eating'] },
    ]);
    expect(result).toMatchObject({ tp: 4, fp: 2, fn: 2 });
    expect(result.precision).toBeCloseTo(4 / 6, 12);
    expect(result.recall).toBeCloseTo(4 / 6, 12);
    expect(result.f1).toBeCloseTo(2 / 3, 12);
    expect(Object.keys(result.perClass)).toEqual([...cocoClassNames]);
    expect(result.perClass.person).toEqual({ tp: 1, fp: 0, fn: 0 });
    expect(result.perClass.dog).toEqual({ tp: 0, fp: 0, fn: 2 });
    expect(result.perClass['hot dog']).toEqual({ tp: 0, fp: 1, fn: 0 });
    expect(result.perClass.remote).toEqual({ tp: 0, fp: 1, fn: 0 });
    expect(result.perClass.couch).toEqual({ tp: 1, fp: 0, fn: 0 });
    expect(result.perClass.giraffe).toEqual({ tp: 0, fp: 0, fn: 0 });
  });

  it('returns zeros when nothing is mentioned', () => {
    const result = objectPrecisionRecall([{ predicted: ['a blue sky'], references: ['clouds'] }]);
    expect(result).toMatchObject({ precision: 0, recall: 0, f1: 0, tp: 0, fp: 0, fn: 0 });
  });
});

describe('OCR word scores', () => {
  it('normalises words', () => {
    expect(normalizeOcrWord('(Hello,')).toBe('hello');
    expect(normalizeOcrWord('"STOP"')).toBe('stop');
    expect(normalizeOcrWord('$10.')).toBe('$10');
    expect(normalizeOcrWord('50%')).toBe('50%');
    expect(normalizeOcrWord('One-North')).toBe('one-north');
    expect(normalizeOcrWord('ＣＡＦＥ')).toBe('cafe'); // full-width folds via NFKC
    expect(normalizeOcrWord('...')).toBeNull();
    expect(normalizeOcrWord('&')).toBeNull();
  });

  it('matches multisets (min of counts)', () => {
    // "stop" x3 predicted, once in the reference: 1 match.
    const scores = ocrWordScores([{ predicted: 'STOP stop Stop!', reference: ['STOP'] }]);
    expect(scores).toMatchObject({ matched: 1, predictedWords: 3, referenceWords: 1, recall: 1 });
    expect(scores.precision).toBeCloseTo(1 / 3, 12);
    expect(scores.f1).toBeCloseTo(0.5, 12);

    const twice = ocrWordScores([{ predicted: 'exit', reference: ['EXIT', 'exit'] }]);
    expect(twice).toMatchObject({ matched: 1, predictedWords: 1, referenceWords: 2, recall: 0.5, precision: 1 });
  });

  it('drops punctuation-only words and keeps internal characters', () => {
    const scores = ocrWordScores([{
      predicted: 'Open 24/7! — (One-North) $10.',
      reference: ['OPEN', '24/7', 'one-north', '$10', 'Café'],
    }]);
    expect(scores).toMatchObject({ matched: 4, predictedWords: 4, referenceWords: 5, precision: 1 });
    expect(scores.recall).toBeCloseTo(0.8, 12);
  });

  it('micro-averages over images', () => {
    // Image 1: 1 of 2 reference words, 1 predicted. Image 2: 3 of 3, 6 predicted.
    // Micro recall 4/5 and precision 4/7 (a per-image mean would give 0.75 and 0.75).
    const scores = ocrWordScores([
      { predicted: 'sale', reference: ['SALE', 'today'] },
      { predicted: 'a b c x y z', reference: ['a', 'b c'] },
    ]);
    expect(scores).toMatchObject({ matched: 4, predictedWords: 7, referenceWords: 5 });
    expect(scores.recall).toBeCloseTo(4 / 5, 12);
    expect(scores.precision).toBeCloseTo(4 / 7, 12);
    expect(scores.f1).toBeCloseTo((2 * (4 / 5) * (4 / 7)) / (4 / 5 + 4 / 7), 12);
  });

  it('returns zeros for empty input', () => {
    expect(ocrWordScores([])).toEqual({
      recall: 0, precision: 0, f1: 0, matched: 0, predictedWords: 0, referenceWords: 0,
    });
  });
});
