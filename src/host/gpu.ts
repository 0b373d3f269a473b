/**
 * Whether the engine should try WebGPU. Only a hardware adapter is worth it:
 * a software one (SwiftShader, or any adapter the browser marks as fallback)
 * runs our detector some 100 times slower than WebAssembly does.
 */
export interface AdapterFacts {
  isFallbackAdapter?: boolean;
  architecture?: string;
  vendor?: string;
}

export function isHardwareAdapter(adapter: AdapterFacts | null | undefined): boolean {
  if (!adapter) return false;
  if (adapter.isFallbackAdapter === true) return false;
  return !/swiftshader|llvmpipe|lavapipe|software/i.test(`${adapter.architecture ?? ''} ${adapter.vendor ?? ''}`);
}

/** The convolutional models, where a GPU pays; the caption decoder's many small steps and the recogniser stay on WASM. */
export function runsOnGpu(sessionName: string): boolean {
  return sessionName.startsWith('detector:') || sessionName === 'ocr-detection';
}

/** An integrated GPU is enough for these models and spares the battery; ort is told the same (runtime/ort.ts). */
export const gpuPowerPreference = 'low-power' as const;

interface GpuAdapterLike {
  readonly isFallbackAdapter?: boolean;
  readonly info?: { isFallbackAdapter?: boolean; architecture?: string; vendor?: string };
}

interface NavigatorWithGpu {
  gpu?: { requestAdapter(options?: { powerPreference?: 'low-power' | 'high-performance' }): Promise<GpuAdapterLike | null> };
}

/** The facts of this context's WebGPU adapter, or null where there is none (no WebGPU, no adapter, or asking failed). */
export async function currentAdapter(scope: { navigator?: unknown } = globalThis): Promise<AdapterFacts | null> {
  const gpu = (scope.navigator as NavigatorWithGpu | undefined)?.gpu;
  if (!gpu) return null;
  try {
    const adapter = await gpu.requestAdapter({ powerPreference: gpuPowerPreference });
    if (!adapter) return null;
    return {
      // Chrome moved the flag into adapter.info (136); older versions keep it on the adapter.
      isFallbackAdapter: adapter.info?.isFallbackAdapter ?? adapter.isFallbackAdapter,
      architecture: adapter.info?.architecture,
      vendor: adapter.info?.vendor,
    };
  } catch {
    return null;
  }
}
