// Keras's `reduction=None` written as `reduction: null`: the same as 'none' (one value per sample),
// in a constructor and in a config loaded from a Keras file, instead of falling back to the mean.

import { describe, expect, it } from 'vitest';
import { tensor } from '../../src/node';
import { MeanSquaredError, SparseCategoricalCrossentropy, deserializeLoss } from '../../src/losses/index';
import { valuesOf } from '../helpers';

describe('reduction null', () => {
  it('keeps one value per sample, as Keras reduction=None', async () => {
    const yTrue = tensor([[0, 1], [1, 1]]);
    const yPred = tensor([[1, 1], [1, 3]]);
    const loss = new MeanSquaredError({ reduction: null });
    expect(loss.reduction).toBe('none');
    expect(await valuesOf(loss.apply(yTrue, yPred))).toEqual([0.5, 2]);
    const sparse = new SparseCategoricalCrossentropy({ reduction: null });
    expect(sparse.apply(tensor([0, 1], undefined, 'int32'), tensor([[0.5, 0.5], [0.5, 0.5]])).shape).toEqual([2]);
    // A Keras file's config, where Python's None is JSON null.
    const loaded = deserializeLoss({ className: 'MeanSquaredError', config: JSON.parse('{"name": "mse", "reduction": null}') });
    expect(loaded.reduction).toBe('none');
  });
});
