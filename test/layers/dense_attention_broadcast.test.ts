// Attention and AdditiveAttention broadcast a batch size of 1 against the others, as Keras's
// matmul of the query and the key does: keras.io's Perceiver attends from one latent array
// ([1, Tq, dim]) to a batch of encoded images. Reference: each batch row attended on its own with
// the single query repeated, which needs no broadcasting.

import { describe, expect, it } from 'vitest';
import { Input, Model, layers, ops, type SymbolicTensor, type Tensor } from '../../src/node';
import { expectTensorClose, onBothBackends, useWebGPU } from '../helpers';

useWebGPU();

describe('dense attention with a batch of 1 against a batch of 3', () => {
  it('broadcasts the query, matches the tiled query, and infers the output batch; other mismatches still throw', onBothBackends(async () => {
    const query = ops.randomUniform([1, 2, 4], { seed: 1 });
    const value = ops.randomUniform([3, 5, 4], { seed: 2 });
    for (const layer of [new layers.Attention({ useScale: true }), new layers.AdditiveAttention()]) {
      const [output, scores] = layer.apply([query, value], { returnAttentionScores: true }) as Tensor[];
      expect(output.shape).toEqual([3, 2, 4]);
      expect(scores.shape).toEqual([3, 2, 5]);
      const tiled = layer.apply([ops.tile(query, [3, 1, 1]), value]) as Tensor;
      await expectTensorClose(output, Array.from(await tiled.data()));
      expect(layer.computeOutputShape([[1, 2, 4], [3, 5, 4]])).toEqual([3, 2, 4]);
      expect(() => layer.apply([ops.zeros([2, 2, 4]), value])).toThrow('must have the same batch size, or a batch size of 1 that broadcasts. Received: query_shape=(2, 2, 4), value_shape=(3, 5, 4), key_shape=(3, 5, 4)');
    }
    // Inside a functional model whose Inputs have unknown batch sizes, fed a batch of 1 and of 3.
    const latent = Input({ shape: [2, 4], name: 'latent' });
    const data = Input({ shape: [5, 4], name: 'data' });
    const model = new Model({ inputs: [latent, data], outputs: new layers.Attention().apply([latent, data]) as SymbolicTensor });
    expect((model.apply([query, value]) as Tensor).shape).toEqual([3, 2, 4]);
  }));
});
