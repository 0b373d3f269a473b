import { captionAttributeOf, markerAttribute } from './targets';
import type { CaptionAttribute } from './targets';

/**
 * Writes generated text alternatives into the page and takes them back: `alt`
 * on `<img>` and `<input type=image>`, `aria-label` on role=img elements and
 * `<svg role=img>`. Text only ever goes in through setAttribute, never as
 * markup. What the author had is kept per element so that `restore` puts back
 * exactly that (an absent attribute stays absent), and so that a text the
 * author writes later always wins over ours.
 *
 * The method names say "alt" for the text alternative, whichever attribute
 * holds it on the element.
 */

/** Values of `data-lightcap`, for page styles, tests and debugging. */
export type LightcapState =
  | 'pending'
  | 'generated'
  | 'failed'
  /** The engine answered, but nothing it found was confident enough to say. */
  | 'unsure';

/** States that carry no text of ours: the author's value is in place. */
type WithoutOurText = 'pending' | 'failed' | 'unsure';

export interface AltWriter {
  /**
   * Queued or being described. Leaves the text alternative alone. An element
   * whose text the author changed since we first looked is forgotten instead.
   */
  markPending(element: Element): void;
  /**
   * Sets the text alternative to `prefix + description`. Returns false, and
   * forgets the element, when the author changed it since we first looked
   * (the author wins) or when it was never marked pending.
   */
  write(element: Element, description: string, prefix: string): boolean;
  /** Gives the author's value back (nothing of ours stays) and marks the element failed. */
  markFailed(element: Element): void;
  /** Gives the author's value back and marks the element unsure: described, but with nothing confident to say. */
  markUnsure(element: Element): void;
  /**
   * Puts back what the author had: removes the attribute if there was none,
   * or the junk value it was. Leaves a value the author wrote after ours
   * alone. Returns true when the element was ours.
   */
  restore(element: Element): boolean;
  /** Rewrites a text we wrote with a new prefix. Returns false when the element carries no text of ours. */
  setPrefix(element: Element, prefix: string): boolean;
  /** The text we wrote on the element, if it still is ours. */
  writtenAlt(element: Element): string | undefined;
  /** The value the author had before we touched the element: null for none, undefined when we never touched it. */
  originalAlt(element: Element): string | null | undefined;
  state(element: Element): LightcapState | undefined;
  /**
   * For a MutationObserver that saw the element's text alternative change:
   * 'ours' when the value is the one we wrote (or the untouched original);
   * 'author' when the author wrote something else, in which case our state
   * and marker are dropped; 'untracked' when we never touched the element.
   */
  noteAltChange(element: Element): 'ours' | 'author' | 'untracked';
  /** Drops our state and marker without touching the text alternative. */
  forget(element: Element): void;
  /**
   * Takes on a text marked as ours that this writer did not write (a copy of
   * an image we described, made by the page's scripts, or the text of an
   * earlier instance of the content script), so that `restore` can take it
   * away: the element then gets no text alternative, as before we wrote.
   */
  adopt(element: Element): void;
}

interface ElementRecord {
  /** Which attribute holds the text alternative on this element. */
  attribute: CaptionAttribute;
  /** The author's value before we touched the element; null: no attribute. */
  original: string | null;
  state: LightcapState;
  description?: string;
  written?: string;
}

export function createAltWriter(): AltWriter {
  const records = new WeakMap<Element, ElementRecord>();

  const remember = (element: Element): ElementRecord => {
    let record = records.get(element);
    if (!record) {
      const attribute = captionAttributeOf(element);
      record = { attribute, original: element.getAttribute(attribute), state: 'pending' };
      records.set(element, record);
    }
    return record;
  };

  /** Only when it differs: a write of the same value is still a mutation the page's observers (and ours) see. */
  const putBackOriginal = (element: Element, record: ElementRecord) => {
    if (element.getAttribute(record.attribute) === record.original) return;
    if (record.original === null) element.removeAttribute(record.attribute);
    else element.setAttribute(record.attribute, record.original);
  };

  /** Is the value on the page still the one we last left there? */
  const unchanged = (element: Element, record: ElementRecord) => {
    const current = element.getAttribute(record.attribute);
    return record.state === 'generated' ? current === record.written : current === record.original;
  };

  const forget = (element: Element) => {
    records.delete(element);
    element.removeAttribute(markerAttribute);
  };

  /**
   * Pending, failed and unsure elements carry no text of ours: put back the author's first.
   * If the author changed the value since we first looked, the element is theirs: we let go
   * of it, and never take their value as a new starting point (a later write would then
   * find it "unchanged" and replace it).
   */
  const mark = (element: Element, state: WithoutOurText) => {
    const existing = records.get(element);
    if (existing && !unchanged(element, existing)) {
      forget(element);
      return;
    }
    const record = existing ?? remember(element);
    if (record.state === 'generated') putBackOriginal(element, record);
    record.state = state;
    delete record.written;
    delete record.description;
    element.setAttribute(markerAttribute, state);
  };

  const markersWithoutText: readonly string[] = ['pending', 'failed', 'unsure'] satisfies WithoutOurText[];

  return {
    markPending(element) {
      mark(element, 'pending');
    },

    write(element, description, prefix) {
      // Only over a value we saw when the element was marked pending, and that is still there.
      const record = records.get(element);
      if (!record || !unchanged(element, record)) {
        forget(element);
        return false;
      }
      const text = prefix + description;
      record.state = 'generated';
      record.description = description;
      record.written = text;
      element.setAttribute(record.attribute, text);
      element.setAttribute(markerAttribute, 'generated');
      return true;
    },

    markFailed(element) {
      mark(element, 'failed');
    },

    markUnsure(element) {
      mark(element, 'unsure');
    },

    restore(element) {
      const record = records.get(element);
      if (!record) {
        // A pending/failed/unsure marker never changed the text, so dropping
        // it is safe even without a record; a stray "generated" one we cannot undo.
        if (markersWithoutText.includes(element.getAttribute(markerAttribute) ?? '')) element.removeAttribute(markerAttribute);
        return false;
      }
      if (unchanged(element, record)) putBackOriginal(element, record);
      forget(element);
      return true;
    },

    setPrefix(element, prefix) {
      const record = records.get(element);
      if (!record || record.state !== 'generated' || record.description === undefined || !unchanged(element, record)) return false;
      const text = prefix + record.description;
      if (text === record.written) return true;
      record.written = text;
      element.setAttribute(record.attribute, text);
      return true;
    },

    writtenAlt(element) {
      const record = records.get(element);
      return record?.state === 'generated' ? record.written : undefined;
    },

    originalAlt(element) {
      return records.get(element)?.original;
    },

    state(element) {
      return records.get(element)?.state;
    },

    noteAltChange(element) {
      const record = records.get(element);
      if (!record) return 'untracked';
      if (unchanged(element, record)) return 'ours';
      forget(element);
      return 'author';
    },

    forget,

    adopt(element) {
      if (records.has(element) || element.getAttribute(markerAttribute) !== 'generated') return;
      const attribute = captionAttributeOf(element);
      const written = element.getAttribute(attribute);
      if (written === null) return;
      records.set(element, { attribute, original: null, state: 'generated', written });
    },
  };
}
