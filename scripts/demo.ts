/**
 * Demo: opens tests/fixtures/pages/demo.html (public-domain and CC0 photos and
 * text images, none with alt) in Debian Chromium with the built extension.
 * Builds nothing: run `npx wxt build -b chrome` first (`npm run demo` does).
 *
 *   npm run demo                 headed when $DISPLAY is set: waits until you close the browser
 *   npm run demo -- --headless   (or no $DISPLAY) waits for the captions, prints each
 *                                image's alt, saves reports/demo.png and exits
 *   npm run demo -- --screenshots [--screenshots-dir DIR]   headless, then the store
 *                                screenshots (default store/screenshots/): the page at 1280×800
 *                                and 640×400 (the Chrome Web Store's two sizes; AMO takes either)
 */
import { mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { parseArgs } from 'node:util';
import { startFixtureServer } from '../tests/e2e/server';
import { imageStates, launchChromium, repoRoot, waitFor } from '../tests/e2e/extension';
import type { ChromiumSession } from '../tests/e2e/extension';

const { values } = parseArgs({
  options: {
    headless: { type: 'boolean', default: false },
    screenshot: { type: 'string', default: join(repoRoot, 'reports', 'demo.png') },
    timeout: { type: 'string', default: '120' },
    screenshots: { type: 'boolean', default: false },
    'screenshots-dir': { type: 'string', default: join(repoRoot, 'store', 'screenshots') },
  },
});

const screenshotsDir = values.screenshots ? values['screenshots-dir'] : undefined;
const headless = values.headless || !process.env.DISPLAY || screenshotsDir !== undefined;

async function main(): Promise<void> {
  const server = await startFixtureServer({ maxLifetimeMs: 4 * 60 * 60_000 });
  const url = server.url('/pages/demo.html');
  const session = await launchChromium({ headless, viewport: headless ? { width: 1280, height: 900 } : null, args: headless ? [] : ['--window-size=1280,900'] });
  const stop = async () => {
    await session.close();
    await server.close();
  };
  process.once('SIGINT', () => void stop().then(() => process.exit(130)));
  process.once('SIGTERM', () => void stop().then(() => process.exit(143)));

  try {
    await run(session, url);
  } finally {
    await stop();
  }
}

async function run(session: ChromiumSession, url: string): Promise<void> {
  const page = session.context.pages()[0] ?? (await session.context.newPage());
  await page.goto(url, { waitUntil: 'load' });
  // The extension's own tab would otherwise stay open next to the demo.
  for (const other of session.context.pages()) if (other !== page) await other.close().catch(() => undefined);

  if (!headless) {
    console.log(`LightCap Alt demo: ${url}`);
    console.log('Close the browser window to end the demo.');
    await new Promise<void>((resolve) => session.context.once('close', () => resolve()));
    return;
  }

  console.log(`No display${values.headless ? ' (--headless)' : ' ($DISPLAY is not set)'}: running headless on ${url}`);
  const started = Date.now();
  let timedOut = false;
  const states = await waitFor(
    async () => {
      const now = await imageStates(page);
      // "unsure": the engine found nothing confident to say, which is an answer too.
      return now.length > 0 && now.every((s) => s.marker === 'generated' || s.marker === 'failed' || s.marker === 'unsure') ? now : undefined;
    },
    { timeoutMs: Number(values.timeout) * 1000, intervalMs: 250, what: 'every demo image to be described' },
  ).catch(async (error: unknown) => {
    timedOut = true;
    console.error(String(error));
    return imageStates(page);
  });
  console.log(`\n${states.filter((s) => s.marker === 'generated').length} of ${states.length} images described in ${((Date.now() - started) / 1000).toFixed(1)} s:\n`);
  for (const state of states) {
    const file = new URL(state.src).pathname.split('/').pop();
    const alt = state.alt === null ? '(no alt)' : JSON.stringify(state.alt);
    console.log(`  ${(file ?? state.src).padEnd(20)} ${(state.marker ?? '-').padEnd(10)} ${alt}`);
  }
  mkdirSync(dirname(values.screenshot), { recursive: true });
  await page.screenshot({ path: values.screenshot, fullPage: true });
  console.log(`\nscreenshot: ${values.screenshot}`);
  if (screenshotsDir) await storeScreenshots(page, screenshotsDir);
  if (timedOut) process.exitCode = 1;
}

/** The page with its generated alts shown, at the top and halfway down, in each store size. */
async function storeScreenshots(page: Awaited<ReturnType<ChromiumSession['context']['newPage']>>, dir: string): Promise<void> {
  mkdirSync(dir, { recursive: true });
  for (const [width, height] of [
    [1280, 800],
    [640, 400],
  ] as const) {
    await page.setViewportSize({ width, height });
    for (const [name, fraction] of [
      ['top', 0],
      ['middle', 0.5],
    ] as const) {
      await page.evaluate((f) => window.scrollTo(0, (document.documentElement.scrollHeight - window.innerHeight) * f), fraction);
      await page.waitForTimeout(200);
      const path = join(dir, `demo-${name}-${width}x${height}.png`);
      await page.screenshot({ path });
      console.log(`store screenshot: ${path}`);
    }
  }
}

await main();
