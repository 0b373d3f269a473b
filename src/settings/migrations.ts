import { migrateSettingsV1ToV2, migrateSettingsV2ToV3 } from './schema';
import type { Settings, SettingsV1, SettingsV2 } from './schema';

/** The version of the stored settings item; each step up has its migration below. */
export const settingsVersion = 3;

/**
 * Keyed by the version each one produces, as WXT's storage expects: a user
 * on version 1 gets 2 and then 3. Kept apart from storage.ts (which needs
 * WXT's runtime) so that the whole chain is unit-tested.
 */
export const settingsMigrations: { 2: (old: SettingsV1) => SettingsV2; 3: (old: SettingsV2) => Settings } = {
  2: migrateSettingsV1ToV2,
  3: migrateSettingsV2ToV3,
};
