// Seeded input data for op cases: the same numbers on every run, every backend and every machine.

import { tensor, type Tensor } from '../../src/index';

/** mulberry32: a small seeded generator, good enough for test inputs. */
export function seededRandom(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

let nextSeed = 1;

export interface RandomOptions {
  low?: number;
  high?: number;
  /** Integer values in [low, high) as an int32 tensor. */
  int?: boolean;
  seed?: number;
}

/** A tensor of uniform values in [low, high) (default [-1, 1)). */
export function rand(shape: number[], { low = -1, high = 1, int = false, seed }: RandomOptions = {}): Tensor {
  const next = seededRandom(seed ?? nextSeed++ * 7919);
  const size = shape.reduce((a, b) => a * b, 1);
  if (int) {
    const values = new Int32Array(size);
    for (let i = 0; i < size; i++) values[i] = Math.floor(low + next() * (high - low));
    return tensor(values, shape, 'int32');
  }
  const values = new Float32Array(size);
  for (let i = 0; i < size; i++) values[i] = low + next() * (high - low);
  return tensor(values, shape);
}

/** Resets the seed sequence so that a case builds the same inputs on both backends. */
export function resetSeeds(): void {
  nextSeed = 1;
}
