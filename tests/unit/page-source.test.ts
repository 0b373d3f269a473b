import { describe, expect, it } from 'vitest';
import { dataUrlToBase64, isSupportedUrl, resolveSource } from '../../src/page/source';
import type { SourceOptions } from '../../src/page/source';

const options = (overrides: Partial<SourceOptions> = {}): SourceOptions => ({
  maxBytes: 1024,
  fetchBlob: () => Promise.reject(new Error('no blobs here')),
  view: null,
  ...overrides,
});
const signal = new AbortController().signal;

describe('resolveSource', () => {
  it('sends http(s) and short data:image URLs as URLs', async () => {
    expect(await resolveSource({ kind: 'url', url: 'https://example.com/a.jpg' }, options(), signal)).toEqual({ kind: 'url', url: 'https://example.com/a.jpg' });
    expect(await resolveSource({ kind: 'url', url: 'data:image/png;base64,iVBORw==' }, options(), signal)).toEqual({ kind: 'url', url: 'data:image/png;base64,iVBORw==' });
    expect(await resolveSource({ kind: 'url', url: `https://example.com/${'a'.repeat(9000)}` }, options(), signal)).toMatchObject({ error: { code: 'bad-request' } });
    expect(await resolveSource({ kind: 'url', url: 'ftp://example.com/a.png' }, options(), signal)).toMatchObject({ error: { code: 'unsupported-format' } });
  });

  it('reads blob: URLs and sends their bytes, within the cap', async () => {
    const blob = new Blob([new Uint8Array([137, 80, 78, 71])], { type: 'image/png' });
    expect(await resolveSource({ kind: 'url', url: 'blob:https://example.com/1' }, options({ fetchBlob: async () => blob }), signal)).toEqual({ kind: 'bytes', base64: 'iVBORw==', mime: 'image/png' });
    expect(await resolveSource({ kind: 'url', url: 'blob:https://example.com/1' }, options({ fetchBlob: async () => blob, maxBytes: 3 }), signal)).toMatchObject({ error: { code: 'image-too-large' } });
    expect(await resolveSource({ kind: 'url', url: 'blob:https://example.com/1' }, options({ fetchBlob: async () => new Blob([]) }), signal)).toMatchObject({ error: { code: 'empty-input' } });
  });

  it('draws the picture again when the page has revoked its blob: URL, and fails as before when there is nothing drawn', async () => {
    const drawn = new Blob([new Uint8Array([137, 80, 78, 71])], { type: 'image/png' });
    const revoked = { kind: 'url', url: 'blob:https://example.com/2' } as const;
    expect(await resolveSource({ ...revoked, redraw: async () => drawn }, options(), signal)).toEqual({ kind: 'bytes', base64: 'iVBORw==', mime: 'image/png' });
    await expect(resolveSource({ ...revoked, redraw: async () => undefined }, options(), signal)).rejects.toThrow('no blobs here');
    await expect(resolveSource(revoked, options(), signal)).rejects.toThrow('no blobs here');
    const aborted = AbortSignal.abort();
    let redrawn = false;
    await expect(resolveSource({ ...revoked, redraw: async () => ((redrawn = true), drawn) }, options(), aborted)).rejects.toThrow();
    expect(redrawn).toBe(false);
  });

  it('encodes svg markup as UTF-8 bytes with its mime type, within the cap', async () => {
    const markup = '<svg xmlns="http://www.w3.org/2000/svg"><text>é</text></svg>';
    const source = await resolveSource({ kind: 'markup', markup, mime: 'image/svg+xml' }, options(), signal);
    expect(source).toMatchObject({ kind: 'bytes', mime: 'image/svg+xml' });
    const base64 = 'base64' in source ? source.base64 : '';
    expect(new TextDecoder().decode(Uint8Array.from(atob(base64), (char) => char.charCodeAt(0)))).toBe(markup);
    expect(await resolveSource({ kind: 'markup', markup, mime: 'image/svg+xml' }, options({ maxBytes: 10 }), signal)).toMatchObject({ error: { code: 'image-too-large' } });
    expect(await resolveSource({ kind: 'markup', markup: '', mime: 'image/svg+xml' }, options(), signal)).toMatchObject({ error: { code: 'empty-input' } });
  });
});

describe('dataUrlToBase64', () => {
  it('decodes base64 and percent-encoded payloads, and refuses broken or oversized ones', () => {
    expect(dataUrlToBase64('data:image/svg+xml;base64,PHN2Zz4=', 100)).toEqual({ base64: 'PHN2Zz4=', mime: 'image/svg+xml' });
    expect(dataUrlToBase64('data:image/svg+xml,%3Csvg%3E', 100)).toEqual({ base64: 'PHN2Zz4=', mime: 'image/svg+xml' });
    expect(dataUrlToBase64('data:image/png;base64', 100)).toMatchObject({ error: { code: 'corrupt-image' } });
    expect(dataUrlToBase64('data:image/png;base64,!!!!', 100)).toMatchObject({ error: { code: 'corrupt-image' } });
    expect(dataUrlToBase64('data:image/png;base64,AAAAAAAA', 3)).toMatchObject({ error: { code: 'image-too-large' } });
  });
});

describe('isSupportedUrl', () => {
  it('accepts http(s), data and blob only', () => {
    for (const url of ['https://a.b/c.png', 'HTTP://a.b/c', 'data:image/png;base64,', 'blob:https://a.b/1']) expect(isSupportedUrl(url)).toBe(true);
    for (const url of ['ftp://a.b/c.png', 'file:///c.png', 'javascript:alert(1)', '']) expect(isSupportedUrl(url)).toBe(false);
  });
});
