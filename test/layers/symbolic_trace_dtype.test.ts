// A layer applied to symbolic inputs finds its output shape by running call on zeros: the zeros
// take each Input's dtype, as Keras's KerasTensors keep theirs, so int32 indices reach call as int32.

import { describe, expect, it } from 'vitest';
import { layers, ops, type DType, type SymbolicTensor, type Tensor } from '../../src/node';

class DtypeRecorder extends layers.Layer {
  readonly seen: DType[][] = [];
  override call(inputs: Tensor[]): Tensor {
    this.seen.push(inputs.map((t) => t.dtype));
    return ops.take(inputs[0], inputs[1], 0);
  }
}

describe('symbolic call traces', () => {
  it('run call on zeros of the inputs dtypes', () => {
    const values = layers.Input({ shape: [3], name: 'values' });
    const indices = layers.Input({ shape: [], dtype: 'int32', name: 'indices' });
    const layer = new DtypeRecorder();
    const out = layer.apply([values, indices]) as SymbolicTensor;
    expect(out.shape).toEqual([null, 3]);
    expect(layer.seen.length).toBeGreaterThan(0);
    for (const dtypes of layer.seen) expect(dtypes).toEqual(['float32', 'int32']);
  });
});
