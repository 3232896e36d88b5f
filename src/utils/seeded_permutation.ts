// Reproducible shuffling on the CPU for the data utilities: permutations of sample or window
// positions from the host generator that fit's shuffling uses too, with the utilities' check of
// `seed`, so that the same seed gives the same order on both backends. The positions are then
// gathered on the device.

import { drawSeed, hostPermutations } from '../ops/random';

/**
 * A generator of permutations of [0, n): each call draws the next one. `seed` must be an integer;
 * without one, a seed is drawn from the sequence that setRandomSeed controls.
 */
export function seededPermutations(op: string, seed: number | undefined): (n: number) => Int32Array {
  if (seed !== undefined && (typeof seed !== 'number' || !Number.isSafeInteger(seed))) throw new Error(`${op}: \`seed\` must be an integer. Received: seed=${String(seed)}.`);
  return hostPermutations(seed ?? drawSeed());
}
