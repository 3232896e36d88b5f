// GPU-versus-CPU cases for the products and norms of src/ops/linalg.ts and src/ops/einsum.ts
// (batched and transposed contractions, diagonals, broadcasting '...', three operands), for eig
// (src/ops/linalg_eig.ts) and for the composite activations of src/ops/composite_activations.ts
// (sparsemax included).

import { ops, type Tensor } from '../../src/index';
import type { OpCase } from './case';
import { rand } from './data';

/** Float32 sums on the GPU against float64 sums on the CPU. */
const SUMS = { rtol: 1e-4, atol: 1e-5 };

const einsumCase = (subscripts: string, ...shapes: number[][]): OpCase => ({
  name: `einsum '${subscripts}' ${shapes.map((s) => `[${s}]`).join(' ')}`,
  run: () => ops.einsum(subscripts, ...shapes.map((s) => rand(s))),
  ...SUMS,
});

const einsumCases: OpCase[] = [
  einsumCase('bij,bjk->bik', [2, 3, 4], [2, 4, 5]),
  einsumCase('ji,jk->ik', [4, 3], [4, 5]),
  einsumCase('ij,kj->ik', [3, 4], [5, 4]),
  einsumCase('bhqd,bhkd->bhqk', [1, 2, 3, 4], [1, 2, 5, 4]),
  einsumCase('ij->ji', [3, 5]),
  einsumCase('ij->', [3, 5]),
  einsumCase('i,j->ij', [3], [4]),
  einsumCase('ii->i', [4, 4]),
  einsumCase('iij->j', [3, 3, 2]),
  einsumCase('...ij,...jk->...ik', [2, 1, 3, 4], [5, 4, 2]),
  einsumCase('ab,bc,cd->ad', [2, 3], [3, 4], [4, 2]),
];

/**
 * eig's eigenvalues and eigenvectors sorted by real part, then imaginary part (a key that separates
 * the eigenvalues of the case's matrices), since float32 and float64 runs of the QR iteration may
 * find them in different orders. Eigenvectors compare as they are: their phase is canonical.
 */
function sortedEig(x: Tensor): Tensor[] {
  const [[real, imag], [vectorsReal, vectorsImag]] = ops.eig(x);
  const order = ops.argsort(ops.add(real, ops.mul(imag, 1e-3)));
  const columns = ops.expandDims(order, -2);
  return [ops.takeAlongAxis(real, order, -1), ops.takeAlongAxis(imag, order, -1), ops.takeAlongAxis(vectorsReal, columns, -1), ops.takeAlongAxis(vectorsImag, columns, -1)];
}

const activation = (name: string, f: (x: ReturnType<typeof rand>) => ReturnType<typeof rand>): OpCase => ({
  name: `${name} [3,7]`,
  run: () => f(rand([3, 7], { low: -5, high: 5 })),
  rtol: 1e-4,
  atol: 1e-6,
});

export const linalgCases: OpCase[] = [
  ...einsumCases,
  { name: 'tensordot [2,3,4] x [3,4,5] axes 2', run: () => ops.tensordot(rand([2, 3, 4]), rand([3, 4, 5])), ...SUMS },
  { name: 'tensordot [3,2,5] x [2,3,4] axes [[0,1],[1,0]]', run: () => ops.tensordot(rand([3, 2, 5]), rand([2, 3, 4]), [[0, 1], [1, 0]]), ...SUMS },
  { name: 'dot [2,3,4] x [5,4,2]', run: () => ops.dot(rand([2, 3, 4]), rand([5, 4, 2])), ...SUMS },
  { name: 'inner [2,3] x [4,3]', run: () => ops.inner(rand([2, 3]), rand([4, 3])), ...SUMS },
  { name: 'outer [2,2] x [3]', run: () => ops.outer(rand([2, 2]), rand([3])) },
  { name: 'vdot [2,3] x [6]', run: () => ops.vdot(rand([2, 3]), rand([6])), ...SUMS },
  { name: 'norm [3,4] (all elements)', run: () => ops.norm(rand([3, 4])), ...SUMS },
  { name: 'norm [3,4] ord 3 axis 1', run: () => ops.norm(rand([3, 4]), 3, 1), ...SUMS },
  { name: 'norm [3,4] ord Infinity axis 0 keepDims', run: () => ops.norm(rand([3, 4]), Infinity, 0, true) },
  { name: 'norm [2,3,4] ord 1 axes [2,1]', run: () => ops.norm(rand([2, 3, 4]), 1, [2, 1]), ...SUMS },
  { name: 'normalize [3,4]', run: () => ops.normalize(rand([3, 4])), ...SUMS },
  { name: 'normalize [3,4] order 1 axis 0', run: () => ops.normalize(rand([3, 4]), 0, 1), ...SUMS },
  { name: 'eig [3,5,5] (sorted eigenvalues and their eigenvectors)', run: () => sortedEig(rand([3, 5, 5])), rtol: 1e-4, atol: 1e-5 },
];

export const compositeActivationCases: OpCase[] = [
  activation('hardSigmoid', ops.hardSigmoid),
  activation('hardSilu', ops.hardSilu),
  activation('softsign', ops.softsign),
  activation('logSigmoid', ops.logSigmoid),
  activation('mish', ops.mish),
  activation('hardTanh', ops.hardTanh),
  activation('squareplus', (x) => ops.squareplus(x)),
  activation('sparsePlus', ops.sparsePlus),
  activation('celu', (x) => ops.celu(x, 0.5)),
  { name: 'glu [3,8] axis 1', run: () => ops.glu(rand([3, 8], { low: -5, high: 5 }), 1), rtol: 1e-4, atol: 1e-6 },
  activation('hardShrink', (x) => ops.hardShrink(x, 1.5)),
  activation('softShrink', (x) => ops.softShrink(x)),
  activation('tanhShrink', ops.tanhShrink),
  activation('sparseSigmoid', ops.sparseSigmoid),
  activation('threshold', (x) => ops.threshold(x, 0.5, -2)),
  activation('sparsemax', (x) => ops.sparsemax(x.mul(0.2))),
  { name: 'sparsemax [4,3,5] axis 1', run: () => ops.sparsemax(rand([4, 3, 5], { low: -1, high: 1 }), 1), rtol: 1e-4, atol: 1e-6 },
];
