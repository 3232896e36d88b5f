// Where the library runs: a page or a worker (browsers), or Node. Defaults that differ between
// the two (printed progress, yielding to the event loop, file paths) ask here.

/** Whether this is a page or a worker rather than Node. */
export function inBrowser(): boolean {
  return typeof window !== 'undefined' || typeof (globalThis as { importScripts?: unknown }).importScripts === 'function';
}
