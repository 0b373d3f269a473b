import { markerAttribute } from './qualify';

/**
 * Writes generated alt text into the page and takes it back. Text only ever
 * goes in through setAttribute, never as markup. What the author had is kept
 * per element so that `restore` puts back exactly that, and so that an alt
 * the author writes later always wins over ours.
 */

/** Values of `data-lightcap`, for page styles, tests and debugging. */
export type LightcapState = 'pending' | 'generated' | 'failed';

export interface AltWriter {
  /** Queued or being described. Leaves alt alone. */
  markPending(element: Element): void;
  /**
   * Sets alt to `prefix + description`. Returns false, and forgets the
   * element, when the author changed alt since we first looked (the author wins).
   */
  write(element: Element, description: string, prefix: string): boolean;
  /** Gives the author's alt back (nothing of ours stays) and marks the element failed. */
  markFailed(element: Element): void;
  /**
   * Puts back what the author had: removes alt if there was none, or the
   * junk value it was. Leaves an alt the author wrote after ours alone.
   * Returns true when the element was ours.
   */
  restore(element: Element): boolean;
  /** Rewrites an alt we wrote with a new prefix. Returns false when the element carries no alt of ours. */
  setPrefix(element: Element, prefix: string): boolean;
  /** The alt we wrote on the element, if it still is ours. */
  writtenAlt(element: Element): string | undefined;
  /** The alt the author had before we touched the element: null for none, undefined when we never touched it. */
  originalAlt(element: Element): string | null | undefined;
  state(element: Element): LightcapState | undefined;
  /**
   * For a MutationObserver that saw alt change: 'ours' when the value is the
   * one we wrote (or the untouched original); 'author' when the author wrote
   * something else, in which case our state and marker are dropped;
   * 'untracked' when we never touched the element.
   */
  noteAltChange(element: Element): 'ours' | 'author' | 'untracked';
  /** Drops our state and marker without touching alt. */
  forget(element: Element): void;
}

interface ElementRecord {
  /** The author's alt before we touched the element; null: no attribute. */
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
      record = { original: element.getAttribute('alt'), state: 'pending' };
      records.set(element, record);
    }
    return record;
  };

  const putBackOriginal = (element: Element, record: ElementRecord) => {
    if (record.original === null) element.removeAttribute('alt');
    else element.setAttribute('alt', record.original);
  };

  /** Is the alt on the page still the one we last left there? */
  const altUnchanged = (element: Element, record: ElementRecord) => {
    const current = element.getAttribute('alt');
    return record.state === 'generated' ? current === record.written : current === record.original;
  };

  const forget = (element: Element) => {
    records.delete(element);
    element.removeAttribute(markerAttribute);
  };

  /** The record, unless the author changed alt behind our back: then what is there now is the author's. */
  const rememberAfresh = (element: Element): ElementRecord => {
    const record = records.get(element);
    if (record && !altUnchanged(element, record)) records.delete(element);
    return remember(element);
  };

  /** Pending and failed images carry no alt of ours: put back the author's first. */
  const mark = (element: Element, state: 'pending' | 'failed') => {
    const record = rememberAfresh(element);
    if (record.state === 'generated') putBackOriginal(element, record);
    record.state = state;
    delete record.written;
    delete record.description;
    element.setAttribute(markerAttribute, state);
  };

  return {
    markPending(element) {
      mark(element, 'pending');
    },

    write(element, description, prefix) {
      const record = remember(element);
      if (!altUnchanged(element, record)) {
        forget(element);
        return false;
      }
      const alt = prefix + description;
      record.state = 'generated';
      record.description = description;
      record.written = alt;
      element.setAttribute('alt', alt);
      element.setAttribute(markerAttribute, 'generated');
      return true;
    },

    markFailed(element) {
      mark(element, 'failed');
    },

    restore(element) {
      const record = records.get(element);
      if (!record) {
        // A pending/failed marker never changed alt, so dropping it is safe
        // even without a record; a stray "generated" one we cannot undo.
        const marker = element.getAttribute(markerAttribute);
        if (marker === 'pending' || marker === 'failed') element.removeAttribute(markerAttribute);
        return false;
      }
      if (altUnchanged(element, record)) putBackOriginal(element, record);
      forget(element);
      return true;
    },

    setPrefix(element, prefix) {
      const record = records.get(element);
      if (!record || record.state !== 'generated' || record.description === undefined || !altUnchanged(element, record)) return false;
      const alt = prefix + record.description;
      if (alt === record.written) return true;
      record.written = alt;
      element.setAttribute('alt', alt);
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
      if (altUnchanged(element, record)) return 'ours';
      forget(element);
      return 'author';
    },

    forget,
  };
}
