// @vitest-environment happy-dom
import { afterEach, describe, expect, it } from 'vitest';
import { createDiscovery } from '../../src/page/discovery';
import type { Discovery } from '../../src/page/discovery';
import { createGuard } from '../../src/page/guard';
import type { CaptionTarget } from '../../src/page/targets';

async function settle(rounds = 6): Promise<void> {
  for (let i = 0; i < rounds; i++) await new Promise((resolve) => setTimeout(resolve, 0));
}

const running: Discovery[] = [];

function setup(html: string, shadowRootOf?: (element: Element) => ShadowRoot | null) {
  document.body.innerHTML = html;
  const evaluated: CaptionTarget[] = [];
  const attributes: string[] = [];
  const sources: CaptionTarget[] = [];
  let prunes = 0;
  const errors: unknown[] = [];
  const discovery = createDiscovery({
    document,
    sliceBudgetMs: 8,
    guard: createGuard((error) => errors.push(error)),
    onError: (error) => errors.push(error),
    evaluate: (batch) => evaluated.push(...batch),
    attributeChanged: (element, name) => attributes.push(`${element.id || element.localName}:${name}`),
    sourceChanged: (target) => sources.push(target),
    pruneDisconnected: () => {
      prunes += 1;
    },
    afterSlice: () => {},
    shadowRootOf,
  });
  running.push(discovery);
  const ids = () => evaluated.map((element) => element.id);
  const reset = () => {
    evaluated.length = 0;
    attributes.length = 0;
    sources.length = 0;
  };
  return { discovery, evaluated, attributes, sources, errors, ids, reset, prunes: () => prunes };
}

afterEach(() => {
  for (const discovery of running.splice(0)) discovery.stop();
  document.body.innerHTML = '';
});

describe('finding candidates', () => {
  it('finds images, image inputs, role=img elements and svg role=img, in the document and in shadow roots', async () => {
    const { discovery, ids } = setup(`
      <img id="img" src="a.jpg">
      <input id="input" type="image" src="b.png"><input id="text" type="text">
      <div id="painted" role="img"></div><div id="plain"></div><span id="button" role="button"></span>
      <svg id="svg" role="img"></svg><svg id="decor"></svg>
      <picture id="pic"><img id="inner" src="c.jpg"></picture>
      <div id="host"></div>`);
    const host = document.getElementById('host');
    const shadow = host?.attachShadow({ mode: 'open' });
    if (shadow) shadow.innerHTML = '<img id="shadowed" src="d.jpg">';
    discovery.start();
    await settle();
    expect(ids().sort()).toEqual(['img', 'inner', 'input', 'painted', 'shadowed', 'svg']);
  });

  it('finds images in closed shadow roots through shadowRootOf, and their later images too', async () => {
    const closedRoots = new Map<Element, ShadowRoot>();
    const { discovery, ids, reset } = setup('<div id="host"></div>', (element) => closedRoots.get(element) ?? element.shadowRoot);
    const host = document.getElementById('host')!;
    const closed = host.attachShadow({ mode: 'closed' });
    closedRoots.set(host, closed);
    closed.innerHTML = '<img id="closed-image" src="a.jpg"><div id="later"></div>';
    discovery.start();
    await settle();
    expect(ids()).toEqual(['closed-image']);
    reset();
    closed.getElementById('later')!.innerHTML = '<img id="closed-later" src="b.jpg">';
    await settle();
    expect(ids()).toEqual(['closed-later']);
  });

  it('without shadowRootOf, closed shadow roots stay out of reach', async () => {
    const { discovery, ids } = setup('<div id="host"></div>');
    document.getElementById('host')!.attachShadow({ mode: 'closed' }).innerHTML = '<img id="closed-image" src="a.jpg">';
    discovery.start();
    await settle();
    expect(ids()).toEqual([]);
  });

  it('finds candidates added later, and evaluates each once per change', async () => {
    const { discovery, ids, reset } = setup('<main id="main"></main>');
    discovery.start();
    await settle();
    reset();
    document.getElementById('main')?.insertAdjacentHTML('beforeend', '<article><img id="late" src="a.jpg"><div id="late-painted" role="img"></div></article>');
    await settle();
    expect(ids().sort()).toEqual(['late', 'late-painted']);
  });
});

describe('changes', () => {
  it('reports attribute changes on any element, but only real ones; style and class only on role=img elements', async () => {
    const { discovery, attributes, reset } = setup('<img id="a" src="a.jpg"><div id="d" class="x"></div>');
    discovery.start();
    await settle();
    reset();
    const image = document.getElementById('a');
    image?.setAttribute('alt', 'A cat');
    image?.setAttribute('data-unwatched', '1');
    // A plain element's class: an animation frame, not an image change.
    document.getElementById('d')?.setAttribute('class', 'y');
    document.getElementById('d')?.setAttribute('role', 'img');
    await settle();
    document.getElementById('d')?.setAttribute('class', 'z');
    await settle();
    expect(attributes).toEqual(['a:alt', 'd:role', 'd:class']);
  });

  it('reports a <picture> whose <source> changed', async () => {
    const { discovery, sources, reset } = setup('<picture><source id="s" srcset="wide.webp"><img id="a" src="a.jpg"></picture>');
    discovery.start();
    await settle();
    reset();
    document.getElementById('s')?.setAttribute('srcset', 'other.webp');
    await settle();
    document.getElementById('s')?.remove();
    await settle();
    expect(sources.map((target) => target.id)).toEqual(['a', 'a']);
  });

  it('looks again at an svg whose <title> came or went, and at images in a link that got a name', async () => {
    const { discovery, ids, reset } = setup('<svg id="s" role="img"><circle r="1"/></svg><a id="link" href="/"><img id="logo" src="l.png"></a>');
    discovery.start();
    await settle();
    reset();
    const svg = document.getElementById('s');
    svg?.prepend(document.createElementNS('http://www.w3.org/2000/svg', 'title'));
    document.getElementById('link')?.setAttribute('aria-label', 'Home');
    await settle();
    expect(ids().sort()).toEqual(['logo', 's']);
  });

  it('asks for a prune when elements leave the page', async () => {
    const { discovery, prunes } = setup('<img id="a" src="a.jpg"><img id="b" src="b.jpg">');
    discovery.start();
    await settle();
    expect(prunes()).toBe(0);
    document.getElementById('a')?.remove();
    await settle();
    expect(prunes()).toBe(1);
    discovery.flushRemovals();
    expect(prunes()).toBe(1);
  });

  it('does nothing after stop', async () => {
    const { discovery, evaluated } = setup('<main id="main"></main>');
    discovery.start();
    await settle();
    discovery.stop();
    document.getElementById('main')?.insertAdjacentHTML('beforeend', '<img src="a.jpg">');
    await settle();
    expect(evaluated).toHaveLength(0);
    expect(discovery.roots()).toEqual([document]);
  });
});
