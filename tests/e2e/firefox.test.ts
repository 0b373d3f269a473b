/**
 * End-to-end: Firefox ESR (puppeteer-core 24 over WebDriver BiDi, headless)
 * with the built MV2 extension (.output/firefox-mv2). The basic flow only:
 * an image without alt gets a generated one. On Firefox the background page
 * hosts the engine (no offscreen document).
 *
 *   npx vitest run --config vitest.e2e.config.ts tests/e2e/firefox.test.ts
 */
import { afterAll, beforeAll, expect, test } from 'vitest';
import puppeteer from 'puppeteer-core';
import type { Browser, Frame, Page } from 'puppeteer-core';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startFixtureServer } from './server';
import type { FixtureServer } from './server';
import { assertBuilt, defaultPrefix, firefoxExtensionDir, firefoxPath, hasContentScript, waitFor } from './extension';
import type { ImageState } from './extension';

let server: FixtureServer;
let browser: Browser;
let profile: string;

beforeAll(async () => {
  assertBuilt(firefoxExtensionDir);
  server = await startFixtureServer();
  profile = mkdtempSync(join(tmpdir(), 'lightcap-firefox-'));
  browser = await puppeteer.launch({
    browser: 'firefox',
    executablePath: firefoxPath,
    headless: true,
    userDataDir: profile,
    timeout: 60_000,
    extraPrefsFirefox: {
      // Quiet, offline-friendly profile.
      'browser.shell.checkDefaultBrowser': false,
      'datareporting.policy.dataSubmissionEnabled': false,
      'app.update.enabled': false,
      // This VM charges ~100 ns for every switch between AVX and SSE encodings,
      // and Firefox's wasm SIMD code uses AVX by default, so onnxruntime-web
      // runs 100-200x slower here than on real hardware (a detector pass: 30 s
      // instead of 0.19 s). With AVX off it matches Chromium. This is the
      // machine, not the extension; the product itself reports such a device
      // as too slow (popup) rather than leaving images pending.
      'javascript.options.wasm_simd_avx': false,
      // A made-up public-looking host name for the private-network probe; it resolves to 127.0.0.1.
      'network.dns.localDomains': 'attacker.test',
    },
  });
  await browser.installExtension(firefoxExtensionDir);
});

afterAll(async () => {
  await browser?.close().catch(() => undefined);
  await server?.close();
  if (profile) rmSync(profile, { recursive: true, force: true, maxRetries: 3 });
});

/** What the content script has done to each image: the document, its open shadow roots and the closed ones a fixture lists on window.closedShadowRoots. */
async function states(page: Page | Frame): Promise<ImageState[]> {
  return page.evaluate(() => {
    const listed = (window as { closedShadowRoots?: ShadowRoot[] }).closedShadowRoots ?? [];
    const roots: (Document | ShadowRoot)[] = [document, ...listed];
    const out: ImageState[] = [];
    for (let root = roots.shift(); root; root = roots.shift()) {
      for (const el of root.querySelectorAll('img, input[type=image]')) {
        out.push({ id: el.id, src: (el as HTMLImageElement).currentSrc || (el as HTMLImageElement).src, alt: el.getAttribute('alt'), marker: el.getAttribute('data-lightcap') });
      }
      for (const host of root.querySelectorAll('*')) if (host.shadowRoot) roots.push(host.shadowRoot);
    }
    return out;
  });
}

/** states() of the page and of every frame in it (a frame that is navigating counts as empty). */
async function statesInFrames(page: Page): Promise<ImageState[]> {
  return (await Promise.all(page.frames().map((frame) => states(frame).catch(() => [])))).flat();
}

/** Waits until every id carries a generated alt, then checks each starts with our prefix. */
async function expectGenerated(read: () => Promise<ImageState[]>, ids: string[], what: string): Promise<void> {
  const settled = await waitFor(
    async () => {
      const now = await read();
      return ids.every((id) => now.find((s) => s.id === id)?.marker === 'generated') ? now : undefined;
    },
    { timeoutMs: 60_000, intervalMs: 250, what },
  );
  for (const id of ids) expect(settled.find((s) => s.id === id)!.alt).toMatch(new RegExp(`^${defaultPrefix}\\S`));
}

test('an image without alt gets a generated alt (and the text banner is read)', async () => {
  expect(hasContentScript(firefoxExtensionDir), 'the Firefox build has no content script').toBe(true);
  const page = await browser.newPage();
  try {
    await page.goto(server.url('/pages/basic.html'), { waitUntil: 'load' });
    const ids = ['astronaut', 'banner', 'coffee', 'button'];
    const done = await waitFor(
      async () => {
        const now = await states(page);
        const wanted = now.filter((s) => ids.includes(s.id));
        return wanted.length === ids.length && wanted.every((s) => s.marker === 'generated' || s.marker === 'failed') ? now : undefined;
      },
      { timeoutMs: 90_000, intervalMs: 250, what: 'captions in Firefox' },
    );
    for (const id of ids) {
      const state = done.find((s) => s.id === id)!;
      expect(state.marker, `#${id} data-lightcap`).toBe('generated');
      expect(state.alt, `#${id} alt`).toMatch(new RegExp(`^${defaultPrefix}\\S`));
    }
    expect(done.find((s) => s.id === 'banner')!.alt).toMatch(/OPEN 24 HOURS/i);
  } finally {
    await page.close();
  }
}, 120_000);

test('author alt, alt="" and images in an editor are left alone in Firefox too', async () => {
  const page = await browser.newPage();
  try {
    await page.goto(server.url('/pages/alt-rules.html'), { waitUntil: 'load' });
    await waitFor(async () => (await states(page)).find((s) => s.id === 'missing')?.marker === 'generated', { timeoutMs: 60_000, what: 'the reference image to be captioned' });
    const now = await states(page);
    expect(now.find((s) => s.id === 'decorative')).toMatchObject({ alt: '', marker: null });
    expect(now.find((s) => s.id === 'author')).toMatchObject({ alt: 'A Falcon 9 rocket lifting off at Cape Canaveral', marker: null });
    expect(now.find((s) => s.id === 'tracker')).toMatchObject({ alt: null, marker: null });
    expect(now.find((s) => s.id === 'editable')).toMatchObject({ alt: null, marker: null });
  } finally {
    await page.close();
  }
}, 90_000);

test('images the page made from blob: URLs are described in Firefox, also once the page has revoked the URL', async () => {
  const page = await browser.newPage();
  try {
    await page.goto(server.url('/pages/blob.html'), { waitUntil: 'load' });
    await expectGenerated(() => states(page), ['kept', 'revoked'], 'the blob: images to be described in Firefox');
  } finally {
    await page.close();
  }
}, 90_000);

test('images in open and closed shadow roots are described in Firefox (content scripts read openOrClosedShadowRoot)', async () => {
  const page = await browser.newPage();
  try {
    await page.goto(server.url('/pages/shadow.html'), { waitUntil: 'load' });
    await expectGenerated(() => states(page), ['in-shadow', 'nested-shadow', 'in-closed-shadow'], 'the shadow-root images to be described in Firefox');
    expect((await states(page)).find((s) => s.id === 'in-closed-shadow')!.alt).toMatch(/welcome/i);
  } finally {
    await page.close();
  }
}, 90_000);

test('images the page\'s CSP blocks are neither requested nor described in Firefox', async () => {
  const page = await browser.newPage();
  try {
    await page.goto(server.url('/pages/csp.html'), { waitUntil: 'load' });
    const read = () =>
      page.evaluate(() =>
        ['allowed-bg', 'blocked-bg', 'blocked-input'].map((id) => {
          const element = document.getElementById(id)!;
          return { id, label: element.getAttribute('aria-label'), alt: element.getAttribute('alt'), generated: element.getAttribute('data-lightcap') === 'generated' };
        }),
      );
    await waitFor(async () => (await read())[0]!.generated, { timeoutMs: 60_000, what: 'the allowed background to be described in Firefox' });
    await new Promise((resolve) => setTimeout(resolve, 1000));
    const [allowed, ...blocked] = await read();
    expect(allowed!.label).toMatch(/welcome/i);
    expect(blocked).toEqual([
      { id: 'blocked-bg', label: null, alt: null, generated: false },
      { id: 'blocked-input', label: null, alt: null, generated: false },
    ]);
    expect(server.hits('/dyn/count/csp-bg/welcome.png')).toBe(0);
    expect(server.hits('/dyn/count/csp-input/open-24-hours.png')).toBe(0);
  } finally {
    await page.close();
  }
}, 90_000);

test('a referrer meta with spaces around its value, which Firefox honours, holds our Referer too', async () => {
  const page = await browser.newPage();
  try {
    const image = server.url('/dyn/count/ff-meta/welcome.png', 'B');
    await page.goto(server.url(`/dyn/page?img=${encodeURIComponent(image)}&meta=${encodeURIComponent(' no-referrer ')}`), { waitUntil: 'load' });
    await expectGenerated(() => states(page), ['img0'], 'the image to be described in Firefox');
    const requests = server.requests().filter((request) => request.path === '/dyn/count/ff-meta/welcome.png');
    // The page's own request and the engine's: neither carries a Referer.
    expect(requests.length).toBeGreaterThanOrEqual(2);
    expect(requests.map((request) => request.referer ?? '')).toEqual(requests.map(() => ''));
  } finally {
    await page.close();
  }
}, 90_000);

test('images in about:srcdoc and about:blank frames are described in Firefox', async () => {
  const page = await browser.newPage();
  try {
    await page.goto(server.url('/pages/srcdoc.html'), { waitUntil: 'load' });
    await expectGenerated(() => statesInFrames(page), ['in-srcdoc', 'in-blank'], 'the images inside the srcdoc and script-written frames to be described in Firefox');
  } finally {
    await page.close();
  }
}, 90_000);

test('a same-origin image that needs the user\'s cookie is described in Firefox (the frame\'s origin, read by the content script, matches)', async () => {
  const page = await browser.newPage();
  try {
    await page.goto(server.url('/dyn/set-cookie'), { waitUntil: 'load' });
    await page.goto(server.url(`/dyn/page?${new URLSearchParams([['img', '/dyn/private/welcome.png']])}`), { waitUntil: 'load' });
    const settled = await waitFor(
      async () => {
        const now = await states(page);
        return now.length === 1 && now[0]!.marker !== null && now[0]!.marker !== 'pending' ? now : undefined;
      },
      { timeoutMs: 60_000, intervalMs: 250, what: 'the cookie-protected image to settle in Firefox' },
    );
    const ours = server.requests().filter((r) => r.path === '/dyn/private/welcome.png' && !r.imageLoad);
    console.log(`[firefox] cookie-protected image: ${JSON.stringify(settled.map((s) => [s.marker, s.alt]))}; our requests: ${JSON.stringify(ours.map((r) => r.status))}`);
    expect(settled[0]!.marker).toBe('generated');
    expect(settled[0]!.alt).toMatch(/Welcome/i);
  } finally {
    await page.close();
  }
}, 90_000);

test('a public page cannot reach a loopback image through a redirect in Firefox either', async () => {
  const portA = new URL(server.originA).port;
  const secret = `${server.originB}/images/welcome.png`;
  const query = new URLSearchParams([
    ['img', `http://attacker.test:${portA}/dyn/gate/astronaut.jpg?to=${encodeURIComponent(secret)}`],
    ['img', `http://attacker.test:${portA}/images/coffee.jpg`],
  ]);
  server.resetLog();
  const page = await browser.newPage();
  try {
    await page.goto(`http://attacker.test:${portA}/dyn/page?${query}`, { waitUntil: 'load' });
    const settled = await waitFor(
      async () => {
        const now = await states(page);
        return now.length === 2 && now.every((s) => s.marker !== null && s.marker !== 'pending') ? now : undefined;
      },
      { timeoutMs: 60_000, intervalMs: 250, what: 'both images to settle in Firefox' },
    );
    const ours = server.requests().filter((r) => r.origin === 'B' && !r.imageLoad);
    console.log(`[firefox] loopback probe: ${JSON.stringify(settled.map((s) => [s.id, s.marker, s.alt]))}; our requests to loopback: ${JSON.stringify(ours.map((r) => [r.path, r.status]))}`);
    expect(settled.find((s) => s.id === 'img1')?.marker).toBe('generated');
    expect(settled.find((s) => s.id === 'img0')?.marker).toBe('failed');
    // The session rule stopped the hop itself: the loopback server never saw our request.
    expect(ours).toEqual([]);
  } finally {
    await page.close();
  }
}, 90_000);
