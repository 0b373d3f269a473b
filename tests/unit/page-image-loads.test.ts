// @vitest-environment happy-dom
import { beforeEach, describe, expect, it } from 'vitest';
import { createImageLoadWatcher, pageImageProbe } from '../../src/page/image-loads';
import type { ImageProbe } from '../../src/page/image-loads';

function input(src = 'https://example.com/go.png'): HTMLInputElement {
  const element = document.createElement('input');
  element.type = 'image';
  element.src = src;
  document.body.append(element);
  return element;
}

const never: ImageProbe = () => new Promise(() => {});

beforeEach(() => {
  document.body.innerHTML = '';
});

describe('image load watcher', () => {
  it('describes a role=img background only after the page\'s own loader got it, remembered per URL', async () => {
    const asked: string[] = [];
    const probe: ImageProbe = async (url) => (asked.push(url), !url.includes('blocked'));
    const watcher = createImageLoadWatcher(window, probe);
    const painted = (url: string) => {
      const element = document.createElement('div');
      element.setAttribute('role', 'img');
      element.style.backgroundImage = `url("${url}")`;
      document.body.append(element);
      return element;
    };
    const shown = painted('https://example.com/hero.png');
    const refused = painted('http://127.0.0.1/blocked.png');
    expect(watcher.backgroundStatus(shown)).toBe('unknown');
    const heard: boolean[] = [];
    await new Promise<void>((resolve) => watcher.waitFor(shown, new AbortController().signal, (ok) => (heard.push(ok), resolve())));
    await new Promise<void>((resolve) => watcher.waitFor(refused, new AbortController().signal, (ok) => (heard.push(ok), resolve())));
    expect(heard).toEqual([true, false]);
    expect(watcher.backgroundStatus(shown)).toBe('loaded');
    expect(watcher.backgroundStatus(refused)).toBe('failed');
    expect(watcher.backgroundStatus(painted('https://example.com/hero.png'))).toBe('loaded');
    expect(asked).toEqual(['https://example.com/hero.png', 'http://127.0.0.1/blocked.png']);
  });

  it('knows nothing of an input until it fires load or error, and remembers what it fired', () => {
    const watcher = createImageLoadWatcher(window, never);
    const loaded = input();
    const broken = input('https://example.com/broken.png');
    expect(watcher.inputStatus(loaded)).toBe('unknown');
    const heard: boolean[] = [];
    watcher.waitFor(loaded, new AbortController().signal, (ok) => heard.push(ok));
    watcher.waitFor(broken, new AbortController().signal, (ok) => heard.push(ok));
    loaded.dispatchEvent(new Event('load'));
    broken.dispatchEvent(new Event('error'));
    expect(heard).toEqual([true, false]);
    expect(watcher.inputStatus(loaded)).toBe('loaded');
    expect(watcher.inputStatus(broken)).toBe('failed');
  });

  it('forgets what it knew once the src changes', () => {
    const watcher = createImageLoadWatcher(window, never);
    const element = input();
    watcher.waitFor(element, new AbortController().signal, () => {});
    element.dispatchEvent(new Event('load'));
    element.src = 'https://example.com/other.png';
    expect(watcher.inputStatus(element)).toBe('unknown');
  });

  it('settles once, and never after the wait is aborted', () => {
    const watcher = createImageLoadWatcher(window, never);
    const element = input();
    const heard: boolean[] = [];
    const waiter = new AbortController();
    watcher.waitFor(element, waiter.signal, (ok) => heard.push(ok));
    element.dispatchEvent(new Event('load'));
    element.dispatchEvent(new Event('error'));
    expect(heard).toEqual([true]);
    const second = input();
    const aborted = new AbortController();
    watcher.waitFor(second, aborted.signal, (ok) => heard.push(ok));
    aborted.abort();
    second.dispatchEvent(new Event('load'));
    expect(heard).toEqual([true]);
    expect(watcher.inputStatus(second)).toBe('unknown');
  });

  it('probes an input whose load may have happened before we looked, and only inputs', async () => {
    const probed: string[] = [];
    const watcher = createImageLoadWatcher(window, async (url) => {
      probed.push(url);
      return url.endsWith('go.png');
    });
    const ok = input();
    const blocked = input('http://192.168.1.1/router.png');
    const heard: string[] = [];
    watcher.waitFor(ok, new AbortController().signal, (loaded) => heard.push(`ok:${loaded}`));
    watcher.waitFor(blocked, new AbortController().signal, (loaded) => heard.push(`blocked:${loaded}`));
    const image = document.createElement('img');
    image.src = 'https://example.com/photo.jpg';
    watcher.waitFor(image, new AbortController().signal, () => {});
    await Promise.resolve();
    await Promise.resolve();
    expect(probed).toEqual(['https://example.com/go.png', 'http://192.168.1.1/router.png']);
    expect(heard.sort()).toEqual(['blocked:false', 'ok:true']);
    expect(watcher.inputStatus(ok)).toBe('loaded');
    expect(watcher.inputStatus(blocked)).toBe('failed');
  });

  it('does not probe an input already known to have failed', () => {
    const probed: string[] = [];
    const watcher = createImageLoadWatcher(window, (url) => {
      probed.push(url);
      return new Promise(() => {});
    });
    const element = input();
    watcher.waitFor(element, new AbortController().signal, () => {});
    element.dispatchEvent(new Event('error'));
    watcher.waitFor(element, new AbortController().signal, () => {});
    expect(probed).toHaveLength(1);
  });
});

describe('pageImageProbe', () => {
  const fetchedByPage = { fetchedByPage: async () => true, dispose: () => undefined };

  it('answers false at once without a window, and when aborted', async () => {
    expect(await pageImageProbe(null, fetchedByPage)('https://example.com/a.png', new AbortController().signal)).toBe(false);
    const waiter = new AbortController();
    const answer = pageImageProbe(window, fetchedByPage)('https://example.com/a.png', waiter.signal);
    waiter.abort();
    expect(await answer).toBe(false);
  });

  it('loads nothing until the page itself has fetched the URL (our loads are not held to its CSP)', async () => {
    const made: string[] = [];
    const view = {
      Image: class {
        set src(url: string) {
          made.push(url);
        }
        removeAttribute() {}
      },
    } as unknown as Window & typeof globalThis;
    const waiter = new AbortController();
    const answer = pageImageProbe(view, { fetchedByPage: (_url, signal) => new Promise((resolve) => signal.addEventListener('abort', () => resolve(false))), dispose: () => undefined })('https://tracker.example/p.png', waiter.signal);
    await new Promise((resolve) => setTimeout(resolve, 10));
    waiter.abort();
    expect(await answer).toBe(false);
    expect(made).toEqual([]);
  });
});
