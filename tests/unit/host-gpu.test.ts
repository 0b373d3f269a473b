import { describe, expect, it } from 'vitest';
import { currentAdapter, isHardwareAdapter, runsOnGpu } from '../../src/host/gpu';
import { defaultSettings, normaliseSettings } from '../../src/settings/schema';

describe('WebGPU choice', () => {
  it('uses a hardware adapter, never a software or fallback one', () => {
    expect(isHardwareAdapter({ vendor: 'intel', architecture: 'gen-12lp', isFallbackAdapter: false })).toBe(true);
    expect(isHardwareAdapter({ vendor: 'apple', architecture: 'metal-3' })).toBe(true);
    // Headless Chromium with --enable-unsafe-webgpu reports exactly this.
    expect(isHardwareAdapter({ vendor: 'google', architecture: 'swiftshader' })).toBe(false);
    expect(isHardwareAdapter({ vendor: 'mesa', architecture: 'llvmpipe' })).toBe(false);
    expect(isHardwareAdapter({ vendor: 'nvidia', architecture: 'ampere', isFallbackAdapter: true })).toBe(false);
    expect(isHardwareAdapter(null)).toBe(false);
  });

  it('puts the convolutional models on the GPU and keeps the step-by-step ones on WASM', () => {
    expect(runsOnGpu('detector:centernet.onnx')).toBe(true);
    expect(runsOnGpu('ocr-detection')).toBe(true);
    expect(runsOnGpu('caption decoder')).toBe(false);
    expect(runsOnGpu('caption encoder')).toBe(false);
    expect(runsOnGpu('ocr-recognition')).toBe(false);
  });

  it('reads the adapter facts where they are (adapter.info from Chrome 136, the adapter before), and null without WebGPU', async () => {
    const adapter = (facts: object) => ({ navigator: { gpu: { requestAdapter: async () => facts } } });
    expect(await currentAdapter(adapter({ info: { vendor: 'amd', architecture: 'rdna-3', isFallbackAdapter: false } }))).toEqual({ vendor: 'amd', architecture: 'rdna-3', isFallbackAdapter: false });
    expect(await currentAdapter(adapter({ isFallbackAdapter: true, info: { vendor: 'x' } }))).toMatchObject({ isFallbackAdapter: true });
    expect(await currentAdapter({ navigator: { gpu: { requestAdapter: async () => null } } })).toBeNull();
    expect(await currentAdapter({ navigator: { gpu: { requestAdapter: () => Promise.reject(new Error('lost')) } } })).toBeNull();
    expect(await currentAdapter({ navigator: {} })).toBeNull();
  });

  it('has the GPU setting on by default, and keeps a stored choice', () => {
    expect(defaultSettings.useGpu).toBe(true);
    expect(normaliseSettings({ useGpu: false }).useGpu).toBe(false);
    expect(normaliseSettings({ useGpu: 'no' as unknown as boolean }).useGpu).toBe(true);
  });
});
