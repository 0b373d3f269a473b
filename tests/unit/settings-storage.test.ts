import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { fakeBrowser } from 'wxt/testing/fake-browser';
import type { Settings, SettingsV1, SettingsV2 } from '../../src/settings/schema';

/**
 * The settings item through WXT's real storage code, on an in-memory
 * browser.storage: what a user upgrading from an older version gets.
 * '#imports' is WXT's build-time module, so it is mapped to the storage
 * package here. @wxt-dev/browser reads `globalThis.chrome` once, when first
 * loaded, so the fake is put there before any import. The item migrates when
 * it is defined, so each test seeds the storage and then loads storage.ts afresh.
 */
vi.mock('#imports', async () => ({ storage: (await import('wxt/utils/storage')).storage }));

const v1: SettingsV1 = { enabled: true, disabledSites: ['bank.example'], prefix: 'KI: ', replaceJunkAlt: false, minSize: 32 };
const v2: SettingsV2 = { ...v1, captionModel: false, neutralWording: true };

async function storedAt(version: number | undefined, value: unknown) {
  await fakeBrowser.storage.local.set({ settings: value, ...(version === undefined ? {} : { settings$: { v: version } }) });
  vi.resetModules();
  return import('../../src/settings/storage');
}

async function raw(): Promise<{ value: unknown; version: unknown }> {
  const { settings, settings$ } = await fakeBrowser.storage.local.get(['settings', 'settings$']);
  return { value: settings, version: (settings$ as { v?: number } | undefined)?.v };
}

beforeEach(() => {
  fakeBrowser.reset();
  Object.assign(globalThis, { chrome: fakeBrowser });
});

afterEach(() => {
  vi.restoreAllMocks();
  Reflect.deleteProperty(globalThis, 'chrome');
});

describe('stored settings', () => {
  it('upgrades version 1 (no version mark) through 2 to 3, keeping every choice', async () => {
    const { loadSettings } = await storedAt(undefined, v1);
    const expected: Settings = { ...v1, captionModel: true, neutralWording: true, descriptionLanguage: 'auto', useGpu: true };
    expect(await loadSettings()).toEqual(expected);
    expect(await raw()).toEqual({ value: expected, version: 3 });
  });

  it('keeps every choice of a current value stored without its version mark (read as version 1)', async () => {
    const current: Settings = { ...v1, captionModel: false, neutralWording: false, descriptionLanguage: 'de', useGpu: false };
    const { loadSettings } = await storedAt(undefined, current);
    expect(await loadSettings()).toEqual(current);
    expect(await raw()).toEqual({ value: current, version: 3 });
  });

  it('upgrades version 2 to 3, adding the language as auto and the GPU switch on', async () => {
    const { loadSettings } = await storedAt(2, v2);
    const expected: Settings = { ...v2, descriptionLanguage: 'auto', useGpu: true };
    expect(await loadSettings()).toEqual(expected);
    expect(await raw()).toEqual({ value: expected, version: 3 });
  });

  it('leaves version 3 as it is, and normalises a bad language on read', async () => {
    const { loadSettings } = await storedAt(3, { ...v2, descriptionLanguage: 'klingon' });
    expect((await loadSettings()).descriptionLanguage).toBe('auto');
    expect((await raw()).value).toMatchObject({ descriptionLanguage: 'klingon' });
  });

  it('writes a closing page\'s last edit at once, without waiting for a read that would never come back', async () => {
    const { loadSettings, saveSettingsNow } = await storedAt(3, { ...v2, descriptionLanguage: 'auto' });
    const current = await loadSettings();
    const set = vi.spyOn(fakeBrowser.storage.local, 'set');
    // A page being torn down gets no more replies from the browser.
    vi.spyOn(fakeBrowser.storage.local, 'get').mockImplementation(() => new Promise(() => undefined));
    void saveSettingsNow(current, (settings) => ({ ...settings, prefix: 'AI: ' }));
    for (let i = 0; i < 5; i++) await Promise.resolve();
    expect(set).toHaveBeenCalledWith({ settings: { ...current, prefix: 'AI: ' } });
  });

  it('saves the language like any other setting', async () => {
    const { loadSettings, saveSettings } = await storedAt(3, { ...v2, descriptionLanguage: 'auto' });
    await saveSettings((current) => ({ ...current, descriptionLanguage: 'de' }));
    expect((await loadSettings()).descriptionLanguage).toBe('de');
    expect(await raw()).toMatchObject({ value: { descriptionLanguage: 'de' }, version: 3 });
  });
});
