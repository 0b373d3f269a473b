/** Decoded pixels, the engine core's only input. Row-major RGBA, 4 bytes per pixel. */
export interface RgbaImage {
  readonly data: Uint8Array | Uint8ClampedArray;
  readonly width: number;
  readonly height: number;
}

/** Axis-aligned box in source-image pixels. */
export interface Box {
  x: number;
  y: number;
  width: number;
  height: number;
}
