// @vitest-environment happy-dom
import { afterEach, describe, expect, it } from 'vitest';
import { documentReferrerPolicy, parseMetaReferrer, referrerPolicyOf } from '../../src/page/referrer-policy';
import { sourceOfTarget } from '../../src/page/source';
import type { CaptionTarget } from '../../src/page/targets';

const byId = (id: string): CaptionTarget => {
  const element = document.getElementById(id);
  if (!element) throw new Error(`no #${id}`);
  return element;
};

const metas = (...contents: string[]) => contents.map((content) => `<meta name="referrer" content="${content}">`).join('');

afterEach(() => {
  document.head.innerHTML = '';
  document.body.innerHTML = '';
});

describe('referrer policy of an image', () => {
  it('takes the img attribute over the meta tag, and the meta tag when the attribute is missing or invalid', () => {
    document.head.innerHTML = metas('origin');
    document.body.innerHTML = `
      <img id="own" src="https://cdn.example/a.png" referrerpolicy="No-Referrer">
      <img id="none" src="https://cdn.example/a.png">
      <img id="empty" src="https://cdn.example/a.png" referrerpolicy="">
      <img id="bad" src="https://cdn.example/a.png" referrerpolicy="never">`;
    expect(referrerPolicyOf(byId('own'))).toBe('no-referrer');
    for (const id of ['none', 'empty', 'bad']) expect(referrerPolicyOf(byId(id)), id).toBe('origin');
  });

  it('uses the document policy for input, role=img and svg, which have no policy of their own', () => {
    document.head.innerHTML = metas('same-origin');
    document.body.innerHTML = `
      <input id="input" type="image" src="https://cdn.example/a.png" referrerpolicy="unsafe-url">
      <div id="role" role="img" referrerpolicy="unsafe-url"></div>
      <svg id="svg" role="img"></svg>`;
    for (const id of ['input', 'role', 'svg']) expect(referrerPolicyOf(byId(id)), id).toBe('same-origin');
  });

  it('lets the last valid meta tag win, wherever it is, and skips invalid ones and other names', () => {
    document.head.innerHTML = metas('no-referrer', 'unsafe-url');
    document.body.innerHTML = `${metas('strict-origin', 'not-a-policy', ' origin')}<meta name="description" content="origin"><meta name="REFERRER" content="Same-Origin"><meta content="origin">`;
    expect(documentReferrerPolicy(document)).toBe('same-origin');
    document.body.innerHTML = metas('strict-origin', 'not-a-policy');
    expect(documentReferrerPolicy(document)).toBe('strict-origin');
    // A <meta> in another namespace sets nothing.
    const foreign = document.createElementNS('http://www.w3.org/2000/svg', 'meta');
    foreign.setAttribute('name', 'referrer');
    foreign.setAttribute('content', 'unsafe-url');
    document.body.append(foreign);
    expect(documentReferrerPolicy(document)).toBe('strict-origin');
    document.head.innerHTML = '';
    document.body.innerHTML = metas('', 'bogus');
    expect(documentReferrerPolicy(document)).toBeUndefined();
  });

  it('maps the legacy meta keywords, which an img attribute does not accept', () => {
    expect(['never', 'default', 'always', 'origin-when-crossorigin', 'ALWAYS'].map((content) => parseMetaReferrer(content))).toEqual([
      'no-referrer',
      'strict-origin-when-cross-origin',
      'unsafe-url',
      'origin-when-cross-origin',
      'unsafe-url',
    ]);
    expect(['constructor', 'toString', '', 'origin ', 'no-referrer, origin'].map((content) => parseMetaReferrer(content))).toEqual([undefined, undefined, undefined, undefined, undefined]);
    // Firefox trims the content (its own request then carries no Referer); Chromium ignores such a meta.
    expect([' no-referrer', 'no-referrer ', '\tno-referrer\n', ' ALWAYS '].map((content) => parseMetaReferrer(content, true))).toEqual(['no-referrer', 'no-referrer', 'no-referrer', 'unsafe-url']);
    document.body.innerHTML = '<img id="a" src="https://cdn.example/a.png" referrerpolicy="always">';
    expect(referrerPolicyOf(byId('a'))).toBeUndefined();
  });
});

describe('sourceOfTarget with a referrer policy', () => {
  it('sends the policy with http(s) URLs only, and keeps an image with a policy of its own apart', () => {
    document.head.innerHTML = metas('origin');
    document.body.innerHTML = `
      <img id="doc" src="https://cdn.example/a.png">
      <img id="own" src="https://cdn.example/a.png" referrerpolicy="no-referrer">
      <img id="data" src="data:image/png;base64,iVBORw==" referrerpolicy="no-referrer">`;
    expect(sourceOfTarget(byId('doc'))).toEqual({ key: 'https://cdn.example/a.png', ref: { kind: 'url', url: 'https://cdn.example/a.png', referrerPolicy: 'origin' } });
    const own = sourceOfTarget(byId('own'));
    expect(own?.ref).toEqual({ kind: 'url', url: 'https://cdn.example/a.png', referrerPolicy: 'no-referrer' });
    expect(own?.key).not.toBe('https://cdn.example/a.png');
    expect(sourceOfTarget(byId('data'))).toEqual({ key: 'data:image/png;base64,iVBORw==', ref: { kind: 'url', url: 'data:image/png;base64,iVBORw==' } });
    document.head.innerHTML = '';
    expect(sourceOfTarget(byId('doc'))).toEqual({ key: 'https://cdn.example/a.png', ref: { kind: 'url', url: 'https://cdn.example/a.png' } });
  });
});
