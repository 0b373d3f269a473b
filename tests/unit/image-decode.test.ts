import { describe, expect, it } from 'vitest';
import sharp from 'sharp';
import { checkHeader, defaultDecodeLimits, sniffImage } from '../../src/engine/image/sniff';
import { decodeImageNode } from '../../src/engine/node/decode';
import { EngineError } from '../../src/engine/errors';
import { pngOf } from '../helpers/images';

async function codeOf(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof EngineError) return error.code;
    throw error;
  }
  return 'no error';
}

/** A PNG signature and IHDR claiming the given size, with no pixel data behind it. */
function pngHeader(width: number, height: number): Uint8Array {
  const bytes = new Uint8Array(33);
  bytes.set([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13, 0x49, 0x48, 0x44, 0x52]);
  const view = new DataView(bytes.buffer);
  view.setUint32(16, width);
  view.setUint32(20, height);
  bytes.set([8, 6, 0, 0, 0], 24);
  return bytes;
}

const ascii = (text: string) => new TextEncoder().encode(text);
const u32 = (value: number) => {
  const bytes = new Uint8Array(4);
  new DataView(bytes.buffer).setUint32(0, value);
  return bytes;
};
const concat = (...parts: Uint8Array[]) => {
  const out = new Uint8Array(parts.reduce((sum, part) => sum + part.length, 0));
  let at = 0;
  for (const part of parts) {
    out.set(part, at);
    at += part.length;
  }
  return out;
};
/** An ISO-BMFF box: its size, its type, then its payload. */
const box = (type: string, ...payload: Uint8Array[]) => {
  const body = concat(...payload);
  return concat(u32(8 + body.length), ascii(type), body);
};
const meta = (width: number, height: number) => box('meta', u32(0), box('hdlr', u32(0), u32(0), ascii('pict')), box('iprp', box('ipco', box('ispe', u32(0), u32(width), u32(height)))));

describe('sniffImage', () => {
  it('reads format and size from the headers of real encodings', async () => {
    const base = sharp({ create: { width: 37, height: 21, channels: 3, background: '#808080' } });
    expect(sniffImage(new Uint8Array(await base.clone().png().toBuffer()))).toEqual({ format: 'png', width: 37, height: 21 });
    expect(sniffImage(new Uint8Array(await base.clone().jpeg().toBuffer()))).toEqual({ format: 'jpeg', width: 37, height: 21 });
    expect(sniffImage(new Uint8Array(await base.clone().gif().toBuffer()))).toEqual({ format: 'gif', width: 37, height: 21 });
    expect(sniffImage(new Uint8Array(await base.clone().webp().toBuffer()))).toEqual({ format: 'webp', width: 37, height: 21 });
    expect(sniffImage(new Uint8Array(await base.clone().webp({ lossless: true }).toBuffer()))).toEqual({ format: 'webp', width: 37, height: 21 });
    expect(sniffImage(new Uint8Array(await base.clone().avif().toBuffer()))).toEqual({ format: 'avif', width: 37, height: 21 });
    expect(sniffImage(new TextEncoder().encode('<?xml version="1.0"?>\n<svg xmlns="http://www.w3.org/2000/svg"></svg>')).format).toBe('svg');
  });

  it('reads an SVG\'s leading comments step by step: a run of empty comments returns at once, not after exponential backtracking', () => {
    const encode = (text: string) => new TextEncoder().encode(text);
    expect(sniffImage(encode(`<?xml version="1.0"?><!-- a --> <!---->\n<!DOCTYPE svg PUBLIC "-//W3C//DTD SVG 1.1//EN" "x.dtd"><svg width="1"></svg>`)).format).toBe('svg');
    // 2^70 ways to split these comments for a backtracking matcher; a hostile page serves it as an image.
    expect(() => sniffImage(encode(`${'<!---->'.repeat(70)}x`))).toThrow(expect.objectContaining({ code: 'unsupported-format' }));
    expect(sniffImage(encode(`${'<!---->'.repeat(70)}<svg>`)).format).toBe('svg');
    expect(() => sniffImage(encode('<!-- never closed <svg>'))).toThrow(expect.objectContaining({ code: 'unsupported-format' }));
    expect(() => sniffImage(encode('<!--><svg>'))).toThrow(expect.objectContaining({ code: 'unsupported-format' }));
  });

  it('rejects empty and unknown data with typed errors', () => {
    expect(() => sniffImage(new Uint8Array())).toThrow(expect.objectContaining({ code: 'empty-input' }));
    expect(() => sniffImage(new TextEncoder().encode('%PDF-1.7 not an image'))).toThrow(expect.objectContaining({ code: 'unsupported-format' }));
  });

  it('sizes a GIF by its first frame when that is larger than its screen, an icon by its largest image, an AVIF by the largest size its meta box or track headers declare anywhere in the file', () => {
    // GIF89a, a 16x16 screen without colour table, a graphic control extension, then a 30000x30000 frame.
    const gif = new Uint8Array([0x47, 0x49, 0x46, 0x38, 0x39, 0x61, 16, 0, 16, 0, 0, 0, 0, 0x21, 0xf9, 4, 0, 0, 0, 0, 0, 0x2c, 0, 0, 0, 0, 0x30, 0x75, 0x30, 0x75, 0, 0x3b]);
    expect(sniffImage(gif)).toEqual({ format: 'gif', width: 30000, height: 30000 });
    // An icon whose directory says 16x16 (one byte each) but whose entry is a 30000x30000 PNG.
    const png = pngHeader(30000, 30000);
    const ico = new Uint8Array(6 + 16 + png.length);
    const icoView = new DataView(ico.buffer);
    icoView.setUint16(2, 1, true);
    icoView.setUint16(4, 1, true);
    ico.set([16, 16], 6);
    icoView.setUint32(6 + 8, png.length, true);
    icoView.setUint32(6 + 12, 22, true);
    ico.set(png, 22);
    expect(sniffImage(ico)).toEqual({ format: 'ico', width: 30000, height: 30000 });
    expect(() => checkHeader(sniffImage(ico), ico.length, defaultDecodeLimits)).toThrow(expect.objectContaining({ code: 'image-too-large' }));
    // An AVIF with a small decoy ispe in a free box up front, and the real one in a meta box after 70 kB of data.
    const avif = concat(box('ftyp', ascii('avif'), u32(0), ascii('avifmif1')), box('free', box('ispe', u32(0), u32(64), u32(64))), box('mdat', new Uint8Array(70_000)), meta(30000, 30000));
    expect(sniffImage(avif)).toEqual({ format: 'avif', width: 30000, height: 30000 });
    // An image sequence sized only by its track header (16.16 fixed point), version 0 and 1.
    for (const version of [0, 1]) {
      const fields = version === 0 ? 20 : 32;
      const tkhd = box('tkhd', new Uint8Array([version, 0, 0, 7]), new Uint8Array(fields + 8 + 8 + 36), u32(20000 * 65536), u32(15000 * 65536));
      const avis = concat(box('ftyp', ascii('avis'), u32(0), ascii('avis')), box('moov', box('trak', tkhd)), box('mdat', new Uint8Array(100)));
      expect(sniffImage(avis), `tkhd version ${version}`).toEqual({ format: 'avif', width: 20000, height: 15000 });
    }
    // A decoy ahead of 10,000 filler boxes: refused rather than sized by the decoy.
    const filler = concat(...Array.from({ length: 10_000 }, () => box('free')));
    const flooded = concat(box('ftyp', ascii('avif'), u32(0), ascii('avif')), box('meta', u32(0), box('iprp', box('ipco', box('ispe', u32(0), u32(64), u32(64)), filler, box('ispe', u32(0), u32(30000), u32(30000))))));
    expect(() => sniffImage(flooded)).toThrow(expect.objectContaining({ code: 'unsupported-format' }));
    // No size anywhere (a decoy ispe outside meta does not count): refused, not left to the decoder.
    const unsized = concat(box('ftyp', ascii('avif'), u32(0), ascii('avif')), box('free', box('ispe', u32(0), u32(64), u32(64))), box('mdat', new Uint8Array(100)));
    expect(() => sniffImage(unsized)).toThrow(expect.objectContaining({ code: 'unsupported-format' }));
  });

  it('refuses a 30000x30000 decompression bomb from its header alone', () => {
    const header = sniffImage(pngHeader(30000, 30000));
    expect(header).toEqual({ format: 'png', width: 30000, height: 30000 });
    expect(() => checkHeader(header, 33, defaultDecodeLimits)).toThrow(expect.objectContaining({ code: 'image-too-large' }));
  });
});

describe('decodeImageNode', () => {
  it('decodes to RGBA at the original size', async () => {
    const image = await decodeImageNode(await pngOf(40, 30, '#ff0000'));
    expect([image.width, image.height, image.data.length]).toEqual([40, 30, 40 * 30 * 4]);
    expect([...image.data.subarray(0, 4)]).toEqual([255, 0, 0, 255]);
  });

  it('downscales large images so the longer side is at most maxSide', async () => {
    const image = await decodeImageNode(await pngOf(3000, 1500, '#00ff00'));
    expect([image.width, image.height]).toEqual([2048, 1024]);
  });

  it('gives typed errors for zero-byte, truncated, corrupt, unsupported, tiny and bomb inputs', async () => {
    const jpeg = new Uint8Array(await sharp({ create: { width: 64, height: 64, channels: 3, background: '#123456' } }).jpeg().toBuffer());
    expect(await codeOf(decodeImageNode(new Uint8Array()))).toBe('empty-input');
    expect(await codeOf(decodeImageNode(jpeg.subarray(0, 40)))).toBe('corrupt-image');
    const garbage = jpeg.slice();
    garbage.fill(7, 20);
    expect(await codeOf(decodeImageNode(garbage))).toBe('corrupt-image');
    expect(await codeOf(decodeImageNode(new TextEncoder().encode('hello, world')))).toBe('unsupported-format');
    expect(await codeOf(decodeImageNode(await pngOf(1, 1, '#000000')))).toBe('image-too-small');
    expect(await codeOf(decodeImageNode(pngHeader(30000, 30000)))).toBe('image-too-large');
  });

  it('takes the first frame of an animated GIF', async () => {
    const red = await sharp({ create: { width: 16, height: 16, channels: 4, background: '#ff0000' } }).png().toBuffer();
    const blue = await sharp({ create: { width: 16, height: 16, channels: 4, background: '#0000ff' } }).png().toBuffer();
    const gif = new Uint8Array(await sharp([red, blue], { join: { animated: true } }).gif().toBuffer());
    expect((await sharp(gif).metadata()).pages).toBe(2);
    const image = await decodeImageNode(gif);
    expect([image.width, image.height]).toEqual([16, 16]);
    expect([...image.data.subarray(0, 3)]).toEqual([255, 0, 0]);
  });
});

describe('sniffImage on AVIF', () => {
  it('reads the size from the ispe box, so an AVIF bomb is refused before decoding', async () => {
    const avif = new Uint8Array(await sharp({ create: { width: 40, height: 24, channels: 3, background: '#446688' } }).avif().toBuffer());
    expect(sniffImage(avif)).toEqual({ format: 'avif', width: 40, height: 24 });
  });
});
