// keras.ops' complex-number functions on this library's complex values, which are pairs
// [real, imag] of float32 tensors of one shape (as fft, rfft and stft take and give them): real,
// imag, conj (conjugate), angle, polar, viewAsReal and viewAsComplex. A plain tensor is a real
// number as Keras treats it (its imag is zeros, its angle 0 or pi). Composites of element-wise
// and shape ops, so they run on the device and differentiate.

import { tidy } from '../tensor/memory';
import type { Tensor } from '../tensor/tensor';
import { clone } from './clone';
import { arctan2, cast, cos, mul, neg, sin } from './elementwise';
import { checkComplexPair, type ComplexPair } from './fft';
import { slice, squeeze, stack } from './shape';
import { zerosLike } from './creation';
import { checkTensor, describeValue } from './validate';

/** A complex value: a pair, or a real tensor (imaginary part zero). */
type ComplexInput = ComplexPair | Tensor;

/** The pair [real, imag] of `x`, float32; a tensor's imaginary part is zeros (made lazily by `imag`). */
function parts(op: string, x: ComplexInput): [Tensor, Tensor | null] {
  if (Array.isArray(x)) return checkComplexPair(op, x, 0);
  checkTensor(op, x as Tensor);
  return [x as Tensor, null];
}

/**
 * The real part (keras.ops.real): of a pair, its first tensor; of a real tensor, a copy.
 *
 * @example
 * ops.real([tensor([1, -3]), tensor([2, 0.5])]);   // [1, -3]
 */
export function real(x: ComplexInput): Tensor {
  const [re] = parts('real', x);
  return clone(re);
}

/**
 * The imaginary part (keras.ops.imag): of a pair, its second tensor; of a real tensor, zeros.
 *
 * @example
 * ops.imag([tensor([1, -3]), tensor([2, 0.5])]);   // [2, 0.5]
 */
export function imag(x: ComplexInput): Tensor {
  const [re, im] = parts('imag', x);
  return im ? clone(im) : zerosLike(re);
}

/**
 * The complex conjugate (keras.ops.conj): [real, -imag]; a real tensor is its own conjugate (a copy).
 *
 * @example
 * ops.conj([tensor([1]), tensor([2])]);   // [[1], [-2]]
 */
export function conj(x: ComplexPair): [Tensor, Tensor];
export function conj(x: Tensor): Tensor;
export function conj(x: ComplexInput): [Tensor, Tensor] | Tensor {
  const [re, im] = parts('conj', x);
  return im ? [clone(re), neg(im)] : clone(re);
}

/** keras.ops.conjugate, the same as conj. */
export const conjugate = conj;

/**
 * The argument (keras.ops.angle): atan2(imag, real), in (-pi, pi]; of a real tensor, 0 for
 * x >= 0 and pi for x < 0. float32.
 *
 * @example
 * ops.angle([tensor([1, -3]), tensor([2, 0.5])]);   // [1.1071488, 2.976444]
 */
export function angle(x: ComplexInput): Tensor {
  const [re, im] = parts('angle', x);
  return tidy(() => {
    const realPart = re.dtype === 'float32' ? re : cast(re, 'float32');
    return arctan2(im ?? zerosLike(realPart), realPart);
  });
}

/**
 * The complex number of magnitude `abs` and argument `angle` (keras.ops.polar), as the pair
 * [abs * cos(angle), abs * sin(angle)].
 *
 * @example
 * ops.polar(tensor([2, 1]), tensor([0.5, -1]));   // [[1.7551651, 0.5403023], [0.9588511, -0.841471]]
 */
export function polar(abs: Tensor, angle: Tensor): [Tensor, Tensor] {
  checkTensor('polar', abs);
  checkTensor('polar', angle);
  return [mul(abs, cos(angle)), mul(abs, sin(angle))];
}

/**
 * A complex value as one real tensor with a last axis of 2, [..., 2] (keras.ops.view_as_real).
 *
 * @example
 * ops.viewAsReal([tensor([1, -3]), tensor([2, 0.5])]);   // [[1, 2], [-3, 0.5]]
 */
export function viewAsReal(x: ComplexPair): Tensor {
  const [re, im] = checkComplexPair('viewAsReal', x, 0);
  return stack([re, im], -1);
}

/**
 * A real tensor with a last axis of 2 as the complex pair it holds (keras.ops.view_as_complex).
 *
 * @example
 * ops.viewAsComplex(tensor([[1, 2], [3, 4]]));   // [[1, 3], [2, 4]]
 */
export function viewAsComplex(x: Tensor): [Tensor, Tensor] {
  checkTensor('viewAsComplex', x);
  if (x.rank === 0 || x.shape[x.rank - 1] !== 2) {
    throw new Error(`viewAsComplex: expected a tensor whose last axis has size 2 (real and imaginary parts), got shape [${x.shape.join(',')}].`);
  }
  if (x.dtype !== 'float32') throw new Error(`viewAsComplex: expected a float32 tensor, got ${describeValue(x)}.`);
  const part = (k: number) => tidy(() => squeeze(slice(x, x.shape.map((_, d) => (d === x.rank - 1 ? k : 0)), x.shape.map((n, d) => (d === x.rank - 1 ? 1 : n))), -1));
  return [part(0), part(1)];
}
