import { browser } from 'wxt/browser';
import { createLocaliser } from './i18n';
import type { GetMessage, Localiser } from './i18n';

/**
 * Binds the typed messages to `browser.i18n`. Each read is guarded: where
 * the API is missing (unit tests, where `browser` itself is undefined) the
 * UI language reads as English and every message falls back to its English text.
 */

/**
 * `browser.i18n` as every browser has it. WXT's generated types give
 * getMessage one overload per literal key, which a key held in a typed
 * variable matches none of; the keys are checked by i18n.ts instead.
 */
interface PlainI18n {
  getMessage(name: string, substitutions?: string[]): string;
  getUILanguage(): string;
}

function plainI18n(): PlainI18n | undefined {
  const i18n: PlainI18n | undefined = browser?.i18n;
  return typeof i18n?.getMessage === 'function' ? i18n : undefined;
}

export function browserUiLanguage(): string {
  try {
    return plainI18n()?.getUILanguage() || 'en';
  } catch {
    return 'en';
  }
}

function browserGetMessage(): GetMessage | undefined {
  const i18n = plainI18n();
  return i18n ? (key, substitutions) => i18n.getMessage(key, substitutions) : undefined;
}

/** Call it where `browser.*` may be used: in an entrypoint's main() or a page script, not at import time of a background module. */
export function extensionLocaliser(): Localiser {
  return createLocaliser(browserUiLanguage(), browserGetMessage());
}
