import { englishMessages } from './messages-en';

/**
 * Typed access to the extension's messages (public/_locales/<lang>/messages.json).
 * Pure: the caller passes the browser's `i18n.getMessage` (see
 * extension-i18n.ts), so page code and tests use it without `browser`.
 */

export interface MessageEntry {
  message: string;
  description?: string;
  placeholders?: Readonly<Record<string, { content: string; example?: string }>>;
}

type Catalogue = typeof englishMessages;
export type MessageKey = keyof Catalogue;

type PlaceholderName<K extends MessageKey> = Catalogue[K] extends { placeholders: infer P } ? keyof P & string : never;

/** A message with placeholders takes their values by name; one without takes nothing. */
export type MessageValues<K extends MessageKey> = [PlaceholderName<K>] extends [never] ? [] : [values: Record<PlaceholderName<K>, string>];

export type Translate = <K extends MessageKey>(key: K, ...values: MessageValues<K>) => string;

/** `browser.i18n.getMessage`: '' for a key it does not know. */
export type GetMessage = (key: string, substitutions?: string[]) => string;

/** What a context needs to speak the user's language: the words and the language tag they are in. */
export interface Localiser {
  /** A BCP 47 tag for `lang` attributes and Intl formatting: the UI language where we ship its messages, else English. */
  readonly language: string;
  readonly translate: Translate;
}

/** The languages public/_locales has messages for; English is the default locale. */
export const catalogueLanguages = ['en', 'de'] as const;

/** 'de-AT', 'de_CH', 'DE' → 'de'. Browsers report either separator. */
export function primaryLanguage(tag: string): string {
  return tag.trim().toLowerCase().split(/[-_]/)[0] ?? '';
}

/**
 * The language our messages will be in for this UI language: the browser
 * picks the catalogue by the same rule (exact locale, then its primary
 * language, then the default, English).
 */
export function messagesLanguageFor(uiLanguage: string): string {
  const primary = primaryLanguage(uiLanguage);
  if (!(catalogueLanguages as readonly string[]).includes(primary)) return 'en';
  // Keep the region ('de-CH'): it is still right for `lang`, and Intl formats numbers the Swiss way.
  try {
    return Intl.getCanonicalLocales(uiLanguage.trim().replace(/_/g, '-'))[0] ?? primary;
  } catch {
    // Not a well-formed tag: Intl would throw on it wherever it is used.
    return primary;
  }
}

/**
 * Fills a message the way browsers do: `$NAME$` becomes its placeholder's
 * content, then `$1`…`$9` the substitutions and `$$` a dollar sign. Inserted
 * values are never scanned again, so a '$1' in a page's text stays as it is.
 */
export function fillMessage(entry: MessageEntry, substitutions: readonly string[] = []): string {
  const placeholders = new Map(Object.entries(entry.placeholders ?? {}).map(([name, value]) => [name.toLowerCase(), value.content]));
  const template = entry.message.replace(/\$([A-Za-z0-9_@]+)\$/g, (whole, name: string) => placeholders.get(name.toLowerCase()) ?? whole);
  return template.replace(/\$(\$|[1-9])/g, (_whole, what: string) => (what === '$' ? '$' : (substitutions[Number(what) - 1] ?? '')));
}

/** The substitutions in the order the placeholders' `$1`, `$2`… ask for them. */
function orderedSubstitutions(entry: MessageEntry, values: Readonly<Record<string, string>> | undefined): string[] {
  const ordered: string[] = [];
  for (const [name, placeholder] of Object.entries(entry.placeholders ?? {})) {
    const position = /^\$([1-9])$/.exec(placeholder.content)?.[1];
    if (position !== undefined) ordered[Number(position) - 1] = values?.[name] ?? '';
  }
  return Array.from(ordered, (value) => value ?? '');
}

/**
 * Reads messages through `getMessage`, falling back to the English text
 * where it gives nothing (no such key, no i18n API, or it throws).
 */
export function createTranslate(getMessage?: GetMessage): Translate {
  return (key, ...rest) => {
    const entry: MessageEntry = englishMessages[key];
    const substitutions = orderedSubstitutions(entry, rest[0]);
    let text = '';
    try {
      text = getMessage?.(key, substitutions) ?? '';
    } catch {
      text = '';
    }
    return text !== '' ? text : fillMessage(entry, substitutions);
  };
}

/** Without `getMessage` every text is English, and so is the language tag. */
export function createLocaliser(uiLanguage: string, getMessage?: GetMessage): Localiser {
  return { language: getMessage ? messagesLanguageFor(uiLanguage) : 'en', translate: createTranslate(getMessage) };
}

/** English without any browser API: the defaults of page code, and what tests compare with. */
export const englishLocaliser: Localiser = createLocaliser('en');
