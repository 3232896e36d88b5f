// Where the `GPU` object comes from. Browsers and workers have `navigator.gpu`; the Node entry
// (src/node.ts) registers a provider that loads Dawn. Nothing here imports Node-only code, so
// browser bundles stay free of it.

export type GpuProvider = () => Promise<GPU>;

/** How the library waits for the device to complete something (a readback's mapAsync). */
export type DeviceWait = <T>(completion: Promise<T>) => Promise<T>;

let nodeProvider: GpuProvider | null = null;
let deviceWait: DeviceWait = (completion) => completion;

/** Registers how to obtain a `GPU` where `navigator.gpu` does not exist (Node through Dawn). */
export function setGpuProvider(provider: GpuProvider): void {
  nodeProvider = provider;
}

/**
 * Registers how waits on the device run. Browsers wait on the promise as it is; the Node entry
 * paces Dawn's event polling while the library waits (src/backend/webgpu/dawn_event_pacing.ts).
 */
export function setDeviceWait(wait: DeviceWait): void {
  deviceWait = wait;
}

/** Waits for `completion`, a promise the device fulfills (see setDeviceWait). */
export function waitForDevice<T>(completion: Promise<T>): Promise<T> {
  return deviceWait(completion);
}

/** The platform's `GPU`, or a reason why there is none. */
export async function findGpu(): Promise<GPU | string> {
  const nav = (globalThis as { navigator?: { gpu?: GPU } }).navigator;
  if (nav?.gpu) return nav.gpu;
  if (nodeProvider) {
    try {
      return await nodeProvider();
    } catch (e) {
      return `the webgpu package (Dawn) could not be loaded: ${(e as Error).message}`;
    }
  }
  if (nav) return 'navigator.gpu is missing (this browser has no WebGPU, or the page is not a secure context)';
  return 'no WebGPU implementation: in Node, install the optional dependency `webgpu` and import webgpu-keras through its Node entry';
}
