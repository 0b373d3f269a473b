/**
 * Page benchmark: the 50-image fixture page in Debian Chromium with the built
 * extension (.output/chrome-mv3; run `npx wxt build -b chrome` first).
 *
 *   npm run bench:page -- [--runs 3] [--timeout 240] [--json reports/bench-page.json] [--images N]
 *
 * `--images N` uses a generated page of N images instead (the 100 distinct
 * bench images, each at N/100 URLs), e.g. 1000 for the settle-completely check.
 *
 * Each run uses a fresh profile (cold engine, empty caption cache) and reports:
 *   - time from navigation start to the first generated alt, and until every
 *     image is settled (data-lightcap "generated", "unsure" or "failed"), and
 *     how many are still pending when the run ends;
 *   - the caption cache's size afterwards (entries and bytes);
 *   - long tasks on the page's main thread over that window, and the same page
 *     loaded without the extension over a window of the same length;
 *   - the extension's share of long animation frames (LoAF script entries
 *     whose source is chrome-extension://), which is the part attributable to
 *     the content script;
 *   - the engine host's memory: JS heap of the offscreen document (CDP
 *     Runtime.getHeapUsage on its target) and RSS and CPU time of the
 *     extension renderer processes (from /proc, Linux only), each process's
 *     share, and the RSS again after a full garbage collection in the engine
 *     document (what is live, without the garbage V8 had not collected yet).
 * Prints medians over the runs.
 */
import { mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { parseArgs } from 'node:util';
import type { Page } from 'playwright-core';
import { startFixtureServer } from '../tests/e2e/server';
import { attachToEngineDocument, engineStatus, launchChromium } from '../tests/e2e/extension';
import type { ChromiumSession } from '../tests/e2e/extension';
import { imageStages } from '../src/messaging/protocol';
import type { ColdStartTimeline, ImageTimingSummary } from '../src/messaging/protocol';
import { createNodeEngine } from '../src/engine/node/node-engine';
import { decodeImageNode } from '../src/engine/node/decode';
import { describeFreshMemoryCost, freshMemoryCost } from './fresh-memory';

const { values } = parseArgs({
  options: {
    runs: { type: 'string', default: '3' },
    timeout: { type: 'string', default: '240' },
    json: { type: 'string', default: 'reports/bench-page.json' },
    page: { type: 'string', default: '/pages/bench-50.html' },
    images: { type: 'string' },
  },
});
const runs = Math.max(1, Number(values.runs));
const timeoutMs = Number(values.timeout) * 1000;

/** Installed before any page script: records long tasks, LoAFs and our marker changes. */
const initScript = () => {
  interface Probe {
    longtasks: { start: number; duration: number; attribution: string[] }[];
    loafs: { start: number; duration: number; blocking: number; scripts: { src: string; duration: number; invoker: string }[] }[];
    firstGenerated?: number;
    settled: Map<Element, number>;
    settledAt?: number;
    total?: number;
  }
  const probe: Probe = { longtasks: [], loafs: [], settled: new Map() };
  (window as unknown as { __lightcapProbe: Probe }).__lightcapProbe = probe;
  try {
    new PerformanceObserver((list) => {
      for (const e of list.getEntries() as (PerformanceEntry & { attribution?: { containerType?: string; containerSrc?: string; name?: string }[] })[]) {
        probe.longtasks.push({ start: e.startTime, duration: e.duration, attribution: (e.attribution ?? []).map((a) => `${a.name}/${a.containerType}/${a.containerSrc ?? ''}`) });
      }
    }).observe({ type: 'longtask', buffered: true });
  } catch {
    // not supported
  }
  try {
    new PerformanceObserver((list) => {
      for (const e of list.getEntries() as (PerformanceEntry & { blockingDuration: number; scripts: { sourceURL: string; duration: number; invoker: string }[] })[]) {
        probe.loafs.push({
          start: e.startTime,
          duration: e.duration,
          blocking: e.blockingDuration,
          scripts: e.scripts.map((s) => ({ src: s.sourceURL, duration: s.duration, invoker: s.invoker })),
        });
      }
    }).observe({ type: 'long-animation-frame', buffered: true });
  } catch {
    // not supported
  }
  new MutationObserver((records) => {
    for (const record of records) {
      const element = record.target as Element;
      const state = element.getAttribute('data-lightcap');
      if (state === 'generated' && probe.firstGenerated === undefined) probe.firstGenerated = performance.now();
      if (state === 'generated' || state === 'unsure' || state === 'failed') {
        if (!probe.settled.has(element)) probe.settled.set(element, performance.now());
      }
      const total = document.images.length;
      if (probe.settledAt === undefined && total > 0 && probe.settled.size >= total) {
        probe.settledAt = performance.now();
        probe.total = total;
      }
    }
  }).observe(document, { subtree: true, attributes: true, attributeFilter: ['data-lightcap'] });
};

interface PageProbe {
  longtasks: { start: number; duration: number; attribution: string[] }[];
  loafs: { start: number; duration: number; blocking: number; scripts: { src: string; duration: number; invoker: string }[] }[];
  firstGenerated?: number;
  settledAt?: number;
  generated: number;
  unsure: number;
  failed: number;
  pending: number;
  images: number;
  /** The distinct image URLs of the page. */
  urls: string[];
  /** The page's performance.timeOrigin (navigation start, ms since the epoch). */
  timeOrigin: number;
  /** When the page's first image finished loading (ms after navigation start). */
  firstImageLoaded: number;
  /** CDP Performance.getMetrics of the page's renderer main thread: script and task time (ms). */
  main?: { scriptMs: number; taskMs: number };
}

/**
 * Main-thread time of the page's renderer, from CDP Performance.getMetrics.
 * Counting starts at Performance.enable, so call this before navigating and
 * read the totals at the end.
 */
async function startMainThreadMetrics(page: Page): Promise<() => Promise<{ scriptMs: number; taskMs: number } | undefined>> {
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('Performance.enable');
  return async () => {
    try {
      const { metrics } = await cdp.send('Performance.getMetrics');
      const get = (name: string) => (metrics.find((m) => m.name === name)?.value ?? 0) * 1000;
      return { scriptMs: get('ScriptDuration'), taskMs: get('TaskDuration') };
    } catch {
      return undefined;
    } finally {
      await cdp.detach().catch(() => undefined);
    }
  };
}

const readProbe = (page: Page) =>
  page.evaluate(() => {
    const probe = (window as unknown as { __lightcapProbe: { longtasks: []; loafs: []; firstGenerated?: number; settledAt?: number } }).__lightcapProbe;
    const marks = [...document.images].map((i) => i.getAttribute('data-lightcap'));
    return {
      longtasks: probe.longtasks,
      loafs: probe.loafs,
      firstGenerated: probe.firstGenerated,
      settledAt: probe.settledAt,
      generated: marks.filter((m) => m === 'generated').length,
      unsure: marks.filter((m) => m === 'unsure').length,
      failed: marks.filter((m) => m === 'failed').length,
      pending: marks.filter((m) => m === 'pending').length,
      images: marks.length,
      urls: [...new Set([...document.images].map((i) => i.currentSrc || i.src))],
      timeOrigin: performance.timeOrigin,
      firstImageLoaded: Math.min(
        ...performance
          .getEntriesByType('resource')
          .filter((e) => (e as PerformanceResourceTiming).initiatorType === 'img')
          .map((e) => (e as PerformanceResourceTiming).responseEnd),
      ),
    } as PageProbe;
  });

interface LongTaskSummary {
  count: number;
  totalMs: number;
  /** Sum over long tasks of (duration − 50 ms). */
  blockingMs: number;
  maxMs: number;
}

function summariseLongTasks(tasks: { start: number; duration: number }[], until: number): LongTaskSummary {
  const inWindow = tasks.filter((t) => t.start <= until);
  return {
    count: inWindow.length,
    totalMs: inWindow.reduce((a, t) => a + t.duration, 0),
    blockingMs: inWindow.reduce((a, t) => a + Math.max(0, t.duration - 50), 0),
    maxMs: inWindow.reduce((a, t) => Math.max(a, t.duration), 0),
  };
}

function extensionScriptMs(probe: PageProbe, until: number): { frames: number; scriptMs: number } {
  let frames = 0;
  let scriptMs = 0;
  for (const loaf of probe.loafs) {
    if (loaf.start > until) continue;
    const ours = loaf.scripts.filter((s) => s.src.startsWith('chrome-extension://'));
    if (ours.length > 0) frames++;
    scriptMs += ours.reduce((a, s) => a + s.duration, 0);
  }
  return { frames, scriptMs };
}

// --- /proc: the extension renderer's RSS and CPU time -------------------------

function procTree(): Map<number, { ppid: number; cmdline: string }> {
  const out = new Map<number, { ppid: number; cmdline: string }>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      const cmdline = readFileSync(`/proc/${entry}/cmdline`, 'utf8').replace(/\0/g, ' ');
      out.set(Number(entry), { ppid, cmdline });
    } catch {
      // exited meanwhile
    }
  }
  return out;
}

/** One extension process's memory, in MiB. */
interface ProcessMemory {
  pid: number;
  threads: number;
  rssMiB: number;
  /** RSS split: anonymous pages (heaps, wasm memory), file pages (Chromium's code, mapped files), shared memory. */
  anonMiB: number;
  fileMiB: number;
  shmemMiB: number;
  pssMiB: number;
}

/** The number on a "Field:   123 kB" (or "Threads:   13") line of a /proc file (0 when absent). */
function procField(text: string, field: string): number {
  return Number(new RegExp(`^${field}:\\s+(\\d+)`, 'm').exec(text)?.[1] ?? 0);
}

/**
 * Memory (MiB) and CPU seconds of our browser's extension renderer processes:
 * the service worker's and the engine document's (cross-origin isolated, so a
 * process of its own). RSS counts every page a process maps, Chromium's own
 * code (about 100 MiB, shared with every other Chromium process) included, so
 * a sum of RSS counts that code once per process. PSS splits each shared page
 * among the processes that map it; USS is what only these processes hold.
 */
function extensionProcessUsage(userDataDir: string): { rssMiB: number; pssMiB: number; ussMiB: number; cpuS: number; pids: number[]; each: ProcessMemory[] } | undefined {
  try {
    const tree = procTree();
    const root = [...tree.entries()].find(([, p]) => p.cmdline.includes(`--user-data-dir=${userDataDir}`) && !p.cmdline.includes('--type='))?.[0];
    if (root === undefined) return undefined;
    const descendants = new Set<number>([root]);
    let grew = true;
    while (grew) {
      grew = false;
      for (const [pid, p] of tree) {
        if (!descendants.has(pid) && descendants.has(p.ppid)) {
          descendants.add(pid);
          grew = true;
        }
      }
    }
    const pids = [...descendants].filter((pid) => tree.get(pid)!.cmdline.includes('--extension-process'));
    const ticks = 100;
    let rssKiB = 0;
    let pssKiB = 0;
    let ussKiB = 0;
    let cpu = 0;
    const each: ProcessMemory[] = [];
    for (const pid of pids) {
      const status = readFileSync(`/proc/${pid}/status`, 'utf8');
      const statusField = (field: string) => procField(status, field);
      const rss = statusField('VmRSS');
      rssKiB += rss;
      const rollup = readFileSync(`/proc/${pid}/smaps_rollup`, 'utf8');
      const rollupKiB = (field: string) => procField(rollup, field);
      const pss = rollupKiB('Pss');
      pssKiB += pss;
      ussKiB += rollupKiB('Private_Clean') + rollupKiB('Private_Dirty');
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      cpu += (Number(fields[11]) + Number(fields[12])) / ticks;
      each.push({
        pid,
        threads: statusField('Threads'),
        rssMiB: rss / 1024,
        anonMiB: statusField('RssAnon') / 1024,
        fileMiB: statusField('RssFile') / 1024,
        shmemMiB: statusField('RssShmem') / 1024,
        pssMiB: pss / 1024,
      });
    }
    return { rssMiB: rssKiB / 1024, pssMiB: pssKiB / 1024, ussMiB: ussKiB / 1024, cpuS: cpu, pids, each };
  } catch {
    return undefined;
  }
}

function extensionUsage(userDataDir: string): RunResult['extensionProcess'] {
  const usage = extensionProcessUsage(userDataDir);
  return usage && { rssMiB: usage.rssMiB, pssMiB: usage.pssMiB, ussMiB: usage.ussMiB, cpuS: usage.cpuS, processes: usage.pids.length, each: usage.each };
}

// --- One run --------------------------------------------------------------------

interface RunResult {
  firstCaptionMs?: number;
  allSettledMs?: number;
  generated: number;
  unsure: number;
  failed: number;
  pending: number;
  images: number;
  cache?: { entries: number; bytes: number };
  engineLoadMs?: number;
  /** The engine's speed check: the detector and caption model time of the first image it described. */
  engineSpeedCheckMs?: number;
  /** Threads the engine ran with, as its status reports them. */
  threads?: number;
  /** The engine's own time per image inside the extension (host status), and its busy share of the time after the first caption. */
  engine?: ImageTimingSummary & { busyShare?: number };
  /** The path to the first caption, in ms after navigation start: the page's first image, then the engine host's steps. */
  coldStart?: Partial<Record<ColdStep, number>>;
  longTasks: LongTaskSummary;
  longTasksWithout: LongTaskSummary;
  /** Page main thread, whole window (metrics are cumulative since the renderer started). */
  mainThread?: { scriptMs: number; taskMs: number };
  mainThreadWithout?: { scriptMs: number; taskMs: number };
  extensionLoaf: { frames: number; scriptMs: number };
  offscreenHeap?: { usedMiB: number; totalMiB: number; backingStoreMiB?: number };
  extensionProcess?: { rssMiB: number; pssMiB: number; ussMiB: number; cpuS: number; processes: number; each: ProcessMemory[] };
  /**
   * The same, after a full, memory-reducing garbage collection in the engine
   * document: what is live. The difference is garbage (model outputs, image
   * buffers) that V8 had not collected yet when the page settled.
   */
  extensionProcessAfterGc?: RunResult['extensionProcess'];
  urls: string[];
}

const coldSteps = ['first image loaded', 'engine host started (its first message)', 'first request', 'model load started', 'models loaded', 'first caption done'] as const;
type ColdStep = (typeof coldSteps)[number];

function coldStartSteps(probe: PageProbe, host: ColdStartTimeline | undefined): RunResult['coldStart'] {
  const since = (at: number | undefined) => (at === undefined ? undefined : at - probe.timeOrigin);
  const steps: Partial<Record<ColdStep, number | undefined>> = {
    'first image loaded': Number.isFinite(probe.firstImageLoaded) ? probe.firstImageLoaded : undefined,
    'engine host started (its first message)': since(host?.hostStartedAt),
    'first request': since(host?.firstRequestAt),
    'model load started': since(host?.loadStartedAt),
    'models loaded': since(host?.loadedAt),
    'first caption done': since(host?.firstCaptionAt),
  };
  return Object.fromEntries(Object.entries(steps).filter(([, v]) => v !== undefined)) as RunResult['coldStart'];
}

async function withExtension(url: string, session: ChromiumSession): Promise<{ probe: PageProbe; window: number }> {
  await session.context.addInitScript(initScript);
  const page = await session.context.newPage();
  const mainThread = await startMainThreadMetrics(page);
  await page.goto(url, { waitUntil: 'load' });
  const deadline = Date.now() + timeoutMs;
  let probe = await readProbe(page);
  while (probe.settledAt === undefined && Date.now() < deadline) {
    await page.waitForTimeout(250);
    probe = await readProbe(page);
  }
  // Let trailing long-task entries arrive.
  await page.waitForTimeout(300);
  probe = { ...(await readProbe(page)), main: await mainThread() };
  const window = probe.settledAt ?? (await page.evaluate(() => performance.now()));
  await page.close();
  return { probe, window };
}

async function withoutExtension(url: string, windowMs: number): Promise<PageProbe> {
  const plain = await launchChromium({ extension: false });
  try {
    await plain.context.addInitScript(initScript);
    const page = await plain.context.newPage();
    const mainThread = await startMainThreadMetrics(page);
    await page.goto(url, { waitUntil: 'load' });
    const elapsed = await page.evaluate(() => performance.now());
    await page.waitForTimeout(Math.max(0, windowMs - elapsed) + 300);
    return { ...(await readProbe(page)), main: await mainThread() };
  } finally {
    await plain.close();
  }
}

/** A full garbage collection in the engine document, as DevTools' "Collect garbage" button does. */
async function collectEngineGarbage(session: ChromiumSession): Promise<boolean> {
  const channel = await attachToEngineDocument(session);
  if (!channel) return false;
  try {
    await channel.call('HeapProfiler.collectGarbage');
    // Freed pages go back to the system a moment later.
    await new Promise((resolve) => setTimeout(resolve, 1000));
    return true;
  } finally {
    await channel.detach();
  }
}

async function offscreenHeap(session: ChromiumSession): Promise<RunResult['offscreenHeap']> {
  const channel = await attachToEngineDocument(session);
  if (!channel) return undefined;
  try {
    const heap = await channel.call<{ usedSize: number; totalSize: number; backingStorageSize?: number }>('Runtime.getHeapUsage');
    const mib = (n: number) => n / 1024 / 1024;
    return { usedMiB: mib(heap.usedSize), totalMiB: mib(heap.totalSize), backingStoreMiB: heap.backingStorageSize === undefined ? undefined : mib(heap.backingStorageSize) };
  } finally {
    await channel.detach();
  }
}

async function oneRun(url: string, index: number): Promise<RunResult> {
  const session = await launchChromium();
  let result: RunResult;
  try {
    const { probe, window } = await withExtension(url, session);
    const status = await engineStatus(session).catch(() => undefined);
    result = {
      firstCaptionMs: probe.firstGenerated,
      allSettledMs: probe.settledAt,
      generated: probe.generated,
      unsure: probe.unsure,
      failed: probe.failed,
      pending: probe.pending,
      images: probe.images,
      cache: status ? { entries: status.cacheEntries, bytes: status.cacheBytes ?? 0 } : undefined,
      engineLoadMs: status?.loadMs,
      engineSpeedCheckMs: status?.speedCheckMs,
      engine: status?.imageTimings && {
        ...status.imageTimings,
        // The engine's time on the images after the first, against the wall time from the first caption to the page settled.
        busyShare:
          probe.settledAt !== undefined && probe.firstGenerated !== undefined
            ? (status.imageTimings.engineTotalMs - status.imageTimings.firstEngineMs) / (probe.settledAt - probe.firstGenerated)
            : undefined,
      },
      threads: status?.threads,
      coldStart: coldStartSteps(probe, status?.coldStart),
      longTasks: summariseLongTasks(probe.longtasks, window),
      longTasksWithout: { count: 0, totalMs: 0, blockingMs: 0, maxMs: 0 },
      mainThread: probe.main,
      extensionLoaf: extensionScriptMs(probe, window),
      offscreenHeap: await offscreenHeap(session).catch(() => undefined),
      extensionProcess: extensionUsage(session.userDataDir),
      extensionProcessAfterGc: (await collectEngineGarbage(session).catch(() => false)) ? extensionUsage(session.userDataDir) : undefined,
      urls: probe.urls,
    };
    await session.close();
    const plain = await withoutExtension(url, window);
    result.longTasksWithout = summariseLongTasks(plain.longtasks, window);
    result.mainThreadWithout = plain.main;
  } finally {
    await session.close();
  }
  const f = (n?: number) => (n === undefined ? 'n/a' : `${Math.round(n)}`);
  console.log(
    `run ${index + 1}: first ${f(result.firstCaptionMs)} ms, all ${f(result.allSettledMs)} ms (${result.generated} generated, ${result.unsure} unsure, ${result.failed} failed, ${result.pending} pending of ${result.images}); ` +
      `cache ${result.cache?.entries ?? 'n/a'} entries, ${result.cache ? (result.cache.bytes / 1024).toFixed(0) : 'n/a'} kB; ` +
      `long tasks ${result.longTasks.count} / ${f(result.longTasks.totalMs)} ms (without extension ${result.longTasksWithout.count} / ${f(result.longTasksWithout.totalMs)} ms); ` +
      `page main thread: script ${f(result.mainThread?.scriptMs)} ms, tasks ${f(result.mainThread?.taskMs)} ms (without ${f(result.mainThreadWithout?.scriptMs)} / ${f(result.mainThreadWithout?.taskMs)} ms); ` +
      `extension script in LoAFs ${f(result.extensionLoaf.scriptMs)} ms; offscreen heap ${result.offscreenHeap?.usedMiB.toFixed(1) ?? 'n/a'} MiB; ` +
      `extension processes RSS ${result.extensionProcess?.rssMiB.toFixed(0) ?? 'n/a'} MiB (PSS ${result.extensionProcess?.pssMiB.toFixed(0) ?? 'n/a'}, USS ${result.extensionProcess?.ussMiB.toFixed(0) ?? 'n/a'}), CPU ${result.extensionProcess?.cpuS.toFixed(1) ?? 'n/a'} s`,
  );
  if (result.extensionProcessAfterGc) {
    console.log(`  after a full GC in the engine document: RSS ${result.extensionProcessAfterGc.rssMiB.toFixed(0)} MiB (PSS ${result.extensionProcessAfterGc.pssMiB.toFixed(0)})`);
  }
  for (const p of result.extensionProcess?.each ?? []) {
    console.log(
      `  extension process ${p.pid}: ${p.threads} threads, RSS ${p.rssMiB.toFixed(0)} MiB = anonymous ${p.anonMiB.toFixed(0)} + file ${p.fileMiB.toFixed(0)} + shared memory ${p.shmemMiB.toFixed(0)}; PSS ${p.pssMiB.toFixed(0)} MiB`,
    );
  }
  return result;
}

// --- The CLI's engine on the same images, for the ratios ----------------------------

interface CliReference {
  threads: number;
  /** Median decode + describe per image, as `npm run caption` runs them. */
  perImageMs: number;
  /** Mean, comparable with the page's per-image time (a whole page's throughput). */
  meanMs: number;
  /** Creating the sessions, and the first image after that (wasm compile and arenas included). */
  loadMs: number;
  firstImageMs: number;
}

/** onnxruntime-web (WASM) in Node with `threads` threads, on the page's own image bytes, after the browser runs (a quiet machine). */
async function cliReference(urls: string[], threads: number): Promise<CliReference> {
  const engine = await createNodeEngine({ backend: 'wasm', threads });
  try {
    const bytes = await Promise.all(urls.map(async (u) => new Uint8Array(await (await fetch(u)).arrayBuffer())));
    const describeOne = async (b: Uint8Array) => {
      const start = performance.now();
      await engine.describe(await decodeImageNode(b));
      return performance.now() - start;
    };
    const loadStart = performance.now();
    await engine.load();
    const loadMs = performance.now() - loadStart;
    const firstImageMs = await describeOne(bytes[0]!);
    const times: number[] = [];
    for (const b of bytes) times.push(await describeOne(b));
    return { threads, perImageMs: median(times)!, meanMs: times.reduce((a, t) => a + t, 0) / times.length, loadMs, firstImageMs };
  } finally {
    await engine.release();
  }
}

function median(values: (number | undefined)[]): number | undefined {
  const xs = values.filter((v): v is number => typeof v === 'number' && Number.isFinite(v)).sort((a, b) => a - b);
  if (xs.length === 0) return undefined;
  const mid = Math.floor(xs.length / 2);
  return xs.length % 2 ? xs[mid] : (xs[mid - 1]! + xs[mid]!) / 2;
}

async function main(): Promise<void> {
  const server = await startFixtureServer();
  const url = server.url(values.images ? `/dyn/bench-page?n=${Number(values.images)}` : values.page);
  console.log(`page benchmark: ${url}, ${runs} run(s), Chromium with .output/chrome-mv3 (fresh profile each run)`);
  const machine = freshMemoryCost();
  console.log(describeFreshMemoryCost(machine));
  const results: RunResult[] = [];
  let cli: CliReference | undefined;
  try {
    for (let i = 0; i < runs; i++) results.push(await oneRun(url, i));
    const urls = results[0]?.urls ?? [];
    if (urls.length > 0) {
      cli = await cliReference(urls, 1);
      console.log(`CLI (onnxruntime-web WASM in Node, 1 thread) on the page's ${urls.length} distinct images: median ${cli.perImageMs.toFixed(0)} ms, mean ${cli.meanMs.toFixed(0)} ms per image; load ${cli.loadMs.toFixed(0)} ms, first image ${cli.firstImageMs.toFixed(0)} ms`);
    }
  } finally {
    await server.close();
  }
  const perImage = median(results.map((r) => (r.allSettledMs !== undefined && r.firstCaptionMs !== undefined ? (r.allSettledMs - r.firstCaptionMs) / Math.max(1, r.images - 1) : undefined)));
  const rows: [string, number | undefined, string][] = [
    ['time to first caption', median(results.map((r) => r.firstCaptionMs)), 'ms'],
    ['time until all settled', median(results.map((r) => r.allSettledMs)), 'ms'],
    ['per image after the first', perImage, 'ms'],
    ['engine threads (status)', median(results.map((r) => r.threads)), ''],
    ['engine time per image inside the extension', median(results.map((r) => r.engine?.median.engine)), 'ms'],
    ...imageStages.filter((stage) => stage !== 'engine').map((stage): [string, number | undefined, string] => [
      `  of which ${stage}`,
      median(results.map((r) => r.engine?.median[stage])),
      'ms',
    ]),
    ['images the engine described (not cached)', median(results.map((r) => r.engine?.images)), ''],
    ['engine busy, share of first caption → settled', median(results.map((r) => (r.engine?.busyShare === undefined ? undefined : r.engine.busyShare * 100))), '%'],
    ['CLI per image, WASM 1 thread, mean', cli?.meanMs, 'ms'],
    ['ratio: page per image / CLI 1-thread mean', perImage !== undefined && cli ? perImage / cli.meanMs : undefined, 'x'],
    ['CLI cold start: load + first image', cli ? cli.loadMs + cli.firstImageMs : undefined, 'ms'],
    ['ratio: first caption / CLI cold start', cli ? (median(results.map((r) => r.firstCaptionMs)) ?? NaN) / (cli.loadMs + cli.firstImageMs) : undefined, 'x'],
    ...coldSteps.map((step): [string, number | undefined, string] => [`cold start: ${step}`, median(results.map((r) => r.coldStart?.[step])), 'ms']),
    ['engine load (status.loadMs)', median(results.map((r) => r.engineLoadMs)), 'ms'],
    ['engine speed check: first image model time', median(results.map((r) => r.engineSpeedCheckMs)), 'ms'],
    ['long tasks, with extension', median(results.map((r) => r.longTasks.count)), ''],
    ['long-task time, with extension', median(results.map((r) => r.longTasks.totalMs)), 'ms'],
    ['long-task blocking time, with extension', median(results.map((r) => r.longTasks.blockingMs)), 'ms'],
    ['longest task, with extension', median(results.map((r) => r.longTasks.maxMs)), 'ms'],
    ['long tasks, without extension', median(results.map((r) => r.longTasksWithout.count)), ''],
    ['long-task time, without extension', median(results.map((r) => r.longTasksWithout.totalMs)), 'ms'],
    ['page main-thread script time, with', median(results.map((r) => r.mainThread?.scriptMs)), 'ms'],
    ['page main-thread script time, without', median(results.map((r) => r.mainThreadWithout?.scriptMs)), 'ms'],
    ['page main-thread task time, with', median(results.map((r) => r.mainThread?.taskMs)), 'ms'],
    ['page main-thread task time, without', median(results.map((r) => r.mainThreadWithout?.taskMs)), 'ms'],
    ['extension script time inside LoAFs', median(results.map((r) => r.extensionLoaf.scriptMs)), 'ms'],
    ['LoAFs with extension script', median(results.map((r) => r.extensionLoaf.frames)), ''],
    ['offscreen JS heap used', median(results.map((r) => r.offscreenHeap?.usedMiB)), 'MiB'],
    ['offscreen ArrayBuffer backing stores', median(results.map((r) => r.offscreenHeap?.backingStoreMiB)), 'MiB'],
    ['extension processes', median(results.map((r) => r.extensionProcess?.processes)), ''],
    ['extension processes RSS (sum)', median(results.map((r) => r.extensionProcess?.rssMiB)), 'MiB'],
    ['extension processes PSS', median(results.map((r) => r.extensionProcess?.pssMiB)), 'MiB'],
    ['extension processes USS', median(results.map((r) => r.extensionProcess?.ussMiB)), 'MiB'],
    ['extension process CPU', median(results.map((r) => r.extensionProcess?.cpuS)), 's'],
    ['extension processes RSS (sum), after a GC in the engine', median(results.map((r) => r.extensionProcessAfterGc?.rssMiB)), 'MiB'],
    ['extension processes PSS, after a GC in the engine', median(results.map((r) => r.extensionProcessAfterGc?.pssMiB)), 'MiB'],
    ['images still pending at the end', median(results.map((r) => r.pending)), ''],
    ['caption cache entries', median(results.map((r) => r.cache?.entries)), ''],
    ['caption cache size', median(results.map((r) => (r.cache ? r.cache.bytes / 1024 : undefined))), 'kB'],
  ];
  console.log(`\nmedians over ${results.length} run(s):`);
  for (const [label, value, unit] of rows) console.log(`  ${label.padEnd(40)} ${value === undefined ? 'n/a' : value.toFixed(unit === 'x' ? 2 : unit === 'MiB' || unit === 's' ? 1 : 0).padStart(8)} ${unit}`);
  if (values.json) {
    mkdirSync(dirname(values.json), { recursive: true });
    writeFileSync(values.json, JSON.stringify({ date: new Date().toISOString(), url: values.page, machine, runs: results, cli, medians: Object.fromEntries(rows.map(([l, v]) => [l, v])) }, null, 2));
    console.log(`\nwrote ${values.json}`);
  }
  const incomplete = results.filter((r) => r.allSettledMs === undefined || r.pending > 0).length;
  if (incomplete > 0) {
    console.error(`${incomplete} run(s) did not settle every image within ${timeoutMs / 1000} s`);
    process.exitCode = 1;
  }
}

await main();
