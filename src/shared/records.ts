/** A plain object (not null, not an array), for checking untrusted JSON and messages. */
export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
