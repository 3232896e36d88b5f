// The device hashing ops (src/ops/hashing.ts, shaders/hashing.wgsl): hashToBuckets and
// crossHashed on WebGPU and on the CPU backend, against the host hashes of fingerprint.ts (checked
// against FarmHash's and SipHash's reference vectors in fingerprint.test.ts) and the bins Keras's
// docstrings and tests print. The int32 values cover every decimal length (1 to 11 bytes, so each
// path of FarmHash's short-string hash and SipHash's block split) and the int32 extremes.

import { describe, expect, it } from 'vitest';
import { tensor } from '../../src/node';
import { crossBucket, hashBucket, type HashSalt } from '../../src/ops/fingerprint';
import { crossHashed, hashToBuckets } from '../../src/ops/hashing';
import { onBothBackends, useWebGPU } from '../helpers';

useWebGPU();

const VALUES = [0, 7, -7, 42, -123, 1234, 99999, -123456, 1234567, -12345678, 123456789, -1234567890, 2147483647, -2147483648, 1000000000, -1];
const ints = (values: number[]) => tensor(values, [values.length], 'int32');

describe('hashToBuckets', () => {
  it("gives Keras's bins for integers: FarmHash64 of the decimal text, or SipHash-2-4 with a salt", onBothBackends(async () => {
    // hashing_test.py: test_hash_dense_int_input_farmhash and _siphash; integer_lookup.py's oov_method="farmhash" example.
    expect(Array.from(await hashToBuckets(ints([0, 1, 2, 3, 4]), 3).data())).toEqual([1, 0, 1, 0, 2]);
    expect(Array.from(await hashToBuckets(ints([0, 1, 2, 3, 4]), 3, [133, 137]).data())).toEqual([1, 1, 2, 0, 1]);
    expect(Array.from(await hashToBuckets(ints([100, 300, 700, 1100, 1700, 2000]), 4).data())).toEqual([3, 3, 2, 2, 0, 1]);
  }));

  it('matches the host hashes for every decimal length, the int32 extremes, large bucket counts and 64-bit salts', onBothBackends(async () => {
    const x = ints(VALUES);
    const cases: Array<[number, HashSalt | null]> = [[1, null], [1000003, null], [2 ** 31 - 1, null], [97, [5, -9]], [2 ** 31 - 1, [Number.MAX_SAFE_INTEGER, 3]]];
    for (const [numBuckets, salt] of cases) {
      const buckets = hashToBuckets(x, numBuckets, salt);
      expect(buckets.dtype).toBe('int32');
      expect(Array.from(await buckets.data())).toEqual(VALUES.map((value) => hashBucket(value, numBuckets, salt)));
    }
    // Floats are truncated toward zero first, as Keras's cast to int64; the shape is kept.
    const floats = hashToBuckets(tensor([[7.9, -7.9], [0.5, 12]], [2, 2]), 1000003);
    expect(floats.shape).toEqual([2, 2]);
    expect(Array.from(await floats.data())).toEqual([7, -7, 0, 12].map((value) => hashBucket(value, 1000003)));
  }));

  it('rejects bad bucket counts and salts before any GPU work', () => {
    expect(() => hashToBuckets(ints([1]), 0)).toThrow('hashToBuckets: numBuckets must be an integer in [1, 2147483647], got 0.');
    expect(() => hashToBuckets(ints([1]), 2 ** 31)).toThrow('numBuckets must be an integer');
    expect(() => hashToBuckets(ints([1]), 3, [1.5, 2])).toThrow('hashToBuckets: salt must be two safe integers, got [1.5,2].');
  });
});

describe('crossHashed', () => {
  it('matches tf.sparse.cross_hashed on the host for two and three integer features, negatives included', onBothBackends(async () => {
    const a = VALUES;
    const b = VALUES.map((value, i) => (i % 2 === 0 ? -value : value + i));
    const c = VALUES.map((_, i) => i - 8);
    for (const numBuckets of [5, 1000003, 2 ** 31 - 1]) {
      expect(Array.from(await crossHashed([ints(a), ints(b)], numBuckets).data())).toEqual(a.map((value, i) => crossBucket([value, b[i]], numBuckets)));
      expect(Array.from(await crossHashed([ints(a), ints(b), ints(c)], numBuckets).data())).toEqual(a.map((value, i) => crossBucket([value, b[i], c[i]], numBuckets)));
    }
    const rows = crossHashed([tensor([[1], [2]], [2, 1], 'int32'), tensor([[4], [5]], [2, 1], 'int32')], 3);
    expect([rows.shape, Array.from(await rows.data())]).toEqual([[2, 1], [crossBucket([1, 4], 3), crossBucket([2, 5], 3)]]);
  }));

  it('needs two or more features of one shape', () => {
    expect(() => crossHashed([ints([1])], 3)).toThrow('crossHashed: expected a list of at least two feature tensors, got 1.');
    expect(() => crossHashed([ints([1, 2]), ints([1])], 3)).toThrow('crossHashed: all features must have one shape; got shapes [2], [1].');
  });
});
