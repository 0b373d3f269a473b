/** Refusals that come from the host's rules, not from the engine. */
export type HostRefusalCode = 'blocked-address' | 'too-slow';

export class HostRefusal extends Error {
  readonly code: HostRefusalCode;
  constructor(code: HostRefusalCode, message: string) {
    super(message);
    this.name = 'HostRefusal';
    this.code = code;
  }
}
