// A lost device is reported clearly on the next operation, and init() recovers with a new one.

import { describe, expect, it } from 'vitest';
import { getBackend, init, tensor } from '../../src/node';
import { currentGpu } from '../../src/backend/engine';

describe('device loss', () => {
  it('reports the loss on the next op and recovers after init()', async () => {
    await init({ backend: 'webgpu' });
    expect(getBackend()).toBe('webgpu');
    const before = tensor([1, 2, 3]);
    const pending = before.exp().data();
    currentGpu()!.device.destroy();
    // A read in flight settles (rejects or resolves) instead of hanging.
    await pending.catch(() => undefined);
    await currentGpu()!.device.lost;

    expect(() => before.add(1)).toThrow('WebGPU device was lost (destroyed');
    expect(() => tensor([1])).toThrow('Call init() again to get a new device');
    await expect(before.data()).rejects.toThrow('WebGPU device was lost');

    const result = await init();
    expect(result.backend).toBe('webgpu');
    expect(() => before.add(1)).toThrow('add: a tensor of shape [3] belongs to a previous WebGPU device; init() was called again since it was created');
    const after = tensor([1, 2, 3]).add(1);
    expect(Array.from(await after.data())).toEqual([2, 3, 4]);
  });
});
