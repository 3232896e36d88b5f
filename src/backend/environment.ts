// Where the library runs: a page or a worker (browsers), or Node. Defaults that differ between
// the two (printed progress, yielding to the event loop, file paths) ask here, and giving the
// event loop a turn is done here.

/** Whether this is a page or a worker rather than Node. */
export function inBrowser(): boolean {
  return typeof window !== 'undefined' || typeof (globalThis as { importScripts?: unknown }).importScripts === 'function';
}

/**
 * Resolves after the event loop has run its other tasks (rendering, input) once. A message on a
 * MessageChannel rather than setTimeout(0): browsers clamp timers in background tabs to a second
 * or more, which would stall a fit that yields every few milliseconds.
 */
export function yieldToEventLoop(): Promise<void> {
  if (typeof MessageChannel === 'undefined') return new Promise((resolve) => setTimeout(resolve, 0));
  return new Promise((resolve) => {
    const channel = new MessageChannel();
    channel.port1.onmessage = () => {
      channel.port1.close();
      resolve();
    };
    channel.port2.postMessage(null);
  });
}
