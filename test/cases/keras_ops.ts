// GPU-versus-CPU cases for the ops added for keras.ops whose kernels are their own WGSL (the i32
// integer ops, the special functions, searchsorted, the segment reductions, the batched linear
// algebra, the hashing of Keras's Hashing layers, max pooling's second-order gradient) and for a
// few others (window functions, fft, rearrange, NaN reductions), so that the browser suite
// compiles and checks them in Chromium's WebGPU too.

import { GradientTape, ops, tensor } from '../../src/index';
import { crossHashed, hashToBuckets } from '../../src/ops/hashing';
import type { Tensor } from '../../src/tensor/tensor';
import type { OpCase } from './case';
import { rand } from './data';

/** A batch of symmetric positive-definite matrices: a·aᵀ + n·I. */
function spd(batch: number, n: number): Tensor {
  const a = rand([batch, n, n]);
  return ops.add(ops.matmul(a, a, { transposeB: true }), ops.mul(ops.eye(n), n));
}

const ints = (shape: number[], low: number, high: number, seed?: number) => rand(shape, { low, high, int: true, seed });

export const kerasOpCases: OpCase[] = [
  { name: 'gcd and lcm of int32 [4,5]', run: () => [ops.gcd(ints([4, 5], -50, 50, 1), ints([4, 5], -30, 30, 2)), ops.lcm(ints([4, 5], -20, 20, 3), ints([4, 5], 1, 12, 4))] },
  { name: 'bitwise and/or/xor/not and shifts of int32 [3,7]', run: () => {
    const [a, b] = [ints([3, 7], -1000, 1000, 5), ints([3, 7], 0, 40, 6)];
    return [ops.bitwiseAnd(a, b), ops.bitwiseOr(a, b), ops.bitwiseXor(a, b), ops.bitwiseNot(a), ops.leftShift(a, b), ops.rightShift(a, b)];
  } },
  { name: 'cbrt erfc erfinv sinc i0 [5,6]', run: () => {
    const x = rand([5, 6], { low: -0.99, high: 0.99 });
    return [ops.cbrt(x), ops.erfc(x), ops.erfinv(x), ops.sinc(x), ops.i0(ops.mul(x, 5))];
  }, rtol: 2e-5, atol: 1e-5 },
  { name: 'gammainc fmod fmax logaddexp2 nextafter [4,4]', run: () => {
    const [a, b] = [rand([4, 4], { low: 0.1, high: 4 }), rand([4, 4], { low: 0.1, high: 4 })];
    return [ops.gammainc(a, b), ops.fmod(ops.mul(a, 3), b), ops.fmax(a, b), ops.logaddexp2(a, b), ops.nextafter(a, b)];
  }, rtol: 5e-5, atol: 1e-6 },
  { name: 'searchsorted left and right, digitize [20] in [9]', run: () => {
    const sorted = ops.sort(rand([9], { low: -2, high: 2 }));
    const values = rand([20], { low: -3, high: 3 });
    return [ops.searchsorted(sorted, values), ops.searchsorted(sorted, values, 'right'), ops.digitize(values, sorted)];
  } },
  { name: 'window functions of 7 and 12 points', run: () => [ops.hamming(7), ops.hanning(12), ops.blackman(7), ops.bartlett(12), ops.kaiser(7, 5)] },
  { name: 'segment sum/max/min/prod of [10,3] into 4', run: () => {
    const [data, ids] = [rand([10, 3]), ints([10], 0, 4, 7)];
    return [ops.segmentSum(data, ids, 4), ops.segmentMax(data, ids, 4), ops.segmentMin(data, ids, 4), ops.segmentProd(data, ids, 4)];
  } },
  { name: 'inv det solve of 3 SPD [5,5]', run: () => {
    const a = spd(3, 5);
    return [ops.inv(a), ops.det(a), ops.solve(a, rand([3, 5, 2]))];
  }, rtol: 1e-4, atol: 1e-5 },
  { name: 'cholesky, eigh eigenvalues, singular values and R of qr of [2,4,4]', run: () => {
    const a = spd(2, 4);
    const [q, r] = ops.qr(rand([2, 4, 3]));
    return [ops.cholesky(a), ops.eigh(a)[0], ops.svd(rand([2, 4, 3]), { computeUv: false }), ops.abs(r), ops.matmul(q, r)];
  }, rtol: 1e-4, atol: 2e-5 },
  { name: 'rfft of [3,16] and rearrange (h w) c', run: () => [...ops.rfft(rand([3, 16])), ops.rearrange(rand([2, 4, 6, 3]), 'b h w c -> b (h w) c')], rtol: 1e-4, atol: 1e-5 },
  { name: 'nanmean nanmax nanquantile over [4,6] with NaN', run: () => {
    const x = ops.where(ops.greater(rand([4, 6], { seed: 8 }), 0.6), NaN, rand([4, 6], { seed: 9 }));
    return [ops.nanmean(x, 1), ops.nanmax(x, 0), ops.nanquantile(x, 0.3, 1)];
  } },
  { name: 'hash buckets of int32 (FarmHash64 of the decimal digits; SipHash-2-4 with a salt) and hashed crosses', run: () => {
    const values = tensor([0, 7, -7, 12345, -2147483648, 2147483647, 999999999, -1000000000], [8], 'int32');
    return [hashToBuckets(values, 1000), hashToBuckets(values, 2147483647, [133, 2 ** 40 + 5]), crossHashed([values, ops.flip(values, 0)], 97)];
  }, rtol: 0, atol: 0 },
  { name: "max pooling's second-order gradient (its backward's gradient, at the arg-maxes)", run: () => {
    const x = rand([1, 4, 4, 2], { seed: 21 });
    const outer = new GradientTape();
    outer.watch(x);
    const penalty = outer.record(() => {
      const inner = new GradientTape();
      inner.watch(x);
      const pooled = inner.record(() => ops.sum(ops.square(ops.maxPool(x, 2))));
      return ops.sum(ops.square(inner.gradient(pooled, x)!));
    });
    return outer.gradient(penalty, x)!;
  } },
];
