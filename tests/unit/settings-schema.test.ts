import { describe, expect, it } from 'vitest';
import { defaultSettings, descriptionStyle, migrateSettingsV1ToV2, normaliseSettings } from '../../src/settings/schema';

describe('settings schema', () => {
  const v1 = { enabled: false, disabledSites: ['example.com'], prefix: 'AI: ', replaceJunkAlt: false, minSize: 40 };

  it('migrates version 1 settings, keeping every choice and turning the caption model on with neutral words', () => {
    expect(migrateSettingsV1ToV2(v1)).toEqual({ ...v1, captionModel: true, neutralWording: true });
  });

  it('fills missing or corrupt wording settings with the defaults, and keeps valid ones', () => {
    expect(normaliseSettings(v1)).toMatchObject({ captionModel: true, neutralWording: true, prefix: 'AI: ' });
    const corrupt = { ...defaultSettings, captionModel: 'yes', neutralWording: 0 } as unknown as typeof defaultSettings;
    expect(normaliseSettings(corrupt)).toMatchObject({ captionModel: true, neutralWording: true });
    expect(normaliseSettings({ ...defaultSettings, captionModel: false, neutralWording: false })).toMatchObject({ captionModel: false, neutralWording: false });
  });

  it('tells the engine how to word a description', () => {
    expect(descriptionStyle(defaultSettings)).toEqual({ caption: true, neutral: true });
    expect(descriptionStyle({ ...defaultSettings, captionModel: false, neutralWording: false })).toEqual({ caption: false, neutral: false });
  });
});
