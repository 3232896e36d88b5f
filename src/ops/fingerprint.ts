// The stable hashes of TensorFlow's string ops, which Keras's Hashing, HashedCrossing and lookup
// layers bucket tokens with, on the host: FarmHash's Fingerprint64 (farmhashna::Hash64, what
// tf.strings.to_hash_bucket_fast uses), SipHash-2-4 (tf.strings.to_hash_bucket_strong, keyed by a
// salt), and FingerprintCat64 (tf.sparse.cross_hashed's combination of feature hashes). Strings
// are JavaScript data here, so their hashes are computed on the CPU; the device version of these
// hashes for integer tensors is in hashing.ts. 64-bit arithmetic is BigInt, masked to 64 bits.

/** A SipHash key: two unsigned 64-bit words, as Keras's `salt` ([s0, s1]; an integer s means [s, s]). */
export type HashSalt = readonly [number, number];

const MASK64 = (1n << 64n) - 1n;
// FarmHash's primes between 2^63 and 2^64.
const K0 = 0xc3a5c85c97cb3127n;
const K1 = 0xb492b66fbe98f273n;
const K2 = 0x9ae16a3b2f90404fn;
const HASH128_MUL = 0x9ddfea08eb382d69n;
const CAT_MUL = 0xc6a4a7935bd1e995n;

const mul64 = (a: bigint, b: bigint): bigint => (a * b) & MASK64;
const add64 = (a: bigint, b: bigint): bigint => (a + b) & MASK64;
const rotateRight = (value: bigint, shift: bigint): bigint => (shift === 0n ? value : ((value >> shift) | (value << (64n - shift))) & MASK64);
const rotateLeft = (value: bigint, shift: bigint): bigint => ((value << shift) | (value >> (64n - shift))) & MASK64;
const shiftMix = (value: bigint): bigint => value ^ (value >> 47n);

/** Little-endian reads of a byte string. */
class ByteReader {
  private readonly view: DataView;

  constructor(bytes: Uint8Array) {
    this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  }

  word64(offset: number): bigint {
    return this.view.getBigUint64(offset, true);
  }

  word32(offset: number): bigint {
    return BigInt(this.view.getUint32(offset, true));
  }

  byte(offset: number): bigint {
    return BigInt(this.view.getUint8(offset));
  }
}

/** FarmHash's Murmur-inspired mix of two words with a multiplier. */
function hashLen16(u: bigint, v: bigint, mul: bigint = HASH128_MUL): bigint {
  let a = mul64(u ^ v, mul);
  a ^= a >> 47n;
  let b = mul64(v ^ a, mul);
  b ^= b >> 47n;
  return mul64(b, mul);
}

function hashLen0to16(s: ByteReader, len: number): bigint {
  const length = BigInt(len);
  if (len >= 8) {
    const mul = add64(K2, length * 2n);
    const a = add64(s.word64(0), K2);
    const b = s.word64(len - 8);
    const c = add64(mul64(rotateRight(b, 37n), mul), a);
    const d = mul64(add64(rotateRight(a, 25n), b), mul);
    return hashLen16(c, d, mul);
  }
  if (len >= 4) {
    const mul = add64(K2, length * 2n);
    const a = s.word32(0);
    return hashLen16(add64(length, a << 3n), s.word32(len - 4), mul);
  }
  if (len > 0) {
    const y = s.byte(0) + (s.byte(len >> 1) << 8n);
    const z = length + (s.byte(len - 1) << 2n);
    return mul64(shiftMix(mul64(y, K2) ^ mul64(z, K0)), K2);
  }
  return K2;
}

function hashLen17to32(s: ByteReader, len: number): bigint {
  const mul = add64(K2, BigInt(len) * 2n);
  const a = mul64(s.word64(0), K1);
  const b = s.word64(8);
  const c = mul64(s.word64(len - 8), mul);
  const d = mul64(s.word64(len - 16), K2);
  return hashLen16(add64(add64(rotateRight(add64(a, b), 43n), rotateRight(c, 30n)), d), add64(add64(a, rotateRight(add64(b, K2), 18n)), c), mul);
}

function hashLen33to64(s: ByteReader, len: number): bigint {
  const mul = add64(K2, BigInt(len) * 2n);
  const a = mul64(s.word64(0), K2);
  const b = s.word64(8);
  const c = mul64(s.word64(len - 8), mul);
  const d = mul64(s.word64(len - 16), K2);
  const y = add64(add64(rotateRight(add64(a, b), 43n), rotateRight(c, 30n)), d);
  const z = hashLen16(y, add64(add64(a, rotateRight(add64(b, K2), 18n)), c), mul);
  const e = mul64(s.word64(16), mul);
  const f = s.word64(24);
  const g = mul64(add64(y, s.word64(len - 32)), mul);
  const h = mul64(add64(z, s.word64(len - 24)), mul);
  return hashLen16(add64(add64(rotateRight(add64(e, f), 43n), rotateRight(g, 30n)), h), add64(add64(e, rotateRight(add64(f, a), 18n)), g), mul);
}

/** FarmHash's 16-byte hash of s[offset, offset + 32) seeded by a and b ("quick and dirty"). */
function weakHashLen32WithSeeds(s: ByteReader, offset: number, a: bigint, b: bigint): [bigint, bigint] {
  const [w, x, y, z] = [s.word64(offset), s.word64(offset + 8), s.word64(offset + 16), s.word64(offset + 24)];
  a = add64(a, w);
  b = rotateRight(add64(add64(b, a), z), 21n);
  const c = a;
  a = add64(add64(a, x), y);
  b = add64(b, rotateRight(a, 44n));
  return [add64(a, z), add64(b, c)];
}

/** Strings over 64 bytes: 64-byte chunks through a 56-byte state, then the last 64 bytes. */
function hashLongString(s: ByteReader, len: number): bigint {
  const seed = 81n;
  let x = seed;
  let y = add64(mul64(seed, K1), 113n);
  let z = mul64(shiftMix(add64(mul64(y, K2), 113n)), K2);
  let v: [bigint, bigint] = [0n, 0n];
  let w: [bigint, bigint] = [0n, 0n];
  x = add64(mul64(x, K2), s.word64(0));
  const end = Math.floor((len - 1) / 64) * 64;
  const last64 = len - 64;
  for (let p = 0; p !== end; p += 64) {
    x = mul64(rotateRight(add64(add64(add64(x, y), v[0]), s.word64(p + 8)), 37n), K1);
    y = mul64(rotateRight(add64(add64(y, v[1]), s.word64(p + 48)), 42n), K1);
    x ^= w[1];
    y = add64(y, add64(v[0], s.word64(p + 40)));
    z = mul64(rotateRight(add64(z, w[0]), 33n), K1);
    v = weakHashLen32WithSeeds(s, p, mul64(v[1], K1), add64(x, w[0]));
    w = weakHashLen32WithSeeds(s, p + 32, add64(z, w[1]), add64(y, s.word64(p + 16)));
    [z, x] = [x, z];
  }
  const mul = add64(K1, (z & 0xffn) << 1n);
  w[0] = add64(w[0], BigInt((len - 1) & 63));
  v[0] = add64(v[0], w[0]);
  w[0] = add64(w[0], v[0]);
  x = mul64(rotateRight(add64(add64(add64(x, y), v[0]), s.word64(last64 + 8)), 37n), mul);
  y = mul64(rotateRight(add64(add64(y, v[1]), s.word64(last64 + 48)), 42n), mul);
  x ^= mul64(w[1], 9n);
  y = add64(y, add64(mul64(v[0], 9n), s.word64(last64 + 40)));
  z = mul64(rotateRight(add64(z, w[0]), 33n), mul);
  v = weakHashLen32WithSeeds(s, last64, mul64(v[1], mul), add64(x, w[0]));
  w = weakHashLen32WithSeeds(s, last64 + 32, add64(z, w[1]), add64(y, s.word64(last64 + 16)));
  [z, x] = [x, z];
  return hashLen16(add64(add64(hashLen16(v[0], w[0], mul), mul64(shiftMix(y), K0)), z), add64(hashLen16(v[1], w[1], mul), x), mul);
}

/**
 * FarmHash's Fingerprint64 of a byte string (farmhashna::Hash64): TensorFlow's Fingerprint64, the
 * hash of tf.strings.to_hash_bucket_fast. An unsigned 64-bit value.
 *
 * @example
 * fingerprint64(new TextEncoder().encode('A')) % 3n;   // 1n, Keras's Hashing(num_bins=3) of 'A'
 */
export function fingerprint64(bytes: Uint8Array): bigint {
  const s = new ByteReader(bytes);
  const len = bytes.length;
  if (len <= 16) return hashLen0to16(s, len);
  if (len <= 32) return hashLen17to32(s, len);
  if (len <= 64) return hashLen33to64(s, len);
  return hashLongString(s, len);
}

/**
 * SipHash-2-4 of a byte string keyed by two 64-bit words (the key's bytes 0-7 and 8-15 read
 * little-endian): TensorFlow's StrongKeyedHash, the hash of tf.strings.to_hash_bucket_strong.
 *
 * @example
 * sipHash64([133n, 137n], new TextEncoder().encode('A')) % 3n;   // 1n, Keras's Hashing(num_bins=3, salt=[133, 137])
 */
export function sipHash64(key: readonly [bigint, bigint], bytes: Uint8Array): bigint {
  const [k0, k1] = [key[0] & MASK64, key[1] & MASK64];
  let v0 = k0 ^ 0x736f6d6570736575n;
  let v1 = k1 ^ 0x646f72616e646f6dn;
  let v2 = k0 ^ 0x6c7967656e657261n;
  let v3 = k1 ^ 0x7465646279746573n;
  const round = () => {
    v0 = add64(v0, v1);
    v1 = rotateLeft(v1, 13n) ^ v0;
    v0 = rotateLeft(v0, 32n);
    v2 = add64(v2, v3);
    v3 = rotateLeft(v3, 16n) ^ v2;
    v0 = add64(v0, v3);
    v3 = rotateLeft(v3, 21n) ^ v0;
    v2 = add64(v2, v1);
    v1 = rotateLeft(v1, 17n) ^ v2;
    v2 = rotateLeft(v2, 32n);
  };
  const compress = (m: bigint) => {
    v3 ^= m;
    round();
    round();
    v0 ^= m;
  };
  const s = new ByteReader(bytes);
  const whole = bytes.length - (bytes.length % 8);
  for (let p = 0; p < whole; p += 8) compress(s.word64(p));
  let last = BigInt(bytes.length & 0xff) << 56n;
  for (let i = whole; i < bytes.length; i++) last |= s.byte(i) << BigInt(8 * (i - whole));
  compress(last);
  v2 ^= 0xffn;
  for (let i = 0; i < 4; i++) round();
  return v0 ^ v1 ^ v2 ^ v3;
}

/**
 * TensorFlow's FingerprintCat64: a fingerprint of two fingerprints (not commutative), which
 * tf.sparse.cross_hashed chains over the crossed features starting from its hash key.
 */
export function fingerprintCat64(first: bigint, second: bigint): bigint {
  let result = first ^ CAT_MUL;
  result ^= mul64(shiftMix(mul64(second, CAT_MUL)), CAT_MUL);
  result = mul64(result, CAT_MUL);
  result = mul64(shiftMix(result), CAT_MUL);
  return shiftMix(result);
}

const utf8 = new TextEncoder();

/** tf.sparse.cross_hashed's default hash key, where its FingerprintCat64 chain starts. */
export const CROSS_HASH_KEY = 0xdecafcaffen;

/**
 * The bytes Keras hashes for a token: a string's UTF-8 bytes; an integer's decimal digits
 * (tf.as_string; a float is truncated to an integer first, as Keras casts it to int64).
 */
export function tokenBytes(token: string | number): Uint8Array {
  return utf8.encode(typeof token === 'string' ? token : BigInt(Math.trunc(token)).toString());
}

/**
 * The hash bucket of a token in [0, numBuckets), as tf.strings.to_hash_bucket_fast
 * (Fingerprint64) or, with a salt, tf.strings.to_hash_bucket_strong (SipHash-2-4 keyed by it).
 *
 * @example
 * hashBucket('A', 3);               // 1
 * hashBucket('A', 3, [133, 137]);   // 1
 */
export function hashBucket(token: string | number, numBuckets: number, salt: HashSalt | null = null): number {
  const bytes = tokenBytes(token);
  const hash = salt === null ? fingerprint64(bytes) : sipHash64([BigInt(salt[0]), BigInt(salt[1])], bytes);
  return Number(hash % BigInt(numBuckets));
}

/**
 * The bucket of one cross of feature values in [0, numBuckets), as tf.sparse.cross_hashed
 * computes it: FingerprintCat64 chained from CROSS_HASH_KEY over the features' hashes, a string's
 * being its Fingerprint64 and an integer's its own value as an unsigned 64-bit word.
 *
 * @example
 * crossBucket(['A', 101], 5);   // 1, Keras's HashedCrossing(num_bins=5) of ('A', 101)
 */
export function crossBucket(values: ReadonlyArray<string | number>, numBuckets: number): number {
  let hash = CROSS_HASH_KEY;
  for (const value of values) hash = fingerprintCat64(hash, typeof value === 'string' ? fingerprint64(utf8.encode(value)) : BigInt.asUintN(64, BigInt(value)));
  return Number(hash % BigInt(numBuckets));
}

/**
 * Keras's `salt` argument as a SipHash key: an integer s is [s, s]; a pair of integers stays as
 * is; null (no salt) stays null. Other values are an error naming `owner`.
 */
export function saltKey(owner: string, salt: unknown): HashSalt | null {
  if (salt === null || salt === undefined) return null;
  const isWord = (value: unknown): value is number => typeof value === 'number' && Number.isSafeInteger(value);
  if (isWord(salt)) return [salt, salt];
  if (Array.isArray(salt) && salt.length === 2 && salt.every(isWord)) return [salt[0], salt[1]];
  throw new Error(`The \`salt\` argument for \`${owner}\` can only be a tuple of size 2 integers, or a single integer. Received: salt=${JSON.stringify(salt)}.`);
}
