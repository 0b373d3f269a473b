import { describe, expect, it } from 'vitest';
import { readdirSync } from 'node:fs';
import { descriptionLanguages } from '../../src/messaging/protocol';
import { languages } from '../../src/engine/describe/languages';
import { catalogueLanguages } from '../../src/shared/i18n';
import { descriptionLanguageSettings } from '../../src/settings/language';

/** The lint zones keep the engine, the messages and the UI apart, so each has its own list: they must agree. */
describe('the languages we speak', () => {
  it('are the same for the engine, the protocol, the settings, the UI strings and _locales', () => {
    const sorted = (list: readonly string[]) => [...list].sort();
    expect(sorted(languages)).toEqual(sorted(descriptionLanguages));
    expect(sorted(catalogueLanguages)).toEqual(sorted(descriptionLanguages));
    expect(sorted(descriptionLanguageSettings.filter((s) => s !== 'auto'))).toEqual(sorted(descriptionLanguages));
    expect(sorted(readdirSync('public/_locales'))).toEqual(sorted(descriptionLanguages));
  });
});
