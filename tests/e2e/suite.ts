/**
 * One Chromium suite's shared set-up: a fixture server and a browser with the
 * built extension for the whole file, and every page a test opened closed
 * after it.
 */
import { afterAll, afterEach, beforeAll } from 'vitest';
import type { Page } from 'playwright-core';
import { startFixtureServer } from './server';
import type { FixtureServer } from './server';
import { launchChromium } from './extension';
import type { ChromiumSession, LaunchOptions } from './extension';

export interface ChromiumSuite {
  readonly server: FixtureServer;
  readonly session: ChromiumSession;
  /** Opens a fixture path (`/pages/…`) or a full URL in a new tab and waits for `load`. */
  open(pathOrUrl: string): Promise<Page>;
  /** Closes this page (one the test did not open itself, e.g. a popup) after the test too. */
  track(page: Page): void;
}

export function useChromiumSuite(launchOptions: (server: FixtureServer) => LaunchOptions = () => ({})): ChromiumSuite {
  let server: FixtureServer | undefined;
  let session: ChromiumSession | undefined;
  const openPages: Page[] = [];

  beforeAll(async () => {
    server = await startFixtureServer();
    session = await launchChromium(launchOptions(server));
  });
  afterEach(async () => {
    for (const page of openPages.splice(0)) await page.close().catch(() => undefined);
  });
  afterAll(async () => {
    await session?.close();
    await server?.close();
  });

  const ready = <T,>(value: T | undefined, what: string): T => {
    if (value === undefined) throw new Error(`the suite's ${what} is not running (beforeAll failed?)`);
    return value;
  };
  return {
    get server() {
      return ready(server, 'fixture server');
    },
    get session() {
      return ready(session, 'browser');
    },
    async open(pathOrUrl) {
      const page = await ready(session, 'browser').context.newPage();
      openPages.push(page);
      await page.goto(/^https?:/.test(pathOrUrl) ? pathOrUrl : ready(server, 'fixture server').url(pathOrUrl), { waitUntil: 'load' });
      return page;
    },
    track(page) {
      openPages.push(page);
    },
  };
}
