// Time of the linear algebra of matrices over 64 x 64 (`npm run bench -- --linalg-only`, and the
// GPU machine's run): qr, eigh, svd, eig, solve and cholesky of one n x n matrix, each run ended by a
// readback, the median of a few after a warm-up. What a user waits for one decomposition; not a
// comparison with peers (they have no GPU decompositions of these sizes).

import * as wk from '../src/index';
import { activeGpu } from '../src/backend/engine';

const GPU_SIZES = [128, 512, 1024];
const SOFTWARE_SIZES = [96];
const RUNS = 3;

type Decomposition = (a: wk.Tensor) => wk.Tensor[];

const DECOMPOSITIONS: Record<string, Decomposition> = {
  qr: (a) => wk.ops.qr(a),
  eigh: (a) => wk.ops.eigh(a),
  'svd (s only)': (a) => [wk.ops.svd(a, { computeUv: false })],
  svd: (a) => wk.ops.svd(a),
  eig: (a) => wk.ops.eig(a).flat(),
  solve: (a) => [wk.ops.solve(a, wk.ops.ones([a.shape[0], 1]))],
  cholesky: (a) => [wk.ops.cholesky(a)],
};

/** ms of one call of `decompose` on `a`, ended by reading every result back. */
async function timeOnce(decompose: Decomposition, a: wk.Tensor): Promise<number> {
  const start = performance.now();
  const results = decompose(a);
  await Promise.all(results.map((t) => t.data()));
  const ms = performance.now() - start;
  results.forEach((t) => t.dispose());
  return ms;
}

/** Median ms by decomposition and size; logs one line a measurement. */
export async function runLinalgTiming(log: (line: string) => void): Promise<Record<string, Record<number, number>>> {
  const sizes = activeGpu().tuning === 'software' ? SOFTWARE_SIZES : GPU_SIZES;
  const results: Record<string, Record<number, number>> = {};
  for (const n of sizes) {
    // Symmetric positive definite (for eigh and cholesky; a fair general matrix for the rest).
    const a = wk.tidy(() => {
      const g = wk.randomNormal([n, n], { seed: n });
      return wk.ops.add(wk.ops.div(wk.ops.matmul(g, g, { transposeB: true }), n), wk.ops.eye(n));
    });
    for (const [name, decompose] of Object.entries(DECOMPOSITIONS)) {
      await timeOnce(decompose, a);
      const times: number[] = [];
      for (let run = 0; run < RUNS; run++) times.push(await timeOnce(decompose, a));
      const median = times.sort((x, y) => x - y)[Math.floor(RUNS / 2)];
      (results[name] ??= {})[n] = median;
      log(`linalg: ${name} ${n}x${n} ${median.toFixed(1)} ms`);
    }
    a.dispose();
  }
  return results;
}
