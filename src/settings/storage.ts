import { storage } from '#imports';
import { defaultSettings, normaliseSettings } from './schema';
import { settingsMigrations, settingsVersion } from './migrations';
import type { Settings } from './schema';

/**
 * Local, not sync: sync storage allows 8 KB per item, which a long list of
 * disabled sites would outgrow, and a failed save would lose the user's choice.
 * Versioned so that a later shape change ships a migration (migrations.ts)
 * instead of resetting what users chose. Values are normalised on every read,
 * so a hand-edited or corrupt entry can never break a page.
 */
export const settingsItem = storage.defineItem<Settings>('local:settings', {
  fallback: defaultSettings,
  version: settingsVersion,
  migrations: settingsMigrations,
});

export async function loadSettings(): Promise<Settings> {
  return normaliseSettings(await settingsItem.getValue());
}

export async function saveSettings(update: (current: Settings) => Settings): Promise<Settings> {
  return saveSettingsNow(await loadSettings(), update);
}

/**
 * Writes `update(current)` without reading storage first: for a page that is
 * closing (the popup on pagehide), whose read would never come back, so the
 * write would never be made. `current` must be the newest settings the page
 * knows (it watches them). The write is issued before this returns.
 */
export function saveSettingsNow(current: Settings, update: (current: Settings) => Settings): Promise<Settings> {
  const next = normaliseSettings(update(current));
  return settingsItem.setValue(next).then(() => next);
}

/** Calls back on every change, with the settings before it too (from the change event itself, so a restarted service worker still knows them). */
export function watchSettings(callback: (settings: Settings, previous: Settings) => void): () => void {
  return settingsItem.watch((value, previous) => callback(normaliseSettings(value), normaliseSettings(previous)));
}
