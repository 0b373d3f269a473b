// @vitest-environment happy-dom
import { beforeEach, describe, expect, it } from 'vitest';
import { isJunkAlt, qualify } from '../../src/page/qualify';
import type { Geometry } from '../../src/page/qualify';

/** Layout from data-test-* attributes, because happy-dom has none. */
const testGeometry: Geometry = {
  rect: (element) => ({ width: Number(element.getAttribute('data-test-w') ?? 200), height: Number(element.getAttribute('data-test-h') ?? 200) }),
  isRendered: (element) => !element.hasAttribute('data-test-unrendered'),
  naturalSize: (element) => {
    if (element.localName !== 'img') return undefined;
    const natural = Number(element.getAttribute('data-test-natural') ?? 400);
    return { width: natural, height: natural };
  },
  isLoaded: (element) => !element.hasAttribute('data-test-unloaded'),
  proximity: () => 'visible',
};

const settings = { replaceJunkAlt: true, minSize: 24 };
const context = { geometry: testGeometry };

function element(html: string, selector = 'img, input, picture, div, span'): Element {
  document.body.innerHTML = html;
  const found = document.body.querySelector(selector);
  if (!found) throw new Error(`no ${selector} in ${html}`);
  return found;
}

const verdictOf = (html: string, selector?: string, options = settings) => {
  const verdict = qualify(element(html, selector), options, context);
  return verdict.kind === 'caption' ? `caption:${verdict.reason}` : `skip:${verdict.reason}`;
};

beforeEach(() => {
  document.body.innerHTML = '';
});

describe('which elements', () => {
  it('captions an <img> with no alt attribute and names it as the target', () => {
    const image = element('<img src="https://example.com/a.jpg">');
    const verdict = qualify(image, settings, context);
    expect(verdict).toEqual({ kind: 'caption', reason: 'missing-alt', target: image });
  });

  it('captions the inner <img> of a <picture>', () => {
    const picture = element('<picture><source srcset="a.webp"><img src="a.jpg"></picture>', 'picture');
    const verdict = qualify(picture, settings, context);
    expect(verdict.kind).toBe('caption');
    expect(verdict.kind === 'caption' && verdict.target).toBe(picture.querySelector('img'));
  });

  it('captions <input type=image> without alt, but not other inputs or elements', () => {
    expect(verdictOf('<input type="image" src="go.png">')).toBe('caption:missing-alt');
    expect(verdictOf('<input type="IMAGE" src="go.png">')).toBe('caption:missing-alt');
    expect(verdictOf('<input type="text">')).toBe('skip:unsupported');
    expect(verdictOf('<div></div>')).toBe('skip:unsupported');
    expect(verdictOf('<picture><source srcset="a.webp"></picture>', 'picture')).toBe('skip:unsupported');
  });

  it('captions images inside open shadow roots', () => {
    const host = element('<div></div>', 'div');
    const shadow = host.attachShadow({ mode: 'open' });
    shadow.innerHTML = '<img src="https://example.com/s.png">';
    const image = shadow.querySelector('img');
    expect(image && qualify(image, settings, context).kind).toBe('caption');
  });
});

describe('alt text the author wrote', () => {
  it('treats alt="" and whitespace-only alt as decorative', () => {
    expect(verdictOf('<img alt="" src="a.jpg">')).toBe('skip:decorative');
    expect(verdictOf('<img alt="   " src="a.jpg">')).toBe('skip:decorative');
  });

  it('keeps real short alts', () => {
    expect(verdictOf('<img alt="Logo" src="https://example.com/brand.svg">')).toBe('skip:author-alt');
    expect(verdictOf('<img alt="Jane Doe" src="https://example.com/p/12.jpg">')).toBe('skip:author-alt');
    expect(verdictOf('<img alt="Map of Paris" src="https://example.com/map.png">')).toBe('skip:author-alt');
  });

  it('replaces junk alts when the setting is on, and keeps them when it is off', () => {
    expect(verdictOf('<img alt="IMG_1234.jpg" src="a.jpg">')).toBe('caption:junk-alt');
    expect(verdictOf('<img alt="IMG_1234.jpg" src="a.jpg">', undefined, { replaceJunkAlt: false, minSize: 24 })).toBe('skip:author-alt');
  });

  it('is "ours" when it carries our marker and the alt we wrote', () => {
    const image = element('<img src="a.jpg" alt="Auto-generated: A cat" data-lightcap="generated">');
    expect(qualify(image, settings, context)).toEqual({ kind: 'skip', reason: 'ours' });
    expect(qualify(image, settings, { ...context, writtenAlt: () => 'Auto-generated: A cat' })).toEqual({ kind: 'skip', reason: 'ours' });
    // The author replaced our alt: the marker is stale, their alt stands.
    expect(qualify(image, settings, { ...context, writtenAlt: () => 'Auto-generated: A dog' })).toEqual({ kind: 'skip', reason: 'author-alt' });
  });

  it('does not treat a pending or failed marker as ours', () => {
    expect(verdictOf('<img src="a.jpg" data-lightcap="pending">')).toBe('caption:missing-alt');
    expect(verdictOf('<img src="a.jpg" data-lightcap="failed">')).toBe('caption:missing-alt');
  });
});

describe('isJunkAlt', () => {
  it.each([
    'IMG_1234.jpg',
    'IMG_1234',
    'DSC0042',
    'DSC_0042.JPG',
    'DSCN1234',
    'PXL_20240101_123456789',
    'IMG-20240101-WA0001',
    'image001.png',
    'image001',
    'Image 2',
    'Screenshot 2024-01-01 at 10.00.00.png',
    'Screenshot 2024-01-01 at 10.00.00',
    'Screenshot_20240101-101010',
    'photo.jpeg',
    'my holiday.webp',
    'image',
    ' Photo ',
    'PICTURE',
    'untitled',
    'spacer',
    'img',
    'graphic',
    'blank',
    'Image.',
    'undefined',
    'https://cdn.example.com/assets/x?id=3',
    '3f2a9c7e1b4d5e6f7a8b9c0d',
  ])('%s is junk', (alt) => {
    expect(isJunkAlt(alt)).toBe(true);
  });

  it.each([
    'Logo',
    'Jane Doe',
    'Map of Paris',
    'A dog on a beach',
    'Photo of the team at the 2024 offsite',
    'Image gallery',
    'Screenshot of the settings page',
    'Download the chart as .png',
    '2024',
    'Blank check signed by the mayor',
  ])('%s is not junk', (alt) => {
    expect(isJunkAlt(alt)).toBe(false);
  });

  it('treats the src file name as junk, with or without extension, case-insensitive and URL-decoded', () => {
    expect(isJunkAlt('hero-banner_2', 'https://example.com/a/hero-banner_2.webp?w=300')).toBe(true);
    expect(isJunkAlt('HERO-BANNER_2.WEBP', 'https://example.com/a/hero-banner_2.webp')).toBe(true);
    expect(isJunkAlt('café-01', 'https://example.com/p/caf%C3%A9-01.jpg')).toBe(true);
    expect(isJunkAlt('a8d9e0', 'https://example.com/media/a8d9e0')).toBe(true);
    expect(isJunkAlt('hero-banner_2', 'https://example.com/a/other.webp')).toBe(false);
  });

  it('accepts a plain-words alt that happens to be the file name', () => {
    // People name files after their content; "logo" for logo.png is still the author's word.
    expect(isJunkAlt('logo', 'https://example.com/logo.png')).toBe(false);
    expect(isJunkAlt('Jane Doe', 'https://example.com/Jane%20Doe.jpg')).toBe(false);
  });
});

describe('skipped for accessibility reasons', () => {
  it('skips role=presentation and role=none (first token wins)', () => {
    expect(verdictOf('<img role="presentation" src="a.jpg">')).toBe('skip:presentation');
    expect(verdictOf('<img role="none" src="a.jpg">')).toBe('skip:presentation');
    expect(verdictOf('<img role="none img" src="a.jpg">')).toBe('skip:presentation');
    expect(verdictOf('<img role="img" src="a.jpg">')).toBe('caption:missing-alt');
  });

  it('skips aria-hidden on the image or any ancestor, and not aria-hidden=false', () => {
    expect(verdictOf('<img aria-hidden="true" src="a.jpg">')).toBe('skip:hidden');
    expect(verdictOf('<section aria-hidden="TRUE"><div><img src="a.jpg"></div></section>', 'img')).toBe('skip:hidden');
    expect(verdictOf('<img aria-hidden="false" src="a.jpg">')).toBe('caption:missing-alt');
  });

  it('sees aria-hidden through shadow hosts', () => {
    document.body.innerHTML = '<div aria-hidden="true"><span id="host"></span></div>';
    const host = document.getElementById('host');
    if (!host) throw new Error('no host');
    const shadow = host.attachShadow({ mode: 'open' });
    shadow.innerHTML = '<p><img src="a.jpg"></p>';
    const image = shadow.querySelector('img');
    expect(image && qualify(image, settings, context)).toEqual({ kind: 'skip', reason: 'hidden' });
  });

  it('skips images that already have a name from aria-label, aria-labelledby or title', () => {
    expect(verdictOf('<img aria-label="Company logo" src="a.jpg">')).toBe('skip:named');
    expect(verdictOf('<img aria-label="   " src="a.jpg">')).toBe('caption:missing-alt');
    expect(verdictOf('<p id="cap">Sunset over the bay</p><img aria-labelledby="missing cap" src="a.jpg">', 'img')).toBe('skip:named');
    expect(verdictOf('<img aria-labelledby="missing" src="a.jpg">')).toBe('caption:missing-alt');
    expect(verdictOf('<p id="empty">  </p><img aria-labelledby="empty" src="a.jpg">', 'img')).toBe('caption:missing-alt');
    expect(verdictOf('<img title="Opening hours" src="a.jpg">')).toBe('skip:named');
  });

  it('ignores a junk title, because the alt we write outranks it', () => {
    expect(verdictOf('<img title="IMG_1234.jpg" src="a.jpg">')).toBe('caption:missing-alt');
    expect(verdictOf('<img title="IMG_1234.jpg" src="a.jpg">', undefined, { replaceJunkAlt: false, minSize: 24 })).toBe('skip:named');
  });

  it('resolves aria-labelledby inside the image’s own shadow root', () => {
    const host = element('<div></div>', 'div');
    const shadow = host.attachShadow({ mode: 'open' });
    shadow.innerHTML = '<span id="label">Team photo</span><img aria-labelledby="label" src="a.jpg">';
    const image = shadow.querySelector('img');
    expect(image && qualify(image, settings, context)).toEqual({ kind: 'skip', reason: 'named' });
  });
});

describe('layout', () => {
  it('skips images smaller than minSize on either side', () => {
    expect(verdictOf('<img data-test-w="23" data-test-h="300" src="a.jpg">')).toBe('skip:too-small');
    expect(verdictOf('<img data-test-w="300" data-test-h="10" src="a.jpg">')).toBe('skip:too-small');
    expect(verdictOf('<img data-test-w="24" data-test-h="24" src="a.jpg">')).toBe('caption:missing-alt');
    expect(verdictOf('<img data-test-w="40" data-test-h="40" src="a.jpg">', undefined, { replaceJunkAlt: true, minSize: 64 })).toBe('skip:too-small');
  });

  it('skips tracking pixels by natural size even when stretched', () => {
    expect(verdictOf('<img data-test-natural="1" src="t.gif">')).toBe('skip:too-small');
    expect(verdictOf('<img data-test-natural="2" src="t.gif">')).toBe('skip:too-small');
    expect(verdictOf('<img data-test-natural="3" src="t.gif">')).toBe('caption:missing-alt');
  });

  it('reports images not loaded yet, so the caller can retry on load', () => {
    expect(verdictOf('<img data-test-unloaded src="a.jpg">')).toBe('skip:not-loaded');
  });

  it('skips images that are not rendered or have no box', () => {
    expect(verdictOf('<img data-test-unrendered src="a.jpg">')).toBe('skip:not-rendered');
    expect(verdictOf('<img data-test-w="0" data-test-h="0" src="a.jpg">')).toBe('skip:not-rendered');
  });

  it('uses the DOM by default: an unloaded happy-dom image is not-loaded, a display:none one not-rendered', () => {
    document.body.innerHTML = '<img id="a" src="a.jpg"><div style="display:none"><img id="b" src="b.jpg"></div>';
    const shown = document.getElementById('a');
    const hidden = document.getElementById('b');
    if (!shown || !hidden) throw new Error('fixture');
    expect(qualify(shown, settings)).toEqual({ kind: 'skip', reason: 'not-loaded' });
    expect(qualify(hidden, settings)).toEqual({ kind: 'skip', reason: 'not-rendered' });
  });
});
