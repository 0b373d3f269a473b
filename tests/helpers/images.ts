import sharp from 'sharp';
import type { RgbaImage } from '../../src/engine/image/types';

/** A solid-colour RGBA image, made in memory. */
export function solidImage(width: number, height: number, rgba: [number, number, number, number]): RgbaImage {
  const data = new Uint8Array(width * height * 4);
  for (let i = 0; i < data.length; i += 4) data.set(rgba, i);
  return { data, width, height };
}

/** Renders dark text on white with librsvg (DejaVu Sans) and returns PNG bytes. */
export async function textImagePng(text: string, options: { width?: number; height?: number; fontSize?: number; x?: number } = {}): Promise<Uint8Array> {
  const { width = 480, height = 96, fontSize = 44, x = 16 } = options;
  const escaped = text.replace(/&/g, '&amp;').replace(/</g, '&lt;');
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}"><rect width="100%" height="100%" fill="white"/><text x="${x}" y="${Math.round(height / 2 + fontSize / 3)}" font-size="${fontSize}" font-family="DejaVu Sans, sans-serif" fill="#111">${escaped}</text></svg>`;
  return new Uint8Array(await sharp(Buffer.from(svg)).png().toBuffer());
}

export async function pngOf(width: number, height: number, colour: string): Promise<Uint8Array> {
  return new Uint8Array(await sharp({ create: { width, height, channels: 4, background: colour } }).png().toBuffer());
}
