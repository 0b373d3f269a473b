/**
 * The one message protocol between the extension's contexts. Every request is
 * `{ type, ...payload }`; every reply is a `Reply<T>`: output, error or
 * cancel, so no caller ever has to guess what a rejection meant.
 *
 *   content script ──caption/cancel──▶ background ──▶ engine host
 *   popup ──status/cache/settings──▶ background      (offscreen document on
 *   popup ──page stats──▶ content script               Chrome, background
 *   background ──toast──▶ content script               page on Firefox)
 */

export type ErrorCode =
  | 'bad-request'
  | 'fetch-failed'
  /** The image is on a loopback, private or local-network host the page itself could not reach. */
  | 'blocked-address'
  | 'timeout'
  | 'empty-input'
  | 'corrupt-image'
  | 'unsupported-format'
  | 'image-too-small'
  | 'image-too-large'
  | 'model-load'
  | 'inference'
  | 'overloaded'
  | 'host-unavailable'
  | 'disabled'
  /** The engine is abnormally slow on this device (its speed check, on the first image); nothing is captioned. */
  | 'too-slow'
  | 'internal';

/** A request that carries nothing but its type. */
export type NoPayload = Record<never, never>;

export type Reply<T> = { output: T } | { error: { code: ErrorCode; message: string } } | { cancel: true };

/** Where the pixels come from. The engine host fetches URLs itself. */
export type ImageSource =
  | { kind: 'url'; url: string }
  /** blob: URLs only resolve in the page, so the content script sends their bytes. */
  | { kind: 'bytes'; base64: string; mime: string };

export interface CaptionOutput {
  alt: string;
  /** False: nothing confident enough to say. */
  confident: boolean;
  /** Text read in the image, in reading order, one entry per row. */
  text: string[];
  objects: { label: string; score: number }[];
  /** True when the result came from the cache. */
  cached: boolean;
  ms: number;
}

/** Lower is sooner. Visible images go first. */
export type Priority = 0 | 1 | 2;
export const priorities = { visible: 0, nearViewport: 1, background: 2 } as const satisfies Record<string, Priority>;

export type EngineState = 'idle' | 'loading' | 'ready' | 'failed';

export interface EngineStatus {
  state: EngineState;
  /** Milliseconds the model took to load, once loaded. */
  loadMs?: number;
  error?: string;
  queued: number;
  cacheEntries: number;
  /** Approximate size of the caption cache on disk. */
  cacheBytes: number;
  threads: number;
  /** Where each model runs, by model, once loaded: WebAssembly, or WebGPU where the device has a GPU the user lets us use. */
  executionProviders?: Record<string, ExecutionProviderName>;
  /**
   * How fast the engine runs here, from the model time of the first image it
   * describes: 'too-slow' means images are refused at once instead of left pending.
   */
  speed: EngineSpeed;
  /** The speed check's model time, in ms, once measured. */
  speedCheckMs?: number;
  /** When each step towards the first caption happened, for benchmarks. */
  coldStart?: ColdStartTimeline;
  /** Where the engine's time per image went, once it has described one: for benchmarks. */
  imageTimings?: ImageTimingSummary;
}

/** The engine's own stages of one image, in ms: decoding the bytes, then each model; `engine` is the whole turn. */
export const imageStages = ['decode', 'detector', 'text', 'captionEncoder', 'captionDecoder', 'engine'] as const;
export type ImageStage = (typeof imageStages)[number];

/**
 * The engine's time per image as the host saw it (cache hits excluded): the
 * median of each stage over its last images, and the sums over every image
 * it described. `engine` is the whole turn: decoding and all models.
 * Compared with the wall time per image, it shows what the extension adds.
 */
export interface ImageTimingSummary {
  images: number;
  median: Record<ImageStage, number>;
  /** Engine time summed over all images described, and that of the first one (the cold one). */
  engineTotalMs: number;
  firstEngineMs: number;
}

/**
 * Wall-clock times (ms since the epoch, so they compare with a page's
 * performance.timeOrigin) of the steps from the engine host's start to its
 * first caption; each is set once, when the step first happens.
 */
export interface ColdStartTimeline {
  hostStartedAt: number;
  firstRequestAt?: number;
  loadStartedAt?: number;
  loadedAt?: number;
  firstCaptionAt?: number;
}

export type ExecutionProviderName = 'wasm' | 'webgpu' | 'native';

export type EngineSpeed = 'unknown' | 'ok' | 'too-slow';

export interface PageStats {
  found: number;
  captioned: number;
  pending: number;
  failed: number;
  /** The engine answered, but nothing it found was confident enough to say. */
  unsure: number;
  decorative: number;
  enabled: boolean;
}

export interface ToastContent {
  state: 'working' | 'done' | 'error';
  /** The image's description, in the language descriptions are written in. */
  description?: string;
  /** Our own words in its place (nothing was confident), in the toast's language. */
  notice?: string;
  text?: string[];
  error?: string;
}

/** The languages descriptions are written in. */
export const descriptionLanguages = ['en', 'de'] as const;
export type DescriptionLanguage = (typeof descriptionLanguages)[number];

/** The settings that change the words of a description, and so are part of its cache key. */
export interface DescriptionStyle {
  /** Lead with the LightCap caption when it is confident. */
  caption: boolean;
  /** Neutral words for people. */
  neutral: boolean;
  /** The language of the description (text read in the image is never translated). */
  language: DescriptionLanguage;
}

/** The referrer policies of the Referrer Policy spec, as a page may set them for an image. */
export const referrerPolicies = [
  'no-referrer',
  'no-referrer-when-downgrade',
  'same-origin',
  'origin',
  'strict-origin',
  'origin-when-cross-origin',
  'strict-origin-when-cross-origin',
  'unsafe-url',
] as const;
export type ReferrerPolicyName = (typeof referrerPolicies)[number];

/** The page an image request is made for, as the background saw its sender. */
export interface PageContext {
  /** URL of the frame that shows the image. */
  frameUrl?: string;
  /** URL in the address bar: decides the address space and the cache partition. */
  topLevelUrl?: string;
  /** Private browsing: never credentials, never the disk cache. */
  incognito: boolean;
  /**
   * The origin of the frame's document as the browser reports it (or, where
   * it does not, as our content script reads it): "null" for a sandboxed
   * document, which sends no cookies of the origin its URL names.
   */
  frameOrigin?: string;
  /** Firefox's cookie store of the tab (a container): the background page's fetches only have the default one. */
  cookieStoreId?: string;
  /**
   * The image's referrer policy as the content script read it (the element's,
   * else the page's `<meta name="referrer">`); absent: the browser default.
   * The page's claim, but any page may set any of these for its own requests.
   */
  referrerPolicy?: ReferrerPolicyName;
}

/** Requests the background answers. */
export interface BackgroundRequests {
  /**
   * `documentOrigin`: the frame's origin as the content script reads it (self.origin), for browsers that do not report it.
   * `pageToken`: the content script's own random id, one per document: a new one from a frame means it shows a new page.
   */
  'caption': {
    request: { requestId: string; source: ImageSource; priority: Priority; referrerPolicy?: ReferrerPolicyName; documentOrigin?: string; pageToken?: string };
    response: CaptionOutput;
  };
  'caption-cancel': { request: { requestId: string }; response: null };
  /** From each content script as it starts: this frame now shows the document with this token (see 'caption'). */
  /** Answers with the host name in the address bar, as the browser told the background (null where it did not). */
  'page-open': { request: { pageToken: string }; response: { topLevelHostname: string | null } };
  'engine-status': { request: NoPayload; response: EngineStatus };
  'cache-clear': { request: NoPayload; response: { cleared: number } };
  /** From the engine host only: the session network rules for one fetch it is about to make. */
  'network-rules-add': { request: { url: string; page: PageContext }; response: { ruleIds: number[] } };
  'network-rules-remove': { request: { ruleIds: number[] }; response: null };
}

/** Requests the engine host answers; `target` keeps them apart from the rest. */
export interface EngineHostRequests {
  'host-caption': {
    request: {
      requestId: string;
      source: ImageSource;
      priority: Priority;
      /** The page that shows the image: decides cookies, reachable hosts, Referer and cache partition. */
      page?: PageContext;
      /** How to word the description (the user's settings); defaults to caption + neutral. */
      style?: DescriptionStyle;
      /** Who asked (the background's name for a tab, or the menu): waiting images take turns between owners. */
      owner?: string;
      /** The service worker's run that asked (a random token per start), for host-forget-runs. */
      run?: string;
    };
    response: CaptionOutput;
  };
  'host-cancel': { request: { requestIds: string[] }; response: null };
  /**
   * Cancels every request an earlier service worker sent (any run but `run`): after a restart its
   * pages asked again under new ids, and the old requests would run for nobody, past any cancel.
   */
  'host-forget-runs': { request: { run: string }; response: { cancelled: number } };
  /** Start loading the models now, if they are not loading yet: a page that may need them has started to load. */
  'host-prepare': { request: NoPayload; response: null };
  'host-status': { request: NoPayload; response: EngineStatus };
  'host-cache-clear': { request: NoPayload; response: { cleared: number } };
}

/** Requests a content script answers. */
export interface ContentRequests {
  'page-stats': { request: NoPayload; response: PageStats };
  /** `requestedAt`: when the user asked (epoch ms), so a document that began after it knows the result is not its own. */
  /**
   * Answers with the document's origin as the content script reads it (`self.origin`, "null" when sandboxed,
   * which the page cannot change): the menu fetches the image as that origin.
   */
  'toast': { request: { toastId: string; content: ToastContent; requestedAt?: number }; response: { documentOrigin: string } };
}

export type RequestOf<Map, K extends keyof Map> = Map[K] extends { request: infer R } ? R : never;
export type ResponseOf<Map, K extends keyof Map> = Map[K] extends { response: infer R } ? R : never;

export type Message<Map, K extends keyof Map = keyof Map> = K extends keyof Map ? { type: K } & RequestOf<Map, K> : never;

export type HostMessage = Message<EngineHostRequests> & { target: 'engine-host' };

/** One handler per message type: a map, so a missing handler is a type error. */
export type HandlerMap<Map, Context> = {
  [K in keyof Map]: (request: RequestOf<Map, K>, context: Context) => Promise<Reply<ResponseOf<Map, K>>>;
};
