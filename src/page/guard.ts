/**
 * Wraps callbacks the page or the browser calls (observers, timers, event
 * listeners) so that nothing we do ever throws into the page: errors go to
 * `onError` instead.
 */
export type Guard = <A extends unknown[]>(callback: (...args: A) => void) => (...args: A) => void;

export function createGuard(onError: (error: unknown) => void): Guard {
  return (callback) =>
    (...args) => {
      try {
        callback(...args);
      } catch (error) {
        onError(error);
      }
    };
}

/** Cancels something scheduled. */
export type Cancel = () => void;

/** Runs `callback` after `delayMs`; injected so that tests drive time themselves. */
export type Schedule = (callback: () => void, delayMs: number) => Cancel;

export const scheduleWithTimers: Schedule = (callback, delayMs) => {
  const timer = setTimeout(callback, delayMs);
  return () => clearTimeout(timer);
};
