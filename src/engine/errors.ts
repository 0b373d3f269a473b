export type EngineErrorCode =
  | 'empty-input'
  | 'corrupt-image'
  | 'unsupported-format'
  | 'image-too-small'
  | 'image-too-large'
  | 'fetch-failed'
  | 'timeout'
  | 'aborted'
  | 'model-load'
  | 'inference'
  | 'invalid-option'
  | 'internal';

/** Every failure the engine reports is one of these, with a code callers can switch on. */
export class EngineError extends Error {
  readonly code: EngineErrorCode;
  constructor(code: EngineErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'EngineError';
    this.code = code;
  }
}

export function throwIfAborted(signal: AbortSignal | undefined): void {
  if (signal?.aborted) {
    throw new EngineError('aborted', 'the request was cancelled', { cause: signal.reason });
  }
}

export function isEngineError(value: unknown): value is EngineError {
  return value instanceof EngineError;
}
