import type { ErrorCode } from '../messaging/protocol';

/**
 * What an error from the engine means for the page. A map over every
 * ErrorCode, so that a new code is a type error here until someone decides
 * how the page treats it.
 */
export type ErrorHandling =
  /** The extension was busy or restarting: ask again soon, with backoff, a few times. */
  | 'retry'
  /** Not worth asking again now, but maybe when the image shows up again on this page. */
  | 'transient'
  /** The same picture would fail the same way: remember it for this page and never ask again. */
  | 'permanent'
  /** The engine refuses every image (it is too slow on this device): ask for nothing more on this page. */
  | 'refuses-all';

export const errorHandling: Readonly<Record<ErrorCode, ErrorHandling>> = {
  'host-unavailable': 'retry',
  overloaded: 'retry',
  timeout: 'transient',
  'fetch-failed': 'transient',
  disabled: 'transient',
  internal: 'transient',
  'bad-request': 'permanent',
  // The page could not reach it either; the address will not become public.
  'blocked-address': 'permanent',
  'empty-input': 'permanent',
  'corrupt-image': 'permanent',
  'unsupported-format': 'permanent',
  'image-too-small': 'permanent',
  'image-too-large': 'permanent',
  // The host loads again for the next request (a session that failed to be made once may be made next time).
  'model-load': 'transient',
  inference: 'permanent',
  'too-slow': 'refuses-all',
};
