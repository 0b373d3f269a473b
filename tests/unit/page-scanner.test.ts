// @vitest-environment happy-dom
import { afterEach, describe, expect, it } from 'vitest';
import type { CaptionOutput, Reply } from '../../src/messaging/protocol';
import { createPageCaptioner, defaultCaptionLimits } from '../../src/page/scanner';
import { createDomGeometry } from '../../src/page/geometry';
import { createImageLoadWatcher } from '../../src/page/image-loads';
import type { ImageLoadWatcher, ImageProbe } from '../../src/page/image-loads';
import { isImageInput } from '../../src/page/targets';
import type { CaptionClient, CaptionLimits, CaptionRequest, PageCaptioner } from '../../src/page/scanner';
import type { Geometry, Proximity } from '../../src/page/geometry';
import { intersectionViewport } from '../../src/page/viewport';
import { defaultSettings } from '../../src/settings/schema';
import type { Settings } from '../../src/settings/schema';

// ---------------------------------------------------------------------------
// Fakes

/** Layout from data-test-* attributes (not in the observer's attribute filter, so changing them is silent). */
const testGeometry: Geometry = {
  rect: (element) => ({ width: Number(element.getAttribute('data-test-w') ?? 200), height: Number(element.getAttribute('data-test-h') ?? 200) }),
  isRendered: (element) => !element.hasAttribute('data-test-unrendered'),
  naturalSize: (element) => (element.localName === 'img' ? { width: 400, height: 400 } : undefined),
  isLoaded: (element) => !element.hasAttribute('data-test-unloaded'),
  proximity: (element) => (element.getAttribute('data-test-proximity') as Proximity | null) ?? 'visible',
};

function fakeViewport() {
  let report: ((element: Element, proximity: Proximity) => void) | undefined;
  const observed = new Set<Element>();
  return {
    observed,
    factory: (_document: Document, onChange: (element: Element, proximity: Proximity) => void) => {
      report = onChange;
      return { observe: (element: Element) => observed.add(element), unobserve: (element: Element) => observed.delete(element), disconnect: () => observed.clear() };
    },
    move(element: Element, proximity: Proximity) {
      report?.(element, proximity);
    },
  };
}

interface Call {
  request: CaptionRequest;
  signal: AbortSignal;
  resolve(reply: Reply<CaptionOutput>): void;
}

const output = (alt: string, confident = true): Reply<CaptionOutput> => ({ output: { alt, confident, text: [], objects: [], cached: false, ms: 5 } });

/** Records every request; replies come from `auto` (by URL) or from the test, one call at a time. */
function fakeClient(auto?: (url: string, attempt: number) => Reply<CaptionOutput> | undefined) {
  const calls: Call[] = [];
  const attempts = new Map<string, number>();
  const client: CaptionClient = (request, signal) =>
    new Promise((resolve) => {
      const url = urlOf(request);
      const attempt = (attempts.get(url) ?? 0) + 1;
      attempts.set(url, attempt);
      calls.push({ request, signal, resolve });
      const reply = auto?.(url, attempt);
      if (reply) resolve(reply);
      signal.addEventListener('abort', () => resolve({ cancel: true }));
    });
  return {
    client,
    calls,
    urls: () => calls.map((call) => urlOf(call.request)),
    open: () => calls.filter((call) => !call.signal.aborted),
    reply(url: string, reply: Reply<CaptionOutput>) {
      const call = calls.find((candidate) => urlOf(candidate.request) === url);
      if (!call) throw new Error(`no request for ${url}`);
      call.resolve(reply);
    },
  };
}

function urlOf(request: CaptionRequest): string {
  return request.source.kind === 'url' ? request.source.url : `bytes:${request.source.mime}`;
}

/** Lets timers, observers and promises run. */
async function settle(rounds = 6): Promise<void> {
  for (let i = 0; i < rounds; i++) await new Promise((resolve) => setTimeout(resolve, 0));
}

const captioners: PageCaptioner[] = [];

function setup(
  html: string,
  options: {
    settings?: Partial<Settings>;
    limits?: Partial<CaptionLimits>;
    client?: ReturnType<typeof fakeClient>;
    fetchBlob?: (url: string) => Promise<Blob>;
    geometry?: Geometry;
    imageLoads?: ImageLoadWatcher;
  } = {},
) {
  document.body.innerHTML = html;
  const viewport = fakeViewport();
  const fake = options.client ?? fakeClient((url) => output(`Description of ${url.slice(url.lastIndexOf('/') + 1)}`));
  const settings: Settings = { ...defaultSettings, ...options.settings };
  const captioner = createPageCaptioner({
    document,
    settings,
    client: fake.client,
    hostname: 'www.example.com',
    geometry: options.geometry ?? testGeometry,
    viewport: viewport.factory,
    // Changes in these tests come within milliseconds of each other: no waiting for a file to settle unless a test asks.
    limits: { retryBaseMs: 1, statsDelayMs: 0, sourceSettleMs: 0, ...options.limits },
    ...(options.fetchBlob ? { fetchBlob: options.fetchBlob } : {}),
    ...(options.imageLoads ? { imageLoads: options.imageLoads } : {}),
  });
  captioners.push(captioner);
  return { captioner, fake, viewport, settings };
}

const byId = (id: string): HTMLElement => {
  const element = document.getElementById(id);
  if (!element) throw new Error(`no #${id}`);
  return element;
};

const url = (name: string) => `https://images.example.com/${name}`;

afterEach(() => {
  for (const captioner of captioners.splice(0)) captioner.stop();
  document.body.innerHTML = '';
});

// ---------------------------------------------------------------------------

describe('captioning', () => {
  it('captions images without alt and leaves decorative and authored ones alone', async () => {
    const { captioner, fake } = setup(`
      <img id="a" src="${url('a.jpg')}">
      <img id="b" alt="" src="${url('b.jpg')}">
      <img id="c" alt="A red bicycle" src="${url('c.jpg')}">
      <img id="d" role="presentation" src="${url('d.jpg')}">`);
    captioner.start();
    await settle();
    expect(fake.urls()).toEqual([url('a.jpg')]);
    expect(fake.calls[0]?.request.priority).toBe(0);
    expect(fake.calls[0]?.request.requestId).toMatch(/^[\w-]{1,100}$/);
    expect(byId('a').getAttribute('alt')).toBe('Auto-generated: Description of a.jpg');
    expect(byId('a').getAttribute('data-lightcap')).toBe('generated');
    expect(byId('b').getAttribute('alt')).toBe('');
    expect(byId('c').getAttribute('alt')).toBe('A red bicycle');
    expect(byId('d').hasAttribute('alt')).toBe(false);
    expect(captioner.stats()).toEqual({ found: 1, captioned: 1, pending: 0, failed: 0, unsure: 0, decorative: 2, enabled: true });
  });

  it('marks images pending while their request is open', async () => {
    const fake = fakeClient();
    const { captioner } = setup(`<img id="a" src="${url('a.jpg')}">`, { client: fake });
    captioner.start();
    await settle();
    expect(byId('a').getAttribute('data-lightcap')).toBe('pending');
    expect(byId('a').hasAttribute('alt')).toBe(false);
    expect(captioner.stats()).toMatchObject({ found: 1, pending: 1, captioned: 0 });
    fake.reply(url('a.jpg'), output('A cat'));
    await settle();
    expect(byId('a').getAttribute('alt')).toBe('Auto-generated: A cat');
  });

  it('replaces junk alts', async () => {
    const { captioner, fake } = setup(`<img id="a" alt="IMG_1234.jpg" src="${url('a.jpg')}">`);
    captioner.start();
    await settle();
    expect(fake.urls()).toEqual([url('a.jpg')]);
    expect(byId('a').getAttribute('alt')).toBe('Auto-generated: Description of a.jpg');
  });

  it('never writes over an alt the author adds while the image waits in the queue', async () => {
    const fake = fakeClient();
    const { captioner } = setup(`<img id="a" src="${url('a.jpg')}"><img id="b" src="${url('b.jpg')}">`, { client: fake, limits: { concurrency: 1 } });
    captioner.start();
    await settle();
    expect(fake.urls()).toEqual([url('a.jpg')]);
    expect(byId('b').getAttribute('data-lightcap')).toBe('pending');
    // The author's alt and the reply that frees a slot for b arrive before the scanner's observer runs.
    byId('b').setAttribute('alt', 'A dog on a beach');
    fake.reply(url('a.jpg'), output('A cat'));
    await settle();
    if (fake.urls().includes(url('b.jpg'))) fake.reply(url('b.jpg'), output('Generated thing'));
    await settle();
    expect(byId('a').getAttribute('alt')).toBe('Auto-generated: A cat');
    expect(byId('b').getAttribute('alt')).toBe('A dog on a beach');
    expect(byId('b').hasAttribute('data-lightcap')).toBe(false);
  });

  it('writes the alt once when an image with a junk alt goes back to a picture already described (no loop of same-value writes)', async () => {
    const { captioner } = setup(`<img id="a" alt="IMG_1234.jpg" src="${url('a.jpg')}">`);
    captioner.start();
    await settle();
    const image = byId('a');
    image.setAttribute('src', url('b.jpg'));
    await settle();
    let altWrites = 0;
    new MutationObserver((records) => (altWrites += records.filter((record) => record.attributeName === 'alt').length)).observe(image, { attributes: true });
    image.setAttribute('src', url('a.jpg'));
    await settle(20);
    expect(image.getAttribute('alt')).toBe('Auto-generated: Description of a.jpg');
    expect(altWrites).toBeLessThanOrEqual(2);
  });

  it('never writes a description of the old picture when the page changes src while we ask', async () => {
    const fake = fakeClient();
    const { captioner } = setup(`<img id="a" src="${url('a.jpg')}">`, { client: fake });
    captioner.start();
    await settle();
    const image = byId('a');
    // The reply for the old file arrives before the scanner's observer has handled the change.
    image.setAttribute('src', url('z.jpg'));
    fake.reply(url('a.jpg'), output('Old picture'));
    for (let i = 0; i < 5; i++) await Promise.resolve();
    expect(image.getAttribute('alt')).toBeNull();
    await settle();
    expect(image.getAttribute('alt')).not.toBe('Auto-generated: Old picture');
    expect(fake.urls()).toEqual([url('a.jpg'), url('z.jpg')]);
    fake.reply(url('z.jpg'), output('New picture'));
    await settle();
    expect(image.getAttribute('alt')).toBe('Auto-generated: New picture');
  });

  it('never describes an image in content the user is editing, and takes our text back when its container becomes editable', async () => {
    const { captioner, fake } = setup(`
      <div id="editor" contenteditable="true"><img id="a" src="${url('a.jpg')}"></div>
      <div id="later"><img id="b" src="${url('b.jpg')}"><img id="c" alt="" src="${url('c.jpg')}"></div>`);
    captioner.start();
    await settle();
    expect(fake.urls()).toEqual([url('b.jpg')]);
    expect(byId('a').hasAttribute('alt')).toBe(false);
    expect(byId('a').hasAttribute('data-lightcap')).toBe(false);
    expect(byId('b').getAttribute('alt')).toBe('Auto-generated: Description of b.jpg');
    // A mail client turns the quoted message into part of the reply being written.
    byId('later').setAttribute('contenteditable', '');
    await settle();
    expect(byId('b').hasAttribute('alt')).toBe(false);
    expect(byId('b').hasAttribute('data-lightcap')).toBe(false);
    expect(byId('c').getAttribute('alt')).toBe('');
    // Editing done: described again (from the cached result). (Not removeAttribute: happy-dom reports no old value for a removal.)
    byId('later').setAttribute('contenteditable', 'false');
    await settle();
    expect(byId('b').getAttribute('alt')).toBe('Auto-generated: Description of b.jpg');
    expect(fake.urls()).toEqual([url('b.jpg')]);
  });

  it('takes our text off a copy of a described image that the page puts into an editor (a quoted message built from the read view\'s HTML)', async () => {
    const { captioner } = setup(`<div id="read"><img id="a" src="${url('a.jpg')}"></div><div id="reply" contenteditable="true"></div>`);
    captioner.start();
    await settle();
    expect(byId('a').getAttribute('alt')).toBe('Auto-generated: Description of a.jpg');
    byId('reply').innerHTML = byId('read').innerHTML.replace('id="a"', 'id="quoted"');
    await settle();
    expect(byId('quoted').hasAttribute('alt')).toBe(false);
    expect(byId('quoted').hasAttribute('data-lightcap')).toBe(false);
    expect(byId('a').getAttribute('alt')).toBe('Auto-generated: Description of a.jpg');
    // A copy whose alt the author rewrote in the editor (the marker left in place) keeps the author's words.
    byId('reply').innerHTML = '<img id="rewritten" alt="My dog Rex on the beach" data-lightcap="generated" src="' + url('a.jpg') + '">';
    await settle();
    expect(byId('rewritten').getAttribute('alt')).toBe('My dog Rex on the beach');
  });

  it('takes our text off a copy in an editor with no prefix set too: it is the text we wrote on the original', async () => {
    const { captioner } = setup(`<div id="read"><img id="a" src="${url('a.jpg')}"></div><div id="reply" contenteditable="true"></div>`, { settings: { prefix: '' } });
    captioner.start();
    await settle();
    expect(byId('a').getAttribute('alt')).toBe('Description of a.jpg');
    byId('reply').innerHTML = byId('read').innerHTML.replace('id="a"', 'id="quoted"');
    await settle();
    expect(byId('quoted').hasAttribute('alt')).toBe(false);
    expect(byId('quoted').hasAttribute('data-lightcap')).toBe(false);
  });

  it('takes our text back when the document goes into design mode after we wrote it, and describes again when it leaves', async () => {
    const { captioner } = setup(`<img id="a" src="${url('a.jpg')}">`, { limits: { designModeCheckMs: 5 } });
    captioner.start();
    await settle();
    expect(byId('a').getAttribute('alt')).toBe('Auto-generated: Description of a.jpg');
    Object.defineProperty(document, 'designMode', { value: 'on', configurable: true });
    try {
      await new Promise((resolve) => setTimeout(resolve, 20));
      await settle();
      expect(byId('a').hasAttribute('alt')).toBe(false);
      expect(byId('a').hasAttribute('data-lightcap')).toBe(false);
    } finally {
      Reflect.deleteProperty(document, 'designMode');
    }
    await new Promise((resolve) => setTimeout(resolve, 20));
    await settle();
    expect(byId('a').getAttribute('alt')).toBe('Auto-generated: Description of a.jpg');
  });

  it('writes nothing when the document went into design mode while we asked', async () => {
    const fake = fakeClient();
    const { captioner } = setup(`<img id="a" src="${url('a.jpg')}">`, { client: fake });
    captioner.start();
    await settle();
    expect(byId('a').getAttribute('data-lightcap')).toBe('pending');
    Object.defineProperty(document, 'designMode', { value: 'on', configurable: true });
    try {
      fake.reply(url('a.jpg'), output('A cat'));
      await settle();
      expect(byId('a').hasAttribute('alt')).toBe(false);
      expect(byId('a').hasAttribute('data-lightcap')).toBe(false);
    } finally {
      Reflect.deleteProperty(document, 'designMode');
    }
  });

  it('describes the rows of a virtual list that reuses one <img> for rows with and without an author\'s alt', async () => {
    const { captioner, fake } = setup(`<img id="row" src="${url('r0.jpg')}">`);
    captioner.start();
    await settle();
    const row = byId('row');
    for (let i = 1; i <= 8; i++) {
      // The framework sets alt, then src, for each row it shows in the element.
      if (i % 2 === 1) row.setAttribute('alt', `Row ${i}, by its author`);
      else row.removeAttribute('alt');
      row.setAttribute('src', url(`r${i}.jpg`));
      await settle();
    }
    expect(fake.urls()).toEqual([url('r0.jpg'), url('r2.jpg'), url('r4.jpg'), url('r6.jpg'), url('r8.jpg')]);
    expect(row.getAttribute('alt')).toBe('Auto-generated: Description of r8.jpg');
  });

  it('asks about an image whose file changes every frame (a 360° viewer) once it stays put, not at every frame', async () => {
    const fake = fakeClient((u) => output(`Description of ${u.slice(u.lastIndexOf('/') + 1)}`));
    const { captioner } = setup(`<img id="spin" src="${url('f0.jpg')}">`, { client: fake, limits: { sourceSettleMs: 200 } });
    captioner.start();
    await settle();
    const spin = byId('spin');
    for (let frame = 1; frame <= 12; frame++) {
      spin.setAttribute('src', url(`f${frame}.jpg`));
      await new Promise((resolve) => setTimeout(resolve, 60));
    }
    await new Promise((resolve) => setTimeout(resolve, 300));
    await settle();
    // The first picture, the first change (a single change is asked about at once), then the one it stopped on.
    expect(fake.urls()).toEqual([url('f0.jpg'), url('f1.jpg'), url('f12.jpg')]);
    expect(spin.getAttribute('alt')).toBe('Auto-generated: Description of f12.jpg');
  });

  it('asks at once about a lazy image whose loader sets src and then srcset (one change, not a burst)', async () => {
    const fake = fakeClient((u) => output(`Description of ${u.slice(u.lastIndexOf('/') + 1)}`));
    const { captioner } = setup(`<img id="lazy" src="${url('placeholder.gif')}">`, { client: fake, limits: { sourceSettleMs: 10_000 } });
    captioner.start();
    await settle();
    byId('lazy').setAttribute('src', url('real.jpg'));
    byId('lazy').setAttribute('srcset', `${url('real.jpg')} 1x`);
    await settle();
    expect(fake.urls()).toEqual([url('placeholder.gif'), url('real.jpg')]);
  });

  it('sends one request per URL and gives the result to every image showing it', async () => {
    const fake = fakeClient();
    const { captioner } = setup(`
      <img id="a" src="${url('same.jpg')}"><img id="b" src="${url('same.jpg')}"><input id="c" type="image" src="${url('same.jpg')}">`, { client: fake });
    captioner.start();
    await settle();
    expect(fake.urls()).toEqual([url('same.jpg')]);
    fake.reply(url('same.jpg'), output('A lighthouse'));
    await settle();
    for (const id of ['a', 'b', 'c']) expect(byId(id).getAttribute('alt')).toBe('Auto-generated: A lighthouse');
    expect(captioner.stats().captioned).toBe(3);

    // A later image with the same URL is answered from the page's cache.
    const late = document.createElement('img');
    late.src = url('same.jpg');
    document.body.append(late);
    await settle();
    expect(late.getAttribute('alt')).toBe('Auto-generated: A lighthouse');
    expect(fake.calls).toHaveLength(1);
  });

  it('sends the referrer policy the page\'s request ran under, and one request per URL and policy', async () => {
    const fake = fakeClient();
    const { captioner } = setup(`
      <meta name="referrer" content="never">
      <img id="a" src="${url('same.jpg')}"><img id="b" src="${url('same.jpg')}" referrerpolicy="origin"><input id="c" type="image" src="${url('same.jpg')}">
      <img id="d" src="data:image/png;base64,iVBORw==">`, { client: fake });
    captioner.start();
    await settle();
    expect(fake.calls.map((call) => [urlOf(call.request), call.request.referrerPolicy])).toEqual([
      [url('same.jpg'), 'no-referrer'],
      [url('same.jpg'), 'origin'],
      ['data:image/png;base64,iVBORw==', undefined],
    ]);
    expect(fake.calls[2]?.request).not.toHaveProperty('referrerPolicy');
    fake.reply(url('same.jpg'), output('A lighthouse'));
    await settle();
    expect(byId('c').getAttribute('alt')).toBe('Auto-generated: A lighthouse');
  });

  it('leaves no alt and marks unsure (not failed) when the result is not confident', async () => {
    const { captioner } = setup(`<img id="a" src="${url('a.jpg')}">`, { client: fakeClient(() => output('maybe a thing', false)) });
    captioner.start();
    await settle();
    expect(byId('a').hasAttribute('alt')).toBe(false);
    expect(byId('a').getAttribute('data-lightcap')).toBe('unsure');
    expect(captioner.stats()).toMatchObject({ found: 1, unsure: 1, failed: 0, captioned: 0 });
  });

  it('marks failed on an error and keeps the junk alt the author had', async () => {
    const fake = fakeClient(() => ({ error: { code: 'corrupt-image', message: 'bad' } }));
    const { captioner } = setup(`<img id="a" alt="DSC_0042.JPG" src="${url('a.jpg')}">`, { client: fake });
    captioner.start();
    await settle();
    expect(fake.calls).toHaveLength(1);
    expect(byId('a').getAttribute('alt')).toBe('DSC_0042.JPG');
    expect(byId('a').getAttribute('data-lightcap')).toBe('failed');
  });

  it('does nothing while the site is off, and starts when it is turned on', async () => {
    const { captioner, fake, settings } = setup(`<img id="a" src="${url('a.jpg')}">`, { settings: { disabledSites: ['example.com'] } });
    captioner.start();
    await settle();
    expect(fake.calls).toHaveLength(0);
    expect(captioner.stats().enabled).toBe(false);
    captioner.updateSettings({ ...settings, disabledSites: [] });
    await settle();
    expect(byId('a').getAttribute('alt')).toBe('Auto-generated: Description of a.jpg');
    expect(captioner.stats().enabled).toBe(true);
  });

  it('waits for an image to load', async () => {
    const { captioner, fake } = setup(`<img id="a" data-test-unloaded src="${url('a.jpg')}">`);
    captioner.start();
    await settle();
    expect(fake.calls).toHaveLength(0);
    const image = byId('a');
    image.removeAttribute('data-test-unloaded');
    image.dispatchEvent(new Event('load'));
    await settle();
    expect(fake.urls()).toEqual([url('a.jpg')]);
  });
});

describe('scheduling', () => {
  it('asks for visible images first, then near, then far', async () => {
    const fake = fakeClient();
    const { captioner } = setup(
      `<img id="far" data-test-proximity="far" src="${url('far.jpg')}">
       <img id="near" data-test-proximity="near" src="${url('near.jpg')}">
       <img id="visible" src="${url('visible.jpg')}">`,
      { client: fake, limits: { concurrency: 1 } },
    );
    captioner.start();
    await settle();
    expect(fake.urls()).toEqual([url('visible.jpg')]);
    fake.reply(url('visible.jpg'), output('x'));
    await settle();
    fake.reply(url('near.jpg'), output('y'));
    await settle();
    expect(fake.urls()).toEqual([url('visible.jpg'), url('near.jpg'), url('far.jpg')]);
    expect(fake.calls.map((call) => call.request.priority)).toEqual([0, 1, 2]);
  });

  it('moves a queued image forward when it scrolls into view', async () => {
    const fake = fakeClient();
    const { captioner, viewport } = setup(
      `<img id="first" src="${url('first.jpg')}">
       <img id="x" data-test-proximity="far" src="${url('x.jpg')}">
       <img id="y" data-test-proximity="far" src="${url('y.jpg')}">`,
      { client: fake, limits: { concurrency: 1 } },
    );
    captioner.start();
    await settle();
    viewport.move(byId('y'), 'visible');
    fake.reply(url('first.jpg'), output('x'));
    await settle();
    expect(fake.urls()).toEqual([url('first.jpg'), url('y.jpg')]);
    expect(fake.calls[1]?.request.priority).toBe(0);
  });

  it('keeps at most `concurrency` requests in flight', async () => {
    const fake = fakeClient();
    const html = Array.from({ length: 10 }, (_, i) => `<img src="${url(`${i}.jpg`)}">`).join('');
    const { captioner } = setup(html, { client: fake, limits: { concurrency: 4 } });
    captioner.start();
    await settle();
    expect(fake.calls).toHaveLength(4);
    fake.reply(url('0.jpg'), output('zero'));
    await settle();
    expect(fake.calls).toHaveLength(5);
    expect(fake.urls()[4]).toBe(url('4.jpg'));
    expect(captioner.stats()).toMatchObject({ found: 10, captioned: 1, pending: 9 });
  });

  it('bounds the local queue: beyond capacity, images wait without a pending marker', async () => {
    const fake = fakeClient();
    const html = Array.from({ length: 6 }, (_, i) => `<img id="i${i}" src="${url(`${i}.jpg`)}">`).join('');
    const { captioner } = setup(html, { client: fake, limits: { concurrency: 1, queueCapacity: 2 } });
    captioner.start();
    await settle();
    const markers = () => Array.from({ length: 6 }, (_, i) => byId(`i${i}`).getAttribute('data-lightcap'));
    expect(markers()).toEqual(['pending', 'pending', 'pending', null, null, null]);
    expect(captioner.stats().pending).toBe(6);
    fake.reply(url('0.jpg'), output('zero'));
    await settle();
    expect(markers()).toEqual(['generated', 'pending', 'pending', 'pending', null, null]);
    expect(fake.urls()).toEqual([url('0.jpg'), url('1.jpg')]);
  });

  it('retries with backoff when the host is unavailable, then succeeds', async () => {
    const fake = fakeClient((_url, attempt) => (attempt < 3 ? { error: { code: 'host-unavailable', message: 'restarting' } } : output('A fox')));
    const { captioner } = setup(`<img id="a" src="${url('a.jpg')}">`, { client: fake });
    captioner.start();
    await settle(20);
    expect(fake.calls).toHaveLength(3);
    expect(byId('a').getAttribute('alt')).toBe('Auto-generated: A fox');
  });

  it('gives up after three retries and marks the image failed', async () => {
    const fake = fakeClient(() => ({ error: { code: 'host-unavailable', message: 'gone' } }));
    const { captioner } = setup(`<img id="a" src="${url('a.jpg')}">`, { client: fake });
    captioner.start();
    await settle(30);
    expect(fake.calls).toHaveLength(4);
    expect(byId('a').getAttribute('data-lightcap')).toBe('failed');
    expect(byId('a').hasAttribute('alt')).toBe(false);
    expect(captioner.stats()).toMatchObject({ failed: 1, pending: 0 });
  });

  it('survives a client that throws', async () => {
    const throwing: CaptionClient = () => {
      throw new Error('boom');
    };
    const { captioner } = setup(`<img id="a" src="${url('a.jpg')}">`, { client: { ...fakeClient(), client: throwing } });
    captioner.start();
    await settle();
    expect(byId('a').getAttribute('data-lightcap')).toBe('failed');
  });

  it('frees the slot of a request that never answers once it times out', async () => {
    const silent: CaptionClient = () => new Promise(() => {});
    const { captioner } = setup(`<img id="a" src="${url('a.jpg')}">`, { client: { ...fakeClient(), client: silent }, limits: { requestTimeoutMs: 5 } });
    captioner.start();
    await new Promise((resolve) => setTimeout(resolve, 30));
    await settle();
    expect(byId('a').getAttribute('data-lightcap')).toBe('failed');
    expect(captioner.stats()).toMatchObject({ failed: 1, pending: 0 });
  });
});

describe('a changing page', () => {
  it('captions images added later', async () => {
    const { captioner, fake } = setup('<main id="main"></main>');
    captioner.start();
    await settle();
    byId('main').innerHTML = `<article><img id="late" src="${url('late.jpg')}"></article>`;
    await settle();
    expect(fake.urls()).toEqual([url('late.jpg')]);
    expect(byId('late').getAttribute('alt')).toBe('Auto-generated: Description of late.jpg');
  });

  it('cancels the request of an image removed from the page', async () => {
    const fake = fakeClient();
    const { captioner } = setup(`<div id="wrap"><img id="a" src="${url('a.jpg')}"></div><img id="b" src="${url('b.jpg')}">`, { client: fake, limits: { concurrency: 1 } });
    captioner.start();
    await settle();
    expect(fake.urls()).toEqual([url('a.jpg')]);
    byId('wrap').remove();
    await settle();
    expect(fake.calls[0]?.signal.aborted).toBe(true);
    // The freed slot goes to the next image.
    expect(fake.urls()).toEqual([url('a.jpg'), url('b.jpg')]);
    expect(captioner.stats()).toMatchObject({ found: 1, pending: 1 });
  });

  it('keeps a shared request alive while another image still shows the URL', async () => {
    const fake = fakeClient();
    const { captioner } = setup(`<img id="a" src="${url('s.jpg')}"><img id="b" src="${url('s.jpg')}">`, { client: fake });
    captioner.start();
    await settle();
    byId('a').remove();
    await settle();
    expect(fake.calls[0]?.signal.aborted).toBe(false);
    fake.reply(url('s.jpg'), output('A boat'));
    await settle();
    expect(byId('b').getAttribute('alt')).toBe('Auto-generated: A boat');
  });

  it('lets the author’s alt win, after we wrote ours', async () => {
    const { captioner } = setup(`<img id="a" src="${url('a.jpg')}">`);
    captioner.start();
    await settle();
    expect(byId('a').getAttribute('data-lightcap')).toBe('generated');
    byId('a').setAttribute('alt', 'The harbour at dawn');
    await settle();
    expect(byId('a').getAttribute('alt')).toBe('The harbour at dawn');
    expect(byId('a').hasAttribute('data-lightcap')).toBe(false);
    expect(captioner.stats()).toMatchObject({ found: 0, captioned: 0 });
  });

  it('lets the author’s alt win while a request is open, and cancels it', async () => {
    const fake = fakeClient();
    const { captioner } = setup(`<img id="a" src="${url('a.jpg')}">`, { client: fake });
    captioner.start();
    await settle();
    byId('a').setAttribute('alt', 'The harbour at dawn');
    await settle();
    expect(fake.calls[0]?.signal.aborted).toBe(true);
    expect(byId('a').getAttribute('alt')).toBe('The harbour at dawn');
    expect(byId('a').hasAttribute('data-lightcap')).toBe(false);
  });

  it('restores and captions again when src changes', async () => {
    const { captioner, fake } = setup(`<img id="a" alt="IMG_0001.jpg" src="${url('one.jpg')}">`);
    captioner.start();
    await settle();
    expect(byId('a').getAttribute('alt')).toBe('Auto-generated: Description of one.jpg');
    byId('a').setAttribute('src', url('two.jpg'));
    await settle();
    expect(fake.urls()).toEqual([url('one.jpg'), url('two.jpg')]);
    expect(byId('a').getAttribute('alt')).toBe('Auto-generated: Description of two.jpg');
    captioner.restoreAll();
    expect(byId('a').getAttribute('alt')).toBe('IMG_0001.jpg');
  });

  it('re-evaluates when aria-hidden goes onto an ancestor', async () => {
    const fake = fakeClient();
    const { captioner } = setup(`<section id="s"><img id="a" src="${url('a.jpg')}"></section>`, { client: fake });
    captioner.start();
    await settle();
    byId('s').setAttribute('aria-hidden', 'true');
    await settle();
    expect(fake.calls[0]?.signal.aborted).toBe(true);
    expect(byId('a').hasAttribute('data-lightcap')).toBe(false);
  });

  it('stops arguing with a page that keeps removing our alt', async () => {
    const { captioner, fake } = setup(`<img id="a" src="${url('a.jpg')}">`, { limits: { maxAuthorOverrides: 2 } });
    captioner.start();
    await settle();
    for (let i = 0; i < 3; i++) {
      byId('a').removeAttribute('alt');
      await settle();
    }
    expect(byId('a').hasAttribute('alt')).toBe(false);
    expect(fake.calls).toHaveLength(1);
  });
});

describe('a name the author gives after ours', () => {
  it('takes our text back when the author adds a title or an svg <title> later', async () => {
    const { captioner } = setup(
      `<svg id="s" role="img" viewBox="0 0 10 10"><circle cx="5" cy="5" r="4" fill="red"/></svg><img id="i" src="${url('i.jpg')}">`,
      { client: fakeClient(() => output('Thing')) },
    );
    captioner.start();
    await settle();
    expect(byId('s').getAttribute('aria-label')).toBe('Auto-generated: Thing');
    expect(byId('i').getAttribute('alt')).toBe('Auto-generated: Thing');
    const title = document.createElementNS('http://www.w3.org/2000/svg', 'title');
    title.textContent = 'Stop sign';
    byId('s').prepend(title);
    byId('i').setAttribute('title', 'Portrait of Jane');
    await settle();
    expect(byId('s').hasAttribute('aria-label')).toBe(false);
    expect(byId('i').hasAttribute('alt')).toBe(false);
    expect(byId('i').hasAttribute('data-lightcap')).toBe(false);
    expect(captioner.stats().captioned).toBe(0);
  });
});

describe('refused for the site in the address bar', () => {
  it('asks again when the switches change after the background refused an image as disabled (a frame that cannot name the top site)', async () => {
    let disabled = true;
    const fake = fakeClient((requested) => (disabled ? { error: { code: 'disabled', message: 'off for this site' } } : output(`Description of ${requested.slice(requested.lastIndexOf('/') + 1)}`)));
    // The user turned the embedding site off; this frame's own host is not on the list.
    const { captioner, settings } = setup(`<img id="a" src="${url('a.jpg')}">`, { client: fake, settings: { disabledSites: ['bank.example'] } });
    captioner.start();
    await settle();
    expect(byId('a').getAttribute('data-lightcap')).toBe('failed');
    disabled = false;
    captioner.updateSettings({ ...settings, disabledSites: [] });
    await settle();
    expect(byId('a').getAttribute('alt')).toBe('Auto-generated: Description of a.jpg');
  });
});

describe('copies of described images', () => {
  it('takes our text off a copy the page made of an image we described when the site is turned off', async () => {
    const { captioner, settings } = setup(`<div id="box"><img id="a" src="${url('a.jpg')}"></div>`);
    captioner.start();
    await settle();
    const copy = byId('a').cloneNode(true) as HTMLElement;
    copy.id = 'copy';
    byId('box').append(copy);
    byId('a').remove();
    await settle();
    expect(copy.getAttribute('alt')).toBe('Auto-generated: Description of a.jpg');
    expect(captioner.stats().captioned).toBe(1);
    captioner.updateSettings({ ...settings, enabled: false });
    await settle();
    expect(copy.hasAttribute('alt')).toBe(false);
    expect(copy.hasAttribute('data-lightcap')).toBe(false);
  });
});

describe('an svg drawn anew', () => {
  it('stops describing an svg image redrawn more than maxSvgRedraws times in the window (an animation)', async () => {
    let replies = 0;
    const fake = fakeClient(() => output(`Frame ${replies++}`));
    const { captioner } = setup(`<svg id="s" role="img" viewBox="0 0 10 10"><circle cx="5" cy="5" r="1"/></svg>`, { client: fake, limits: { maxSvgRedraws: 3 } });
    captioner.start();
    await settle();
    for (let frame = 2; frame <= 8; frame++) {
      byId('s').innerHTML = `<circle cx="5" cy="5" r="${frame}"/>`;
      await settle();
      await new Promise((resolve) => setTimeout(resolve, 120));
    }
    // The first drawing and three redraws were described; the fourth redraw shows an animation.
    expect(fake.calls).toHaveLength(4);
    expect(byId('s').hasAttribute('aria-label')).toBe(false);
    expect(byId('s').hasAttribute('data-lightcap')).toBe(false);
  });

  it('describes an svg image again when its shapes are replaced', async () => {
    let replies = 0;
    const fake = fakeClient(() => output(replies++ === 0 ? 'A red circle' : 'A blue square'));
    const { captioner } = setup(`<svg id="s" role="img" viewBox="0 0 10 10"><circle cx="5" cy="5" r="4" fill="red"/></svg>`, { client: fake });
    captioner.start();
    await settle();
    expect(byId('s').getAttribute('aria-label')).toBe('Auto-generated: A red circle');
    byId('s').innerHTML = '<rect width="10" height="10" fill="blue"/>';
    await settle();
    expect(fake.calls).toHaveLength(2);
    expect(byId('s').getAttribute('aria-label')).toBe('Auto-generated: A blue square');
  });
});

describe('shadow DOM', () => {
  it('captions images in open shadow roots present at start', async () => {
    const { captioner, fake } = setup('<div id="host"></div>');
    const shadow = byId('host').attachShadow({ mode: 'open' });
    shadow.innerHTML = `<figure><img src="${url('shadow.jpg')}"></figure>`;
    captioner.start();
    await settle();
    expect(fake.urls()).toEqual([url('shadow.jpg')]);
    expect(shadow.querySelector('img')?.getAttribute('alt')).toBe('Auto-generated: Description of shadow.jpg');
  });

  it('finds shadow hosts inserted later, and images added inside their roots afterwards', async () => {
    const { captioner, fake } = setup('<main id="main"></main>');
    captioner.start();
    await settle();
    const host = document.createElement('x-card');
    const shadow = host.attachShadow({ mode: 'open' });
    shadow.innerHTML = `<img src="${url('one.jpg')}">`;
    byId('main').append(host);
    await settle();
    const later = document.createElement('img');
    later.src = url('two.jpg');
    shadow.append(later);
    await settle();
    expect(fake.urls()).toEqual([url('one.jpg'), url('two.jpg')]);
    expect(later.getAttribute('alt')).toBe('Auto-generated: Description of two.jpg');
  });

  it('restores alts inside shadow roots too', async () => {
    const { captioner } = setup('<div id="host"></div>');
    const shadow = byId('host').attachShadow({ mode: 'open' });
    shadow.innerHTML = `<img src="${url('shadow.jpg')}">`;
    captioner.start();
    await settle();
    captioner.restoreAll();
    expect(shadow.querySelector('img')?.hasAttribute('alt')).toBe(false);
    expect(shadow.querySelector('img')?.hasAttribute('data-lightcap')).toBe(false);
  });
});

describe('settings and restoring', () => {
  it('restoreAll puts back exactly what the author had and stops', async () => {
    const fake = fakeClient();
    const { captioner } = setup(
      `<img id="none" src="${url('a.jpg')}"><img id="junk" alt="image" src="${url('b.jpg')}"><img id="waiting" src="${url('c.jpg')}">`,
      { client: fake, limits: { concurrency: 2 } },
    );
    captioner.start();
    await settle();
    fake.reply(url('a.jpg'), output('A'));
    fake.reply(url('b.jpg'), output('B'));
    await settle();
    expect(byId('junk').getAttribute('alt')).toBe('Auto-generated: B');
    captioner.restoreAll();
    expect(byId('none').hasAttribute('alt')).toBe(false);
    expect(byId('junk').getAttribute('alt')).toBe('image');
    for (const id of ['none', 'junk', 'waiting']) expect(byId(id).hasAttribute('data-lightcap')).toBe(false);
    expect(fake.calls.find((call) => urlOf(call.request) === url('c.jpg'))?.signal.aborted).toBe(true);
    // Stopped: restoring did not trigger new requests.
    await settle();
    expect(byId('none').hasAttribute('alt')).toBe(false);
  });

  it('rewrites our alts when the prefix changes', async () => {
    const { captioner, settings } = setup(`<img id="a" src="${url('a.jpg')}"><img id="b" alt="A real alt" src="${url('b.jpg')}">`);
    captioner.start();
    await settle();
    captioner.updateSettings({ ...settings, prefix: 'AI: ' });
    expect(byId('a').getAttribute('alt')).toBe('AI: Description of a.jpg');
    expect(byId('b').getAttribute('alt')).toBe('A real alt');
    captioner.updateSettings({ ...settings, prefix: '' });
    await settle();
    expect(byId('a').getAttribute('alt')).toBe('Description of a.jpg');
    expect(byId('a').getAttribute('data-lightcap')).toBe('generated');
  });

  it('describes our images again when the wording changes (language, neutral words, caption), not from the page cache', async () => {
    const { captioner, settings, fake } = setup(`<img id="a" src="${url('a.jpg')}"><img id="b" alt="A real alt" src="${url('b.jpg')}">`);
    captioner.start();
    await settle();
    expect(fake.calls).toHaveLength(1);
    captioner.updateSettings({ ...settings, descriptionLanguage: 'de', prefix: 'Automatisch erstellt: ' });
    await settle();
    expect(fake.calls).toHaveLength(2);
    expect(byId('a').getAttribute('alt')).toBe('Automatisch erstellt: Description of a.jpg');
    expect(byId('b').getAttribute('alt')).toBe('A real alt');
    captioner.updateSettings({ ...settings, descriptionLanguage: 'de', prefix: 'Automatisch erstellt: ', neutralWording: false });
    await settle();
    expect(fake.calls).toHaveLength(3);
    // Other settings changes keep what the page already has.
    captioner.updateSettings({ ...settings, descriptionLanguage: 'de', prefix: 'X: ', neutralWording: false });
    await settle();
    expect(fake.calls).toHaveLength(3);
    expect(byId('a').getAttribute('alt')).toBe('X: Description of a.jpg');
    // A request in flight when the wording changes is asked again, not written in the old wording.
    captioner.stop();
    const slow = setup(`<img id="c" src="${url('c.jpg')}">`, { client: fakeClient() });
    slow.captioner.start();
    await settle();
    expect(slow.fake.calls).toHaveLength(1);
    slow.captioner.updateSettings({ ...slow.settings, descriptionLanguage: 'de', prefix: 'Automatisch erstellt: ' });
    await settle();
    expect(slow.fake.calls[0]!.signal.aborted).toBe(true);
    expect(slow.fake.open()).toHaveLength(1);
    slow.fake.open()[0]!.resolve(output('Eine Kamera.'));
    await settle();
    expect(byId('c').getAttribute('alt')).toBe('Automatisch erstellt: Eine Kamera.');
  });

  it('gives junk alts back when replaceJunkAlt is turned off', async () => {
    const { captioner, settings } = setup(`<img id="junk" alt="DSC0042" src="${url('a.jpg')}"><img id="none" src="${url('b.jpg')}">`);
    captioner.start();
    await settle();
    captioner.updateSettings({ ...settings, replaceJunkAlt: false });
    await settle();
    expect(byId('junk').getAttribute('alt')).toBe('DSC0042');
    expect(byId('none').getAttribute('alt')).toBe('Auto-generated: Description of b.jpg');
  });

  it('re-evaluates sizes when minSize changes', async () => {
    const { captioner, settings, fake } = setup(`<img id="small" data-test-w="50" data-test-h="50" src="${url('s.jpg')}"><img id="big" src="${url('b.jpg')}">`);
    captioner.start();
    await settle();
    expect(byId('small').getAttribute('data-lightcap')).toBe('generated');
    captioner.updateSettings({ ...settings, minSize: 64 });
    await settle();
    expect(byId('small').hasAttribute('alt')).toBe(false);
    expect(byId('big').getAttribute('data-lightcap')).toBe('generated');
    captioner.updateSettings({ ...settings, minSize: 24 });
    await settle();
    expect(byId('small').getAttribute('alt')).toBe('Auto-generated: Description of s.jpg');
    // Answered from the page's cache the second time.
    expect(fake.calls).toHaveLength(2);
  });

  it('restores everything when the site is turned off, and resumes when turned on', async () => {
    const { captioner, settings } = setup(`<img id="a" src="${url('a.jpg')}">`);
    captioner.start();
    await settle();
    captioner.updateSettings({ ...settings, disabledSites: ['example.com'] });
    expect(byId('a').hasAttribute('alt')).toBe(false);
    expect(captioner.stats()).toMatchObject({ enabled: false, captioned: 0 });
    captioner.updateSettings({ ...settings, disabledSites: [] });
    await settle();
    expect(byId('a').getAttribute('alt')).toBe('Auto-generated: Description of a.jpg');
  });

  it('stop cancels open requests but keeps written alts', async () => {
    const fake = fakeClient((requested) => (requested.endsWith('a.jpg') ? output('A') : undefined));
    const { captioner } = setup(`<img id="a" src="${url('a.jpg')}"><img id="b" src="${url('b.jpg')}">`, { client: fake });
    captioner.start();
    await settle();
    captioner.stop();
    expect(fake.calls.find((call) => urlOf(call.request) === url('b.jpg'))?.signal.aborted).toBe(true);
    expect(byId('a').getAttribute('alt')).toBe('Auto-generated: A');
    expect(byId('b').hasAttribute('data-lightcap')).toBe(false);
  });
});

describe('sources', () => {
  it('reads blob: URLs in the page and sends their bytes', async () => {
    const blobs = new Map([['blob:https://www.example.com/1', new Blob([new Uint8Array([137, 80, 78, 71])], { type: 'image/png' })]]);
    const fake = fakeClient(() => output('A chart'));
    const { captioner } = setup('<img id="a" src="blob:https://www.example.com/1">', {
      client: fake,
      fetchBlob: async (blobUrl) => blobs.get(blobUrl) ?? Promise.reject(new Error('missing')),
    });
    captioner.start();
    await settle(10);
    expect(fake.calls[0]?.request.source).toEqual({ kind: 'bytes', base64: 'iVBORw==', mime: 'image/png' });
    expect(byId('a').getAttribute('alt')).toBe('Auto-generated: A chart');
  });

  it('refuses blobs over the size cap without asking the extension', async () => {
    const fake = fakeClient(() => output('never'));
    const { captioner } = setup('<img id="a" src="blob:https://www.example.com/2">', {
      client: fake,
      limits: { maxBytes: 3 },
      fetchBlob: async () => new Blob([new Uint8Array(10)], { type: 'image/png' }),
    });
    captioner.start();
    await settle(10);
    expect(fake.calls).toHaveLength(0);
    expect(byId('a').getAttribute('data-lightcap')).toBe('failed');
  });

  it('sends small data:image URLs as URLs and skips unsupported schemes', async () => {
    const dataUrl = 'data:image/png;base64,iVBORw0KGgo=';
    const { captioner, fake } = setup(`<img id="a" src="${dataUrl}"><img id="b" src="ftp://example.com/x.png">`);
    captioner.start();
    await settle();
    expect(fake.calls.map((call) => call.request.source)).toEqual([{ kind: 'url', url: dataUrl }]);
    expect(byId('b').hasAttribute('data-lightcap')).toBe(false);
  });
});

describe('stats', () => {
  it('reports changes through onStats', async () => {
    document.body.innerHTML = `<img src="${url('a.jpg')}"><img alt="" src="${url('b.jpg')}">`;
    const reports: { captioned: number; decorative: number }[] = [];
    const captioner = createPageCaptioner({
      document,
      settings: defaultSettings,
      client: fakeClient(() => output('A')).client,
      hostname: 'example.com',
      geometry: testGeometry,
      viewport: fakeViewport().factory,
      limits: { statsDelayMs: 0 },
      onStats: (stats) => reports.push({ captioned: stats.captioned, decorative: stats.decorative }),
    });
    captioners.push(captioner);
    captioner.start();
    await settle();
    expect(reports.at(-1)).toEqual({ captioned: 1, decorative: 1 });
  });
});

describe('intersectionViewport', () => {
  it('combines a viewport observer and a 600px-margin observer into visible, near and far', () => {
    type Callback = (records: { target: Element; isIntersecting: boolean }[]) => void;
    const observers: { callback: Callback; margin: string | undefined; targets: Element[] }[] = [];
    class FakeIntersectionObserver {
      private readonly record: { callback: Callback; margin: string | undefined; targets: Element[] };
      constructor(callback: Callback, init?: { rootMargin?: string }) {
        this.record = { callback, margin: init?.rootMargin, targets: [] };
        observers.push(this.record);
      }
      observe(target: Element) {
        this.record.targets.push(target);
      }
      unobserve() {}
      disconnect() {}
    }
    const fakeDocument = { defaultView: { IntersectionObserver: FakeIntersectionObserver } } as unknown as Document;
    const reports: string[] = [];
    const watcher = intersectionViewport(fakeDocument, (element, proximity) => reports.push(`${element.id}:${proximity}`));
    document.body.innerHTML = '<img id="a">';
    const image = byId('a');
    watcher.observe(image);
    const [visible, near] = observers;
    expect(visible?.margin).toBeUndefined();
    expect(near?.margin).toBe('600px');
    expect(visible?.targets).toEqual([image]);
    near?.callback([{ target: image, isIntersecting: true }]);
    visible?.callback([{ target: image, isIntersecting: true }]);
    visible?.callback([{ target: image, isIntersecting: false }]);
    near?.callback([{ target: image, isIntersecting: false }]);
    // A repeat of the same state is not reported again.
    near?.callback([{ target: image, isIntersecting: false }]);
    expect(reports).toEqual(['a:near', 'a:visible', 'a:near', 'a:far']);
  });
});

describe('pictures', () => {
  it('captions again when a <source> is removed from a <picture>', async () => {
    const { captioner, fake } = setup(`<picture id="p"><source id="s" srcset="${url('wide.webp')}"><img id="a" src="${url('a.jpg')}"></picture>`);
    captioner.start();
    await settle();
    expect(byId('a').getAttribute('alt')).toBe('Auto-generated: Description of a.jpg');
    // The picture now shows another file; the old description must not stay.
    byId('s').remove();
    byId('a').setAttribute('data-test-unloaded', '');
    await settle();
    expect(byId('a').hasAttribute('alt')).toBe(false);
    byId('a').removeAttribute('data-test-unloaded');
    byId('a').dispatchEvent(new Event('load'));
    await settle();
    expect(byId('a').getAttribute('alt')).toBe('Auto-generated: Description of a.jpg');
    expect(fake.calls).toHaveLength(1);
  });
});

describe('unsure', () => {
  it('counts unsure apart from failed, includes it in found, and restores it like failed', async () => {
    const fake = fakeClient((requested) => (requested.endsWith('unsure.jpg') ? output('', true) : requested.endsWith('broken.jpg') ? { error: { code: 'corrupt-image', message: 'bad' } } : output('A dog')));
    const { captioner } = setup(`<img id="u" alt="IMG_0001.jpg" src="${url('unsure.jpg')}"><img id="f" src="${url('broken.jpg')}"><img id="c" src="${url('dog.jpg')}">`, { client: fake });
    captioner.start();
    await settle();
    expect(byId('u').getAttribute('data-lightcap')).toBe('unsure');
    expect(byId('u').getAttribute('alt')).toBe('IMG_0001.jpg');
    expect(captioner.stats()).toEqual({ found: 3, captioned: 1, pending: 0, failed: 1, unsure: 1, decorative: 0, enabled: true });
    captioner.restoreAll();
    expect(byId('u').hasAttribute('data-lightcap')).toBe(false);
    expect(byId('u').getAttribute('alt')).toBe('IMG_0001.jpg');
    expect(byId('f').hasAttribute('data-lightcap')).toBe(false);
  });

  it('does not ask again about a picture that left the engine unsure', async () => {
    const fake = fakeClient(() => output('a thing', false));
    const { captioner } = setup(`<img id="a" src="${url('a.jpg')}">`, { client: fake });
    captioner.start();
    await settle();
    captioner.rescan();
    byId('a').setAttribute('title', 'IMG_2.jpg');
    await settle();
    expect(fake.calls).toHaveLength(1);
    expect(byId('a').getAttribute('data-lightcap')).toBe('unsure');
  });
});

describe('error codes', () => {
  it('does not retry blocked-address, and remembers it for the other images of that URL', async () => {
    const fake = fakeClient(() => ({ error: { code: 'blocked-address', message: 'a private address' } }));
    const { captioner } = setup(`<main id="main"><img id="a" src="${url('router.png')}"></main>`, { client: fake });
    captioner.start();
    await settle(20);
    expect(fake.calls).toHaveLength(1);
    expect(byId('a').getAttribute('data-lightcap')).toBe('failed');
    const again = document.createElement('img');
    again.src = url('router.png');
    byId('main').append(again);
    await settle(20);
    expect(fake.calls).toHaveLength(1);
    expect(again.getAttribute('data-lightcap')).toBe('failed');
  });

  it('stops asking once the engine is too slow, and leaves nothing pending', async () => {
    const fake = fakeClient(() => ({ error: { code: 'too-slow', message: 'warm-up took 40 s' } }));
    const html = Array.from({ length: 4 }, (_, i) => `<img id="i${i}" src="${url(`${i}.jpg`)}">`).join('');
    const { captioner } = setup(`<main id="main">${html}</main>`, { client: fake, limits: { concurrency: 1 } });
    captioner.start();
    await settle(20);
    expect(fake.calls).toHaveLength(1);
    for (let i = 0; i < 4; i++) expect(byId(`i${i}`).getAttribute('data-lightcap')).toBe('failed');
    expect(captioner.stats()).toMatchObject({ found: 4, pending: 0, failed: 4 });
    const late = document.createElement('img');
    late.src = url('late.jpg');
    byId('main').append(late);
    await settle(20);
    expect(fake.calls).toHaveLength(1);
    expect(late.getAttribute('data-lightcap')).toBe('failed');
  });
});

describe('request deadline', () => {
  it('defaults to one minute', () => {
    expect(defaultCaptionLimits.requestTimeoutMs).toBe(60_000);
  });

  it('fails a request that passes it, gives the slot to the next image, and asks again when the image shows up again', async () => {
    const fake = fakeClient((requested) => (requested.endsWith('quick.jpg') ? output('Quick') : undefined));
    const { captioner } = setup(`<main id="main"><img id="stuck" src="${url('stuck.jpg')}"><img id="quick" src="${url('quick.jpg')}"></main>`, {
      client: fake,
      limits: { concurrency: 1, requestTimeoutMs: 5 },
    });
    captioner.start();
    await new Promise((resolve) => setTimeout(resolve, 30));
    await settle();
    expect(byId('stuck').getAttribute('data-lightcap')).toBe('failed');
    expect(fake.calls[0]?.signal.aborted).toBe(true);
    expect(byId('quick').getAttribute('alt')).toBe('Auto-generated: Quick');
    const stuck = byId('stuck');
    stuck.remove();
    await settle();
    byId('main').append(stuck);
    await settle();
    expect(fake.urls().filter((requested) => requested === url('stuck.jpg'))).toHaveLength(2);
  });
});

describe('<input type=image>', () => {
  /** The test layout, but whether an input loaded comes from the watcher, as in the browser. */
  function withLoads(probe: ImageProbe) {
    const imageLoads = createImageLoadWatcher(window, probe);
    const dom = createDomGeometry(imageLoads);
    const geometry: Geometry = { ...testGeometry, isLoaded: (element) => (isImageInput(element) ? dom.isLoaded(element) : testGeometry.isLoaded(element)) };
    return { imageLoads, geometry };
  }
  const never: ImageProbe = () => new Promise(() => {});

  it('is described only once its image has loaded', async () => {
    const { captioner, fake } = setup(`<input id="go" type="image" src="${url('go.png')}">`, withLoads(never));
    captioner.start();
    await settle();
    expect(fake.calls).toHaveLength(0);
    expect(byId('go').hasAttribute('data-lightcap')).toBe(false);
    byId('go').dispatchEvent(new Event('load'));
    await settle();
    expect(fake.urls()).toEqual([url('go.png')]);
    expect(byId('go').getAttribute('alt')).toBe('Auto-generated: Description of go.png');
  });

  it('is never fetched by us when the page could not load it', async () => {
    const { captioner, fake } = setup(`<input id="go" type="image" src="${url('blocked.png')}">`, withLoads(never));
    captioner.start();
    await settle();
    byId('go').dispatchEvent(new Event('error'));
    await settle();
    captioner.rescan();
    await settle();
    expect(fake.calls).toHaveLength(0);
    expect(byId('go').hasAttribute('alt')).toBe(false);
    expect(captioner.stats()).toMatchObject({ found: 0 });
  });

  it('asks the page’s image loader about an input that loaded before we looked', async () => {
    const probed: string[] = [];
    const probe: ImageProbe = async (probedUrl) => {
      probed.push(probedUrl);
      return probedUrl.endsWith('ok.png');
    };
    const { captioner, fake } = setup(`<input id="ok" type="image" src="${url('ok.png')}"><input id="no" type="image" src="${url('no.png')}">`, withLoads(probe));
    captioner.start();
    await settle();
    expect(probed.sort()).toEqual([url('no.png'), url('ok.png')]);
    expect(fake.urls()).toEqual([url('ok.png')]);
  });
});

describe('waiting for a picture that may never load', () => {
  it('watches the new picture when the old one never loaded (the page was refused it)', async () => {
    const probed: string[] = [];
    // The page never fetched blocked.png (its CSP refused it), so the wait on it never ends.
    const probe: ImageProbe = (probedUrl) => (probed.push(probedUrl), probedUrl.endsWith('ok.png') ? Promise.resolve(true) : new Promise(() => {}));
    const imageLoads = createImageLoadWatcher(window, probe);
    const dom = createDomGeometry(imageLoads);
    const geometry: Geometry = { ...testGeometry, isLoaded: (element) => (isImageInput(element) ? dom.isLoaded(element) : testGeometry.isLoaded(element)) };
    const { captioner, fake } = setup(`<input id="go" type="image" src="${url('blocked.png')}">`, { imageLoads, geometry });
    captioner.start();
    await settle();
    expect(fake.calls).toHaveLength(0);
    // A web mail's "show images": the button now shows a picture the page may load.
    byId('go').setAttribute('src', url('ok.png'));
    await settle();
    expect(probed).toEqual([url('blocked.png'), url('ok.png')]);
    expect(fake.urls()).toEqual([url('ok.png')]);
  });
});

describe('role=img elements and svg', () => {
  const painted = (id: string, file: string, attributes = '') => `<div id="${id}" role="img" ${attributes} style="background-image: url('${url(file)}')"></div>`;

  it('writes a role=img background’s description into aria-label and restores exactly what was there', async () => {
    const { captioner, fake } = setup(painted('hero', 'hero.jpg') + painted('blank', 'b.jpg', 'aria-label=" "'));
    captioner.start();
    await settle();
    expect(fake.urls()).toEqual([url('hero.jpg'), url('b.jpg')]);
    expect(byId('hero').getAttribute('aria-label')).toBe('Auto-generated: Description of hero.jpg');
    expect(byId('hero').getAttribute('data-lightcap')).toBe('generated');
    expect(byId('hero').hasAttribute('alt')).toBe(false);
    expect(byId('blank').getAttribute('aria-label')).toBe('Auto-generated: Description of b.jpg');
    expect(captioner.stats()).toMatchObject({ found: 2, captioned: 2 });
    captioner.restoreAll();
    expect(byId('hero').hasAttribute('aria-label')).toBe(false);
    expect(byId('hero').hasAttribute('data-lightcap')).toBe(false);
    expect(byId('blank').getAttribute('aria-label')).toBe(' ');
  });

  it('describes the new picture when the background changes', async () => {
    const { captioner, fake } = setup(painted('hero', 'one.jpg'));
    captioner.start();
    await settle();
    byId('hero').setAttribute('style', `background-image: url(${url('two.jpg')})`);
    await settle();
    expect(fake.urls()).toEqual([url('one.jpg'), url('two.jpg')]);
    expect(byId('hero').getAttribute('aria-label')).toBe('Auto-generated: Description of two.jpg');
  });

  it('lets the author’s aria-label win', async () => {
    const { captioner } = setup(painted('hero', 'hero.jpg'));
    captioner.start();
    await settle();
    byId('hero').setAttribute('aria-label', 'The team at the 2024 offsite');
    await settle();
    expect(byId('hero').getAttribute('aria-label')).toBe('The team at the 2024 offsite');
    expect(byId('hero').hasAttribute('data-lightcap')).toBe(false);
    captioner.restoreAll();
    expect(byId('hero').getAttribute('aria-label')).toBe('The team at the 2024 offsite');
  });

  it('takes our aria-label back when the element stops being an image', async () => {
    const { captioner } = setup(painted('hero', 'hero.jpg'));
    captioner.start();
    await settle();
    byId('hero').removeAttribute('role');
    await settle();
    expect(byId('hero').hasAttribute('aria-label')).toBe(false);
    expect(byId('hero').hasAttribute('data-lightcap')).toBe(false);
  });

  const drawing = '<circle cx="5" cy="5" r="4" fill="red"/>';

  it('sends an unnamed <svg role=img> as svg bytes, once per drawing, and writes aria-label', async () => {
    const fake = fakeClient(() => output('A red circle'));
    const { captioner } = setup(
      `<p id="one"><svg role="img" viewBox="0 0 10 10">${drawing}</svg></p><p id="two"><svg role="img" viewBox="0 0 10 10">${drawing}</svg></p>` +
        `<svg id="titled" role="img" viewBox="0 0 10 10"><title>Stop</title>${drawing}</svg><svg id="plain" viewBox="0 0 10 10">${drawing}</svg>`,
      { client: fake },
    );
    captioner.start();
    await settle();
    expect(fake.calls).toHaveLength(1);
    const source = fake.calls[0]?.request.source;
    expect(source?.kind === 'bytes' && source.mime).toBe('image/svg+xml');
    const markup = source?.kind === 'bytes' ? atob(source.base64) : '';
    expect(markup).toMatch(/^<svg xmlns="http:\/\/www\.w3\.org\/2000\/svg"/);
    expect(markup).toContain('<circle');
    const copies = [...document.querySelectorAll('p > svg')];
    expect(copies).toHaveLength(2);
    for (const copy of copies) {
      expect(copy.getAttribute('aria-label')).toBe('Auto-generated: A red circle');
      expect(copy.getAttribute('data-lightcap')).toBe('generated');
    }
    for (const id of ['titled', 'plain']) expect(byId(id).hasAttribute('aria-label')).toBe(false);
    // Our own aria-label is not part of the drawing: looking again asks nothing.
    captioner.rescan();
    await settle();
    expect(fake.calls).toHaveLength(1);
    captioner.restoreAll();
    for (const copy of copies) expect(copy.hasAttribute('aria-label')).toBe(false);
  });

  it('does not describe an svg once a <title> names it', async () => {
    const fake = fakeClient();
    const { captioner } = setup(`<svg id="s" role="img" viewBox="0 0 10 10">${drawing}</svg>`, { client: fake });
    captioner.start();
    await settle();
    expect(byId('s').getAttribute('data-lightcap')).toBe('pending');
    const title = document.createElementNS('http://www.w3.org/2000/svg', 'title');
    title.textContent = 'Stop sign';
    byId('s').prepend(title);
    await settle();
    expect(fake.calls[0]?.signal.aborted).toBe(true);
    expect(byId('s').hasAttribute('data-lightcap')).toBe(false);
  });

  it('refuses svg markup over maxBytes without asking', async () => {
    const fake = fakeClient(() => output('never'));
    const { captioner } = setup(`<svg id="s" role="img" viewBox="0 0 10 10">${drawing}</svg>`, { client: fake, limits: { maxBytes: 20 } });
    captioner.start();
    await settle();
    expect(fake.calls).toHaveLength(0);
    expect(byId('s').getAttribute('data-lightcap')).toBe('failed');
  });
});

describe('links and buttons', () => {
  it('describes an image that is a link’s or button’s only content, but not one in a link named by aria-label', async () => {
    const { captioner, fake } = setup(
      `<a id="home" href="/"><img id="logo" src="${url('logo.png')}"></a>` +
        `<button id="search"><img id="lens" src="${url('lens.png')}"></button>` +
        `<a href="/cart" aria-label="Cart"><img id="cart" src="${url('cart.png')}"></a>`,
    );
    captioner.start();
    await settle();
    expect(fake.urls()).toEqual([url('logo.png'), url('lens.png')]);
    expect(byId('logo').getAttribute('alt')).toBe('Auto-generated: Description of logo.png');
    expect(byId('lens').getAttribute('alt')).toBe('Auto-generated: Description of lens.png');
    expect(byId('cart').hasAttribute('alt')).toBe(false);
  });

  it('stops describing when the link gets an aria-label', async () => {
    const fake = fakeClient();
    const { captioner } = setup(`<a id="home" href="/"><img id="logo" src="${url('logo.png')}"></a>`, { client: fake });
    captioner.start();
    await settle();
    byId('home').setAttribute('aria-label', 'Home');
    await settle();
    expect(fake.calls[0]?.signal.aborted).toBe(true);
    expect(byId('logo').hasAttribute('data-lightcap')).toBe(false);
  });
});
