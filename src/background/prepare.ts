import type { Settings } from '../settings/schema';
import { isEnabledFor } from '../settings/schema';

/**
 * Whether a tab that starts loading `url` may soon ask for descriptions. The
 * engine then starts loading at once, alongside the page, instead of when the
 * page's first image arrives (about half a second later, and the models take
 * two seconds to load). Only web pages the user has not switched off count.
 */
export function pageMayNeedEngine(settings: Settings, url: string | undefined): boolean {
  if (!url) return false;
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return false;
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') return false;
  return isEnabledFor(settings, parsed.hostname);
}
