/**
 * End-to-end: the images a screen reader meets that are not plain `<img>`s
 * (a role=img element painted by a CSS background, an unnamed
 * `<svg role=img>`) and an alt-less image that is a link's only content, in
 * Debian Chromium (playwright-core, headless) with the built extension.
 *
 *   npx vitest run --config vitest.e2e.config.ts tests/e2e/page-targets.test.ts
 *
 * What "works" means: the generated text sits in the attribute screen
 * readers use (aria-label for role=img and svg, alt for img), with the
 * "Auto-generated: " prefix and data-lightcap="generated", and Chromium's
 * accessibility tree names the element with it. What the author already
 * named is left alone.
 */
import { describe, expect, test } from 'vitest';
import type { CDPSession, Page } from 'playwright-core';
import { useChromiumSuite } from './suite';
import { accessibleName, defaultPrefix, hasContentScript, waitFor } from './extension';

/** The first caption includes creating the offscreen document and compiling the wasm. */
const captionTimeout = 60_000;
const page = '/pages/targets.html';

const suite = useChromiumSuite();

interface TargetState {
  id: string;
  alt: string | null;
  label: string | null;
  marker: string | null;
}

const open = (pathOrUrl: string): Promise<Page> => suite.open(pathOrUrl);

/** alt, aria-label and data-lightcap of each element. */
async function targetStates(target: Page, ids: string[]): Promise<TargetState[]> {
  // No named functions inside: tsx (esbuild keepNames) would wrap them in a helper the page lacks.
  return target.evaluate(
    (wanted) =>
      wanted.map((id) => {
        const element = document.getElementById(id);
        return {
          id,
          alt: element?.getAttribute('alt') ?? null,
          label: element?.getAttribute('aria-label') ?? null,
          marker: element?.getAttribute('data-lightcap') ?? null,
        };
      }),
    ids,
  );
}

/** Waits until every id is settled (generated, failed or unsure) and nothing on the page is pending. */
async function waitForSettled(target: Page, ids: string[]): Promise<Map<string, TargetState>> {
  const states = await waitFor(
    async () => {
      const now = await targetStates(target, ids);
      const pending = await target.evaluate(() => document.querySelectorAll('[data-lightcap="pending"]').length);
      return pending === 0 && now.every((state) => state.marker === 'generated' || state.marker === 'failed' || state.marker === 'unsure') ? now : undefined;
    },
    { timeoutMs: captionTimeout, what: `${ids.join(', ')} to be described` },
  );
  return new Map(states.map((state) => [state.id, state]));
}

function stateOf(states: Map<string, TargetState>, id: string): TargetState {
  const state = states.get(id);
  if (!state) throw new Error(`no #${id}`);
  return state;
}

async function cdpFor(target: Page): Promise<CDPSession> {
  const cdp = await target.context().newCDPSession(target);
  await cdp.send('Accessibility.enable');
  return cdp;
}

const generated = new RegExp(`^${defaultPrefix}\\S`);

describe('images that are not <img> elements', () => {
  test('a role=img element painted by a CSS background gets a generated aria-label, and its accessible name', async () => {
    expect(hasContentScript(), 'the build has no content script').toBe(true);
    const opened = await open(page);
    const states = await waitForSettled(opened, ['hero']);
    const hero = stateOf(states, 'hero');
    expect(hero.marker).toBe('generated');
    expect(hero.label).toMatch(generated);
    expect(hero.alt).toBeNull();
    const ax = await accessibleName(await cdpFor(opened), 'document.getElementById("hero")');
    expect(ax.ignored).toBeFalsy();
    expect(ax.name).toBe(hero.label);
    // The one its author named is left alone.
    const [named] = await targetStates(opened, ['named-hero']);
    expect(named).toEqual({ id: 'named-hero', alt: null, label: 'A cup of coffee on a saucer', marker: null });
  }, captionTimeout + 30_000);

  test('an unnamed <svg role=img> is described from its own markup into aria-label; one with a <title> is left alone', async () => {
    expect(hasContentScript(), 'the build has no content script').toBe(true);
    const opened = await open(page);
    const states = await waitForSettled(opened, ['stop-sign']);
    const sign = stateOf(states, 'stop-sign');
    expect(sign.marker).toBe('generated');
    expect(sign.label).toMatch(generated);
    expect(sign.label).toMatch(/STOP/i);
    const ax = await accessibleName(await cdpFor(opened), 'document.getElementById("stop-sign")');
    expect(ax.name).toBe(sign.label);
    const [titled] = await targetStates(opened, ['titled-sign']);
    expect(titled).toEqual({ id: 'titled-sign', alt: null, label: null, marker: null });
  }, captionTimeout + 30_000);
});

describe('links whose only content is an image', () => {
  test('the image gets a generated alt, which names the link; an image in a link named by aria-label is left alone', async () => {
    expect(hasContentScript(), 'the build has no content script').toBe(true);
    const opened = await open(page);
    const states = await waitForSettled(opened, ['link-image']);
    const image = stateOf(states, 'link-image');
    expect(image.marker).toBe('generated');
    expect(image.alt).toMatch(generated);
    expect(image.alt).toMatch(/welcome/i);
    const cdp = await cdpFor(opened);
    expect((await accessibleName(cdp, 'document.getElementById("home-link")')).name).toBe(image.alt);
    const [named] = await targetStates(opened, ['named-link-image']);
    expect(named).toEqual({ id: 'named-link-image', alt: null, label: null, marker: null });
    expect((await accessibleName(cdp, 'document.getElementById("named-link")')).name).toBe('Open the summer sale');
  }, captionTimeout + 30_000);
});
