import type { ReferrerPolicyName } from '../messaging/protocol';
import { parseReferrerPolicy } from '../messaging/validate';
import { isImageElement } from './targets';
import type { CaptionTarget } from './targets';

/**
 * The referrer policy the page's own request for an image ran under, as far
 * as the DOM shows it, so our fetch sends no Referer the page did not. An
 * `<img>`'s own `referrerpolicy` wins; `<input type=image>`, role=img
 * backgrounds and svg have none, so the document's applies. Undefined: the
 * browser default. Not visible here: a policy set only by an HTTP
 * `Referrer-Policy` header, or by a `<meta>` since removed (the document
 * keeps it); for those we send the default's Referer.
 */
export function referrerPolicyOf(target: CaptionTarget): ReferrerPolicyName | undefined {
  return elementReferrerPolicy(target) ?? inheritedReferrerPolicy(target.ownerDocument);
}

/**
 * A document's policy, or, for an about:srcdoc or about:blank document
 * without its own, the policy of the document that made it (the frame's
 * parent, or a popup's opener), which it inherits: a web mail's
 * `no-referrer` covers the messages it shows in srcdoc frames. Only a
 * same-origin maker can be read, and only same-origin documents inherit.
 */
function inheritedReferrerPolicy(document: Document, depth = 0): ReferrerPolicyName | undefined {
  const own = documentReferrerPolicy(document);
  if (own !== undefined || depth >= 8 || !/^about:/i.test(document.URL)) return own;
  try {
    const view = document.defaultView;
    const maker = view?.frameElement?.ownerDocument ?? (view?.opener as Window | null | undefined)?.document;
    return maker ? inheritedReferrerPolicy(maker, depth + 1) : undefined;
  } catch {
    // A cross-origin opener: nothing to read, nothing inherited either.
    return undefined;
  }
}

/** An `<img>`'s own policy; an invalid or empty attribute means "the document's". */
export function elementReferrerPolicy(target: CaptionTarget): ReferrerPolicyName | undefined {
  // Browsers give the canonical keyword; a DOM that reflects the raw attribute needs the lowercasing.
  return isImageElement(target) ? parseReferrerPolicy(target.referrerPolicy.toLowerCase()) : undefined;
}

const htmlNamespace = 'http://www.w3.org/1999/xhtml';

/** The old keywords a `<meta name="referrer">` still accepts (HTML spec). */
const legacyMetaValues = new Map<string, ReferrerPolicyName>([
  ['never', 'no-referrer'],
  ['default', 'strict-origin-when-cross-origin'],
  ['always', 'unsafe-url'],
  ['origin-when-crossorigin', 'origin-when-cross-origin'],
]);

/**
 * The last valid `<meta name="referrer">` in the document: each one the
 * parser meets replaces the policy, and invalid ones are ignored. Meta
 * elements in shadow trees do not count. (A script that inserts one before
 * an existing one makes the inserted one apply; we read tree order.)
 */
export function documentReferrerPolicy(document: Document): ReferrerPolicyName | undefined {
  // A live collection: browsers cache it until the DOM changes, so this stays cheap per image.
  const metas = document.getElementsByTagName('meta');
  for (let i = metas.length - 1; i >= 0; i--) {
    const meta = metas[i];
    // The collection also holds a foreign-namespace <meta> (one in svg), which sets nothing.
    if (!meta || meta.namespaceURI !== htmlNamespace || meta.getAttribute('name')?.toLowerCase() !== 'referrer') continue;
    const policy = parseMetaReferrer(meta.getAttribute('content') ?? '', metaContentTrimmed);
    if (policy) return policy;
  }
  return undefined;
}

/**
 * Firefox strips whitespace around a referrer meta's content (" no-referrer" sends no Referer there);
 * Chromium does not (it ignores such a meta and sends the default). We read it as the browser we run in
 * does, or our Referer would be one the page's own request did not carry.
 */
const metaContentTrimmed = import.meta.env.FIREFOX === true;

/** A meta's content, ASCII case-insensitive, and trimmed where the browser trims it; undefined when invalid. */
export function parseMetaReferrer(content: string, trimmed = false): ReferrerPolicyName | undefined {
  const value = (trimmed ? content.replace(/^[\t\n\f\r ]+|[\t\n\f\r ]+$/g, '') : content).toLowerCase();
  return legacyMetaValues.get(value) ?? parseReferrerPolicy(value);
}
