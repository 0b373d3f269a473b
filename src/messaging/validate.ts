import { isRecord } from '../shared/records';
import { descriptionLanguages, referrerPolicies } from './protocol';
import type { DescriptionStyle, ErrorCode, ImageSource, Message, PageContext, Priority, ReferrerPolicyName, Reply } from './protocol';

/**
 * Messages arrive from contexts we do not fully trust (a content script runs
 * next to hostile pages), so every field is checked before use.
 */
export { isRecord };

const maxUrlLength = 8192;
/** base64 of the largest blob we accept (25 MB) */
const maxBase64Length = Math.ceil((25 * 1024 * 1024 * 4) / 3) + 4;

export function parseImageSource(value: unknown): ImageSource | undefined {
  if (!isRecord(value)) return undefined;
  if (value.kind === 'url' && typeof value.url === 'string' && value.url.length <= maxUrlLength) {
    if (!/^(https?:|data:image\/)/i.test(value.url)) return undefined;
    return { kind: 'url', url: value.url };
  }
  if (value.kind === 'bytes' && typeof value.base64 === 'string' && typeof value.mime === 'string') {
    if (value.base64.length > maxBase64Length || !/^[A-Za-z0-9+/]*={0,2}$/.test(value.base64)) return undefined;
    return { kind: 'bytes', base64: value.base64, mime: value.mime.slice(0, 100) };
  }
  return undefined;
}

/** Anything malformed means "no page, private browsing": the strictest reading. */
export function parsePageContext(value: unknown): PageContext {
  const record = isRecord(value) ? value : {};
  const url = (field: unknown) => (typeof field === 'string' && field.length <= maxUrlLength ? field : undefined);
  const page: PageContext = { frameUrl: url(record.frameUrl), topLevelUrl: url(record.topLevelUrl), incognito: record.incognito !== false };
  const frameOrigin = parseOrigin(record.frameOrigin);
  const cookieStoreId = typeof record.cookieStoreId === 'string' && /^[\w-]{1,100}$/.test(record.cookieStoreId) ? record.cookieStoreId : undefined;
  const referrerPolicy = parseReferrerPolicy(record.referrerPolicy);
  return {
    ...page,
    ...(frameOrigin === undefined ? {} : { frameOrigin }),
    ...(cookieStoreId === undefined ? {} : { cookieStoreId }),
    ...(referrerPolicy ? { referrerPolicy } : {}),
  };
}

/** An origin as `self.origin` or the browser writes it: "null", or scheme://host[:port]. */
export function parseOrigin(value: unknown): string | undefined {
  if (typeof value !== 'string' || value.length > maxUrlLength) return undefined;
  return value === 'null' || /^[a-z][a-z0-9+.-]*:\/\/[^/?#\s]+$/i.test(value) ? value : undefined;
}

/** One of the spec's policy names exactly (the content script sends them normalised); anything else: the browser default. */
export function parseReferrerPolicy(value: unknown): ReferrerPolicyName | undefined {
  return referrerPolicies.find((policy) => policy === value);
}

export function parseDescriptionStyle(value: unknown): DescriptionStyle {
  const style = isRecord(value) ? value : {};
  const language = descriptionLanguages.find((l) => l === style.language) ?? 'en';
  return { caption: style.caption !== false, neutral: style.neutral !== false, language };
}

export function parsePriority(value: unknown): Priority {
  return value === 0 || value === 1 || value === 2 ? value : 2;
}

export function parseRequestId(value: unknown): string | undefined {
  return typeof value === 'string' && /^[\w-]{1,100}$/.test(value) ? value : undefined;
}

/** Narrows an unknown message to one of the map's types, without trusting its payload. */
export function messageType<Map>(value: unknown, handlers: Record<keyof Map, unknown>): Message<Map> | undefined {
  if (!isRecord(value) || typeof value.type !== 'string') return undefined;
  return Object.prototype.hasOwnProperty.call(handlers, value.type) ? (value as Message<Map>) : undefined;
}

export function errorReply(code: ErrorCode, message: string): Reply<never> {
  return { error: { code, message } };
}

export function isReply(value: unknown): value is Reply<unknown> {
  return isRecord(value) && ('output' in value || ('error' in value && isRecord(value.error)) || value.cancel === true);
}
