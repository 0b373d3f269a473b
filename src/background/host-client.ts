import { browser } from 'wxt/browser';
import type { Browser } from 'wxt/browser';
import type { EngineHostRequests, HostMessage, Reply, RequestOf, ResponseOf } from '../messaging/protocol';
import { errorReply, isReply } from '../messaging/validate';
import type { EngineHost } from '../host/engine-host';

/** How the background reaches the engine host, wherever it lives. */
export interface HostClient {
  call<K extends keyof EngineHostRequests>(type: K, request: RequestOf<EngineHostRequests, K>): Promise<Reply<ResponseOf<EngineHostRequests, K>>>;
  /** Closes the engine's document so the next call opens a new one (a setting the engine reads when it loads changed). */
  restart?(): Promise<void>;
  /**
   * Opens the engine's document, if there is one and it is not open, without
   * loading any model: a few hundred milliseconds the first page then does
   * not wait for. Never fails; a call that needs the document opens it anyway.
   */
  open?(): Promise<void>;
}

/** Firefox: the background page hosts the engine itself. */
export function createInProcessHostClient(host: EngineHost): HostClient {
  return {
    call(type, request) {
      return host.handlers[type](request, undefined);
    },
  };
}

const offscreenPath = '/offscreen.html';

/**
 * Chrome: the engine lives in the offscreen document, opened when the service worker starts (open()) or on first need.
 * Only one may exist, so creation is guarded by a context check and one
 * in-flight promise. If the document dies mid-request, or is closing itself
 * after a spell unused (src/host/idle-close.ts), the request is retried once
 * in a new document, then reported as 'host-unavailable'. If we
 * closed it because it stopped answering (a stage that blocks its thread),
 * the requests it held fail with 'timeout' instead: retrying the image that
 * stalled it would stall the next document too. After two such stalls the
 * device is taken to be too slow for the engine (its own speed check died
 * with the document): captions are refused as 'too-slow' until the worker
 * restarts or the engine is restarted, instead of opening a document, loading
 * the models and stalling again for every image.
 */
export function createOffscreenHostClient(
  options: {
    heartbeatMs?: number;
    unresponsiveMs?: number;
    retryPauseMs?: number;
    allowGpu?: () => Promise<boolean>;
    /**
     * Called when we close the engine document ourselves (stalled, or restarted) with its fetches
     * perhaps still running: their per-fetch network rules, which the document would have removed
     * when each fetch ended, must go with it.
     */
    onDocumentClosed?: () => Promise<void>;
  } = {},
): HostClient {
  // A document that closed itself leaves the browser's list of contexts within about 15 ms (measured in Chromium);
  // the pause keeps the retry from finding it there and sending to it again.
  const { heartbeatMs = 10_000, unresponsiveMs = 20_000, retryPauseMs = 200, allowGpu = async () => true, onDocumentClosed = async () => undefined } = options;
  /** Documents we closed ourselves (their rules are dropped then); a send that fails without one saw a crash. */
  let closes = 0;
  const closeDocument = async () => {
    closes++;
    await browser.offscreen.closeDocument().catch(() => undefined);
    await onDocumentClosed().catch(() => undefined);
  };
  let creating: Promise<void> | undefined;
  let pending = 0;
  let heartbeat: ReturnType<typeof setInterval> | undefined;
  /** Bumped each time we close a stalled document; a call that saw it change was in that document. */
  let stalls = 0;
  /** Stalls since the engine last started afresh (restart()): two make the device too slow for it. */
  let stallsOfThisEngine = 0;
  const stallsBeforeTooSlow = 2;

  /** Bumped by restart(): a document being made from settings read before it must not be the one that stays. */
  let generation = 0;

  /**
   * Captions being forwarded, by request id, and whether a cancel came for one meanwhile. A cancel
   * sent while a caption waits to be retried (its document closed) reaches the new document before
   * the caption does, where nothing knows the id yet: the retry must not go out after it.
   */
  const captionsInFlight = new Map<string, { cancelled: boolean }>();

  /** Whether the browser lists an engine document (one still being made included). */
  const documentListed = async (): Promise<boolean> =>
    (await browser.runtime.getContexts({ contextTypes: ['OFFSCREEN_DOCUMENT' as Browser.runtime.ContextType] })).length > 0;

  const ensureDocument = async (): Promise<void> => {
    // A document still being made is already listed as a context, but cannot take messages until it has loaded.
    if (creating) return creating;
    const listed = await documentListed();
    // Another caller may have started making it while we asked.
    if (creating) return creating;
    if (listed) return;
    const readFor = generation;
    const url = (await allowGpu()) ? offscreenPath : `${offscreenPath}?gpu=off`;
    // Restarted while the setting was read: read it again.
    if (readFor !== generation) return ensureDocument();
    // Another caller may have started making it while we read the setting: `??=` joins it.
    creating ??= browser.offscreen
      .createDocument({
        url,
        reasons: ['WORKERS' as Browser.offscreen.Reason],
        justification: 'Runs the local image-description model (WebAssembly) so no image leaves the device.',
      })
      .catch((error: unknown) => {
        // Another caller created it between our check and our call.
        if (!String(error).includes('single offscreen')) throw error;
      })
      .finally(() => {
        creating = undefined;
      });
    await creating;
  };

  /**
   * A document that crashed (or was killed) mid-fetch could not remove that fetch's network rules,
   * and a rule left behind would give a later fetch of the same URL, for another page, this one's
   * Referer or let one hop through. Dropped once no document exists and none is being made, so no
   * live document's rules go with them. (One that closed itself had no fetch in flight: nothing to drop.)
   */
  const dropRulesOfVanishedDocument = async () => {
    if (creating) return;
    const listed = await documentListed().catch(() => true);
    if (!listed && !creating) await onDocumentClosed().catch(() => undefined);
  };

  const send = async (message: HostMessage): Promise<unknown> => {
    await ensureDocument();
    return browser.runtime.sendMessage(message);
  };

  /**
   * A decode or a wasm run that never returns blocks the document's only
   * thread, and with it every tab's captions. While work is outstanding the
   * document must answer a status ping; if it cannot, it is closed, which
   * fails its requests so that callers retry in a fresh one.
   */
  const watch = () => {
    heartbeat ??= setInterval(() => {
      if (pending === 0) {
        clearInterval(heartbeat);
        heartbeat = undefined;
        return;
      }
      const ping = browser.runtime.sendMessage({ type: 'host-status', target: 'engine-host' } satisfies HostMessage);
      const timeout = new Promise<'unresponsive'>((resolve) => setTimeout(() => resolve('unresponsive'), unresponsiveMs));
      void Promise.race([ping.catch(() => 'gone'), timeout]).then((outcome) => {
        if (outcome !== 'unresponsive') return;
        stalls++;
        stallsOfThisEngine++;
        void closeDocument();
      });
    }, heartbeatMs);
  };

  /** Sends to the engine's document (made if need be), retrying once in a new one if it went away. */
  const forward = async <K extends keyof EngineHostRequests>(type: K, request: RequestOf<EngineHostRequests, K>): Promise<Reply<ResponseOf<EngineHostRequests, K>>> => {
    const message = { ...(request as object), type, target: 'engine-host' } as HostMessage;
    const captionId = message.type === 'host-caption' ? message.requestId : undefined;
    const tracked = { cancelled: false };
    if (captionId !== undefined) captionsInFlight.set(captionId, tracked);
    if (message.type === 'host-cancel') {
      for (const id of message.requestIds) {
        const caption = captionsInFlight.get(id);
        if (caption) caption.cancelled = true;
      }
    }
    pending++;
    watch();
    try {
      for (let attempt = 0; attempt < 2; attempt++) {
        if (tracked.cancelled) return { cancel: true };
        const stallsBefore = stalls;
        const closesBefore = closes;
        try {
          const reply = await send(message);
          if (isReply(reply)) return reply as Reply<ResponseOf<EngineHostRequests, K>>;
        } catch {
          // The document was closed, closed itself or crashed; the next attempt makes a new one.
          if (closes === closesBefore) await dropRulesOfVanishedDocument();
        }
        if (stalls !== stallsBefore) return errorReply('timeout', 'the engine stopped responding while working on this request');
        if (attempt === 0) await new Promise((resolve) => setTimeout(resolve, retryPauseMs));
      }
      if (tracked.cancelled) return { cancel: true };
      return errorReply('host-unavailable', 'the captioning engine stopped responding');
    } finally {
      pending--;
      if (captionId !== undefined && captionsInFlight.get(captionId) === tracked) captionsInFlight.delete(captionId);
    }
  };

  return {
    async call(type, request) {
      type Answer = Reply<ResponseOf<EngineHostRequests, typeof type>>;
      if (stallsOfThisEngine < stallsBeforeTooSlow) return (await forward(type, request)) as Answer;
      if (type === 'host-caption') {
        return errorReply('too-slow', 'the engine stopped responding twice on this device, so it describes no more images until the extension restarts') as Answer;
      }
      // Nor are the models loaded ahead for a page.
      if (type === 'host-prepare') return { output: null } as Answer;
      if (type === 'host-status') {
        // A new document knows nothing of the stalls: the popup must say why nothing is described.
        const status = await forward('host-status', {});
        return ('output' in status ? { output: { ...status.output, speed: 'too-slow' } } : status) as Answer;
      }
      return (await forward(type, request)) as Answer;
    },
    async open() {
      if (stallsOfThisEngine >= stallsBeforeTooSlow) return;
      await ensureDocument().catch(() => undefined);
    },
    async restart() {
      // Requests in flight are retried once in the new document, as after a crash; the new engine gets a new chance.
      stallsOfThisEngine = 0;
      generation++;
      // A document still being made was made from the old settings: let it finish, then close it.
      await creating?.catch(() => undefined);
      await closeDocument();
    },
  };
}
