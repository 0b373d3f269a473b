/**
 * Which COCO classes a German caption mentions: each token of the scoring
 * tokenizer read through the German name → class map the hallucination
 * guard uses (src/engine/caption/de/object-names.ts), so that a German
 * caption's named object counts as wrong exactly when no German reference
 * names its class. German writes compounds as one word ("Schäferhund"), so
 * there are no multi-word phrases to match as in English (objects.ts).
 */
import { germanClassOf } from '../engine/caption/de/object-names';
import { tokenizeCaption } from './tokenize';

export function mentionedCocoClassesDe(caption: string): Set<string> {
  const mentioned = new Set<string>();
  for (const token of tokenizeCaption(caption)) {
    const label = germanClassOf(token);
    if (label !== undefined) mentioned.add(label);
  }
  return mentioned;
}
