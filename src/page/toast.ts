import type { ToastContent } from '../messaging/protocol';
import { englishLocaliser } from '../shared/i18n';
import type { Translate } from '../shared/i18n';

/**
 * The in-page toast for "Describe image with LightCap". It lives in a closed
 * shadow root so page styles and scripts cannot restyle or read it, and every
 * piece of text goes in through textContent. Its words come in as labels:
 * page code reaches no browser API, so entrypoints/content.ts reads them from
 * browser.i18n (localisedToastLabels) and says which language they are in.
 */

export const toastHostId = 'lightcap-toast-host';

export interface ToastLabels {
  title: string;
  working: string;
  textHeading: string;
  copy: string;
  copied: string;
  copyFailed: string;
  close: string;
  /** The status line for a failed description, with its reason. */
  error: (reason: string) => string;
  /** The reason when none came. */
  unknownError: string;
}

/** The toast's words in the localiser's language; the product name is never translated. */
export function localisedToastLabels(translate: Translate): ToastLabels {
  return {
    title: 'LightCap Alt',
    working: translate('toastWorking'),
    textHeading: translate('toastTextHeading'),
    copy: translate('toastCopy'),
    copied: translate('toastCopied'),
    copyFailed: translate('toastCopyFailed'),
    close: translate('toastClose'),
    error: (reason) => translate('toastError', { error: reason }),
    unknownError: translate('toastUnknownError'),
  };
}

export const defaultToastLabels: ToastLabels = localisedToastLabels(englishLocaliser.translate);

export interface ToastOptions {
  labels?: Partial<ToastLabels>;
  /**
   * The language of the labels, set as the toast's `lang` so a screen reader
   * reads them with the right voice whatever the page's language. Absent: English.
   */
  lang?: string;
  /** The language descriptions are written in now (a setting, so read at each result). Absent: that of the labels. */
  descriptionLang?: () => string;
  /** Defaults to navigator.clipboard.writeText, then a hidden textarea and execCommand('copy'). */
  writeClipboard?: (text: string) => Promise<void>;
  /**
   * A live region announces changes, not what it held when inserted, so the
   * first message is set this long after the region is in the page.
   */
  announceDelayMs?: number;
  /** When this document began (epoch ms; `performance.timeOrigin`): a result asked for before it belongs to another page. */
  documentStartedAt?: number;
}

/** The toast's parts. The shadow root is closed, so tests and the entrypoint reach them through this. */
export interface ToastHandle {
  toastId: string;
  host: HTMLElement;
  dialog: HTMLElement;
  /** role=status, aria-live=polite: the status line, then the description and the text. */
  live: HTMLElement;
  status: HTMLElement;
  description: HTMLElement;
  textHeading: HTMLElement;
  textList: HTMLElement;
  copyButton: HTMLButtonElement;
  closeButton: HTMLButtonElement;
  /** Copies description and text; resolves to whether the copy worked. */
  copy(): Promise<boolean>;
}

export interface ToastController {
  /**
   * Shows or updates the toast. A 'working' message for a new id replaces the
   * current toast; results for an id that is not the current one (an older
   * request, a toast the user closed) are ignored and return undefined, as is
   * one this document never showed unless it was asked for (`requestedAt`,
   * epoch ms) after this document began: the page was still loading, and
   * missed the 'working' message.
   */
  show(toastId: string, content: ToastContent, requestedAt?: number): ToastHandle | undefined;
  /** Closes the toast; focus goes back where it was if it was inside the toast. */
  close(): void;
  current(): ToastHandle | undefined;
}

/** A toast as the controller keeps it: what it last showed, and when it was put on the page. */
type ShownToast = ToastHandle & { lastContent: ToastContent; shownAt: number };

const styles = `
:host { all: initial; }
.toast {
  position: fixed; right: 16px; bottom: 16px; z-index: 2147483647;
  box-sizing: border-box; max-width: min(28rem, calc(100vw - 32px)); max-height: calc(100vh - 32px); overflow: auto;
  padding: 12px 14px; border-radius: 8px; border: 2px solid #ffffff;
  background: #1d1d22; color: #ffffff; box-shadow: 0 4px 18px rgba(0, 0, 0, 0.35);
  font: 15px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; text-align: start;
}
.toast:focus { outline: 3px solid #8ab4ff; outline-offset: 2px; }
.title { margin: 0 0 6px; font-size: 13px; font-weight: 600; letter-spacing: 0.02em; color: #d8d8e0; }
.description { margin: 0; white-space: pre-wrap; overflow-wrap: anywhere; }
.text-heading { margin: 8px 0 2px; font-weight: 600; }
.text-list { margin: 0; padding-inline-start: 1.2em; overflow-wrap: anywhere; }
.actions { display: flex; gap: 8px; justify-content: flex-end; margin-top: 10px; }
button {
  font: inherit; cursor: pointer; padding: 4px 12px; min-height: 32px; border-radius: 6px;
  border: 1px solid #ffffff; background: #ffffff; color: #1d1d22;
}
button.secondary { background: transparent; color: #ffffff; }
button:focus-visible { outline: 3px solid #8ab4ff; outline-offset: 2px; }
[hidden] { display: none !important; }
@media (forced-colors: active) {
  .toast { border-color: CanvasText; }
  button { border-color: ButtonText; }
}
`;

export function createToastController(document: Document, options: ToastOptions = {}): ToastController {
  const labels: ToastLabels = { ...defaultToastLabels, ...options.labels };
  const language = options.lang ?? 'en';
  const announceDelayMs = options.announceDelayMs ?? 100;
  const documentStartedAt = options.documentStartedAt ?? document.defaultView?.performance.timeOrigin ?? 0;
  /** Ids the user closed: their late results must not bring the toast back. */
  const closedIds = new Set<string>();
  let current: ShownToast | undefined;
  let returnFocusTo: Element | null = null;
  let announceTimer: ReturnType<typeof setTimeout> | undefined;

  const view = document.defaultView;

  const writeClipboard = async (text: string, handle: ToastHandle): Promise<void> => {
    if (options.writeClipboard) return options.writeClipboard(text);
    const clipboard = view?.navigator.clipboard;
    if (clipboard) {
      try {
        await clipboard.writeText(text);
        return;
      } catch {
        // Denied without a user gesture or by a permissions policy: try the old way.
      }
    }
    if (!copyWithTextarea(handle.dialog, text, handle.copyButton)) throw new Error('copy failed');
  };

  const focusInside = (handle: ToastHandle) => document.activeElement === handle.host;
  /** Focus is somewhere other than the toast, the page's body, or where it was when the request came. */
  const movedOnSince = (handle: ToastHandle) => {
    const active = document.activeElement;
    return active !== null && active !== document.body && active !== returnFocusTo && !focusInside(handle);
  };

  const remove = (restoreFocus: boolean) => {
    if (announceTimer !== undefined) clearTimeout(announceTimer);
    announceTimer = undefined;
    if (!current) return;
    const handle = current;
    const hadFocus = focusInside(handle);
    handle.host.remove();
    current = undefined;
    if (restoreFocus && hadFocus && returnFocusTo && returnFocusTo.isConnected && 'focus' in returnFocusTo) {
      (returnFocusTo as HTMLElement).focus({ preventScroll: true });
    }
    returnFocusTo = null;
  };

  const close = () => {
    if (current) closedIds.add(current.toastId);
    remove(true);
  };

  const build = (toastId: string): ShownToast => {
    document.getElementById(toastHostId)?.remove();
    const host = document.createElement('div');
    host.id = toastHostId;
    host.style.setProperty('all', 'initial', 'important');
    const shadow = host.attachShadow({ mode: 'closed' });
    addStyles(shadow, styles);

    const make = <K extends keyof HTMLElementTagNameMap>(tag: K, className?: string): HTMLElementTagNameMap[K] => {
      const element = document.createElement(tag);
      if (className) element.className = className;
      return element;
    };

    const dialog = make('div', 'toast');
    dialog.setAttribute('role', 'dialog');
    dialog.setAttribute('aria-modal', 'false');
    dialog.tabIndex = -1;
    dialog.lang = language;
    const title = make('p', 'title');
    title.id = 'lightcap-toast-title';
    title.textContent = labels.title;
    dialog.setAttribute('aria-labelledby', title.id);

    const live = make('div', 'live');
    live.setAttribute('role', 'status');
    live.setAttribute('aria-live', 'polite');
    live.setAttribute('aria-atomic', 'true');
    const status = make('p', 'description');
    const description = make('p', 'description');
    description.setAttribute('dir', 'auto');
    description.hidden = true;
    const textHeading = make('p', 'text-heading');
    textHeading.textContent = labels.textHeading;
    textHeading.hidden = true;
    const textList = make('ul', 'text-list');
    textList.setAttribute('dir', 'auto');
    // Text read in the image is as the page wrote it: the page's language is the best guess, as before the toast had its own.
    textList.lang = document.documentElement.lang;
    textList.hidden = true;
    live.append(status, description, textHeading, textList);

    const actions = make('div', 'actions');
    const copyButton = make('button');
    copyButton.type = 'button';
    copyButton.textContent = labels.copy;
    copyButton.hidden = true;
    const closeButton = make('button', 'secondary');
    closeButton.type = 'button';
    closeButton.textContent = labels.close;
    actions.append(copyButton, closeButton);

    dialog.append(title, live, actions);
    shadow.append(dialog);

    const handle: ShownToast = {
      toastId,
      host,
      dialog,
      live,
      status,
      description,
      textHeading,
      textList,
      copyButton,
      closeButton,
      lastContent: { state: 'working' },
      shownAt: Date.now(),
      async copy() {
        const text = clipboardText(handle.lastContent);
        if (!text) return false;
        let copied = true;
        try {
          await writeClipboard(text, handle);
        } catch {
          copied = false;
        }
        if (current === handle) copyButton.textContent = copied ? labels.copied : labels.copyFailed;
        return copied;
      },
    };

    copyButton.addEventListener('click', () => void handle.copy());
    closeButton.addEventListener('click', () => close());
    dialog.addEventListener('keydown', (event) => {
      if (event.key !== 'Escape') return;
      event.stopPropagation();
      event.preventDefault();
      close();
    });

    // The documentElement, not body: single-page apps replace body wholesale.
    document.documentElement.append(host);
    return handle;
  };

  const render = (handle: ShownToast, content: ToastContent) => {
    handle.lastContent = content;
    handle.host.dataset.state = content.state;
    if (announceTimer !== undefined) clearTimeout(announceTimer);
    announceTimer = undefined;
    const done = content.state === 'done';
    handle.copyButton.hidden = !done || clipboardText(content) === '';
    handle.copyButton.textContent = labels.copy;

    const working = content.state === 'working';
    // Focus first, then change the live region, so the region's polite
    // announcement queues after the focus announcement instead of being cut off by it.
    // Not when the user has moved on while we worked (typing in a comment box): the live
    // region says the result, and focus stays where they are.
    if (!working && !movedOnSince(handle)) handle.dialog.focus({ preventScroll: true });
    const say = () => (working ? (handle.status.textContent = labels.working) : fillLiveRegion(handle, content));
    // Text that arrives with its region is not announced: the region must have existed for the delay
    // first. The working status always waits (a timer, even of 0); a result (a cached one, an unreadable
    // image) only what is left of the delay.
    const wait = working ? announceDelayMs : announceDelayMs - (Date.now() - handle.shownAt);
    if (!working && wait <= 0) {
      say();
      return;
    }
    fillLiveRegion(handle, { state: 'working' });
    announceTimer = setTimeout(() => {
      announceTimer = undefined;
      if (current === handle && handle.lastContent === content) say();
    }, wait);
  };

  /** What the live region says: nothing while working (the status comes later), the description and text, or the error. */
  const fillLiveRegion = (handle: ToastHandle, content: ToastContent) => {
    const lines = (content.text ?? []).map((line) => line.trim()).filter(Boolean);
    const done = content.state === 'done';
    handle.description.hidden = !done;
    handle.textHeading.hidden = !done || lines.length === 0;
    handle.textList.hidden = !done || lines.length === 0;
    handle.textList.replaceChildren(
      ...(done ? lines : []).map((line) => {
        const item = document.createElement('li');
        item.textContent = line;
        return item;
      }),
    );
    if (content.state === 'working') {
      handle.status.hidden = false;
      handle.status.textContent = '';
      handle.description.textContent = '';
    } else if (done) {
      handle.status.hidden = true;
      handle.status.textContent = '';
      // A description is in the descriptions' language; our notice that there is none is in the toast's.
      const description = content.description?.trim();
      handle.description.textContent = description ?? content.notice?.trim() ?? '';
      handle.description.lang = description !== undefined ? (options.descriptionLang?.() ?? language) : language;
    } else {
      handle.status.hidden = false;
      handle.status.textContent = labels.error(content.error?.trim() || labels.unknownError);
    }
  };

  return {
    show(toastId, content, requestedAt) {
      if (closedIds.has(toastId)) return undefined;
      if (!current || current.toastId !== toastId) {
        // Only a new request makes a toast; a late result of an older one does not, nor one of a
        // request made on the page this tab showed before this one.
        const askedHere = requestedAt !== undefined && requestedAt >= documentStartedAt;
        if (content.state !== 'working' && (current !== undefined || !askedHere)) return undefined;
        const active = document.activeElement;
        const previousFocus = current ? returnFocusTo : active && active !== document.body ? active : null;
        // The user was in the old toast: focus stays in the toast, not dropped to the page's body.
        const keepFocus = current !== undefined && focusInside(current);
        remove(false);
        returnFocusTo = previousFocus;
        current = build(toastId);
        if (keepFocus) current.dialog.focus({ preventScroll: true });
      }
      render(current, content);
      return current;
    },
    close,
    current: () => current,
  };
}

/**
 * What Copy puts on the clipboard: the description, then the text read in
 * the image. Never our notice that nothing was confident: an author drafting
 * alt text could paste it as the image's alt.
 */
export function clipboardText(content: ToastContent): string {
  const description = content.description?.trim() ?? '';
  const lines = (content.text ?? []).map((line) => line.trim()).filter(Boolean);
  if (lines.length === 0) return description;
  return [description, lines.join('\n')].filter(Boolean).join('\n\n');
}

function addStyles(shadow: ShadowRoot, css: string): void {
  const view = shadow.ownerDocument.defaultView;
  // A constructed sheet is not subject to the page's style-src CSP; a <style>
  // element is the fallback where constructing one fails (some Firefox content-script contexts).
  try {
    if (view && 'adoptedStyleSheets' in shadow) {
      const sheet = new view.CSSStyleSheet();
      sheet.replaceSync(css);
      shadow.adoptedStyleSheets = [sheet];
      return;
    }
  } catch {
    // fall through
  }
  const style = shadow.ownerDocument.createElement('style');
  style.textContent = css;
  shadow.append(style);
}

function copyWithTextarea(container: HTMLElement, text: string, refocus: HTMLElement): boolean {
  const document = container.ownerDocument;
  const area = document.createElement('textarea');
  area.value = text;
  area.setAttribute('readonly', '');
  area.setAttribute('aria-hidden', 'true');
  area.tabIndex = -1;
  area.style.setProperty('position', 'fixed');
  area.style.setProperty('opacity', '0');
  area.style.setProperty('pointer-events', 'none');
  container.append(area);
  area.select();
  let copied = false;
  try {
    copied = document.execCommand('copy');
  } catch {
    copied = false;
  }
  area.remove();
  // select() moved focus into the textarea; give it back to the button the user pressed.
  refocus.focus({ preventScroll: true });
  return copied;
}
