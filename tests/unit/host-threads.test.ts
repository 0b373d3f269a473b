import { describe, expect, it } from 'vitest';
import { chooseThreads, currentThreadEnvironment, maxEngineThreads } from '../../src/host/threads';

describe('engine threads', () => {
  it('leaves one core to the page and the browser from four cores on, and uses at most four', () => {
    expect(chooseThreads({ cores: 2, sharedMemory: true })).toBe(2);
    expect(chooseThreads({ cores: 3, sharedMemory: true })).toBe(2);
    expect(chooseThreads({ cores: 4, sharedMemory: true })).toBe(3);
    expect(chooseThreads({ cores: 5, sharedMemory: true })).toBe(4);
    expect(chooseThreads({ cores: 16, sharedMemory: true })).toBe(maxEngineThreads);
  });

  it('runs on one thread where workers cannot share memory, or the core count is hidden', () => {
    expect(chooseThreads({ cores: 16, sharedMemory: false })).toBe(1);
    expect(chooseThreads({ cores: undefined, sharedMemory: true })).toBe(1);
    expect(chooseThreads({ cores: 0, sharedMemory: true })).toBe(1);
    expect(chooseThreads({ cores: 1, sharedMemory: true })).toBe(1);
    expect(chooseThreads({ cores: Number.NaN, sharedMemory: true })).toBe(1);
  });

  it('reads the core count and SharedArrayBuffer of the context it runs in', () => {
    expect(currentThreadEnvironment({ navigator: { hardwareConcurrency: 8 }, SharedArrayBuffer })).toEqual({ cores: 8, sharedMemory: true });
    expect(currentThreadEnvironment({ navigator: { hardwareConcurrency: 8 } })).toEqual({ cores: 8, sharedMemory: false });
    expect(currentThreadEnvironment({})).toEqual({ cores: undefined, sharedMemory: false });
  });
});
