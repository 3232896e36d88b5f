// Hash buckets of integer tensors on the device, as Keras's preprocessing layers compute them with
// TensorFlow's string ops: hashToBuckets hashes each value's decimal text (Hashing, and the OOV
// buckets of IntegerLookup with oovMethod 'farmhash'), crossHashed crosses integer features
// (HashedCrossing). One kernel family (shaders/hashing.wgsl, 64-bit arithmetic on u32 pairs); the
// CPU kernels compute the same with the host hashes of fingerprint.ts. Not differentiable: the
// outputs are int32 bucket ids.

import { gridFor } from '../backend/webgpu/grid';
import { Uniforms } from '../backend/webgpu/uniforms';
import { formatShape } from '../backend/types';
import { tidy } from '../tensor/memory';
import type { Tensor } from '../tensor/tensor';
import { cast } from './elementwise';
import { CROSS_HASH_KEY, crossBucket, hashBucket, type HashSalt } from './fingerprint';
import { runKernel1, type Kernel } from './kernel';
import { stack } from './shape';
import { checkTensor } from './validate';
import hashingShader from '../../shaders/hashing.wgsl?raw';

const HASHING_WORKGROUP_SIZE = 64;
const MAX_BUCKETS = 2 ** 31 - 1;

interface HashingAttrs {
  numBuckets: number;
  /** Hash mode: the SipHash key, or null for FarmHash. Cross mode: unused. */
  salt: HashSalt | null;
  /** Cross mode: the number of features stacked along the first axis; 0 in hash mode. */
  features: number;
}

/** The two 32-bit halves (low, high) of a 64-bit word, for the uniform buffer. */
function halves(word: bigint): [number, number] {
  const unsigned = BigInt.asUintN(64, word);
  return [Number(unsigned & 0xffffffffn), Number(unsigned >> 32n)];
}

/** Input: int32 values (hash mode), or int32 features stacked [features, ...] (cross mode); output: int32 buckets. */
const hashingKernel: Kernel<HashingAttrs> = {
  name: 'hashing',
  cpu([input], [out], { numBuckets, salt, features }) {
    const count = out.values.length;
    for (let i = 0; i < count; i++) {
      out.values[i] = features > 0 ? crossBucket(Array.from({ length: features }, (_, f) => input.values[f * count + i]), numBuckets) : hashBucket(input.values[i], numBuckets, salt);
    }
  },
  webgpu(gpu, [input], [out], { numBuckets, salt, features }) {
    const [key0, key1] = features > 0 ? [halves(CROSS_HASH_KEY), halves(0n)] : [halves(BigInt(salt?.[0] ?? 0)), halves(BigInt(salt?.[1] ?? 0))];
    gpu.dispatch({
      shader: hashingShader,
      constants: { CROSS: features > 0, SALTED: features === 0 && salt !== null },
      uniforms: new Uniforms().u32(out.size, features, numBuckets, 0, ...key0, ...key1).finish(),
      buffers: [input.buffer, out.buffer],
      workgroups: gridFor(out.size, HASHING_WORKGROUP_SIZE, gpu.limits.maxComputeWorkgroupsPerDimension),
    });
  },
};

function checkBuckets(op: string, numBuckets: number): void {
  if (!Number.isInteger(numBuckets) || numBuckets < 1 || numBuckets > MAX_BUCKETS) {
    throw new Error(`${op}: numBuckets must be an integer in [1, ${MAX_BUCKETS}], got ${JSON.stringify(numBuckets)}.`);
  }
}

/** Values as int32: float values truncated toward zero, as Keras casts them to int64. */
function asInt32(x: Tensor): Tensor {
  return x.dtype === 'int32' ? x : cast(x, 'int32');
}

/**
 * The hash bucket in [0, numBuckets) of each value's decimal text, int32 of x's shape, as Keras's
 * Hashing computes it for integer inputs: tf.strings.to_hash_bucket_fast(tf.as_string(x))
 * (FarmHash's Fingerprint64 mod numBuckets) or, with a `salt` (two unsigned 64-bit words, as
 * safe integers), tf.strings.to_hash_bucket_strong (SipHash-2-4 keyed by it). Float values are
 * truncated to int32 first.
 *
 * @example
 * hashToBuckets(tensor([0, 1, 2, 3, 4], [5], 'int32'), 3);   // [1, 0, 1, 0, 2]
 */
export function hashToBuckets(x: Tensor, numBuckets: number, salt: HashSalt | null = null): Tensor {
  const op = 'hashToBuckets';
  checkTensor(op, x);
  checkBuckets(op, numBuckets);
  if (salt !== null && !(salt.length === 2 && salt.every(Number.isSafeInteger))) throw new Error(`${op}: salt must be two safe integers, got ${JSON.stringify(salt)}.`);
  return tidy(() => runKernel1(hashingKernel, [asInt32(x)], { shape: x.shape, dtype: 'int32' }, { numBuckets, salt, features: 0 }, op));
}

/**
 * The hashed cross of integer features of one shape, int32 of that shape, as
 * tf.sparse.cross_hashed computes it for one value per feature and row (Keras's HashedCrossing):
 * FingerprintCat64 chained over the features' int64 values from the default hash key, mod
 * numBuckets. Float values are truncated to int32 first.
 *
 * @example
 * crossHashed([tensor([1, 2], [2], 'int32'), tensor([4, 5], [2], 'int32')], 3);   // [0, 1]
 */
export function crossHashed(features: readonly Tensor[], numBuckets: number): Tensor {
  const op = 'crossHashed';
  if (!Array.isArray(features) || features.length < 2) throw new Error(`${op}: expected a list of at least two feature tensors, got ${Array.isArray(features) ? `${features.length}` : 'no list'}.`);
  features.forEach((feature) => checkTensor(op, feature));
  checkBuckets(op, numBuckets);
  const shape = features[0].shape;
  if (features.some((feature) => feature.shape.join(',') !== shape.join(','))) {
    throw new Error(`${op}: all features must have one shape; got shapes ${features.map((feature) => formatShape(feature.shape)).join(', ')}.`);
  }
  return tidy(() => runKernel1(hashingKernel, [stack(features.map(asInt32))], { shape, dtype: 'int32' }, { numBuckets, salt: null, features: features.length }, op));
}
