// Node only (installed when src/node.ts loads): paces Dawn's event polling while the library
// waits on the device. Dawn for Node (the `webgpu` package) completes GPU promises (mapAsync,
// onSubmittedWorkDone) by polling its event queue from setImmediate callbacks for as long as one
// is pending: a busy loop that keeps a CPU core at 100% while the device works. SwiftShader runs
// the device on the same CPU, so on a 2-core machine the loop halved the speed of every kernel
// while fit waited for an epoch's logs (a quickstart fit step: 8 ms unpaced, 4.5 ms paced).
// While the library waits, Dawn's polls after the first BUSY_POLL_MS are spaced by timers
// instead, which leaves the core to the device; short waits keep immediate polls, and other
// setImmediate callers are untouched.

/** Polls keep their immediate pace for this long into a wait (a readback of finished work returns at once). */
const BUSY_POLL_MS = 2;
/** Then one poll per timer tick (Node's shortest timer: 1 ms). */
const POLL_INTERVAL_MS = 1;

let waits = 0;
let waitStart = 0;
let installed = false;

/** Replaces globalThis.setImmediate with a version that paces Dawn's polls during the library's waits. */
export function installDawnEventPacing(): void {
  if (installed) return;
  installed = true;
  const original = globalThis.setImmediate;
  const paced = function (callback: (...args: unknown[]) => void, ...args: unknown[]) {
    if (waits > 0 && performance.now() - waitStart > BUSY_POLL_MS && isNative(callback)) {
      return setTimeout(callback, POLL_INTERVAL_MS, ...args) as unknown as NodeJS.Immediate;
    }
    return original(callback, ...args);
  };
  // Keep what Node hangs on setImmediate (util.promisify's custom form).
  Object.defineProperties(paced, Object.getOwnPropertyDescriptors(original));
  globalThis.setImmediate = paced as typeof setImmediate;
}

/** Dawn's poll callback is a native function; JavaScript callbacks are never delayed. */
function isNative(callback: unknown): boolean {
  return typeof callback === 'function' && Function.prototype.toString.call(callback).endsWith('{ [native code] }');
}

/** Waits for `completion` (a promise Dawn fulfills) with Dawn's polls paced after the first BUSY_POLL_MS. */
export async function pacedDeviceWait<T>(completion: Promise<T>): Promise<T> {
  if (waits++ === 0) waitStart = performance.now();
  try {
    return await completion;
  } finally {
    waits--;
  }
}
