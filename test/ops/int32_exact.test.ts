// int32 arithmetic is exact over the whole int32 range, wrapping on overflow (two's complement, as
// NumPy's int32): element-wise ops, number operands beyond 2^24, reductions, scans, segment
// reductions, sorting and copies, on the GPU and on the CPU. The reference is BigInt math wrapped
// to 32 bits with BigInt.asIntN, independent of both backends.

import { describe, expect, it } from 'vitest';
import { ops, tensor, type Tensor } from '../../src/node';
import { onBothBackends, useWebGPU, valuesOf } from '../helpers';

useWebGPU();

const INT32_MIN = -(2 ** 31);
const INT32_MAX = 2 ** 31 - 1;

/** Values where float32 math would round or overflow: near ±2^31, just past 2^24, and squares past 2^31. */
const EDGES = [INT32_MIN, INT32_MIN + 1, -(2 ** 30) - 3, -(2 ** 24) - 1, -46341, -7, -1, 0, 1, 3, 46341, 2 ** 24, 2 ** 24 + 1, 2 ** 24 + 3, INT32_MAX - 1, INT32_MAX];

const int32 = (values: readonly number[], shape = [values.length]): Tensor => tensor(values, shape, 'int32');
const wrap = (v: bigint): number => Number(BigInt.asIntN(32, v));

/** Every (a, b) pair of EDGES through f, in the row-major order of a [16, 1] x [1, 16] broadcast. */
function pairwise(f: (a: bigint, b: bigint) => bigint | boolean): number[] {
  return EDGES.flatMap((a) => EDGES.map((b) => {
    const r = f(BigInt(a), BigInt(b));
    return typeof r === 'boolean' ? Number(r) : wrap(r);
  }));
}

/** base ** exponent wrapped to int32, by repeated squaring in BigInt; a negative exponent truncates 1 / base^|exponent|. */
function wrappedPower(base: bigint, exponent: bigint): bigint {
  if (exponent < 0n) return base === 1n ? 1n : base === -1n ? (exponent % 2n === 0n ? 1n : -1n) : 0n;
  let result = 1n;
  let factor = base;
  for (let e = exponent; e > 0n; e >>= 1n) {
    if (e & 1n) result = BigInt.asIntN(32, result * factor);
    factor = BigInt.asIntN(32, factor * factor);
  }
  return result;
}

/** Floor division and modulo as NumPy's int32 (0 for a division by 0). */
const floorDivide = (a: bigint, b: bigint): bigint => (b === 0n ? 0n : a / b - (a % b !== 0n && (a < 0n) !== (b < 0n) ? 1n : 0n));
const floorMod = (a: bigint, b: bigint): bigint => (b === 0n ? 0n : a - floorDivide(a, b) * b);

const BINARY: Array<[string, (a: Tensor | number, b: Tensor | number) => Tensor, (a: bigint, b: bigint) => bigint | boolean]> = [
  ['add', ops.add, (a, b) => a + b],
  ['sub', ops.sub, (a, b) => a - b],
  ['mul', ops.mul, (a, b) => a * b],
  ['maximum', ops.maximum, (a, b) => (a > b ? a : b)],
  ['minimum', ops.minimum, (a, b) => (a < b ? a : b)],
  ['squaredDifference', ops.squaredDifference, (a, b) => (a - b) * (a - b)],
  ['floorDivide', ops.floorDivide, floorDivide],
  ['mod', ops.mod, floorMod],
  ['equal', ops.equal, (a, b) => a === b],
  ['notEqual', ops.notEqual, (a, b) => a !== b],
  ['greater', ops.greater, (a, b) => a > b],
  ['greaterEqual', ops.greaterEqual, (a, b) => a >= b],
  ['less', ops.less, (a, b) => a < b],
  ['lessEqual', ops.lessEqual, (a, b) => a <= b],
];

describe('element-wise binary ops on int32 operands', () => {
  it('compute every pair of edge values exactly, wrapping, with int32 results', onBothBackends(async () => {
    const a = int32(EDGES, [EDGES.length, 1]);
    const b = int32(EDGES, [1, EDGES.length]);
    for (const [name, op, reference] of BINARY) {
      const y = op(a, b);
      expect(y.dtype, name).toBe('int32');
      expect(await valuesOf(y), name).toEqual(pairwise(reference));
    }
  }));

  it('pow with int32 exponents: repeated squaring, wrapping; negative exponents truncate', onBothBackends(async () => {
    const exponents = [0, 1, 2, 3, 5, 31, 32, INT32_MAX, -1, -2];
    const bases = [INT32_MIN, -(2 ** 24) - 1, -3, -1, 0, 1, 2, 3, 46341, INT32_MAX];
    const y = ops.pow(int32(bases, [bases.length, 1]), int32(exponents, [1, exponents.length]));
    expect(y.dtype).toBe('int32');
    expect(await valuesOf(y)).toEqual(bases.flatMap((base) => exponents.map((e) => Number(wrappedPower(BigInt(base), BigInt(e))))));
  }));

  it('integer numbers beyond 2^24 reach the kernel exactly, on either side', onBothBackends(async () => {
    const x = int32([0, 1, -1, 2 ** 24, INT32_MAX]);
    const big = 2 ** 24 + 1;
    const expectOp = async (y: Tensor, f: (v: bigint) => bigint | boolean) => {
      expect(y.dtype).toBe('int32');
      expect(await valuesOf(y)).toEqual([0, 1, -1, 2 ** 24, INT32_MAX].map((v) => {
        const r = f(BigInt(v));
        return typeof r === 'boolean' ? Number(r) : wrap(r);
      }));
    };
    await expectOp(ops.add(x, big), (v) => v + BigInt(big));
    await expectOp(ops.sub(big, x), (v) => BigInt(big) - v);
    await expectOp(ops.mul(x, INT32_MAX), (v) => v * BigInt(INT32_MAX));
    await expectOp(ops.equal(x, 2 ** 24), (v) => v === 2n ** 24n);
    await expectOp(ops.less(x, big), (v) => v < BigInt(big));
    await expectOp(ops.maximum(INT32_MIN + 1, x), (v) => (v > BigInt(INT32_MIN + 1) ? v : BigInt(INT32_MIN + 1)));
    expect(await valuesOf(ops.add(2 ** 30, 2 ** 30 + 5))).toEqual([wrap(2n ** 31n + 5n)]);
  }));

  it('comparisons with integers beyond the int32 range hold for every int32', onBothBackends(async () => {
    const x = int32([INT32_MAX, INT32_MAX - 1, 0, INT32_MIN + 1, INT32_MIN]);
    expect(await valuesOf(ops.less(x, 2 ** 31))).toEqual([1, 1, 1, 1, 1]);
    expect(await valuesOf(ops.equal(x, 2 ** 31 + 1))).toEqual([0, 0, 0, 0, 0]);
    expect(await valuesOf(ops.greater(x, -(2 ** 31) - 1))).toEqual([1, 1, 1, 1, 1]);
    expect(await valuesOf(ops.lessEqual(-(2 ** 31) - 100, x))).toEqual([1, 1, 1, 1, 1]);
  }));
});

describe('element-wise unary ops on int32', () => {
  it('neg, abs, square, sign, relu, relu6, clip, trunc and round stay exact and int32', onBothBackends(async () => {
    const x = int32(EDGES);
    const expectUnary = async (y: Tensor, f: (v: bigint) => bigint) => {
      expect(y.dtype).toBe('int32');
      expect(await valuesOf(y)).toEqual(EDGES.map((v) => wrap(f(BigInt(v)))));
    };
    const clamp = (v: bigint, lo: bigint, hi: bigint) => (v < lo ? lo : v > hi ? hi : v);
    await expectUnary(ops.neg(x), (v) => -v);
    await expectUnary(ops.abs(x), (v) => (v < 0n ? -v : v));
    await expectUnary(ops.square(x), (v) => v * v);
    await expectUnary(ops.sign(x), (v) => (v > 0n ? 1n : v < 0n ? -1n : 0n));
    await expectUnary(ops.relu(x), (v) => (v > 0n ? v : 0n));
    await expectUnary(ops.relu6(x), (v) => clamp(v, 0n, 6n));
    await expectUnary(ops.clip(x, -(2 ** 24) - 1, 2 ** 24 + 1), (v) => clamp(v, -(2n ** 24n) - 1n, 2n ** 24n + 1n));
    // Bounds beyond int32 and fractional ones: as clipping in float64, then truncating.
    await expectUnary(ops.clip(x, -Infinity, 2.5), (v) => clamp(v, v, 2n));
    await expectUnary(ops.clip(x, -0.5, 1e12), (v) => clamp(v, 0n, v));
    await expectUnary(ops.trunc(x), (v) => v);
    await expectUnary(ops.round(x), (v) => v);
  }));

  it('cast to int32, where, saturateCast and bitwiseNot copy int32 words unchanged', onBothBackends(async () => {
    const x = int32(EDGES);
    expect(await valuesOf(ops.cast(x, 'int32'))).toEqual(EDGES);
    expect(await valuesOf(ops.saturateCast(x, 'int32'))).toEqual(EDGES);
    const condition = int32(EDGES.map((_, i) => i % 2));
    const reversed = int32([...EDGES].reverse());
    expect(await valuesOf(ops.where(condition, x, reversed))).toEqual(EDGES.map((v, i) => (i % 2 ? v : EDGES[EDGES.length - 1 - i])));
    expect(await valuesOf(ops.where(condition, x, INT32_MAX - 2))).toEqual(EDGES.map((v, i) => (i % 2 ? v : INT32_MAX - 2)));
    expect(await valuesOf(ops.bitwiseNot(x))).toEqual(EDGES.map((v) => wrap(-BigInt(v) - 1n)));
  }));
});

describe('reductions, scans, segments and sorting of int32', () => {
  const rows = [
    [INT32_MAX, 1, 2 ** 24 + 1, -3],
    [2 ** 24 + 1, 2 ** 24, -(2 ** 24) - 1, 2 ** 24 + 3],
    [46341, 46341, -7, INT32_MIN + 1],
  ];
  const flat = rows.flat();
  const big = (values: number[]) => values.map(BigInt);
  const foldRow = (f: (acc: bigint, v: bigint) => bigint, start: bigint) => rows.map((r) => wrap(big(r).reduce((acc, v) => BigInt.asIntN(32, f(acc, v)), start)));

  it('sum, prod, max, min, argMax and argMin along rows', onBothBackends(async () => {
    const x = int32(flat, [3, 4]);
    expect(await valuesOf(ops.sum(x, 1))).toEqual(foldRow((a, v) => a + v, 0n));
    expect(await valuesOf(ops.prod(x, 1))).toEqual(foldRow((a, v) => a * v, 1n));
    expect(await valuesOf(ops.max(x, 1))).toEqual(rows.map((r) => Math.max(...r)));
    expect(await valuesOf(ops.min(x, 1))).toEqual(rows.map((r) => Math.min(...r)));
    // 2^24 + 1 and 2^24 + 3 round to 2^24 and 2^24 + 4 in float32: the arg ops must tell them apart.
    expect(await valuesOf(ops.argMax(x, 1))).toEqual(rows.map((r) => r.indexOf(Math.max(...r))));
    expect(await valuesOf(ops.argMin(x, 1))).toEqual(rows.map((r) => r.indexOf(Math.min(...r))));
  }));

  it('cumsum and cumprod along rows wrap exactly', onBothBackends(async () => {
    const x = int32(flat, [3, 4]);
    const running = (f: (acc: bigint, v: bigint) => bigint, start: bigint) => rows.flatMap((r) => {
      let acc = start;
      return big(r).map((v) => wrap((acc = BigInt.asIntN(32, f(acc, v)))));
    });
    expect(await valuesOf(ops.cumsum(x, 1))).toEqual(running((a, v) => a + v, 0n));
    expect(await valuesOf(ops.cumprod(x, 1))).toEqual(running((a, v) => a * v, 1n));
  }));

  it('segment sum, max, min and prod', onBothBackends(async () => {
    const x = int32(flat);
    const ids = [0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2];
    expect(await valuesOf(ops.segmentSum(x, ids, 3))).toEqual(foldRow((a, v) => a + v, 0n));
    expect(await valuesOf(ops.segmentProd(x, ids, 3))).toEqual(foldRow((a, v) => a * v, 1n));
    expect(await valuesOf(ops.segmentMax(x, ids, 3))).toEqual(rows.map((r) => Math.max(...r)));
    expect(await valuesOf(ops.segmentMin(x, ids, 3))).toEqual(rows.map((r) => Math.min(...r)));
  }));

  it('sort, argsort and topK order values that float32 would merge', onBothBackends(async () => {
    const values = [2 ** 24 + 3, 2 ** 24 + 1, INT32_MAX, 2 ** 24, INT32_MAX - 1, INT32_MIN, 2 ** 24 + 2, INT32_MIN + 1];
    const x = int32(values);
    const ascending = [...values].sort((p, q) => p - q);
    expect(await valuesOf(ops.sort(x))).toEqual(ascending);
    expect(await valuesOf(ops.argsort(x))).toEqual(ascending.map((v) => values.indexOf(v)));
    const [top, indices] = ops.topK(x, 4);
    expect(await valuesOf(top)).toEqual([...ascending].reverse().slice(0, 4));
    expect(await valuesOf(indices)).toEqual([...ascending].reverse().slice(0, 4).map((v) => values.indexOf(v)));
  }));
});
