// @vitest-environment happy-dom
import { beforeEach, describe, expect, it } from 'vitest';
import { qualify } from '../../src/page/qualify';
import { isJunkAlt } from '../../src/page/junk-alt';
import { createDomGeometry, domGeometry } from '../../src/page/geometry';
import type { Geometry } from '../../src/page/geometry';
import { createImageLoadWatcher } from '../../src/page/image-loads';

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

function element(html: string, selector = 'img, input, picture, div, span, svg'): Element {
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

describe('content the user is editing', () => {
  it('leaves images in contenteditable content alone, whatever they lack', () => {
    expect(verdictOf('<div contenteditable><p><img src="a.jpg"></p></div>', 'img')).toBe('skip:editable');
    expect(verdictOf('<div contenteditable="true"><img alt="IMG_1234.jpg" src="a.jpg"></div>', 'img')).toBe('skip:editable');
    expect(verdictOf('<div contenteditable="plaintext-only"><input type="image" src="a.jpg"></div>', 'input')).toBe('skip:editable');
    expect(verdictOf('<div contenteditable><svg role="img" width="100" height="100"><rect width="9" height="9"/></svg></div>', 'svg')).toBe('skip:editable');
    expect(verdictOf('<div contenteditable><span role="img" style="background-image: url(a.png)"></span></div>', 'span')).toBe('skip:editable');
  });

  it('counts a contenteditable=false island inside an editor as edited (the editor saves it too), and not one outside', () => {
    expect(verdictOf('<div contenteditable><figure contenteditable="false"><img src="a.jpg"></figure></div>', 'img')).toBe('skip:editable');
    expect(verdictOf('<div contenteditable="false"><img src="a.jpg"></div>', 'img')).toBe('caption:missing-alt');
    expect(verdictOf('<div contenteditable="FALSE "><img src="a.jpg"></div>', 'img')).toBe('caption:missing-alt');
  });

  it('sees an editor through shadow hosts, and the text we wrote on an image there must go', () => {
    document.body.innerHTML = '<div contenteditable><span id="host"></span></div>';
    const host = document.getElementById('host');
    if (!host) throw new Error('no host');
    const shadow = host.attachShadow({ mode: 'open' });
    shadow.innerHTML = '<img src="a.jpg" alt="Auto-generated: A dog" data-lightcap="generated">';
    const image = shadow.querySelector('img');
    expect(image && qualify(image, settings, context)).toEqual({ kind: 'skip', reason: 'editable' });
  });

  it('leaves every image alone in a document in design mode', () => {
    const image = element('<img src="a.jpg">');
    Object.defineProperty(document, 'designMode', { value: 'on', configurable: true });
    try {
      expect(qualify(image, settings, context)).toEqual({ kind: 'skip', reason: 'editable' });
    } finally {
      Reflect.deleteProperty(document, 'designMode');
    }
    expect(qualify(image, settings, context).kind).toBe('caption');
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

describe('role="img" elements painted by a CSS background', () => {
  const painted = (attributes = '', style = 'background-image: url("https://example.com/hero.jpg")') => `<div role="img" ${attributes} style='${style}'></div>`;

  it('are described, into aria-label', () => {
    const div = element(painted(), 'div');
    expect(qualify(div, settings, context)).toEqual({ kind: 'caption', reason: 'missing-name', target: div });
    expect(verdictOf(painted('', 'background-image: url(/relative.png)'))).toBe('caption:missing-name');
    expect(verdictOf(painted('', 'background: url("data:image/png;base64,iVBORw0KGgo=") no-repeat'))).toBe('caption:missing-name');
    expect(verdictOf(painted('', 'background-image: linear-gradient(red, blue), url(https://example.com/b.png)'))).toBe('caption:missing-name');
    expect(verdictOf(`<span role="IMG image" style="background-image:url(https://example.com/a.png)"></span>`)).toBe('caption:missing-name');
  });

  it('are skipped when something names them or hides them', () => {
    expect(verdictOf(painted('aria-label="Our team"'))).toBe('skip:named');
    expect(verdictOf(`<p id="l">Our team</p>${painted('aria-labelledby="l"')}`)).toBe('skip:named');
    expect(verdictOf(painted('title="Our team"'))).toBe('skip:named');
    expect(verdictOf(painted('aria-hidden="true"'))).toBe('skip:hidden');
    // A blank label names nothing.
    expect(verdictOf(painted('aria-label="  "'))).toBe('caption:missing-name');
    expect(verdictOf(painted('title="IMG_1234.jpg"'))).toBe('caption:missing-name');
  });

  it('are skipped when no picture is behind them', () => {
    expect(verdictOf('<span role="img">🙂</span>', 'span')).toBe('skip:unsupported');
    expect(verdictOf(painted('', 'background-image: linear-gradient(red, blue)'))).toBe('skip:unsupported');
    expect(verdictOf('<div style="background-image:url(https://example.com/a.png)"></div>')).toBe('skip:unsupported');
  });

  it('are "ours" when they carry our marker and the aria-label we wrote', () => {
    document.body.innerHTML = painted('aria-label="Auto-generated: A team" data-lightcap="generated"');
    const div = document.body.querySelector('div');
    if (!div) throw new Error('fixture');
    expect(qualify(div, settings, context)).toEqual({ kind: 'skip', reason: 'ours' });
    expect(qualify(div, settings, { ...context, writtenAlt: () => 'Auto-generated: Another' })).toEqual({ kind: 'skip', reason: 'named' });
  });
});

describe('<svg role="img">', () => {
  const svg = (attributes = '', content = '<circle cx="5" cy="5" r="4"/>') => `<svg role="img" viewBox="0 0 10 10" ${attributes}>${content}</svg>`;

  it('is described when nothing names it', () => {
    expect(verdictOf(svg(), 'svg')).toBe('caption:missing-name');
  });

  it('is named by aria-label, aria-labelledby or a <title> child', () => {
    expect(verdictOf(svg('aria-label="Logo"'), 'svg')).toBe('skip:named');
    expect(verdictOf(`<span id="n">Logo</span>${svg('aria-labelledby="n"')}`, 'svg')).toBe('skip:named');
    expect(verdictOf(svg('', '<title>Company logo</title><circle r="4"/>'), 'svg')).toBe('skip:named');
    expect(verdictOf(svg('', '<title> </title><circle r="4"/>'), 'svg')).toBe('caption:missing-name');
    // Only a direct child names it.
    expect(verdictOf(svg('', '<g><title>Part</title></g>'), 'svg')).toBe('caption:missing-name');
  });

  it('is skipped when hidden, and an svg without role=img is not an image we describe', () => {
    expect(verdictOf(svg('aria-hidden="true"'), 'svg')).toBe('skip:hidden');
    expect(verdictOf('<svg viewBox="0 0 10 10"><circle r="4"/></svg>', 'svg')).toBe('skip:unsupported');
  });
});

describe('images that are the only content of a link or button', () => {
  it('are described: without them the link or button has no name', () => {
    expect(verdictOf('<a href="/home"><img src="logo.png"></a>', 'img')).toBe('caption:missing-alt');
    expect(verdictOf('<button type="button"><img src="search.png"></button>', 'img')).toBe('caption:missing-alt');
    expect(verdictOf('<div role="button"><img src="menu.png"></div>', 'img')).toBe('caption:missing-alt');
    expect(verdictOf('<a href="/home"><span><img src="logo.png"></span></a>', 'img')).toBe('caption:missing-alt');
    expect(verdictOf('<a href="/home"><svg role="img" viewBox="0 0 9 9"><path d="M0 0h9v9z"/></svg></a>', 'svg')).toBe('caption:missing-name');
  });

  it('are skipped when the link or button is named by aria-label or aria-labelledby', () => {
    expect(verdictOf('<a href="/" aria-label="Home"><img src="logo.png"></a>', 'img')).toBe('skip:named');
    expect(verdictOf('<button aria-label="Search"><img src="search.png"></button>', 'img')).toBe('skip:named');
    expect(verdictOf('<span id="t">Cart</span><a href="/cart" aria-labelledby="t"><img src="cart.png"></a>', 'img')).toBe('skip:named');
    expect(verdictOf('<a href="/" aria-label="Home"><svg role="img" viewBox="0 0 9 9"><path d="M0 0h9v9z"/></svg></a>', 'svg')).toBe('skip:named');
    expect(verdictOf(`<a href="/" aria-label="Home"><div role="img" style="background-image:url(https://example.com/a.png)"></div></a>`, 'div')).toBe('skip:named');
  });

  it('are described when the label is blank, or on an element that is not a link', () => {
    expect(verdictOf('<a href="/" aria-label="  "><img src="logo.png"></a>', 'img')).toBe('caption:missing-alt');
    // An <a> without href is not a link; its aria-label is not announced.
    expect(verdictOf('<a aria-label="Home"><img src="logo.png"></a>', 'img')).toBe('caption:missing-alt');
  });

  it('sees a named link through a shadow boundary', () => {
    document.body.innerHTML = '<a href="/" aria-label="Home"><span id="host"></span></a>';
    const host = document.getElementById('host');
    if (!host) throw new Error('fixture');
    const shadow = host.attachShadow({ mode: 'open' });
    shadow.innerHTML = '<img src="logo.png">';
    const image = shadow.querySelector('img');
    expect(image && qualify(image, settings, context)).toEqual({ kind: 'skip', reason: 'named' });
  });
});

describe('<input type=image> loads', () => {
  const input = () => element('<input type="image" src="https://example.com/go.png">', 'input');
  const layout: Geometry = { ...testGeometry, isLoaded: (el) => createDomGeometry(watcher).isLoaded(el) };
  let watcher = createImageLoadWatcher(window, () => new Promise(() => {}));

  beforeEach(() => {
    watcher = createImageLoadWatcher(window, () => new Promise(() => {}));
  });

  it('is not described until it fired load, and never when it fired error', () => {
    const loading = input();
    expect(qualify(loading, settings, { geometry: layout })).toEqual({ kind: 'skip', reason: 'not-loaded' });
    watcher.waitFor(loading as HTMLInputElement, new AbortController().signal, () => {});
    loading.dispatchEvent(new Event('load'));
    expect(qualify(loading, settings, { geometry: layout }).kind).toBe('caption');

    const broken = input();
    watcher.waitFor(broken as HTMLInputElement, new AbortController().signal, () => {});
    broken.dispatchEvent(new Event('error'));
    expect(qualify(broken, settings, { geometry: layout })).toEqual({ kind: 'skip', reason: 'not-loaded' });
  });

  it('counts as not loaded with the stateless DOM geometry, which cannot know', () => {
    expect(domGeometry.isLoaded(input())).toBe(false);
  });
});
