import { describe, expect, it } from 'vitest';
import { pageResourceLog } from '../../src/page/resource-log';

/** A window with just the resource timing the log reads: entries already there, and an observer fed later. */
function fakeView(initial: { name: string; duration: number }[]) {
  const observers = new Set<(entries: { name: string; duration: number }[]) => void>();
  class FakeObserver {
    static supportedEntryTypes = ['resource'];
    private deliver = (entries: { name: string; duration: number }[]) => this.callback({ getEntries: () => entries });
    constructor(private readonly callback: (list: { getEntries(): { name: string; duration: number }[] }) => void) {}
    observe() {
      observers.add(this.deliver);
    }
    disconnect() {
      observers.delete(this.deliver);
    }
  }
  const view = { PerformanceObserver: FakeObserver, performance: { getEntriesByType: () => initial } } as unknown as Window & typeof globalThis;
  return { view, observers, fetch: (name: string, duration = 12) => observers.forEach((deliver) => deliver([{ name, duration }])) };
}

const open = () => new AbortController().signal;

describe('the page\'s resource log', () => {
  it('says yes for a URL the page fetched, before or after asking, fragment aside', async () => {
    const { view, fetch } = fakeView([{ name: 'https://a.example/early.png', duration: 30 }]);
    const log = pageResourceLog(view);
    expect(await log.fetchedByPage('https://a.example/early.png#part', open())).toBe(true);
    const later = log.fetchedByPage('https://a.example/later.png', open());
    fetch('https://a.example/later.png');
    expect(await later).toBe(true);
  });

  it('never says yes for a load the page\'s CSP refused (listed with no duration), nor for one it never made', async () => {
    const { view, fetch } = fakeView([{ name: 'https://tracker.example/pixel.png', duration: 0 }]);
    const log = pageResourceLog(view);
    const waiting = new AbortController();
    const blocked = log.fetchedByPage('https://tracker.example/pixel.png', waiting.signal);
    fetch('https://tracker.example/pixel.png', 0);
    let settled = false;
    void blocked.then(() => (settled = true));
    await new Promise((resolve) => setTimeout(resolve, 10));
    expect(settled).toBe(false);
    waiting.abort();
    expect(await blocked).toBe(false);
  });

  it('in Firefox, which lists no refused load and has a 1 ms clock, counts an entry that took no measurable time', async () => {
    const { view } = fakeView([{ name: 'https://a.example/cached.png', duration: 0 }]);
    expect(await pageResourceLog(view, { refusedLoadsListed: false }).fetchedByPage('https://a.example/cached.png', open())).toBe(true);
  });

  it('observes from the start, stops when disposed, and observes again when asked after that', async () => {
    const { view, observers, fetch } = fakeView([]);
    const log = pageResourceLog(view);
    expect(observers.size).toBe(1);
    fetch('https://a.example/early.png');
    log.dispose();
    expect(observers.size).toBe(0);
    expect(await log.fetchedByPage('https://a.example/early.png', open())).toBe(true);
    expect(observers.size).toBe(1);
  });

  it('takes data: and blob: URLs as the page\'s own bytes, and says no where there is no resource timing', async () => {
    expect(await pageResourceLog(null).fetchedByPage('data:image/png;base64,AAAA', open())).toBe(true);
    expect(await pageResourceLog(null).fetchedByPage('blob:https://a.example/1234', open())).toBe(true);
    expect(await pageResourceLog(null).fetchedByPage('https://a.example/a.png', open())).toBe(false);
  });
});
