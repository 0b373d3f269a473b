// @vitest-environment happy-dom
import { beforeEach, describe, expect, it } from 'vitest';
import { markupDigest, serialiseSvg } from '../../src/page/svg-markup';
import { isSvgImage } from '../../src/page/targets';

function svgById(id: string): SVGSVGElement {
  const element = document.getElementById(id);
  if (!element || !isSvgImage(element)) throw new Error(`no svg role=img #${id}`);
  return element;
}

beforeEach(() => {
  document.body.innerHTML = '';
});

describe('serialiseSvg', () => {
  it('makes a standalone svg document, without our own attributes', () => {
    document.body.innerHTML = '<svg id="s" role="img" viewBox="0 0 10 10" aria-label="Auto-generated: A dot" data-lightcap="generated"><circle cx="5" cy="5" r="4"/></svg>';
    const markup = serialiseSvg(svgById('s'));
    expect(markup).toMatch(/^<svg xmlns="http:\/\/www\.w3\.org\/2000\/svg"/);
    expect(markup).toContain('<circle cx="5" cy="5" r="4"');
    expect(markup).not.toContain('aria-label');
    expect(markup).not.toContain('data-lightcap');
    // The page's element is untouched.
    expect(svgById('s').getAttribute('aria-label')).toBe('Auto-generated: A dot');
  });

  it('sizes a drawing with a viewBox for the engine (longer side 512 px), and leaves one without a viewBox as it is', () => {
    document.body.innerHTML =
      '<svg id="icon" role="img" viewBox="0 0 24 12" width="1em" height="100%"><path d="M0 0h24"/></svg>' +
      '<svg id="fixed" role="img" width="320" height="200"><rect width="320" height="200"/></svg>' +
      '<svg id="broken" role="img" viewBox="0 0 0 10"><rect/></svg>';
    expect(serialiseSvg(svgById('icon'))).toMatch(/^<svg [^>]*width="512" height="256"/);
    expect(serialiseSvg(svgById('fixed'))).toMatch(/^<svg [^>]*width="320" height="200"/);
    expect(serialiseSvg(svgById('broken'))).not.toMatch(/width=/);
    // The page's element keeps its own size.
    expect(svgById('icon').getAttribute('width')).toBe('1em');
  });

  it('copies sprite symbols and paint servers it references from elsewhere in the document', () => {
    document.body.innerHTML =
      '<svg style="display:none"><symbol id="icon-cart" viewBox="0 0 9 9"><path d="M0 0h9" fill="url(#brand)"/></symbol><linearGradient id="brand"><stop offset="0"/></linearGradient><symbol id="unused"/></svg>' +
      '<svg id="s" role="img"><use href="#icon-cart"/></svg>';
    const markup = serialiseSvg(svgById('s'));
    expect(markup).toContain('<defs>');
    expect(markup).toContain('id="icon-cart"');
    expect(markup).toContain('id="brand"');
    expect(markup).not.toContain('id="unused"');
  });

  it('never copies page HTML or the svg\'s own ancestors that a link in it points at (a clickable diagram\'s "#section" links)', () => {
    document.body.innerHTML =
      '<div id="app"><input type="hidden" value="SECRET-TOKEN"><svg id="s" role="img"><a href="#app"><circle r="3"/></a><a href="#section-2"><rect width="2" height="2"/></a></svg></div>' +
      '<section id="section-2"><p>The page\'s own text</p></section>';
    const markup = serialiseSvg(svgById('s'));
    expect(markup).not.toContain('SECRET-TOKEN');
    expect(markup).not.toContain('own text');
    expect(markup).not.toContain('<defs>');
    expect(markup).toContain('<circle r="3"');
  });

  it('does not copy what the svg already holds', () => {
    document.body.innerHTML = '<svg id="s" role="img"><defs><circle id="dot" r="2"/></defs><use href="#dot"/></svg>';
    expect(serialiseSvg(svgById('s'))).not.toContain('<defs><circle id="dot" r="2"/></defs><defs>');
    expect(serialiseSvg(svgById('s')).match(/id="dot"/g)).toHaveLength(1);
  });
});

describe('markupDigest', () => {
  it('is stable, short, and tells different markup apart', () => {
    const a = markupDigest('<svg><circle r="4"/></svg>');
    expect(markupDigest('<svg><circle r="4"/></svg>')).toBe(a);
    expect(markupDigest('<svg><circle r="5"/></svg>')).not.toBe(a);
    expect(a).toMatch(/^svg:[0-9a-f]{16}:\d+$/);
    expect(markupDigest('x'.repeat(100_000)).length).toBeLessThan(40);
  });
});
