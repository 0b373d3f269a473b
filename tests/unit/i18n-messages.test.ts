import { readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { catalogueLanguages } from '../../src/shared/i18n';
import { englishMessages } from '../../src/shared/messages-en';
import { readMessages } from './i18n-helpers';
import type { MessagesFile } from './i18n-helpers';

/** The shipped messages.json files: complete, well-formed, and in step with each other. */

const localesDir = fileURLToPath(new URL('../../public/_locales', import.meta.url));
const english = readMessages('en');
const german = readMessages('de');
const files: Record<string, MessagesFile> = { en: english, de: german };

/** `$NAME$` references in a message, lower-cased as browsers match them. */
const placeholderRefs = (message: string) => [...message.matchAll(/\$([A-Za-z0-9_@]+)\$/g)].map((match) => match[1]!.toLowerCase()).sort();
const placeholdersOf = (file: MessagesFile, key: string) =>
  Object.entries(file[key]?.placeholders ?? {})
    .map(([name, value]) => `${name.toLowerCase()}=${value.content}`)
    .sort();

describe('messages.json', () => {
  it('exists for exactly the languages the code knows', () => {
    expect(readdirSync(localesDir).sort()).toEqual([...catalogueLanguages].sort());
  });

  it('English is exactly the typed catalogue the code falls back to', () => {
    expect(english).toEqual(englishMessages);
  });

  it('every key is in both files', () => {
    expect(Object.keys(german).sort()).toEqual(Object.keys(english).sort());
  });

  it('keys are names browsers accept, unique whatever the case', () => {
    const keys = Object.keys(english);
    for (const key of keys) expect(key, key).toMatch(/^[A-Za-z][A-Za-z0-9_]*$/);
    expect(new Set(keys.map((key) => key.toLowerCase())).size).toBe(keys.length);
  });

  for (const [language, file] of Object.entries(files)) {
    it(`${language}: every message has text, and uses exactly its declared placeholders`, () => {
      for (const [key, entry] of Object.entries(file)) {
        expect(typeof entry.message, key).toBe('string');
        expect(entry.message.trim(), key).not.toBe('');
        const declared = Object.keys(entry.placeholders ?? {}).map((name) => name.toLowerCase()).sort();
        expect([...new Set(placeholderRefs(entry.message))], key).toEqual(declared);
        for (const [name, placeholder] of Object.entries(entry.placeholders ?? {})) {
          expect(name, key).toMatch(/^[A-Za-z0-9_]+$/);
          expect(placeholder.content, `${key}.${name}`).toMatch(/^\$[1-9]$/);
        }
        // A lone '$' would be read as a substitution; a literal one is '$$'.
        expect(entry.message.replace(/\$[A-Za-z0-9_]+\$|\$\$/g, ''), key).not.toContain('$');
      }
    });
  }

  it('every key has the same placeholders, filled from the same substitutions, in both languages', () => {
    for (const key of Object.keys(english)) expect(placeholdersOf(german, key), key).toEqual(placeholdersOf(english, key));
  });

  it('German is translated, not copied', () => {
    const sameInBoth = Object.keys(english).filter((key) => german[key]?.message === english[key]?.message);
    // A loanword, and a list of two values.
    expect(sameInBoth.sort()).toEqual(['cacheEntriesAndSize', 'modelCache']);
  });

  it('German uses German quotation marks („…“)', () => {
    for (const [key, entry] of Object.entries(german)) {
      const opening = entry.message.split('„').length - 1;
      const closing = entry.message.split('“').length - 1;
      expect({ key, opening, closing, ascii: entry.message.includes('"') }).toEqual({ key, opening: closing, closing, ascii: false });
    }
  });
});
