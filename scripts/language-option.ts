import { isLanguage, languages } from '../src/engine/describe/languages';
import type { Language } from '../src/engine/describe/languages';

/** What a command line says of a --language it does not know. */
export function unknownLanguageMessage(value: string): string {
  return `unknown --language "${value}"; known: ${languages.join(', ')}`;
}

/** The --language option, or exit 2 saying which languages there are. */
export function languageOption(value: string): Language {
  if (isLanguage(value)) return value;
  console.error(unknownLanguageMessage(value));
  process.exit(2);
}
