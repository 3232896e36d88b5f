// summary of a subclassed model called on tensors (keras.io's CaiT): its layers have no graph
// node, so the output shape comes from the shape each layer was built with, as Keras's
// _build_shapes_dict (the batch unknown here); a layer that would trace its call keeps '?'.

import { describe, expect, it } from 'vitest';
import { Layer, Model, layers, ops, type Tensor } from '../../src/node';

class Traced extends Layer {
  call(x: Tensor) {
    return ops.multiply(x, 2);
  }
}

class Subclassed extends Model {
  dense = new layers.Dense({ units: 3 });
  norm = new layers.LayerNormalization();
  traced = new Traced();
  unused = new layers.Dense({ units: 4 });
  call(x: Tensor) {
    return this.traced.apply(this.norm.apply(this.dense.apply(x))) as Tensor;
  }
}

describe('summary of a subclassed model', () => {
  it('gives built layers their output shape', () => {
    const model = new Subclassed();
    model.apply(ops.ones([2, 5]));
    const text = model.summary({ printFn: () => {} });
    expect(text).toMatch(/dense \(Dense\) +│ \(None, 3\) +│ +18 │/);
    expect(text).toMatch(/layer_normalization +│ \(None, 3\) +│ +6 │/);
    expect(text).toMatch(/traced \(Traced\) +│ \? +│/);
    expect(text).toMatch(/dense_1 \(Dense\) +│ \? +│ +0 \(unbuilt\) │/);
  });
});
