// GPU-versus-CPU cases for the scans (cumsum, cumprod) and the rearranging ops (flip, roll,
// repeat, tril, triu): every axis position, flattened scans, int32 inputs, empty tensors, more rows
// than one workgroup holds, and the gradients of the scans (cumprod's with zeros in x), whose
// reversed sum and exact product rule run as kernels of their own.

import { GradientTape, tensor, type Tensor } from '../../src/index';
import { cumprod, cumsum } from '../../src/ops/scan';
import { flip, repeat, roll, tril, triu } from '../../src/ops/rearrange';
import type { OpCase } from './case';
import { rand } from './data';

/** The gradient of sum(r * f(x)) for a fixed random r, from the tape on the active backend. */
function gradientOf(f: (x: Tensor) => Tensor, x: Tensor): Tensor {
  const tape = new GradientTape();
  tape.watch(x);
  const y = tape.record(() => {
    const out = f(x);
    return out.mul(rand([...out.shape], { low: 0.5, high: 1.5 })).sum();
  });
  return tape.gradient(y, x)!;
}

const nearOne = { low: 0.5, high: 1.5 };

export const scanCases: OpCase[] = [
  { name: 'cumsum [3,5] axis 1', run: () => cumsum(rand([3, 5]), 1) },
  { name: 'cumsum [4,3] axis 0', run: () => cumsum(rand([4, 3]), 0) },
  { name: 'cumsum [2,5,3] middle axis', run: () => cumsum(rand([2, 5, 3]), 1) },
  { name: 'cumsum [2,3,4] axis -1', run: () => cumsum(rand([2, 3, 4]), -1) },
  { name: 'cumsum [2,3] flattened', run: () => cumsum(rand([2, 3])) },
  { name: 'cumsum of a scalar', run: () => cumsum(tensor(3)) },
  { name: 'cumsum int32 [3,4] axis 1', run: () => cumsum(rand([3, 4], { int: true, low: -50, high: 50 }), 1) },
  { name: 'cumsum [0,3] axis 0 (empty)', run: () => cumsum(rand([0, 3]), 0) },
  { name: 'cumsum [3,0] axis 1 (empty axis)', run: () => cumsum(rand([3, 0]), 1) },
  { name: 'cumsum [130,3] axis 1 (130 rows, past one workgroup)', run: () => cumsum(rand([130, 3]), 1) },
  { name: 'cumsum [2,200] long axis', run: () => cumsum(rand([2, 200]), 1) },
  { name: 'cumprod [3,5] axis 1', run: () => cumprod(rand([3, 5], nearOne), 1) },
  { name: 'cumprod [4,3,2] axis 0', run: () => cumprod(rand([4, 3, 2], nearOne), 0) },
  { name: 'cumprod [2,3] flattened', run: () => cumprod(rand([2, 3], nearOne)) },
  { name: 'cumprod int32 [2,6] axis -1', run: () => cumprod(rand([2, 6], { int: true, low: -3, high: 4 }), -1) },
  { name: 'cumsum gradient [3,4] axis 1', run: () => gradientOf((x) => cumsum(x, 1), rand([3, 4])) },
  { name: 'cumsum gradient flattened [2,3]', run: () => gradientOf((x) => cumsum(x), rand([2, 3])) },
  { name: 'cumprod gradient [2,4,3] axis 1', run: () => gradientOf((x) => cumprod(x, 1), rand([2, 4, 3], nearOne)) },
  { name: 'cumprod gradient with zeros in x', run: () => gradientOf((x) => cumprod(x, 1), tensor([[2, 0, 3, 0.5], [0, 0, 2, 1], [1.5, 2, 0.5, 0]])) },
];

export const rearrangeCases: OpCase[] = [
  { name: 'flip every axis [2,3,4]', run: () => flip(rand([2, 3, 4])) },
  { name: 'flip axes [0,-1] of [3,2,4]', run: () => flip(rand([3, 2, 4]), [0, -1]) },
  { name: 'flip int32 [5] axis 0', run: () => flip(rand([5], { int: true, low: -9, high: 9 }), 0) },
  { name: 'roll flattened [3,4] by 5', run: () => roll(rand([3, 4]), 5) },
  { name: 'roll [3,4] by [1,-2] along [0,1]', run: () => roll(rand([3, 4]), [1, -2], [0, 1]) },
  { name: 'roll [2,5,3] by 7 along 1', run: () => roll(rand([2, 5, 3]), 7, 1) },
  { name: 'repeat flattened [2,3] twice', run: () => repeat(rand([2, 3]), 2) },
  { name: 'repeat [2,3,2] three times along 1', run: () => repeat(rand([2, 3, 2]), 3, 1) },
  { name: 'repeat [3,2] by counts [2,0,1] along 0', run: () => repeat(rand([3, 2]), [2, 0, 1], 0) },
  { name: 'repeat int32 [2,3] by counts [1,3,2] along -1', run: () => repeat(rand([2, 3], { int: true, low: -9, high: 9 }), [1, 3, 2], -1) },
  { name: 'tril [4,5]', run: () => tril(rand([4, 5])) },
  { name: 'tril batched [2,3,4] k=1', run: () => tril(rand([2, 3, 4]), 1) },
  { name: 'triu [5,3] k=-2', run: () => triu(rand([5, 3]), -2) },
  { name: 'triu int32 batched [2,2,3,3]', run: () => triu(rand([2, 2, 3, 3], { int: true, low: -9, high: 9 })) },
];

export const scanRearrangeCases: OpCase[] = [...scanCases, ...rearrangeCases];
