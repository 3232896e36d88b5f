// Embedding.build called directly with an input shape (src/layers/embedding.ts), as keras-io's
// pretrained word embeddings example does before set_weights: embedding_layer.build((1,)). The
// weights set then are the ones the layer uses when it is applied (it is not built again).

import { describe, expect, it } from 'vitest';
import { layers, tensor } from '../../src/node';
import { valuesOf } from '../helpers';

describe('Embedding.build(inputShape)', () => {
  it('takes the shape, and the weights set after it are used', async () => {
    const embedding = new layers.Embedding({ inputDim: 3, outputDim: 2, trainable: false });
    embedding.build([1]);
    embedding.setWeights([tensor([[0, 0], [1, 2], [3, 4]])]);
    expect(await valuesOf(embedding.apply(tensor([[2, 1]], undefined, 'int32')))).toEqual([3, 4, 1, 2]);
    expect([embedding.trainableWeights.length, embedding.nonTrainableWeights.length]).toEqual([0, 1]);
  });
});
