import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createLocaliser, fillMessage } from '../../src/shared/i18n';
import type { GetMessage, Localiser, MessageEntry } from '../../src/shared/i18n';

/**
 * Test helpers: the shipped messages.json files, and a stand-in for
 * `browser.i18n.getMessage` that reads one of them the way browsers do
 * (keys are case-insensitive, an unknown key gives '').
 */

export type MessagesFile = Record<string, MessageEntry>;

export function readMessages(language: string): MessagesFile {
  // Not `new URL(…, import.meta.url)`: under happy-dom, URL is the DOM's and resolves against the test page.
  const path = join(dirname(fileURLToPath(import.meta.url)), '../../public/_locales', language, 'messages.json');
  return JSON.parse(readFileSync(path, 'utf8')) as MessagesFile;
}

export function getMessageFrom(messages: MessagesFile): GetMessage {
  const byKey = new Map(Object.entries(messages).map(([key, entry]) => [key.toLowerCase(), entry]));
  return (key, substitutions) => {
    const entry = byKey.get(key.toLowerCase());
    return entry ? fillMessage(entry, substitutions) : '';
  };
}

/** What a German browser gives the extension. */
export function germanLocaliser(uiLanguage = 'de'): Localiser {
  return createLocaliser(uiLanguage, getMessageFrom(readMessages('de')));
}
