/**
 * Launching browsers with the built extension, and small helpers shared by
 * the end-to-end tests, the page benchmark and the demo.
 *
 * Chromium: Debian's /usr/bin/chromium driven by playwright-core (no
 * downloaded browsers). The unpacked build is `.output/chrome-mv3`; build it
 * first with `npx wxt build -b chrome` (the e2e global setup does so when it
 * is missing).
 */
import { chromium } from 'playwright-core';
import type { BrowserContext, CDPSession, Frame, Page, Worker } from 'playwright-core';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createRequire } from 'node:module';
import type { ColdStartTimeline, ImageTimingSummary } from '../../src/messaging/protocol';
import { isEngineHostUrl } from '../../src/background/router';

const here = dirname(fileURLToPath(import.meta.url));
export const repoRoot = resolve(here, '..', '..');
export const chromeExtensionDir = join(repoRoot, '.output', 'chrome-mv3');
export const firefoxExtensionDir = join(repoRoot, '.output', 'firefox-mv2');
export const chromiumPath = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
export const firefoxPath = process.env.FIREFOX_PATH ?? '/usr/bin/firefox-esr';

export const defaultPrefix = 'Auto-generated: ';

/** The few extension APIs the tests call inside the service worker or an extension page. */
export interface ChromeApi {
  runtime: { sendMessage(message: unknown): Promise<unknown>; id: string; getContexts(filter: { contextTypes: string[] }): Promise<{ documentUrl?: string }[]> };
  tabs: {
    query(filter: Record<string, unknown>): Promise<{ id?: number; url?: string; active?: boolean; windowId?: number }[]>;
    create(properties: { url: string; active?: boolean; windowId?: number }): Promise<{ id?: number }>;
    remove(tabId: number): Promise<void>;
  };
  offscreen: { closeDocument(): Promise<void>; createDocument(parameters: { url: string; reasons: string[]; justification: string }): Promise<void> };
  storage: { sync: { get(key?: string | null): Promise<Record<string, unknown>>; clear(): Promise<void> }; local: { get(key?: string | null): Promise<Record<string, unknown>>; set(items: Record<string, unknown>): Promise<void> } };
}
declare const chrome: ChromeApi;

export interface ChromiumSession {
  context: BrowserContext;
  /** The extension's service worker, when launched with the extension. */
  sw?: Worker;
  extensionId?: string;
  userDataDir: string;
  /** The current service worker (a new one after a restart). */
  worker(): Promise<Worker>;
  close(): Promise<void>;
}

export interface LaunchOptions {
  extension?: boolean;
  headless?: boolean;
  extensionDir?: string;
  viewport?: { width: number; height: number } | null;
  args?: string[];
  /** Offer WebGPU (SwiftShader's software adapter on a machine without a GPU) instead of turning the GPU off. */
  webgpu?: boolean;
}

export function assertBuilt(dir = chromeExtensionDir): void {
  if (!existsSync(join(dir, 'manifest.json'))) {
    throw new Error(`No extension build at ${dir}. Run \`npx wxt build -b ${dir.includes('firefox') ? 'firefox' : 'chrome'}\` first.`);
  }
}

/** Chromium with a fresh profile, with or without the unpacked extension. */
export async function launchChromium(options: LaunchOptions = {}): Promise<ChromiumSession> {
  const { extension = true, headless = true, extensionDir = chromeExtensionDir, viewport = { width: 1280, height: 800 } } = options;
  if (extension) assertBuilt(extensionDir);
  const userDataDir = mkdtempSync(join(tmpdir(), 'lightcap-chromium-'));
  const args = [
    '--no-sandbox',
    ...(options.webgpu ? ['--enable-unsafe-webgpu'] : ['--disable-gpu']),
    '--disable-quic',
    '--no-first-run',
    '--disable-background-networking',
    '--disable-component-update',
    '--disable-sync',
    ...(extension ? [`--disable-extensions-except=${extensionDir}`, `--load-extension=${extensionDir}`] : []),
    ...(options.args ?? []),
  ];
  let context: BrowserContext;
  try {
    context = await chromium.launchPersistentContext(userDataDir, { executablePath: chromiumPath, headless, args, viewport, timeout: 60_000 });
  } catch (error) {
    rmSync(userDataDir, { recursive: true, force: true });
    throw error;
  }
  let sw: Worker | undefined;
  let extensionId: string | undefined;
  if (extension) {
    sw = context.serviceWorkers().find((w) => w.url().startsWith('chrome-extension://')) ?? (await context.waitForEvent('serviceworker', { timeout: 30_000 }));
    extensionId = new URL(sw.url()).host;
  }
  const worker = async () => {
    const live = context.serviceWorkers().filter((w) => w.url().startsWith(`chrome-extension://${extensionId}/`));
    return live.at(-1) ?? (await context.waitForEvent('serviceworker', { timeout: 30_000 }));
  };
  return {
    context,
    sw,
    extensionId,
    userDataDir,
    worker,
    async close() {
      await context.close().catch(() => undefined);
      rmSync(userDataDir, { recursive: true, force: true, maxRetries: 3 });
    },
  };
}

/** The caption the context-menu hook returns (ToastContent). */
export interface MenuResult {
  state: 'working' | 'done' | 'error';
  description?: string;
  text?: string[];
  error?: string;
}

/**
 * Describes an image through the service worker's test hook (the context-menu
 * path). Unless told otherwise, the menu was opened on a page of the image's
 * own origin, as a real menu click always names a page (the host refuses a
 * loopback image for an unknown, so public, page).
 */
export function describeViaHook(sw: Worker, target: { srcUrl: string; tabId?: number; frameId?: number; frameUrl?: string; pageUrl?: string }): Promise<MenuResult> {
  const imagePage = /^https?:/i.test(target.srcUrl) ? `${new URL(target.srcUrl).origin}/` : undefined;
  return sw.evaluate(
    (t) => (globalThis as unknown as { lightcapTestHooks: { describeFromMenu(t: unknown): Promise<MenuResult> } }).lightcapTestHooks.describeFromMenu(t),
    { tabId: 999_999, frameId: 0, frameUrl: imagePage, pageUrl: target.frameUrl ?? imagePage, ...target },
  );
}

/** The tab id of a page, found through the extension (by URL). */
export async function tabIdOf(sw: Worker, page: Page): Promise<number> {
  const url = page.url();
  const id = await sw.evaluate(async (u) => {
    const tabs = await chrome.tabs.query({});
    return tabs.find((t) => t.url === u)?.id;
  }, url);
  if (id === undefined) throw new Error(`no tab has the URL ${url}`);
  return id;
}

/**
 * What the content script has done to each image, read from the page (pierces open shadow roots, and the
 * closed ones a fixture page lists on `window.closedShadowRoots`).
 */
export interface ImageState {
  id: string;
  src: string;
  alt: string | null;
  marker: string | null;
}

export async function imageStates(page: Page | Frame): Promise<ImageState[]> {
  // No named functions inside: tsx (esbuild keepNames) would wrap them in a
  // `__name` helper that does not exist in the page.
  return page.evaluate(() => {
    const out: { id: string; src: string; alt: string | null; marker: string | null }[] = [];
    const listed = (window as { closedShadowRoots?: ShadowRoot[] }).closedShadowRoots ?? [];
    const roots: (Document | ShadowRoot)[] = [document, ...listed];
    for (let root = roots.shift(); root; root = roots.shift()) {
      for (const el of root.querySelectorAll('img, input[type=image]')) {
        const image = el as HTMLImageElement;
        out.push({ id: el.id, src: image.currentSrc || image.src, alt: el.getAttribute('alt'), marker: el.getAttribute('data-lightcap') });
      }
      for (const host of root.querySelectorAll('*')) if (host.shadowRoot) roots.push(host.shadowRoot);
    }
    return out;
  });
}

/** imageStates of the page and of every frame in it (a frame that is navigating counts as empty). */
export async function imageStatesInFrames(page: Page): Promise<ImageState[]> {
  const perFrame = await Promise.all(page.frames().map((frame) => imageStates(frame).catch(() => [])));
  return perFrame.flat();
}

/** The element's accessible name as Chromium's accessibility tree computes it. */
export async function accessibleName(cdp: CDPSession, expression: string): Promise<{ role?: string; name?: string; ignored?: boolean }> {
  const evaluated = await cdp.send('Runtime.evaluate', { expression, objectGroup: 'lightcap-ax' });
  const objectId = evaluated.result.objectId;
  if (!objectId) throw new Error(`${expression} is not an element`);
  try {
    const { nodes } = await cdp.send('Accessibility.getPartialAXTree', { objectId, fetchRelatives: false });
    const node = nodes[0];
    return { role: node?.role?.value as string | undefined, name: node?.name?.value as string | undefined, ignored: node?.ignored };
  } finally {
    await cdp.send('Runtime.releaseObjectGroup', { objectGroup: 'lightcap-ax' }).catch(() => undefined);
  }
}

/** axe-core's source, injected into pages. */
export function axeSource(): string {
  const require = createRequire(import.meta.url);
  return readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');
}

export interface AxeViolation {
  id: string;
  impact?: string | null;
  help: string;
  nodes: { target: unknown[]; html: string }[];
}

/** Runs axe in the page. `rules` limits the run to those rule ids; `tags` to those tags. */
export async function runAxe(page: Page, options: { rules?: string[]; tags?: string[] } = {}): Promise<AxeViolation[]> {
  const loaded = await page.evaluate(() => typeof (window as unknown as { axe?: unknown }).axe !== 'undefined');
  // Evaluated over CDP rather than added as a <script>, so extension pages' CSP does not block it.
  if (!loaded) await page.evaluate(axeSource());
  return page.evaluate(async (opts) => {
    const axe = (window as unknown as { axe: { run(context: unknown, options: unknown): Promise<{ violations: AxeViolation[] }> } }).axe;
    const runOnly = opts.rules ? { type: 'rule', values: opts.rules } : opts.tags ? { type: 'tag', values: opts.tags } : undefined;
    const result = await axe.run(document, runOnly ? { runOnly } : {});
    return result.violations.map((v) => ({ id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.map((n) => ({ target: n.target, html: n.html })) }));
  }, options);
}

/** Polls `check` until it returns a truthy value or the time runs out. */
export async function waitFor<T>(check: () => Promise<T | undefined | false | null> | T | undefined | false | null, options: { timeoutMs: number; intervalMs?: number; what: string }): Promise<T> {
  const deadline = Date.now() + options.timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const value = await check();
      if (value) return value;
      last = value;
    } catch (error) {
      last = error;
    }
    if (Date.now() > deadline) throw new Error(`timed out after ${options.timeoutMs} ms waiting for ${options.what} (last: ${String(last)})`);
    await new Promise((r) => setTimeout(r, options.intervalMs ?? 100));
  }
}

/** Waits until no image on the page is pending and the given ids are settled (generated, unsure or failed, or never marked). */
export async function waitForSettled(page: Page, ids: string[], timeoutMs: number): Promise<ImageState[]> {
  return waitFor(
    async () => {
      const states = await imageStates(page);
      const wanted = states.filter((s) => ids.includes(s.id));
      if (wanted.length < ids.length) return undefined;
      return wanted.every((s) => s.marker === 'generated' || s.marker === 'failed' || s.marker === 'unsure') && !states.some((s) => s.marker === 'pending') ? states : undefined;
    },
    { timeoutMs, what: `images ${ids.join(', ')} to be captioned or marked failed` },
  );
}

/** True when the built manifest declares a content script (it is being written; most page tests need it). */
export function hasContentScript(dir = chromeExtensionDir): boolean {
  const manifest = JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8')) as { content_scripts?: unknown[] };
  return Array.isArray(manifest.content_scripts) && manifest.content_scripts.length > 0;
}

/**
 * An extension-origin page with no script of its own (the manifest, shown as
 * text). From it, `chrome.runtime.sendMessage` reaches the background like the
 * popup does, and its CDP session can drive the ServiceWorker domain.
 */
export async function openExtensionPage(session: ChromiumSession): Promise<Page> {
  const page = await session.context.newPage();
  await page.goto(`chrome-extension://${session.extensionId}/manifest.json`);
  return page;
}

/** Asks the background for the engine status, as the popup would. */
export async function engineStatus(session: ChromiumSession): Promise<{ state: string; queued: number; cacheEntries: number; cacheBytes?: number; loadMs?: number; speed?: string; speedCheckMs?: number; threads?: number; executionProviders?: Record<string, string>; coldStart?: ColdStartTimeline; imageTimings?: ImageTimingSummary }> {
  const page = await openExtensionPage(session);
  try {
    const reply = (await page.evaluate(() => chrome.runtime.sendMessage({ type: 'engine-status' }))) as { output?: { state: string; queued: number; cacheEntries: number } };
    if (!reply?.output) throw new Error(`engine-status failed: ${JSON.stringify(reply)}`);
    return reply.output;
  } finally {
    await page.close();
  }
}

interface WorkerVersion {
  versionId: string;
  scriptURL: string;
  runningStatus: 'stopped' | 'starting' | 'running' | 'stopping';
}

/**
 * Stops the extension's service worker, as Chrome does when it idles it out.
 * Works through the CDP ServiceWorker domain of an extension-origin page (the
 * browser-level session has no ServiceWorker domain). Playwright keeps its
 * Worker object across the restart, but evaluate() on it hangs until the
 * worker runs again: wake it (any extension event or message) first.
 */
export async function stopServiceWorker(session: ChromiumSession, timeoutMs = 10_000): Promise<void> {
  const page = await openExtensionPage(session);
  const cdp = await session.context.newCDPSession(page);
  const latest = new Map<string, WorkerVersion>();
  const prefix = `chrome-extension://${session.extensionId}/`;
  cdp.on('ServiceWorker.workerVersionUpdated', (event) => {
    for (const version of event.versions as WorkerVersion[]) if (version.scriptURL.startsWith(prefix)) latest.set(version.versionId, version);
  });
  try {
    await cdp.send('ServiceWorker.enable');
    const running = await waitFor(() => [...latest.values()].find((v) => v.runningStatus === 'running'), { timeoutMs, what: 'a running service worker version' });
    await cdp.send('ServiceWorker.stopWorker', { versionId: running.versionId });
    await waitFor(() => latest.get(running.versionId)?.runningStatus === 'stopped', { timeoutMs, what: 'the service worker to stop' });
  } finally {
    await cdp.detach().catch(() => undefined);
    await page.close().catch(() => undefined);
  }
}

/** Starts the service worker again (by messaging it) and returns the Worker to evaluate in. */
export async function wakeServiceWorker(session: ChromiumSession): Promise<Worker> {
  await engineStatus(session);
  const worker = await session.worker();
  await withTimeout(worker.evaluate(() => 1), 10_000, 'evaluate in the woken service worker');
  return worker;
}

export function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  return Promise.race([
    promise,
    new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`${what} took longer than ${ms} ms`)), ms);
    }),
  ]).finally(() => clearTimeout(timer));
}

/**
 * A raw CDP channel to a target Playwright does not expose (the offscreen
 * document is a 'background_page' target). Uses the browser session with
 * non-flat attachment and Target.sendMessageToTarget.
 */
export interface TargetChannel {
  call<T = unknown>(method: string, params?: Record<string, unknown>): Promise<T>;
  detach(): Promise<void>;
}

export async function attachToTarget(session: ChromiumSession, match: (info: { type: string; url: string }) => boolean): Promise<TargetChannel | undefined> {
  const browser = session.context.browser();
  if (!browser) throw new Error('no browser handle for the CDP session');
  const cdp = await browser.newBrowserCDPSession();
  const { targetInfos } = await cdp.send('Target.getTargets');
  const target = targetInfos.find(match);
  if (!target) {
    await cdp.detach();
    return undefined;
  }
  const { sessionId } = await cdp.send('Target.attachToTarget', { targetId: target.targetId, flatten: false });
  const pending = new Map<number, { resolve(value: unknown): void; reject(error: Error): void }>();
  let nextId = 1;
  cdp.on('Target.receivedMessageFromTarget', (event) => {
    if (event.sessionId !== sessionId) return;
    const message = JSON.parse(event.message) as { id?: number; result?: unknown; error?: { message: string } };
    const waiter = message.id === undefined ? undefined : pending.get(message.id);
    if (!waiter) return;
    pending.delete(message.id!);
    if (message.error) waiter.reject(new Error(message.error.message));
    else waiter.resolve(message.result);
  });
  return {
    call<T>(method: string, params: Record<string, unknown> = {}) {
      const id = nextId++;
      return withTimeout(
        new Promise<T>((resolve, reject) => {
          pending.set(id, { resolve: resolve as (value: unknown) => void, reject });
          cdp.send('Target.sendMessageToTarget', { sessionId, message: JSON.stringify({ id, method, params }) }).catch(reject);
        }),
        15_000,
        `CDP ${method}`,
      );
    },
    async detach() {
      await cdp.send('Target.detachFromTarget', { sessionId }).catch(() => undefined);
      await cdp.detach().catch(() => undefined);
    },
  };
}

/**
 * A channel to the engine's offscreen document, however it was opened
 * (`?gpu=off`, `?idle=…`): the background's own test of the sender URL.
 */
export function attachToEngineDocument(session: ChromiumSession): Promise<TargetChannel | undefined> {
  const offscreenUrl = `chrome-extension://${session.extensionId}/offscreen.html`;
  return attachToTarget(session, (t) => isEngineHostUrl(t.url, offscreenUrl));
}
