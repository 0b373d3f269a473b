// @vitest-environment happy-dom
import { beforeEach, describe, expect, it } from 'vitest';
import { createAltWriter } from '../../src/page/writer';
import { defaultSettings } from '../../src/settings/schema';
import { settingsForPage } from '../../src/settings/prefix';

const prefix = 'Auto-generated: ';

function image(html = '<img src="a.jpg">'): HTMLElement {
  document.body.innerHTML = html;
  const found = document.body.firstElementChild;
  if (!(found instanceof HTMLElement)) throw new Error('fixture');
  return found;
}

beforeEach(() => {
  document.body.innerHTML = '';
});

describe('writing', () => {
  it('writes prefix + description as alt and marks it generated', () => {
    const writer = createAltWriter();
    const element = image();
    writer.markPending(element);
    expect(writer.write(element, 'A cat on a sofa', prefix)).toBe(true);
    expect(element.getAttribute('alt')).toBe('Auto-generated: A cat on a sofa');
    expect(element.getAttribute('data-lightcap')).toBe('generated');
    expect(writer.writtenAlt(element)).toBe('Auto-generated: A cat on a sofa');
    expect(writer.state(element)).toBe('generated');
  });

  it('writes the German disclosure before German descriptions, and the prefix follows a change of language', () => {
    // What the content script hands the page: the settings with the prefix for the language descriptions are in.
    // (The description already written keeps its words until it is described again: the scanner's business.)
    const writer = createAltWriter();
    const element = image();
    writer.markPending(element);
    writer.write(element, 'Ein Hund auf einer Wiese.', settingsForPage(defaultSettings, 'de-DE').prefix);
    expect(element.getAttribute('alt')).toBe('Automatisch erstellt: Ein Hund auf einer Wiese.');
    writer.setPrefix(element, settingsForPage({ ...defaultSettings, descriptionLanguage: 'en' }, 'de-DE').prefix);
    expect(element.getAttribute('alt')).toBe('Auto-generated: Ein Hund auf einer Wiese.');
    writer.setPrefix(element, settingsForPage({ ...defaultSettings, prefix: 'KI: ' }, 'de-DE').prefix);
    expect(element.getAttribute('alt')).toBe('KI: Ein Hund auf einer Wiese.');
  });

  it('writes text as an attribute value, never as markup', () => {
    const writer = createAltWriter();
    const element = image();
    writer.markPending(element);
    writer.write(element, '<b onclick="x()">bold</b> & "quotes"', '');
    expect(element.getAttribute('alt')).toBe('<b onclick="x()">bold</b> & "quotes"');
    expect(element.children.length).toBe(0);
    expect(document.body.querySelector('b')).toBeNull();
  });

  it('marks pending without touching alt, then failed without leaving an alt of ours', () => {
    const writer = createAltWriter();
    const element = image();
    writer.markPending(element);
    expect(element.getAttribute('data-lightcap')).toBe('pending');
    expect(element.hasAttribute('alt')).toBe(false);
    writer.markFailed(element);
    expect(element.getAttribute('data-lightcap')).toBe('failed');
    expect(element.hasAttribute('alt')).toBe(false);
    expect(writer.writtenAlt(element)).toBeUndefined();
  });

  it('keeps a junk alt as it was when an image fails', () => {
    const writer = createAltWriter();
    const element = image('<img src="a.jpg" alt="IMG_1234.jpg">');
    writer.markPending(element);
    writer.markFailed(element);
    expect(element.getAttribute('alt')).toBe('IMG_1234.jpg');
  });

  it('works on <input type=image>', () => {
    const writer = createAltWriter();
    const element = image('<input type="image" src="go.png">');
    writer.markPending(element);
    writer.write(element, 'A green arrow', prefix);
    expect(element.getAttribute('alt')).toBe('Auto-generated: A green arrow');
    writer.restore(element);
    expect(element.hasAttribute('alt')).toBe(false);
  });

  it('rewrites with a new prefix', () => {
    const writer = createAltWriter();
    const element = image();
    writer.markPending(element);
    writer.write(element, 'A cat', prefix);
    expect(writer.setPrefix(element, 'AI: ')).toBe(true);
    expect(element.getAttribute('alt')).toBe('AI: A cat');
    expect(writer.writtenAlt(element)).toBe('AI: A cat');
    expect(writer.setPrefix(element, '')).toBe(true);
    expect(element.getAttribute('alt')).toBe('A cat');
    expect(writer.setPrefix(image(), 'AI: ')).toBe(false);
  });
});

describe('restoring', () => {
  it('removes the alt attribute when the author had none', () => {
    const writer = createAltWriter();
    const element = image();
    writer.markPending(element);
    writer.write(element, 'A cat', prefix);
    expect(writer.restore(element)).toBe(true);
    expect(element.hasAttribute('alt')).toBe(false);
    expect(element.hasAttribute('data-lightcap')).toBe(false);
    expect(writer.state(element)).toBeUndefined();
  });

  it('puts the junk value back', () => {
    const writer = createAltWriter();
    const element = image('<img src="a.jpg" alt="DSC_0042.JPG">');
    writer.markPending(element);
    writer.write(element, 'A beach', prefix);
    expect(element.getAttribute('alt')).toBe('Auto-generated: A beach');
    expect(writer.originalAlt(element)).toBe('DSC_0042.JPG');
    writer.restore(element);
    expect(element.getAttribute('alt')).toBe('DSC_0042.JPG');
  });

  it('removes a pending marker', () => {
    const writer = createAltWriter();
    const element = image();
    writer.markPending(element);
    writer.restore(element);
    expect(element.hasAttribute('data-lightcap')).toBe(false);
  });

  it('never clobbers an alt the author wrote after ours', () => {
    const writer = createAltWriter();
    const element = image();
    writer.markPending(element);
    writer.write(element, 'A cat', prefix);
    element.setAttribute('alt', 'Our cat Tom');
    writer.restore(element);
    expect(element.getAttribute('alt')).toBe('Our cat Tom');
    expect(element.hasAttribute('data-lightcap')).toBe(false);
  });
});

describe('author wins', () => {
  it('tells our own write from the author’s', () => {
    const writer = createAltWriter();
    const element = image();
    expect(writer.noteAltChange(element)).toBe('untracked');
    writer.markPending(element);
    writer.write(element, 'A cat', prefix);
    expect(writer.noteAltChange(element)).toBe('ours');
    element.setAttribute('alt', 'Our cat Tom');
    expect(writer.noteAltChange(element)).toBe('author');
    expect(element.getAttribute('alt')).toBe('Our cat Tom');
    expect(element.hasAttribute('data-lightcap')).toBe(false);
    expect(writer.writtenAlt(element)).toBeUndefined();
    expect(writer.noteAltChange(element)).toBe('untracked');
  });

  it('never takes an alt the author added while the element was queued as its new starting point', () => {
    // The scheduler marks a queued element pending again when it sends the request; the author's
    // alt, added in between and not yet seen by the scanner's observer, must still win.
    const writer = createAltWriter();
    const element = image();
    writer.markPending(element);
    element.setAttribute('alt', 'A dog on a beach');
    writer.markPending(element);
    expect(element.hasAttribute('data-lightcap')).toBe(false);
    expect(writer.noteAltChange(element)).toBe('untracked');
    expect(writer.write(element, 'A cat', prefix)).toBe(false);
    expect(element.getAttribute('alt')).toBe('A dog on a beach');
    writer.markUnsure(element);
    writer.markFailed(element);
    expect(element.getAttribute('alt')).toBe('A dog on a beach');
  });

  it('writes only over an element it marked pending', () => {
    const writer = createAltWriter();
    const element = image();
    element.setAttribute('alt', 'A dog on a beach');
    expect(writer.write(element, 'A cat', prefix)).toBe(false);
    expect(element.getAttribute('alt')).toBe('A dog on a beach');
  });

  it('does not write over an alt the author added while we were working', () => {
    const writer = createAltWriter();
    const element = image();
    writer.markPending(element);
    element.setAttribute('alt', 'Our cat Tom');
    expect(writer.write(element, 'A cat', prefix)).toBe(false);
    expect(element.getAttribute('alt')).toBe('Our cat Tom');
    expect(element.hasAttribute('data-lightcap')).toBe(false);
  });

  it('keeps state per writer: another writer never saw the element', () => {
    const first = createAltWriter();
    const second = createAltWriter();
    const element = image();
    first.markPending(element);
    first.write(element, 'A cat', prefix);
    expect(second.writtenAlt(element)).toBeUndefined();
    // Without a record, a generated marker cannot be undone and is left alone.
    expect(second.restore(element)).toBe(false);
    expect(element.getAttribute('alt')).toBe('Auto-generated: A cat');
  });
});

describe('unsure', () => {
  it('marks unsure without leaving text of ours, and restore drops the marker', () => {
    const writer = createAltWriter();
    const element = image('<img src="a.jpg" alt="IMG_1234.jpg">');
    writer.markPending(element);
    writer.write(element, 'A beach', prefix);
    writer.markUnsure(element);
    expect(element.getAttribute('data-lightcap')).toBe('unsure');
    expect(element.getAttribute('alt')).toBe('IMG_1234.jpg');
    expect(writer.state(element)).toBe('unsure');
    expect(writer.writtenAlt(element)).toBeUndefined();
    expect(writer.restore(element)).toBe(true);
    expect(element.hasAttribute('data-lightcap')).toBe(false);
    expect(element.getAttribute('alt')).toBe('IMG_1234.jpg');
  });

  it('drops an unsure marker left by another writer, like a failed one', () => {
    const element = image('<img src="a.jpg" data-lightcap="unsure">');
    expect(createAltWriter().restore(element)).toBe(false);
    expect(element.hasAttribute('data-lightcap')).toBe(false);
  });
});

describe('aria-label targets', () => {
  const targets = {
    'a role=img element': '<div role="img" style="background-image:url(a.png)"></div>',
    'an <svg role=img>': '<svg role="img" viewBox="0 0 1 1"><rect width="1" height="1"/></svg>',
  };

  it.each(Object.entries(targets))('writes %s’s description into aria-label, never alt, and restores an absent one as absent', (_name, html) => {
    document.body.innerHTML = html;
    const element = document.body.firstElementChild;
    if (!element) throw new Error('fixture');
    const writer = createAltWriter();
    writer.markPending(element);
    expect(element.hasAttribute('aria-label')).toBe(false);
    expect(writer.write(element, 'A red square', prefix)).toBe(true);
    expect(element.getAttribute('aria-label')).toBe('Auto-generated: A red square');
    expect(element.getAttribute('data-lightcap')).toBe('generated');
    expect(element.hasAttribute('alt')).toBe(false);
    expect(writer.setPrefix(element, 'AI: ')).toBe(true);
    expect(element.getAttribute('aria-label')).toBe('AI: A red square');
    writer.restore(element);
    expect(element.hasAttribute('aria-label')).toBe(false);
    expect(element.hasAttribute('data-lightcap')).toBe(false);
  });

  it('puts back a blank aria-label exactly', () => {
    document.body.innerHTML = '<div role="img" aria-label=" " style="background-image:url(a.png)"></div>';
    const element = document.body.firstElementChild;
    if (!element) throw new Error('fixture');
    const writer = createAltWriter();
    writer.markPending(element);
    writer.write(element, 'A cat', prefix);
    expect(writer.originalAlt(element)).toBe(' ');
    writer.markFailed(element);
    expect(element.getAttribute('aria-label')).toBe(' ');
    writer.write(element, 'A cat', prefix);
    writer.restore(element);
    expect(element.getAttribute('aria-label')).toBe(' ');
  });

  it('lets the author’s aria-label win', () => {
    document.body.innerHTML = '<svg role="img" viewBox="0 0 1 1"></svg>';
    const element = document.body.firstElementChild;
    if (!element) throw new Error('fixture');
    const writer = createAltWriter();
    writer.markPending(element);
    writer.write(element, 'A cat', prefix);
    expect(writer.noteAltChange(element)).toBe('ours');
    element.setAttribute('aria-label', 'Company logo');
    expect(writer.noteAltChange(element)).toBe('author');
    expect(element.getAttribute('aria-label')).toBe('Company logo');
    expect(element.hasAttribute('data-lightcap')).toBe(false);
    writer.markPending(element);
    element.setAttribute('aria-label', 'Logo');
    expect(writer.write(element, 'A cat', prefix)).toBe(false);
    expect(element.getAttribute('aria-label')).toBe('Logo');
  });
});
