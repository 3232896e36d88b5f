// GPU-versus-CPU cases for the seeded Gamma, Beta and Binomial samplers: one seed gives the same
// samples on both backends, to float32 rounding for gamma and beta (the GPU's float32 log
// polynomial against the CPU's float64) and exactly for binomial counts (a count can differ where
// that rounding straddles a whole number, rarely: these seeds have none with SwiftShader).
// Parameters cover both sides of each algorithm's branch: gamma below 1 (boosted) and above, beta
// with tiny and large parameters, binomial by inversion (n p < 10) and by BTRS, with p on either
// side of 1/2.

import { tensor } from '../../src/index';
import { randomBeta, randomBinomial, randomGamma } from '../../src/ops/random_distributions';
import type { OpCase } from './case';

const close = { rtol: 1e-4, atol: 1e-6 };
const exact = { rtol: 0, atol: 0 };

export const randomDistributionCases: OpCase[] = [
  { name: 'randomGamma [64,32] alpha 2.5', run: () => randomGamma([64, 32], 2.5, { seed: 1 }), ...close },
  { name: 'randomGamma [2000] alpha 0.3 (boosted)', run: () => randomGamma([2000], 0.3, { seed: 2 }), ...close },
  { name: 'randomGamma [500,4] alpha per column', run: () => randomGamma([500, 4], tensor([0.05, 1, 7, 150]), { seed: 3 }), ...close },
  { name: 'randomBeta [2000] (0.2, 0.2)', run: () => randomBeta([2000], 0.2, 0.2, { seed: 4 }), ...close },
  { name: 'randomBeta [400,3] alpha per column, beta 0.01', run: () => randomBeta([400, 3], tensor([[0.5, 2, 30]]), 0.01, { seed: 5 }), ...close },
  { name: 'randomBinomial [2000] n 20, p 0.3 (inversion)', run: () => randomBinomial([2000], 20, 0.3, { seed: 6 }), ...exact },
  { name: 'randomBinomial [2000] n 1000, p 0.4 (BTRS)', run: () => randomBinomial([2000], 1000, 0.4, { seed: 7 }), ...exact },
  {
    name: 'randomBinomial [500,4] counts and p per column (flipped p)',
    run: () => randomBinomial([500, 4], tensor([0, 7, 300, 5000]), tensor([0.5, 0.95, 0.8, 1]), { seed: 8 }),
    ...exact,
  },
];
