// Dawn for Node polls its events from setImmediate callbacks while a GPU promise is pending, a
// busy loop that took a CPU core from SwiftShader. While the library waits for a readback, those
// polls are paced by 1 ms timers after the first millisecond; JavaScript setImmediate callbacks are
// never delayed, and what Node hangs on setImmediate stays.

import { promisify } from 'node:util';
import { afterEach, describe, expect, it } from 'vitest';
import { getBackend, ops } from '../../src/node';
import { useWebGPU } from '../helpers';

useWebGPU();

let restore: (() => void) | null = null;
afterEach(() => restore?.());

/** Counts setImmediate calls with a native callback (Dawn's event poll) until restored. */
function countNativePolls(): { count: number } {
  const counter = { count: 0 };
  const paced = globalThis.setImmediate;
  globalThis.setImmediate = function (callback: (...args: unknown[]) => void, ...args: unknown[]) {
    if (Function.prototype.toString.call(callback).endsWith('{ [native code] }')) counter.count++;
    return paced(callback, ...args);
  } as typeof setImmediate;
  restore = () => {
    globalThis.setImmediate = paced;
    restore = null;
  };
  return counter;
}

describe('Dawn event pacing', () => {
  it('polls about once a millisecond while a readback waits on long GPU work', async () => {
    expect(getBackend()).toBe('webgpu');
    const a = ops.randomUniform([384, 384]);
    await a.data();
    const polls = countNativePolls();
    const start = performance.now();
    // Several hundred milliseconds of SwiftShader work, then one readback.
    let product = ops.matmul(a, a);
    for (let i = 0; i < 3; i++) product = ops.matmul(product, a).mul(0.001);
    await product.data();
    const waited = performance.now() - start;
    // Unpaced, Dawn polled about 16 times a millisecond here (a wait of about a second on
    // SwiftShader); paced, at most once a timer tick after the first 2 ms of immediate polls
    // (measured: 0.2 a millisecond). The allowance covers those first 2 ms.
    expect(polls.count).toBeLessThan(100 + 2 * waited);
  });

  it('runs JavaScript setImmediate callbacks before a 2 ms timer during a wait, and keeps setImmediate promisifiable', async () => {
    expect(getBackend()).toBe('webgpu');
    const order: string[] = [];
    const timer = new Promise((resolve) => setTimeout(() => resolve(order.push('timer')), 2));
    const readback = ops.randomUniform([256, 256]).sum().data();
    await new Promise((resolve) => setImmediate(() => resolve(order.push('immediate'))));
    await Promise.all([timer, readback]);
    expect(order).toEqual(['immediate', 'timer']);
    await expect(promisify(setImmediate)('value')).resolves.toBe('value');
  });
});
