// GPU-versus-CPU cases for the seeded sampling ops, compared exactly (tolerance 0): categorical
// samples (many classes, -Infinity logits, float32 output), randint bounds with negatives and the
// widest int32 range, and shuffles along the first, a middle and the last axis.

import { tensor } from '../../src/index';
import { randint, randomCategorical, shuffle } from '../../src/ops/random_sampling';
import type { OpCase } from './case';
import { rand } from './data';

const exact = { rtol: 0, atol: 0 };

export const randomSamplingCases: OpCase[] = [
  { name: 'randomCategorical [4,7] logits, 50 samples', run: () => randomCategorical(rand([4, 7], { low: -3, high: 3 }), 50, { seed: 1 }), ...exact },
  { name: 'randomCategorical 300 classes, 20 samples', run: () => randomCategorical(rand([3, 300], { low: -2, high: 2 }), 20, { seed: 2 }), ...exact },
  { name: 'randomCategorical -Infinity logits, float32 output', run: () => randomCategorical(tensor([[0, -Infinity, 1], [-Infinity, 2, -Infinity]]), 40, { seed: 3, dtype: 'float32' }), ...exact },
  { name: 'randint [50,20] in [-7, 9)', run: () => randint([50, 20], -7, 9, { seed: 4 }), ...exact },
  { name: 'randint over the whole int32 range', run: () => randint([500], -(2 ** 31), 2 ** 31 - 1, { seed: 5 }), ...exact },
  { name: 'shuffle [40,3] along axis 0', run: () => shuffle(rand([40, 3]), { seed: 6 }), ...exact },
  { name: 'shuffle [2,30,3] along axis 1', run: () => shuffle(rand([2, 30, 3]), { axis: 1, seed: 7 }), ...exact },
  { name: 'shuffle int32 [3,500] along axis -1', run: () => shuffle(rand([3, 500], { int: true, low: -100, high: 100 }), { axis: -1, seed: 8 }), ...exact },
];
