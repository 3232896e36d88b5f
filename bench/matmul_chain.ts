// How the bench times webgpu-keras's matmul, shared by the suite (bench/suite.ts) and the tile
// sweep (bench/tile_sweep.ts): products chained through a running scalar, read back once.

import * as wk from '../src/index';

/**
 * Runs `count` products a x b, folding c[0, 0] of each into a running scalar that is read back at
 * the end (every product is computed and waited for; one readback for all of them).
 */
export async function chainProducts(a: wk.Tensor, b: wk.Tensor, transposeA: boolean, transposeB: boolean, count: number): Promise<void> {
  let probe = wk.zeros([1, 1]);
  for (let i = 0; i < count; i++) {
    const next = wk.tidy(() => probe.add(wk.ops.slice(wk.ops.matmul(a, b, { transposeA, transposeB }), [0, 0], [1, 1])));
    probe.dispose();
    probe = next;
  }
  await probe.data();
  probe.dispose();
}
