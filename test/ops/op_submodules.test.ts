// Keras 3's op submodules on the public `ops` namespace: keras.ops.nn, keras.ops.numpy,
// keras.ops.linalg and keras.ops.image name the same ops as the flat namespace (found porting
// keras.io's collaborative filtering example, which calls ops.nn.sigmoid).

import { describe, expect, it } from 'vitest';
import { Input, ops, tensor } from '../../src/node';
import { IMAGE_OP_NAMES, LINALG_OP_NAMES, NN_OP_NAMES, NUMPY_OP_NAMES } from '../../src/ops/namespaces';

describe('ops submodules', () => {
  it('are views of the flat ops, symbolic calls included', async () => {
    const flat = ops as unknown as Record<string, unknown>;
    for (const [module, names] of [[ops.nn, NN_OP_NAMES], [ops.numpy, NUMPY_OP_NAMES], [ops.linalg, LINALG_OP_NAMES], [ops.image, IMAGE_OP_NAMES]] as const) {
      expect(Object.keys(module)).toEqual([...names]);
      for (const name of names) expect((module as Record<string, unknown>)[name]).toBe(flat[name]);
    }
    expect(Object.isFrozen(ops.nn)).toBe(true);
    expect(Array.from(await ops.nn.sigmoid(tensor([0])).data())).toEqual([0.5]);
    expect(ops.numpy.concatenate([Input({ shape: [2] }), Input({ shape: [3] })], -1).shape).toEqual([null, 5]);
    expect([ops.linalg.qr, ops.image.resize, ops.nn.hardSwish]).toEqual([ops.qr, ops.resize, ops.hardSilu]);
  });
});
