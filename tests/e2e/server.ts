/**
 * A tiny static server for the end-to-end tests, the page benchmark and the
 * demo. No dependencies beyond node:http and sharp (for generated images).
 *
 * It listens on 127.0.0.1 only, on two ports, so that fixture pages on
 * origin A can show images from origin B (a cross-origin image). Both ports
 * serve the same routes:
 *
 *   /pages/<file>            tests/fixtures/pages; in .html files the tokens
 *                            __ORIGIN_A__ and __ORIGIN_B__ become the origins
 *   /images/<file>           tests/fixtures/images (cacheable)
 *   /dyn/404.png             always 404
 *   /dyn/slow/<ms>/<file>    an image from /images after a delay (at most 30 s)
 *   /dyn/huge.png            a valid 12000×12000 PNG (1-bit grey, ~20 kB on
 *                            the wire, 576 MB once decoded to RGBA)
 *   /dyn/bomb.png            a PNG whose header claims 100000×100000 RGBA,
 *                            with a truncated body
 *   /dyn/referer/<file>      403 unless the Referer is one of our origins
 *   /dyn/count/<key>/<file>  an image from /images, never cached, so every
 *                            fetch reaches the server and is counted
 *   /dyn/bench/<n>.jpg       n in 0..99: distinct generated images (crops and
 *                            tints of the photos, or text banners)
 *   /dyn/stats               JSON: requests per path so far
 *   /dyn/page?img=U&input=U  an HTML page showing each image U (ids img0…,
 *                            input0…), for tests that need other host names;
 *                            &meta=P adds <meta name="referrer" content="P">
 *   /dyn/bench-page?n=N      a page of N images (at most 2000) cycling through
 *                            the 100 bench images, each at its own URL
 *   /dyn/text-page?n=N       a page of the first N ocr-dev photos (1280 px scene
 *                            text, from ../shared; none where it is absent), for
 *                            bench:page's memory after text (--page)
 *   /dyn/set-cookie          sets a SameSite=Lax session cookie for this host
 *   /dyn/private/<file>      403 unless that cookie is sent: "the bank's image"
 *   /dyn/gate/<file>?to=U    the image for the page's own <img> load (an image
 *                            Accept header), a 302 to U for anyone else
 *   /dyn/redirect?to=U       a 302 to U
 *   /dyn/filter-gate.svg     a plain SVG for the page, a filter-heavy one
 *                            (seconds to rasterise) for anyone else
 *
 * Every request is logged (path, origin port, Referer, Sec-Fetch-* headers)
 * so tests can assert that no extra request was made. The server stops itself
 * after `maxLifetimeMs` (default 15 min), and `close()` drops open sockets.
 *
 * Standalone: `npx tsx tests/e2e/server.ts` prints both origins and serves
 * until Ctrl-C (or the lifetime ends).
 */
import { createServer } from 'node:http';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { readFile, readdir } from 'node:fs/promises';
import { deflateSync } from 'node:zlib';
import { dirname, extname, join, normalize, resolve, sep } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import sharp from 'sharp';

const here = dirname(fileURLToPath(import.meta.url));
export const fixturesDir = resolve(here, '..', 'fixtures');
const pagesDir = join(fixturesDir, 'pages');
const imagesDir = join(fixturesDir, 'images');
/** Real captioned photos, read in place from the shared data (never copied into the repo); may be absent. */
export const devPhotosDir = resolve(here, '..', '..', '..', 'shared', 'data', 'captions-dev', 'images');
/** Scene-text photos (1280 px), read in place from the shared data like devPhotosDir; may be absent. */
export const ocrPhotosDir = resolve(here, '..', '..', '..', 'shared', 'data', 'ocr-dev', 'images');

export interface RequestRecord {
  /** 'A' or 'B': which origin (port) received it. */
  origin: 'A' | 'B';
  method: string;
  /** Path without the query. */
  path: string;
  query: string;
  referer?: string;
  /** Sec-Fetch-Dest / Sec-Fetch-Site / Sec-Fetch-Mode, as the browser sent them. */
  dest?: string;
  site?: string;
  mode?: string;
  status: number;
  /** True when the request carried our test session cookie. */
  cookie: boolean;
  /**
   * True for an <img>/<input> load by the page (an image Accept header).
   * Sec-Fetch-Dest says the same, but only to secure origins; the made-up
   * http host names of the hostile-page tests get no Sec-Fetch headers.
   */
  imageLoad: boolean;
  at: number;
}

export interface FixtureServer {
  /** e.g. http://127.0.0.1:41234 */
  originA: string;
  originB: string;
  /** A URL on origin A (default) or B. */
  url(path: string, origin?: 'A' | 'B'): string;
  /**
   * Requests seen for a path (both origins), optionally only from one origin.
   * A `path` with a `?` is compared with the query too.
   */
  hits(path: string, origin?: 'A' | 'B'): number;
  requests(): readonly RequestRecord[];
  resetLog(): void;
  close(): Promise<void>;
}

export interface FixtureServerOptions {
  /** The server closes itself after this long. Default 15 minutes. */
  maxLifetimeMs?: number;
  /** Fixed ports (0: any free port). */
  ports?: [number, number];
  /** Print each request to stderr. */
  verbose?: boolean;
}

const mimeTypes: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.png': 'image/png',
  '.gif': 'image/gif',
  '.webp': 'image/webp',
  '.svg': 'image/svg+xml',
  '.md': 'text/plain; charset=utf-8',
};

const maxSlowMs = 30_000;
const maxConnections = 256;

/** Resolves a request path inside a folder, or undefined if it escapes it. */
function safeJoin(root: string, relative: string): string | undefined {
  let decoded: string;
  try {
    decoded = decodeURIComponent(relative);
  } catch {
    return undefined;
  }
  if (decoded.includes('\0')) return undefined;
  const full = normalize(join(root, decoded));
  return full.startsWith(root + sep) ? full : undefined;
}

// --- PNG writing, for the huge image and the bomb -------------------------

const crcTable = (() => {
  const table = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    table[n] = c >>> 0;
  }
  return table;
})();

function crc32(bytes: Uint8Array): number {
  let c = 0xffffffff;
  for (const byte of bytes) c = crcTable[(c ^ byte) & 0xff]! ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

function pngChunk(type: string, data: Uint8Array): Buffer {
  const out = Buffer.alloc(12 + data.length);
  out.writeUInt32BE(data.length, 0);
  out.write(type, 4, 'ascii');
  Buffer.from(data).copy(out, 8);
  out.writeUInt32BE(crc32(out.subarray(4, 8 + data.length)), 8 + data.length);
  return out;
}

function png(width: number, height: number, bitDepth: number, colourType: number, idat: Uint8Array, end = true): Buffer {
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr[8] = bitDepth;
  ihdr[9] = colourType;
  const signature = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  return Buffer.concat([signature, pngChunk('IHDR', ihdr), pngChunk('IDAT', idat), ...(end ? [pngChunk('IEND', new Uint8Array(0))] : [])]);
}

/** 12000×12000, 1-bit grey: white with black bands, so it is not blank. */
function hugePng(): Buffer {
  const side = 12_000;
  const rowBytes = Math.ceil(side / 8);
  const raw = Buffer.alloc((rowBytes + 1) * side);
  for (let y = 0; y < side; y++) {
    const row = y * (rowBytes + 1);
    raw[row] = 0; // filter: none
    const band = Math.floor(y / 1000) % 2 === 0;
    raw.fill(band ? 0xff : 0xf0, row + 1, row + 1 + rowBytes);
  }
  return png(side, side, 1, 0, deflateSync(raw, { level: 9 }));
}

/** Header says 100000×100000 RGBA (40 GB decoded); the body is a few rows. */
function bombPng(): Buffer {
  const side = 100_000;
  return png(side, side, 8, 6, deflateSync(Buffer.alloc((side * 4 + 1) * 4)), false);
}

// --- Generated benchmark images --------------------------------------------

const benchPhotos = ['cat.jpg', 'coffee.jpg', 'astronaut.jpg', 'rocket.jpg', 'camera.jpg'];
const benchWords = ['OPEN', 'EXIT', 'SALE', 'MENU', 'TICKETS', 'PARKING', 'BAKERY', 'PHARMACY', 'LIBRARY', 'STATION'];

async function benchImage(n: number): Promise<Buffer> {
  if (n % 4 === 3) {
    const word = `${benchWords[n % benchWords.length]} ${n}`;
    const hue = (n * 47) % 360;
    const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="400" height="160"><rect width="100%" height="100%" fill="hsl(${hue},60%,92%)"/><text x="50%" y="100" text-anchor="middle" font-family="DejaVu Sans" font-weight="bold" font-size="56" fill="#111">${word}</text></svg>`;
    return sharp(Buffer.from(svg)).jpeg({ quality: 80 }).toBuffer();
  }
  const photo = benchPhotos[n % benchPhotos.length]!;
  const image = sharp(join(imagesDir, photo));
  const { width = 400, height = 300 } = await image.metadata();
  // A different crop and tint per n, so every image has its own bytes.
  const scale = 0.6 + ((n * 7) % 5) * 0.08;
  const w = Math.round(width * scale);
  const h = Math.round(height * scale);
  const left = Math.round(((width - w) * ((n * 13) % 10)) / 9);
  const top = Math.round(((height - h) * ((n * 17) % 10)) / 9);
  return image
    .extract({ left, top, width: w, height: h })
    .resize({ width: 320 })
    .modulate({ brightness: 0.9 + ((n * 3) % 5) * 0.05, hue: (n * 11) % 40 })
    .jpeg({ quality: 80 })
    .toBuffer();
}

// --- Pages and images for the hostile-page tests ---------------------------

const plainSvg = '<svg xmlns="http://www.w3.org/2000/svg" width="300" height="200"><rect width="300" height="200" fill="#3a7"/><circle cx="150" cy="100" r="60" fill="#fd3"/></svg>';
/** Stacked turbulence and blur over a large canvas: seconds of rasterising in one uninterruptible call. */
const filterSvg =
  '<svg xmlns="http://www.w3.org/2000/svg" width="4000" height="4000"><defs>' +
  Array.from({ length: 12 }, (_, i) => `<filter id="f${i}"><feTurbulence baseFrequency="0.0${i + 1}" numOctaves="10"/><feGaussianBlur stdDeviation="${20 + i}"/></filter>`).join('') +
  '</defs>' +
  Array.from({ length: 12 }, (_, i) => `<rect width="4000" height="4000" filter="url(#f${i})" opacity="0.5"/>`).join('') +
  '</svg>';

function escapeAttribute(value: string): string {
  return value.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;');
}

function testPage(params: URLSearchParams): string {
  const images = params.getAll('img').map((src, i) => `<p><img id="img${i}" src="${escapeAttribute(src)}" width="320" height="240"></p>`);
  const inputs = params.getAll('input').map((src, i) => `<p><input type="image" id="input${i}" src="${escapeAttribute(src)}" width="320" height="240"></p>`);
  const meta = params.get('meta');
  const referrer = meta ? `<meta name="referrer" content="${escapeAttribute(meta)}">` : '';
  return `<!doctype html><html lang="en"><head><meta charset="utf-8">${referrer}<title>Test page</title></head><body><h1>Test page</h1>${images.join('')}${inputs.join('')}</body></html>`;
}

function benchPage(count: number): string {
  const n = Number.isFinite(count) ? Math.max(1, Math.min(2000, Math.floor(count))) : 50;
  const images = Array.from({ length: n }, (_, i) => `<img id="b${i}" src="/dyn/bench/${i % 100}.jpg?i=${i}" width="160" height="120">`);
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${n} images</title></head><body><h1>${n} images without alt</h1>${images.join('')}</body></html>`;
}

/** The first N ocr-dev photos (large scene text): what the text reader's memory grows with. Empty where ocr-dev is absent. */
async function textPage(count: number): Promise<string> {
  const n = Number.isFinite(count) ? Math.max(1, Math.min(150, Math.floor(count))) : 10;
  const files = (await readdir(ocrPhotosDir).catch(() => [] as string[])).filter((f) => /\.(jpe?g|png)$/i.test(f)).sort().slice(0, n);
  const images = files.map((f, i) => `<img id="t${i}" src="/ocr-photos/${encodeURIComponent(f)}" width="320" height="240">`);
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${files.length} text photos</title></head><body><h1>${files.length} photos with text, without alt</h1>${images.join('')}</body></html>`;
}

// --- The server --------------------------------------------------------------

export async function startFixtureServer(options: FixtureServerOptions = {}): Promise<FixtureServer> {
  const { maxLifetimeMs = 15 * 60_000, ports = [0, 0], verbose = false } = options;
  const log: RequestRecord[] = [];
  const sockets = new Set<Socket>();
  const timers = new Set<NodeJS.Timeout>();
  const generated = new Map<string, Promise<Buffer>>();
  const memo = (key: string, make: () => Buffer | Promise<Buffer>) => {
    let value = generated.get(key);
    if (!value) {
      value = Promise.resolve().then(make);
      generated.set(key, value);
    }
    return value;
  };
  let origins: { A: string; B: string } = { A: '', B: '' };
  let closed = false;

  const send = (res: ServerResponse, status: number, body: Buffer | string, type: string, cache = 'no-store') => {
    res.writeHead(status, { 'Content-Type': type, 'Content-Length': Buffer.byteLength(body), 'Cache-Control': cache, 'X-Content-Type-Options': 'nosniff' });
    res.end(body);
  };

  const serveFile = async (res: ServerResponse, root: string, relative: string, cache: string) => {
    const path = safeJoin(root, relative);
    if (!path) return send(res, 400, 'bad path', 'text/plain');
    let body: Buffer;
    try {
      body = await readFile(path);
    } catch {
      return send(res, 404, 'not found', 'text/plain');
    }
    const type = mimeTypes[extname(path).toLowerCase()] ?? 'application/octet-stream';
    if (type.startsWith('text/html')) {
      const html = body.toString('utf8').replaceAll('__ORIGIN_A__', origins.A).replaceAll('__ORIGIN_B__', origins.B);
      return send(res, 200, html, type, 'no-store');
    }
    return send(res, 200, body, type, cache);
  };

  const handle = async (req: IncomingMessage, res: ServerResponse, which: 'A' | 'B') => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const record: RequestRecord = {
      origin: which,
      method: req.method ?? 'GET',
      path: url.pathname,
      query: url.search,
      referer: req.headers.referer,
      dest: req.headers['sec-fetch-dest'] as string | undefined,
      site: req.headers['sec-fetch-site'] as string | undefined,
      mode: req.headers['sec-fetch-mode'] as string | undefined,
      status: 0,
      cookie: /(?:^|;\s*)lightcap_session=secret(?:;|$)/.test(req.headers.cookie ?? ''),
      imageLoad: (req.headers.accept ?? '').startsWith('image/'),
      at: Date.now(),
    };
    log.push(record);
    if (log.length > 100_000) log.splice(0, log.length - 100_000);
    res.on('finish', () => {
      record.status = res.statusCode;
      if (verbose) console.error(`[fixtures ${which}] ${res.statusCode} ${record.method} ${record.path}${record.query} referer=${record.referer ?? '-'}`);
    });

    if ((req.url ?? '').length > 2048) return send(res, 414, 'too long', 'text/plain');
    if (req.method !== 'GET' && req.method !== 'HEAD') return send(res, 405, 'GET only', 'text/plain');
    const path = url.pathname;

    if (path === '/' || path === '/pages' || path === '/pages/') {
      res.writeHead(302, { Location: '/pages/index.html' });
      return res.end();
    }
    if (path === '/favicon.ico') return send(res, 204, '', 'text/plain');
    if (path.startsWith('/pages/')) return serveFile(res, pagesDir, path.slice('/pages/'.length), 'no-store');
    if (path.startsWith('/images/')) return serveFile(res, imagesDir, path.slice('/images/'.length), 'public, max-age=3600');
    if (path.startsWith('/dev-photos/')) return serveFile(res, devPhotosDir, path.slice('/dev-photos/'.length), 'public, max-age=3600');
    if (path.startsWith('/ocr-photos/')) return serveFile(res, ocrPhotosDir, path.slice('/ocr-photos/'.length), 'public, max-age=3600');
    if (path === '/dyn/404.png') return send(res, 404, 'no such image', 'text/plain');
    if (path === '/dyn/huge.png') return send(res, 200, await memo('huge', hugePng), 'image/png');
    if (path === '/dyn/bomb.png') return send(res, 200, await memo('bomb', bombPng), 'image/png');
    if (path === '/dyn/stats') {
      const counts: Record<string, number> = {};
      for (const r of log) counts[r.path] = (counts[r.path] ?? 0) + 1;
      return send(res, 200, JSON.stringify(counts, null, 1), 'application/json');
    }
    let match = /^\/dyn\/slow\/(\d{1,6})\/(.+)$/.exec(path);
    if (match) {
      const ms = Math.min(Number(match[1]), maxSlowMs);
      await new Promise<void>((done) => {
        const timer = setTimeout(() => {
          timers.delete(timer);
          done();
        }, ms);
        timers.add(timer);
        req.socket.once('close', () => {
          clearTimeout(timer);
          timers.delete(timer);
          done();
        });
      });
      if (req.socket.destroyed) return undefined;
      return serveFile(res, imagesDir, match[2]!, 'no-store');
    }
    match = /^\/dyn\/referer\/(.+)$/.exec(path);
    if (match) {
      const referer = req.headers.referer ?? '';
      const ours = referer.startsWith(origins.A + '/') || referer.startsWith(origins.B + '/');
      if (!ours) return send(res, 403, 'hotlinking refused: no Referer from our pages', 'text/plain');
      return serveFile(res, imagesDir, match[1]!, 'no-store');
    }
    if (path === '/dyn/bench-page') return send(res, 200, benchPage(Number(url.searchParams.get('n') ?? 50)), 'text/html; charset=utf-8');
    if (path === '/dyn/text-page') return send(res, 200, await textPage(Number(url.searchParams.get('n') ?? 10)), 'text/html; charset=utf-8');
    if (path === '/dyn/page') return send(res, 200, testPage(url.searchParams), 'text/html; charset=utf-8');
    if (path === '/dyn/set-cookie') {
      res.writeHead(200, { 'Content-Type': 'text/plain', 'Set-Cookie': 'lightcap_session=secret; Path=/; SameSite=Lax; HttpOnly', 'Cache-Control': 'no-store' });
      return res.end('cookie set');
    }
    match = /^\/dyn\/private\/(.+)$/.exec(path);
    if (match) return record.cookie ? serveFile(res, imagesDir, match[1]!, 'no-store') : send(res, 403, 'log in first', 'text/plain');
    match = /^\/dyn\/gate\/(.+)$/.exec(path);
    if (match && (record.imageLoad || !url.searchParams.get('to'))) return serveFile(res, imagesDir, match[1]!, 'no-store');
    if (match || path === '/dyn/redirect') {
      res.writeHead(302, { Location: url.searchParams.get('to') ?? '/dyn/404.png', 'Cache-Control': 'no-store' });
      return res.end();
    }
    if (path === '/dyn/filter-gate.svg') return send(res, 200, record.imageLoad ? plainSvg : filterSvg, 'image/svg+xml');
    match = /^\/dyn\/count\/[\w-]{1,64}\/(.+)$/.exec(path);
    if (match) return serveFile(res, imagesDir, match[1]!, 'no-store');
    match = /^\/dyn\/bench\/(\d{1,2})\.jpg$/.exec(path);
    if (match) {
      const n = Number(match[1]);
      return send(res, 200, await memo(`bench${n}`, () => benchImage(n)), 'image/jpeg', 'public, max-age=3600');
    }
    return send(res, 404, 'not found', 'text/plain');
  };

  const makeServer = (which: 'A' | 'B'): Server => {
    const server = createServer((req, res) => {
      handle(req, res, which).catch((error: unknown) => {
        if (!res.headersSent) send(res, 500, String(error), 'text/plain');
        else res.destroy();
      });
    });
    server.maxConnections = maxConnections;
    server.headersTimeout = 10_000;
    server.requestTimeout = 60_000;
    server.on('connection', (socket) => {
      sockets.add(socket);
      socket.on('close', () => sockets.delete(socket));
    });
    return server;
  };

  const servers = [makeServer('A'), makeServer('B')] as const;
  const listen = (server: Server, port: number) =>
    new Promise<number>((done, fail) => {
      server.once('error', fail);
      server.listen(port, '127.0.0.1', () => done((server.address() as AddressInfo).port));
    });
  const [portA, portB] = await Promise.all([listen(servers[0], ports[0]), listen(servers[1], ports[1])]);
  origins = { A: `http://127.0.0.1:${portA}`, B: `http://127.0.0.1:${portB}` };

  const close = async () => {
    if (closed) return;
    closed = true;
    clearTimeout(lifetime);
    for (const timer of timers) clearTimeout(timer);
    await Promise.all(
      servers.map(
        (server) =>
          new Promise<void>((done) => {
            server.close(() => done());
            server.closeAllConnections();
          }),
      ),
    );
    for (const socket of sockets) socket.destroy();
  };
  const lifetime = setTimeout(() => void close(), maxLifetimeMs);
  lifetime.unref();

  return {
    originA: origins.A,
    originB: origins.B,
    url: (path, origin = 'A') => `${origin === 'A' ? origins.A : origins.B}${path.startsWith('/') ? '' : '/'}${path}`,
    hits: (path, origin) => log.filter((r) => (path.includes('?') ? r.path + r.query : r.path) === path && (!origin || r.origin === origin)).length,
    requests: () => log,
    resetLog: () => {
      log.length = 0;
    },
    close,
  };
}

// Standalone: serve until interrupted.
if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  const server = await startFixtureServer({ verbose: process.argv.includes('--verbose'), ports: [Number(process.env.PORT_A ?? 0), Number(process.env.PORT_B ?? 0)] });
  console.log(`origin A: ${server.url('/pages/index.html')}`);
  console.log(`origin B: ${server.originB}`);
  const stop = () => void server.close().then(() => process.exit(0));
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}
