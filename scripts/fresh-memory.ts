/**
 * How much this machine charges for memory a process touches for the first
 * time. On some VMs a first touch costs 10–30 µs per 4 KiB page (measured on
 * 2026-12-02: 1 GiB took 3.4–7 s, against well under 1 s on ordinary
 * hardware), which slows ort's session creation and every freshly allocated
 * tensor. The benchmarks print it so that figures from different machines
 * and hours can be told apart.
 */
export function freshMemoryCost(mib = 256): { mib: number; ms: number; microsecondsPerPage: number } {
  const pageSize = 4096;
  const started = performance.now();
  const buffer = new Uint8Array(mib * 1024 * 1024);
  for (let i = 0; i < buffer.length; i += pageSize) buffer[i] = 1;
  const ms = performance.now() - started;
  return { mib, ms, microsecondsPerPage: (ms * 1000) / (buffer.length / pageSize) };
}

export function describeFreshMemoryCost(cost: ReturnType<typeof freshMemoryCost>): string {
  return `machine: touching ${cost.mib} MiB of fresh memory took ${cost.ms.toFixed(0)} ms (${cost.microsecondsPerPage.toFixed(1)} µs per 4 KiB page)`;
}
