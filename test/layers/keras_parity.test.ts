// Built-in layers side by side with real Keras: each layer class of keras.layers this library has
// (preprocessing layers aside), in several configurations (strides, padding, dilation, groups,
// data formats, masks, training mode, merge modes, attention masks, ...), rebuilt from the config
// Keras serialized, given fixed weights in Keras's order and called on the inputs Keras was
// called on (test/fixtures/keras/make_layers_parity.py, Keras 3.15.1 on JAX). Outputs, and for
// some cases the gradients of sum(output^2) with respect to the inputs and the trainable weights,
// must match Keras's. All cases run on the CPU backend, a sample on WebGPU.

import { afterEach, describe, expect, it } from 'vitest';
import { setBackend } from '../../src/node';
import { useWebGPU } from '../helpers';
import { LAYER_CASES, differences, label } from './keras_parity_cases';

useWebGPU();
afterEach(() => setBackend('webgpu'));

async function mismatches(indices: number[]): Promise<string[]> {
  const found: string[] = [];
  for (const index of indices) {
    const differs = await differences(LAYER_CASES[index]);
    if (differs.length > 0) found.push(`${label(LAYER_CASES[index], index)}: ${differs.join('; ')}`);
  }
  return found;
}

describe('built-in layers against Keras 3.15.1', () => {
  it(`all ${LAYER_CASES.length} cases on the CPU backend`, async () => {
    setBackend('cpu');
    expect(await mismatches(LAYER_CASES.map((_, i) => i))).toEqual([]);
  });

  it('every seventh case on WebGPU', async () => {
    expect(await mismatches(LAYER_CASES.map((_, i) => i).filter((i) => i % 7 === 0))).toEqual([]);
  });
});
