// The element-wise math ops of keras.ops added to src/ops/elementwise.ts (cbrt, erfc, erfinv,
// sinc, i0, fmod, fmax, fmin, heaviside, ldexp, logaddexp2, nextafter, gammainc, gcd, lcm, the
// bitwise ops and shifts, the isneginf / isposinf / isreal tests, saturateCast, ...) on both
// backends against Keras 3.16's values, their dtypes, gradients by finite differences, memory,
// and the errors users meet.

import { describe, expect, it } from 'vitest';
import { Input, Model, memory, ops, tensor, type Tensor } from '../../src/node';
import { gradCheck } from '../autograd/gradcheck';
import { expectTensorClose, onBothBackends, settleGarbage, useWebGPU } from '../helpers';

useWebGPU();

const int32 = (list: number[]) => tensor(list, [list.length], 'int32');
const float32 = (list: number[]) => tensor(list, [list.length]);

async function expectExact(result: Tensor, dtype: 'int32' | 'float32', expected: number[]): Promise<void> {
  expect(result.dtype).toBe(dtype);
  expect(await result.array()).toEqual(expected);
}

describe('unary special functions (values from Keras 3.16, NumPy backend)', () => {
  it('cbrt, erfc, erfinv', onBothBackends(async () => {
    await expectTensorClose(ops.cbrt(float32([8, -27, 0.5, 1e-30, -1000, 3])), [2, -3, 0.7937005162239075, 1e-10, -10, 1.4422496557235718], 2e-7, 0);
    await expectTensorClose(ops.cbrt(float32([0, Infinity, -Infinity, NaN])), [0, Infinity, -Infinity, NaN]);
    // The tail keeps its relative accuracy: erfc(9) is 4e-37, where 1 - erf(9) rounds to 0.
    await expectTensorClose(
      ops.erfc(float32([-3, -1, 0, 0.5, 1, 3, 5, 9])),
      [1.999977946281433, 1.8427008390426636, 1, 0.4795001149177551, 0.15729920566082, 2.2090496713644825e-5, 1.5374598295869735e-12, 4.137031708073991e-37],
      1e-6, 0,
    );
    await expectTensorClose(
      ops.erfinv(float32([-0.9, 0, 0.5, 0.999, 0.9999999, 1e-3, -0.3])),
      [-1.1630871295928955, 0, 0.4769362807273865, 2.326756238937378, 3.7439212799072266, 0.0008862271788530052, -0.27246272563934326],
      2e-6, 0,
    );
    await expectTensorClose(ops.erfinv(float32([-1, 1, 1.5, NaN])), [-Infinity, Infinity, NaN, NaN]);
  }));

  it('sinc, i0, deg2rad, rad2deg, fabs', onBothBackends(async () => {
    await expectTensorClose(
      ops.sinc(float32([0, 0.5, -0.5, 1.5, 2.25, -3.3, 100.5])),
      [1, 0.6366197466850281, 0.6366197466850281, -0.21220658719539642, 0.10003514587879181, -0.07803580909967422, 0.0031672625336796045],
      1e-5, 1e-7,
    );
    // Keras's sinc(1) is -2.8e-8 (sin of float32 pi); the reduced argument gives 0 here.
    await expectTensorClose(ops.sinc(int32([1, -2])), [0, 0], 0, 1e-7);
    // i0(90) from scipy in float64: Keras's float32 gives Infinity there, as its exp(90) overflows.
    // WGSL allows exp an error of 3 + 2|x| ulp, hence the tolerance at large x.
    await expectTensorClose(
      ops.i0(float32([0, 0.5, -1, 3.75, 4, -10, 20, 90, 95])),
      [1, 1.063483476638794, 1.266066074371338, 9.11894702911377, 11.301920890808105, 2815.716796875, 43558280, 5.139238345508664e37, Infinity],
      2e-5, 0,
    );
    const degrees = ops.deg2rad(int32([180, -90, 45]));
    expect(degrees.dtype).toBe('float32');
    await expectTensorClose(degrees, [3.1415927410125732, -1.5707963705062866, 0.7853981852531433]);
    await expectTensorClose(ops.rad2deg(float32([Math.PI, -1, 0.5])), [180, -57.2957763671875, 28.64788818359375]);
    await expectExact(ops.fabs(int32([-2, 3])), 'float32', [2, 3]);
    await expectExact(ops.fabs(float32([-2.5, 3])), 'float32', [2.5, 3]);
  }));

  it('isneginf, isposinf, isreal give int32 (Keras bool)', onBothBackends(async () => {
    const special = float32([-Infinity, Infinity, NaN, -1, 0]);
    await expectExact(ops.isneginf(special), 'int32', [1, 0, 0, 0, 0]);
    await expectExact(ops.isposinf(special), 'int32', [0, 1, 0, 0, 0]);
    await expectExact(ops.isreal(special), 'int32', [1, 1, 1, 1, 1]);
    await expectExact(ops.isneginf(int32([-5])), 'int32', [0]);
  }));
});

describe('binary float ops (values from Keras 3.16)', () => {
  it('fmod: exact C remainder with the sign of the dividend', onBothBackends(async () => {
    await expectTensorClose(
      ops.fmod(float32([7.5, -7.5, 1e10, -1e10, 5.5, 1e-3]), float32([2, 2, 3, 7, -0.25, 1e-4])),
      [1.5, -1.5, 1, -4, 0, 7.275957614183426e-11], 1e-6, 0,
    );
    await expectTensorClose(ops.fmod(float32([1, Infinity, 1, NaN]), float32([Infinity, 2, 0, 2])), [1, NaN, NaN, NaN]);
    // Near float32's maximum, with the divisor's mantissa above the dividend's (Keras 3.16 values).
    await expectTensorClose(ops.fmod(float32([3e38, 3.4e38]), float32([0.75, 3])), [0.5, 2], 0, 0);
    expect(Object.is((await ops.fmod(float32([-6]), 3).data())[0], -0)).toBe(true);
  }));

  it('fmax and fmin ignore NaN; heaviside', onBothBackends(async () => {
    await expectTensorClose(ops.fmax(float32([NaN, 1, NaN, -3]), float32([2, NaN, NaN, 4])), [2, 1, NaN, 4]);
    await expectTensorClose(ops.fmin(float32([NaN, 1, NaN, -3]), float32([2, NaN, NaN, 4])), [2, 1, NaN, -3]);
    await expectTensorClose(ops.fmax(float32([NaN, 1]), 0.5), [0.5, 1]);
    await expectTensorClose(ops.heaviside(float32([-1, 0, 2, NaN, 0, -Infinity]), float32([0.5, 0.5, 0.5, 0.5, NaN, 0.5])), [0, 0.5, 1, NaN, NaN, 0]);
    await expectExact(ops.heaviside(int32([-1, 0, 3]), 2), 'float32', [0, 2, 1]);
  }));

  it('ldexp, logaddexp2, nextafter', onBothBackends(async () => {
    await expectTensorClose(ops.ldexp(float32([1, 3, 1e-30, 5, -1.5, 0.7]), int32([130, -2, 120, -200, 3, -1])), [Infinity, 0.75, 1329228, 0, -12, 0.3499999940395355]);
    await expectExact(ops.ldexp(int32([1, -2, 3]), 2), 'float32', [4, -8, 12]);
    await expectTensorClose(ops.ldexp(float32([0, 1e-30]), 100000), [0, Infinity]);
    await expectTensorClose(
      ops.logaddexp2(float32([1, -3, 1000, 0.5, -100, -Infinity]), float32([1, 2, 999, -0.25, -101, -Infinity])),
      [2, 2.044394016265869, 1000.5849609375, 1.1731977462768555, -99.4150390625, -Infinity],
    );
    // Keras: [1.0000001, 0.99999994, 3.4028235e38, 1.4e-45, NaN, 7.9999995, -26.999998].
    const next = await ops.nextafter(float32([1, 1, Infinity, 0, NaN, 8, -27]), float32([2, 0, 0, 1, 1, 2, 0])).data();
    expect([...next]).toEqual([1.0000001192092896, 0.9999999403953552, 3.4028234663852886e38, 1.401298464324817e-45, NaN, 7.999999523162842, -26.999998092651367]);
    await expectExact(ops.nextafter(int32([3]), 3), 'float32', [3]);
  }));

  it('gammainc matches scipy (Keras NumPy backend)', onBothBackends(async () => {
    await expectTensorClose(
      ops.gammainc(float32([0.5, 1, 2, 5, 10, 0.1, 30, 100, 2, 3.5, 1000, 0.01]), float32([0.3, 1, 3, 2, 12, 5, 25, 110, 1e-6, 40, 1010, 0.001])),
      [
        0.5614219903945923, 0.6321205496788025, 0.8008517026901245, 0.05265301838517189, 0.7576078176498413, 0.9998560547828674,
        0.18210391700267792, 0.8417213559150696, 4.999996727414469e-13, 1, 0.62767893, 0.93857068,
      ],
      2e-5, 0,
    );
    await expectTensorClose(ops.gammainc(float32([0, 0, -1, 1, 2, 3]), float32([0, 2, 1, -1, Infinity, 0])), [NaN, 1, NaN, NaN, 1, 0]);
  }));
});

describe('int32 ops, exact over the whole range (values from Keras 3.16)', () => {
  it('gcd and lcm', onBothBackends(async () => {
    await expectExact(
      ops.gcd(int32([-4, 0, 0, 12, -(2 ** 31), 7, 2 ** 31 - 1, 1836311903]), int32([6, 0, 5, -18, 6, 0, 2 ** 31 - 1, 1134903170])),
      'int32', [2, 0, 5, 6, 2, 7, 2147483647, 1],
    );
    await expectExact(ops.lcm(int32([-4, 0, 4, 12, 7, 46341, 65536]), int32([6, 0, 0, -18, 3, 46341, 65537])), 'int32', [12, 0, 0, 36, 21, 46341, 65536]);
    await expectExact(ops.gcd(int32([12, 18]), 8), 'int32', [4, 2]);
  }));

  it('bitwise and, or, xor, not', onBothBackends(async () => {
    await expectExact(
      ops.bitwiseAnd(int32([2 ** 31 - 1, -(2 ** 31), -1, 12345678, 2 ** 30 + 3]), int32([-1, -1, 12345678, -12345679, 2 ** 30 + 5])),
      'int32', [2147483647, -2147483648, 12345678, 0, 1073741825],
    );
    await expectExact(ops.bitwiseOr(int32([2 ** 31 - 1, -(2 ** 31), 5, 2 ** 30]), int32([-(2 ** 31), 2 ** 31 - 1, 2 ** 30, 2 ** 29])), 'int32', [-1, -1, 1073741829, 1610612736]);
    await expectExact(ops.bitwiseXor(int32([2 ** 31 - 1, -(2 ** 31), -1, 16777217]), int32([-(2 ** 31), 2 ** 31 - 1, 16777217, 1])), 'int32', [-1, -1, -16777218, 16777216]);
    // A number beyond 2^24 stays exact (it travels as an int32 tensor, not a float32 uniform).
    await expectExact(ops.bitwiseXor(int32([0, 1]), 16777217), 'int32', [16777217, 16777216]);
    await expectExact(ops.bitwiseNot(int32([0, -1, 2 ** 31 - 1, -(2 ** 31), 16777217])), 'int32', [-1, 0, -2147483648, 2147483647, -16777218]);
    await expectExact(ops.bitwiseInvert(int32([5])), 'int32', [-6]);
  }));

  it('shifts: NumPy results for amounts outside [0, 31]', onBothBackends(async () => {
    await expectExact(ops.bitwiseLeftShift(int32([1, 1, 1, -1, 5, 16777217, 3]), int32([31, 32, 40, 3, 0, -1, 30])), 'int32', [-2147483648, 0, 0, -8, 5, 0, -1073741824]);
    await expectExact(ops.bitwiseRightShift(int32([-8, -8, 8, -1, 2 ** 31 - 1, 8, -8]), int32([1, 32, 33, 40, 30, -1, -1])), 'int32', [-4, -1, 0, -1, 1, 0, -1]);
    await expectExact(ops.leftShift(int32([1, 3]), 4), 'int32', [16, 48]);
    await expectExact(ops.rightShift(int32([-16, 16]), 2), 'int32', [-4, 4]);
  }));

  it('fmod, fmax, fmin keep int32', onBothBackends(async () => {
    await expectExact(ops.fmod(int32([7, -7, 7, -7, 5, 2 ** 31 - 1, -(2 ** 31)]), int32([3, 3, -3, -3, 0, 16777216, -1])), 'int32', [1, -1, 1, -1, 0, 16777215, 0]);
    await expectExact(ops.fmax(int32([16777217, -(2 ** 31)]), int32([16777216, 2 ** 31 - 1])), 'int32', [16777217, 2147483647]);
    await expectExact(ops.fmin(int32([16777217, -(2 ** 31)]), int32([16777216, 2 ** 31 - 1])), 'int32', [16777216, -2147483648]);
    await expectExact(ops.fmod(int32([7, -7]), 2.5), 'float32', [2, -2]);
  }));

  // Keras 3.15.1, KERAS_BACKEND=jax: ops.saturate_cast(np.array([1e10, -1e10, 3.9, -3.9, 2.5e9, inf,
  // -inf, nan, 2147483520, -2147483648], np.float32), 'int32') -> [2147483647, -2147483648, 3, -3,
  // 2147483647, 2147483647, -2147483648, 0, 2147483520, -2147483648];
  // ops.saturate_cast(np.array([-2, -0.5, 0, 0.25, 1, 3, nan, inf, -inf], np.float32), 'bool')
  // -> [F, F, F, T, T, T, T, T, F]; ops.saturate_cast(np.array([-2, 0, 1, 5], np.int32), 'bool') -> [F, F, T, T]
  it('saturateCast clips float32 to int32 and bool as Keras does', onBothBackends(async () => {
    await expectExact(
      ops.saturateCast(float32([1e10, -1e10, 3.9, -3.9, 2.5e9, Infinity, -Infinity, NaN, 2147483520, -2147483648]), 'int32'),
      'int32', [2147483647, -2147483648, 3, -3, 2147483647, 2147483647, -2147483648, 0, 2147483520, -2147483648],
    );
    await expectExact(ops.saturateCast(float32([-2, -0.5, 0, 0.25, 1, 3, NaN, Infinity, -Infinity]), 'bool'), 'int32', [0, 0, 0, 1, 1, 1, 1, 1, 0]);
    await expectExact(ops.saturateCast(int32([-2, 0, 1, 5]), 'bool'), 'int32', [0, 0, 1, 1]);
    await expectExact(ops.saturateCast(int32([300, -5]), 'float32'), 'float32', [300, -5]);
    await expectExact(ops.saturateCast(int32([7]), 'int32'), 'int32', [7]);
  }));
});

describe('gradients (tape on WebGPU against finite differences on the CPU)', () => {
  const unaryCases: Array<[string, (x: Tensor) => Tensor, number, number]> = [
    ['cbrt', ops.cbrt, 0.5, 2],
    ['erfc', ops.erfc, -1.5, 1.5],
    ['erfinv', ops.erfinv, -0.8, 0.8],
    ['sinc', ops.sinc, -1.5, 1.5],
    ['i0', ops.i0, -5, 5],
    ['deg2rad', ops.deg2rad, -90, 90],
  ];
  for (const [name, op, low, high] of unaryCases) {
    it(name, async () => {
      const result = await gradCheck(op, [[5]], { low, high, eps: 1e-3 });
      expect(result.message).toBe('ok');
    });
  }

  it('sinc at 0', async () => {
    expect((await gradCheck(ops.sinc, [[3]], { values: [[0, 0.25, -0.25]], eps: 1e-3 })).message).toBe('ok');
  });

  it('fmod, fmax, fmin, logaddexp2', async () => {
    // Operands kept away from fmod's jumps and from fmax / fmin ties.
    const values = [[1.3, -2.7, 3.1, -0.4], [0.7, 1.1, -0.9, 2.3]];
    for (const op of [ops.fmod, ops.fmax, ops.fmin, ops.logaddexp2]) {
      expect((await gradCheck(op, [[4], [4]], { values, eps: 1e-3 })).message).toBe('ok');
    }
  });

  it('fmax and fmin send the gradient past a NaN operand to the other', async () => {
    expect((await gradCheck((a) => ops.fmax(a, float32([NaN, 0])), [[2]], { values: [[0.3, 0.5]] })).message).toBe('ok');
    expect((await gradCheck((b) => ops.fmin(float32([NaN, 1]), b), [[2]], { values: [[0.3, 0.5]] })).message).toBe('ok');
  });

  it('ldexp in x; gammainc in x only', async () => {
    expect((await gradCheck((x) => ops.ldexp(x, int32([3, -2, 0])), [[3]])).message).toBe('ok');
    // a = 20 takes the Stirling branch of the GPU's prefactor.
    expect((await gradCheck((x) => ops.gammainc(float32([0.5, 2, 5, 20]), x), [[4]], { values: [[0.7, 2.5, 3.9, 18.5]], eps: 1e-3 })).message).toBe('ok');
  });
});

describe('dtypes, memory and errors', () => {
  it('int32 inputs follow Keras: float32 results for the float functions', onBothBackends(async () => {
    for (const op of [ops.cbrt, ops.erfc, ops.erfinv, ops.sinc, ops.i0, ops.rad2deg]) expect(op(int32([1])).dtype).toBe('float32');
    for (const op of [ops.logaddexp2, ops.nextafter, ops.gammainc, ops.heaviside]) expect(op(int32([1]), int32([2])).dtype).toBe('float32');
  }));

  it('frees every intermediate', onBothBackends(async () => {
    const [x, y] = [int32([1, 2, 3]), float32([2.5])];
    await settleGarbage();
    const before = memory().liveTensors;
    const results = [ops.fabs(x), ops.bitwiseAnd(x, 2 ** 30 + 1), ops.gcd(2 ** 25, x), ops.ldexp(y, 5), ops.saturateCast(y, 'int32')];
    expect(memory().liveTensors).toBe(before + results.length);
    for (const t of [...results, x, y]) t.dispose();
  }));

  it('works between layers on symbolic tensors', async () => {
    const x = Input({ shape: [3] });
    const model = new Model({ inputs: x, outputs: ops.fmod(ops.cbrt(x), 1.5) });
    await expectTensorClose((await model.predict(tensor([[8, -27, 64]]))) as Tensor, [0.5, -0, 1], 1e-6, 1e-6);
  });

  it('rejects non-integer operands of the integer ops, and bad dtypes', () => {
    expect(() => ops.bitwiseAnd(float32([1, 2, 3]), int32([1]))).toThrow("bitwiseAnd: expected int32 operands (an int32 tensor or an integer), got a float32 tensor of shape [3]; cast it with ops.cast(x, 'int32').");
    expect(() => ops.gcd(int32([4]), 1.5)).toThrow('gcd: expected int32 operands (an int32 tensor or an integer), got the number 1.5.');
    expect(() => ops.leftShift(int32([4]), 2 ** 40)).toThrow('bitwiseLeftShift: expected int32 operands (an int32 tensor or an integer), got the number 1099511627776.');
    expect(() => ops.bitwiseNot(float32([1]))).toThrow('bitwiseNot: expected int32 operands');
    expect(() => ops.ldexp(float32([1]), float32([2]))).toThrow('ldexp: expected int32 operands (an int32 tensor or an integer), got a float32 tensor of shape [1]');
    expect(() => ops.ldexp(float32([1]), 0.5)).toThrow('ldexp: expected int32 operands');
    expect(() => ops.saturateCast(float32([1]), 'uint8' as 'int32')).toThrow("saturateCast: unknown dtype 'uint8'. Expected 'float32' or 'int32'.");
    expect(() => ops.fmod(float32([1, 2]), float32([1, 2, 3]))).toThrow('fmod: shapes [2] and [3] cannot be broadcast together');
    expect(() => ops.cbrt([1, 2] as unknown as Tensor)).toThrow('cbrt: expected a Tensor, got an array (wrap it with tensor(...)).');
  });
});
