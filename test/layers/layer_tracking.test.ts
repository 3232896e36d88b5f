// Layer tracking: the layers and metrics a custom layer keeps in its properties are its own, found
// directly, in arrays and in records (Keras tracks layers in lists and dicts), so their weights are
// trained and saved with it (found porting keras.io's GRN/VSN example: a dict of Embeddings).

import { describe, expect, it } from 'vitest';
import { Layer, layers, metrics, ops, tensor, type Tensor } from '../../src/node';
import { useWebGPU } from '../helpers';

useWebGPU();

class Encoders extends Layer {
  embeddings: Record<string, layers.Embedding> = {
    color: new layers.Embedding({ inputDim: 3, outputDim: 2 }),
    size: new layers.Embedding({ inputDim: 4, outputDim: 2 }),
  };
  nested = { projections: [new layers.Dense({ units: 2 })] };
  tracker = { count: new metrics.Sum({ name: 'seen' }) };
  override call(ids: Tensor): Tensor {
    const color = this.embeddings.color.apply(ops.getItem(ids, [':', 0])) as Tensor;
    const size = this.embeddings.size.apply(ops.getItem(ids, [':', 1])) as Tensor;
    return this.nested.projections[0].apply(color.add(size)) as Tensor;
  }
}

describe('Layer tracking', () => {
  it('finds layers and metrics kept in records and nested arrays', () => {
    const encoders = new Encoders();
    const out = encoders.apply(tensor([[0, 3], [2, 1]], [2, 2], 'int32'));
    expect(out.shape).toEqual([2, 2]);
    expect(encoders.layers).toEqual([encoders.embeddings.color, encoders.embeddings.size, encoders.nested.projections[0]]);
    // Two embedding matrices, then the Dense kernel and bias.
    expect(encoders.trainableWeights.map((w) => w.shape)).toEqual([[3, 2], [4, 2], [2, 2], [2]]);
    expect(encoders.metrics.map((m) => m.name)).toEqual(['seen']);
  });
});
