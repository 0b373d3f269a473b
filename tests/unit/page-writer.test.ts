// @vitest-environment happy-dom
import { beforeEach, describe, expect, it } from 'vitest';
import { createAltWriter } from '../../src/page/writer';

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
    expect(writer.write(element, 'A cat on a sofa', prefix)).toBe(true);
    expect(element.getAttribute('alt')).toBe('Auto-generated: A cat on a sofa');
    expect(element.getAttribute('data-lightcap')).toBe('generated');
    expect(writer.writtenAlt(element)).toBe('Auto-generated: A cat on a sofa');
    expect(writer.state(element)).toBe('generated');
  });

  it('writes text as an attribute value, never as markup', () => {
    const writer = createAltWriter();
    const element = image();
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
    writer.write(element, 'A green arrow', prefix);
    expect(element.getAttribute('alt')).toBe('Auto-generated: A green arrow');
    writer.restore(element);
    expect(element.hasAttribute('alt')).toBe(false);
  });

  it('rewrites with a new prefix', () => {
    const writer = createAltWriter();
    const element = image();
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
    writer.write(element, 'A cat', prefix);
    expect(writer.noteAltChange(element)).toBe('ours');
    element.setAttribute('alt', 'Our cat Tom');
    expect(writer.noteAltChange(element)).toBe('author');
    expect(element.getAttribute('alt')).toBe('Our cat Tom');
    expect(element.hasAttribute('data-lightcap')).toBe(false);
    expect(writer.writtenAlt(element)).toBeUndefined();
    expect(writer.noteAltChange(element)).toBe('untracked');
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
    first.write(element, 'A cat', prefix);
    expect(second.writtenAlt(element)).toBeUndefined();
    // Without a record, a generated marker cannot be undone and is left alone.
    expect(second.restore(element)).toBe(false);
    expect(element.getAttribute('alt')).toBe('Auto-generated: A cat');
  });
});
