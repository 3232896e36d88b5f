// A Loss subclass that overrides apply in place of call (src/losses/loss.ts), as keras-io's SCAN
// example overrides Loss.__call__ to return the reduced loss itself (ClustersEntropyLoss): it
// compiles and trains; a subclass with neither says what to implement.

import { describe, expect, it } from 'vitest';
import { Sequential, layers, losses, ops, tensor, type Tensor } from '../../src/node';
import { expectNumbersClose, valuesOf } from '../helpers';

class MeanOfPredictions extends losses.Loss {
  override apply(_target: Tensor, yPred: Tensor): Tensor {
    return ops.mean(yPred);
  }
}
class Unfinished extends losses.Loss {}

describe('a Loss subclass overriding apply', () => {
  it('is the loss that compile uses; without call or apply it is a clear error', async () => {
    const model = new Sequential([layers.Input({ shape: [2] }), new layers.Dense({ units: 1, kernelInitializer: 'ones', biasInitializer: 'zeros' })]);
    model.compile({ optimizer: 'sgd', loss: new MeanOfPredictions() });
    const x = tensor([[1, 2], [3, 4]]);
    const result = (await model.evaluate(x, tensor([[0], [0]]), { verbose: 0 })) as Record<string, number>;
    expectNumbersClose([result.loss], [(3 + 7) / 2], 1e-6);
    expect(await valuesOf(new MeanOfPredictions().apply(x, x))).toEqual([2.5]);
    expect(() => new Unfinished().apply(x, x)).toThrow(/Unfinished: a Loss subclass implements call\(yTrue, yPred\).* or overrides apply\(yTrue, yPred, sampleWeight\)/);
  });
});
