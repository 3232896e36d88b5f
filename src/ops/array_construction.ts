// keras.ops' constructors beyond creation.ts: fullLike, empty, emptyLike (zeros: WebGPU buffers
// are never handed out uninitialised), geomspace, vander and diagflat. Each is a composite of
// fill, logspace, cumprod, diag and shape ops, so each runs as device kernels; vander and
// diagflat are differentiable in their tensor argument.

import { formatShape, type DType } from '../backend/types';
import { tidy } from '../tensor/memory';
import type { Tensor } from '../tensor/tensor';
import { arange, fill, ones, zeros } from './creation';
import { cast, equal, mul, where } from './elementwise';
import { diag, logspace, type LinspaceOptions } from './numpy_extras';
import { flip } from './rearrange';
import { cumprod } from './scan';
import { broadcastTo, concat, reshape } from './shape';
import { checkDtype, checkOptionNames, checkTensor } from './validate';

/**
 * A tensor with the shape of `x` filled with `fillValue` (keras.ops.full_like): a number, or a
 * tensor broadcast to the shape. The dtype is `dtype`, by default that of `x` (int32 truncates
 * the value, as NumPy).
 *
 * @example
 * ops.fullLike(tensor([[1, 2], [3, 4]]), 7);          // [[7, 7], [7, 7]]
 * ops.fullLike(tensor([1, 2], [2], 'int32'), 2.7);     // int32 [2, 2]
 */
export function fullLike(x: Tensor, fillValue: number | Tensor, dtype?: DType): Tensor {
  checkTensor('fullLike', x);
  const outDtype = dtype ?? x.dtype;
  checkDtype('fullLike', outDtype);
  if (typeof fillValue === 'number') return fill(x.shape, fillValue, outDtype);
  checkTensor('fullLike', fillValue);
  return tidy(() => broadcastTo(fillValue.dtype === outDtype ? fillValue : cast(fillValue, outDtype), x.shape));
}

/**
 * A tensor of `shape` (keras.ops.empty). NumPy leaves the values undefined; here they are 0.
 *
 * @example
 * const buffer = ops.empty([2, 3]);   // float32 zeros
 */
export function empty(shape: readonly number[], dtype: DType = 'float32'): Tensor {
  return zeros(shape, dtype);
}

/**
 * A tensor with the shape of `x` and `dtype` (default that of `x`), as keras.ops.empty_like; its
 * values are 0.
 *
 * @example
 * const scratch = ops.emptyLike(x);
 */
export function emptyLike(x: Tensor, dtype?: DType): Tensor {
  checkTensor('emptyLike', x);
  return zeros(x.shape, dtype ?? x.dtype);
}

/**
 * `num` numbers spaced evenly on a log scale from `start` to `stop` (keras.ops.geomspace), each
 * sample a constant multiple of the one before; `start` and `stop` are the first and last
 * samples exactly. Both must be nonzero and of one sign (NumPy's complex results for mixed signs
 * are not supported). Options as linspace: `endpoint` (default true), `dtype` (default float32).
 *
 * @example
 * ops.geomspace(1, 1000, 4);                       // [1, 10, 100, 1000]
 * ops.geomspace(-1, -100, 3);                      // [-1, -10, -100]
 */
export function geomspace(start: number, stop: number, num = 50, options: LinspaceOptions = {}): Tensor {
  checkOptionNames('geomspace', options, { endpoint: true, dtype: true } satisfies Record<keyof LinspaceOptions, true>);
  const { endpoint = true, dtype = 'float32' } = options;
  for (const [name, value] of [['start', start], ['stop', stop]] as const) {
    if (typeof value !== 'number' || !Number.isFinite(value) || value === 0) {
      throw new Error(`geomspace: Invalid value for argument ${name}. Expected a finite nonzero number. Received: ${name}=${String(value)}.`);
    }
  }
  if (!Number.isInteger(num) || num < 0) throw new Error(`geomspace: Invalid value for argument num. Expected a non-negative integer. Received: num=${String(num)}.`);
  if (Math.sign(start) !== Math.sign(stop)) {
    throw new Error(`geomspace: start ${start} and stop ${stop} have different signs; a geometric sequence between them needs complex numbers, which are not supported.`);
  }
  const sign = Math.sign(start);
  return tidy(() => {
    const magnitudes = logspace(Math.log10(Math.abs(start)), Math.log10(Math.abs(stop)), num, { endpoint, dtype });
    const samples = sign < 0 ? mul(magnitudes, -1) : magnitudes;
    const exact = (v: number) => (dtype === 'int32' ? Math.trunc(v) : v);
    const position = arange(num);
    const withStart = where(equal(position, 0), exact(start), samples);
    return endpoint && num > 1 ? where(equal(position, num - 1), exact(stop), withStart) : withStart;
  });
}

/**
 * The Vandermonde matrix of the 1-D tensor `x` (keras.ops.vander): `n` columns (default the
 * length of `x`) of powers of `x`, decreasing from `x^(n-1)` to `x^0` unless `increasing`. The
 * dtype of `x` is kept; powers are running products, exact for negative bases.
 *
 * @example
 * ops.vander(tensor([1, 2, 3]));            // [[1, 1, 1], [4, 2, 1], [9, 3, 1]]
 * ops.vander(tensor([1, 2, 3]), 2, true);   // [[1, 1], [1, 2], [1, 3]]
 */
export function vander(x: Tensor, n?: number, increasing = false): Tensor {
  checkTensor('vander', x);
  if (x.rank !== 1) throw new Error(`vander: expected a 1-D tensor, got shape ${formatShape(x.shape)}.`);
  const columns = n ?? x.size;
  if (!Number.isInteger(columns) || columns < 0) throw new Error(`vander: N must be a non-negative integer, got ${String(n)}.`);
  if (typeof increasing !== 'boolean') throw new Error(`vander: increasing must be a boolean, got ${typeof increasing}.`);
  const rows = x.size;
  if (columns === 0) return zeros([rows, 0], x.dtype);
  return tidy(() => {
    const constant = ones([rows, 1], x.dtype);
    const powers = columns === 1 ? constant : concat([constant, cumprod(broadcastTo(reshape(x, [rows, 1]), [rows, columns - 1]), 1)], 1);
    return increasing ? powers : flip(powers, 1);
  });
}

/**
 * A square matrix with the flattened `x` on diagonal `k` (keras.ops.diagflat): k > 0 above the
 * main diagonal, k < 0 below it.
 *
 * @example
 * ops.diagflat(tensor([[1, 2], [3, 4]]));   // 4 x 4 with 1, 2, 3, 4 on the diagonal
 */
export function diagflat(x: Tensor, k = 0): Tensor {
  checkTensor('diagflat', x);
  return tidy(() => diag(reshape(x, [x.size]), k));
}
