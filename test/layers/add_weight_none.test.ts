// addWeight takes null for its initializer and regularizer, as Keras's add_weight takes None (what
// initializers.get(null) and regularizers.get(null) return, so a layer can pass its stored
// identifiers on): the default initializer, and no penalty. keras.io's attention MIL layer does so.

import { describe, expect, it } from 'vitest';
import { Layer, initializers, ops, regularizers, type Tensor } from '../../src/node';

class ScoreLayer extends Layer {
  constructor(private readonly regularizer: regularizers.Regularizer | null) {
    super();
  }
  w!: Tensor;
  override build(inputShape: number[]) {
    this.w = this.addWeight({ shape: [inputShape[1], 1], name: 'w', initializer: initializers.get(null), regularizer: this.regularizer });
  }
  override call(x: Tensor) {
    return ops.matmul(x, this.w);
  }
}

describe('addWeight with null (Keras None) options', () => {
  it('uses the default initializer and adds no penalty for null, a penalty for a regularizer', async () => {
    const plain = new ScoreLayer(regularizers.get(null));
    plain.apply(ops.ones([2, 8]));
    const values = Array.from(await plain.w.data());
    const glorotLimit = Math.sqrt(6 / (8 + 1));
    expect(values.some((v) => v !== 0)).toBe(true);
    expect(values.every((v) => Math.abs(v) <= glorotLimit)).toBe(true);
    expect(plain.losses).toHaveLength(0);

    const penalized = new ScoreLayer(regularizers.get('l2'));
    penalized.apply(ops.ones([2, 8]));
    expect(penalized.losses).toHaveLength(1);
  });
});
