// @vitest-environment happy-dom
import { afterEach, describe, expect, it, vi } from 'vitest';
import { clipboardText, createToastController, defaultToastLabels, localisedToastLabels, toastHostId } from '../../src/page/toast';
import type { ToastController, ToastHandle } from '../../src/page/toast';
import { englishLocaliser } from '../../src/shared/i18n';
import { germanLocaliser } from './i18n-helpers';

const hosts = () => document.querySelectorAll(`#${toastHostId}`);
const shadowOf = (handle: ToastHandle) => handle.dialog.getRootNode() as ShadowRoot;
const wait = (ms = 0) => new Promise((resolve) => setTimeout(resolve, ms));

function pageButton(): HTMLButtonElement {
  const button = document.createElement('button');
  button.textContent = 'Page button';
  document.body.append(button);
  button.focus();
  return button;
}

function must<T>(value: T | undefined): T {
  if (value === undefined) throw new Error('expected a toast');
  return value;
}

afterEach(() => {
  document.documentElement.querySelector(`#${toastHostId}`)?.remove();
  document.body.innerHTML = '';
  vi.restoreAllMocks();
});

describe('announcing', () => {
  it('creates an isolated host with a polite status region that says it is working', async () => {
    const toasts = createToastController(document, { announceDelayMs: 0 });
    const handle = must(toasts.show('t1', { state: 'working' }));
    expect(hosts()).toHaveLength(1);
    expect(handle.host.id).toBe(toastHostId);
    expect(handle.host.dataset.state).toBe('working');
    expect(handle.host.style.getPropertyValue('all')).toBe('initial');
    expect(handle.live.getAttribute('role')).toBe('status');
    expect(handle.live.getAttribute('aria-live')).toBe('polite');
    expect(handle.dialog.getAttribute('role')).toBe('dialog');
    // Set after insertion, so screen readers hear it as a change.
    expect(handle.status.textContent).toBe('');
    await wait(5);
    expect(handle.status.textContent).toBe('Describing image…');
    expect(handle.copyButton.hidden).toBe(true);
  });

  it('shows the description and the detected text, then moves focus to the toast', () => {
    pageButton();
    const toasts = createToastController(document, { announceDelayMs: 0 });
    toasts.show('t1', { state: 'working' });
    const handle = must(toasts.show('t1', { state: 'done', description: 'A shop front at night.', text: ['OPEN 24 HOURS', '  ', 'Pharmacy'] }));
    expect(hosts()).toHaveLength(1);
    expect(handle.host.dataset.state).toBe('done');
    expect(handle.description.textContent).toBe('A shop front at night.');
    expect(handle.description.hidden).toBe(false);
    expect([...handle.textList.children].map((item) => item.textContent)).toEqual(['OPEN 24 HOURS', 'Pharmacy']);
    expect(handle.textHeading.hidden).toBe(false);
    expect(handle.copyButton.hidden).toBe(false);
    expect(handle.live.contains(handle.description)).toBe(true);
    expect(document.activeElement).toBe(handle.host);
    expect(shadowOf(handle).activeElement).toBe(handle.dialog);
  });

  it('gives a result that follows its request at once (an unreadable image) to a region that has existed for the delay, so it is announced', async () => {
    const toasts = createToastController(document, { announceDelayMs: 30 });
    toasts.show('t1', { state: 'working' });
    const handle = must(toasts.show('t1', { state: 'error', error: 'LightCap cannot read this image.' }));
    // Focus moves at once; the words come when the region is old enough to announce a change.
    expect(document.activeElement).toBe(handle.host);
    expect(handle.status.textContent).toBe('');
    await wait(40);
    expect(handle.status.textContent).toBe('Could not describe the image: LightCap cannot read this image.');
    // A later result is written at once.
    toasts.show('t2', { state: 'working' });
    await wait(40);
    const later = must(toasts.show('t2', { state: 'done', description: 'A cat.', text: ['MEOW'] }));
    expect(later.description.textContent).toBe('A cat.');
    expect([...later.textList.children].map((item) => item.textContent)).toEqual(['MEOW']);
  });

  it('hides the text part when nothing was read', () => {
    const toasts = createToastController(document, { announceDelayMs: 0 });
    toasts.show('t1', { state: 'working' });
    const handle = must(toasts.show('t1', { state: 'done', description: 'A red car.' }));
    expect(handle.textHeading.hidden).toBe(true);
    expect(handle.textList.children).toHaveLength(0);
  });

  it('shows errors in the status region', () => {
    const toasts = createToastController(document, { announceDelayMs: 0 });
    toasts.show('t1', { state: 'working' });
    const handle = must(toasts.show('t1', { state: 'error', error: 'The image could not be read.' }));
    expect(handle.host.dataset.state).toBe('error');
    expect(handle.status.textContent).toBe('Could not describe the image: The image could not be read.');
    expect(handle.copyButton.hidden).toBe(true);
  });

  it('puts page-provided strings in as text, never markup', () => {
    const toasts = createToastController(document, { announceDelayMs: 0 });
    toasts.show('t1', { state: 'working' });
    const handle = must(toasts.show('t1', { state: 'done', description: '<img src=x onerror="alert(1)">', text: ['<b>bold</b>'] }));
    expect(handle.description.textContent).toBe('<img src=x onerror="alert(1)">');
    expect(shadowOf(handle).querySelector('img, b')).toBeNull();
  });
});

describe('one toast at a time', () => {
  it('replaces the toast for a new request and ignores late results of the old one', async () => {
    const toasts = createToastController(document, { announceDelayMs: 0 });
    toasts.show('t1', { state: 'working' });
    const second = must(toasts.show('t2', { state: 'working' }));
    expect(hosts()).toHaveLength(1);
    expect(toasts.show('t1', { state: 'done', description: 'Old result' })).toBeUndefined();
    expect(toasts.current()?.toastId).toBe('t2');
    await wait(5);
    expect(second.status.textContent).toBe('Describing image…');
    expect(second.description.textContent).toBe('');
  });

  it('keeps focus in the toast when a new request replaces a toast the user was in, and still returns it to the page', () => {
    const button = pageButton();
    const toasts = createToastController(document, { announceDelayMs: 0 });
    toasts.show('t1', { state: 'working' });
    toasts.show('t1', { state: 'done', description: 'A cat.' });
    const second = must(toasts.show('t2', { state: 'working' }));
    expect(document.activeElement).toBe(second.host);
    toasts.close();
    expect(document.activeElement).toBe(button);
  });

  it('shows no result for a toast this document never showed when it was asked for on the page before (or says not when)', () => {
    const button = pageButton();
    const toasts = createToastController(document, { announceDelayMs: 0, documentStartedAt: 1_000_000 });
    expect(toasts.show('t1', { state: 'done', description: 'A picture on the previous page.' }, 999_000)).toBeUndefined();
    expect(toasts.show('t1', { state: 'error', error: 'Timed out.' })).toBeUndefined();
    expect(hosts()).toHaveLength(0);
    expect(document.activeElement).toBe(button);
  });

  it('shows the result of a request made on this page while it was loading (its content script missed the working message)', () => {
    const toasts = createToastController(document, { announceDelayMs: 0, documentStartedAt: 1_000_000 });
    const handle = must(toasts.show('t1', { state: 'done', description: 'A cat.' }, 1_000_500));
    expect(handle.description.textContent).toBe('A cat.');
    // Not over another request's toast.
    toasts.show('t2', { state: 'working' });
    expect(toasts.show('t3', { state: 'done', description: 'A dog.' }, 1_000_600)).toBeUndefined();
    expect(toasts.current()?.toastId).toBe('t2');
  });

  it('does not bring back a toast the user closed', () => {
    const toasts = createToastController(document, { announceDelayMs: 0 });
    must(toasts.show('t1', { state: 'working' })).closeButton.click();
    expect(hosts()).toHaveLength(0);
    expect(toasts.show('t1', { state: 'done', description: 'Late' })).toBeUndefined();
    expect(hosts()).toHaveLength(0);
  });
});

describe('keyboard', () => {
  it('closes on Escape and gives focus back to where it was', () => {
    const button = pageButton();
    const toasts = createToastController(document, { announceDelayMs: 0 });
    toasts.show('t1', { state: 'working' });
    const handle = must(toasts.show('t1', { state: 'done', description: 'A cat.' }));
    expect(document.activeElement).toBe(handle.host);
    const escape = new KeyboardEvent('keydown', { key: 'Escape', bubbles: true, composed: true, cancelable: true });
    handle.dialog.dispatchEvent(escape);
    expect(escape.defaultPrevented).toBe(true);
    expect(hosts()).toHaveLength(0);
    expect(toasts.current()).toBeUndefined();
    expect(document.activeElement).toBe(button);
  });

  it('leaves focus where the user moved it while we worked, and the live region says the result', () => {
    pageButton();
    const toasts = createToastController(document, { announceDelayMs: 0 });
    toasts.show('t1', { state: 'working' });
    const comment = document.createElement('textarea');
    document.body.append(comment);
    comment.focus();
    const handle = must(toasts.show('t1', { state: 'done', description: 'A cat.' }));
    expect(document.activeElement).toBe(comment);
    expect(handle.live.contains(handle.description)).toBe(true);
    expect(handle.description.textContent).toBe('A cat.');
    const error = must(toasts.show('t2', { state: 'working' }) && toasts.show('t2', { state: 'error', error: 'Timed out.' }));
    expect(document.activeElement).toBe(comment);
    expect(error.status.textContent).toContain('Timed out.');
  });

  it('ignores other keys', () => {
    const toasts = createToastController(document, { announceDelayMs: 0 });
    const handle = must(toasts.show('t1', { state: 'working' }));
    handle.dialog.dispatchEvent(new KeyboardEvent('keydown', { key: 'Enter', bubbles: true }));
    expect(hosts()).toHaveLength(1);
  });

  it('closes with the Close button and returns focus', () => {
    const button = pageButton();
    const toasts = createToastController(document, { announceDelayMs: 0 });
    toasts.show('t1', { state: 'working' });
    const handle = must(toasts.show('t1', { state: 'done', description: 'A cat.' }));
    handle.closeButton.click();
    expect(hosts()).toHaveLength(0);
    expect(document.activeElement).toBe(button);
  });
});

describe('copy', () => {
  it('copies description and text with the injected clipboard and says so', async () => {
    const written: string[] = [];
    const toasts = createToastController(document, { writeClipboard: async (text) => void written.push(text) });
    toasts.show('t1', { state: 'working' });
    const handle = must(toasts.show('t1', { state: 'done', description: 'A sign.', text: ['NO PARKING', 'Mon–Fri'] }));
    handle.copyButton.click();
    await wait();
    expect(written).toEqual(['A sign.\n\nNO PARKING\nMon–Fri']);
    expect(handle.copyButton.textContent).toBe('Copied');
  });

  it('uses navigator.clipboard by default', async () => {
    const writeText = vi.spyOn(navigator.clipboard, 'writeText').mockResolvedValue(undefined);
    const toasts = createToastController(document, { announceDelayMs: 0 });
    toasts.show('t1', { state: 'working' });
    const handle = must(toasts.show('t1', { state: 'done', description: 'A sign.' }));
    expect(await handle.copy()).toBe(true);
    expect(writeText).toHaveBeenCalledWith('A sign.');
  });

  it('falls back to a hidden textarea and execCommand when the clipboard API refuses', async () => {
    vi.spyOn(navigator.clipboard, 'writeText').mockRejectedValue(new Error('denied'));
    const execCommand = vi.fn((command: string) => command === 'copy');
    Object.defineProperty(document, 'execCommand', { value: execCommand, configurable: true });
    const toasts = createToastController(document, { announceDelayMs: 0 });
    toasts.show('t1', { state: 'working' });
    const handle = must(toasts.show('t1', { state: 'done', description: 'A sign.' }));
    expect(await handle.copy()).toBe(true);
    expect(execCommand).toHaveBeenCalledWith('copy');
    expect(shadowOf(handle).querySelector('textarea')).toBeNull();
    Reflect.deleteProperty(document, 'execCommand');
  });

  it('reports a failed copy', async () => {
    const toasts = createToastController(document, { writeClipboard: () => Promise.reject(new Error('no')) });
    toasts.show('t1', { state: 'working' });
    const handle = must(toasts.show('t1', { state: 'done', description: 'A sign.' }));
    expect(await handle.copy()).toBe(false);
    expect(handle.copyButton.textContent).toBe('Copy failed');
  });

  it('formats clipboard text', () => {
    expect(clipboardText({ state: 'done', description: ' A sign. ', text: [' STOP '] })).toBe('A sign.\n\nSTOP');
    expect(clipboardText({ state: 'done', description: 'A sign.' })).toBe('A sign.');
    expect(clipboardText({ state: 'done', text: ['STOP'] })).toBe('STOP');
    // Our notice is no description: nothing to copy, or only the text read.
    expect(clipboardText({ state: 'done', notice: 'Nothing in this image was recognised with confidence.' })).toBe('');
    expect(clipboardText({ state: 'done', notice: 'Nothing in this image was recognised with confidence.', text: ['EXIT'] })).toBe('EXIT');
  });
});

describe('language', () => {
  const german = germanLocaliser('de-DE');
  const germanToasts = (options: { writeClipboard?: (text: string) => Promise<void> } = {}) =>
    createToastController(document, { announceDelayMs: 0, labels: localisedToastLabels(german.translate), lang: german.language, ...options });

  /** Roles, ARIA attributes and focusability of every element in the toast, in document order. */
  const semantics = (handle: ToastHandle) =>
    [handle.dialog, ...handle.dialog.querySelectorAll('*')].map((element) => [
      element.localName,
      ...[...element.attributes].filter((a) => a.name === 'role' || a.name.startsWith('aria-') || a.name === 'tabindex' || a.name === 'type').map((a) => `${a.name}=${a.value}`),
    ]);

  async function doneToast(toasts: ToastController) {
    toasts.show('t1', { state: 'working' });
    await wait(5);
    const working = must(toasts.current()).status.textContent;
    return { working, handle: must(toasts.show('t1', { state: 'done', description: 'Ein Hund.', text: ['HUND'] })) };
  }

  it('says everything in German when the browser is German', async () => {
    const { working, handle } = await doneToast(germanToasts());
    expect(working).toBe('Bild wird beschrieben …');
    expect(handle.textHeading.textContent).toBe('Text im Bild:');
    expect(handle.copyButton.textContent).toBe('Kopieren');
    expect(handle.closeButton.textContent).toBe('Schließen');
    expect(shadowOf(handle).querySelector('.title')?.textContent).toBe('LightCap Alt');
  });

  it('says copy results and errors in German', async () => {
    const toasts = germanToasts({ writeClipboard: () => Promise.reject(new Error('no')) });
    const { handle } = await doneToast(toasts);
    expect(await handle.copy()).toBe(false);
    expect(handle.copyButton.textContent).toBe('Kopieren fehlgeschlagen');
    toasts.show('t2', { state: 'working' });
    const failed = must(toasts.show('t2', { state: 'error', error: 'Zeitüberschreitung.' }));
    expect(failed.status.textContent).toBe('Das Bild konnte nicht beschrieben werden: Zeitüberschreitung.');
    toasts.show('t3', { state: 'working' });
    expect(must(toasts.show('t3', { state: 'error' })).status.textContent).toBe('Das Bild konnte nicht beschrieben werden: unbekannter Fehler');
  });

  it('marks its own words with their language, and keeps the page\'s for text read in the image', async () => {
    document.documentElement.lang = 'fr';
    const { handle } = await doneToast(germanToasts());
    expect(handle.dialog.lang).toBe('de-DE');
    expect(handle.description.lang).toBe('de-DE');
    expect(handle.textList.lang).toBe('fr');
    document.documentElement.removeAttribute('lang');
  });

  it('marks the description with the language descriptions are written in', async () => {
    const toasts = createToastController(document, { announceDelayMs: 0, labels: localisedToastLabels(german.translate), lang: 'de', descriptionLang: () => 'en' });
    const { handle } = await doneToast(toasts);
    expect(handle.dialog.lang).toBe('de');
    expect(handle.description.lang).toBe('en');
  });

  it('marks our notice that nothing was confident with the toast\'s language, not the descriptions\'', async () => {
    const toasts = createToastController(document, { announceDelayMs: 0, labels: localisedToastLabels(german.translate), lang: 'de', descriptionLang: () => 'en' });
    toasts.show('t2', { state: 'working' });
    await wait(5);
    const handle = must(toasts.show('t2', { state: 'done', notice: 'Nichts in diesem Bild wurde sicher erkannt.', text: [] }));
    expect(handle.description.textContent).toBe('Nichts in diesem Bild wurde sicher erkannt.');
    expect(handle.description.lang).toBe('de');
    expect(clipboardText({ state: 'done', notice: 'Nichts.', text: ['OPEN'] })).toBe('OPEN');
  });

  it('has the same roles and ARIA in German as in English', async () => {
    const english = semantics((await doneToast(createToastController(document, { announceDelayMs: 0 }))).handle);
    document.documentElement.querySelector(`#${toastHostId}`)?.remove();
    const inGerman = semantics((await doneToast(germanToasts())).handle);
    expect(inGerman).toEqual(english);
    expect(english.flat()).toEqual(expect.arrayContaining(['role=dialog', 'role=status', 'aria-live=polite']));
  });

  it('is English by default, from the same messages', () => {
    expect(localisedToastLabels(englishLocaliser.translate)).toEqual({ ...defaultToastLabels, error: expect.any(Function) });
    expect(defaultToastLabels.error('x')).toBe('Could not describe the image: x');
    expect(createToastController(document).show('t9', { state: 'working' })?.dialog.lang).toBe('en');
  });
});
