// Keras's `convolution_op` on the convolution layers: `convolutionOp(inputs, kernel)` convolves in the
// layer's dataFormat without bias or activation, and a subclass that overrides it (keras.io's
// StandardizedConv2D) has `call` convolve through the override, then add the bias and apply the
// activation, channels-first included; a subclass that overrides `call` can reuse it.

import { describe, expect, it } from 'vitest';
import { layers, ops, tensor, type Tensor } from '../../src/node';
import { expectNumbersClose, onBothBackends, useWebGPU, valuesOf } from '../helpers';
import { seededValues } from './layer_helpers';

useWebGPU();

/** The kernel standardized over all axes but the filters one, as keras.io's example does. */
function standardize(kernel: Tensor): Tensor {
  const { mean, variance } = ops.moments(kernel, [0, 1, 2], { keepDims: true });
  return ops.divide(ops.subtract(kernel, mean), ops.sqrt(ops.add(variance, 1e-10)));
}

class StandardizedConv2D extends layers.Conv2D {
  override convolutionOp(inputs: Tensor, kernel: Tensor): Tensor {
    return super.convolutionOp(inputs, standardize(kernel));
  }
}

describe('Conv convolutionOp', () => {
  it('an override is what call convolves through, before the bias and activation', onBothBackends(async () => {
    for (const dataFormat of ['channels_last', 'channels_first'] as const) {
      const inputShape = dataFormat === 'channels_last' ? [2, 5, 4, 2] : [2, 2, 5, 4];
      const x = tensor(seededValues(2 * 5 * 4 * 2, 3), inputShape);
      const args = { filters: 3, kernelSize: 3, activation: 'relu', biasInitializer: 'randomNormal', dataFormat } as const;
      const standardized = new StandardizedConv2D(args);
      const y = standardized.apply(x) as Tensor;
      const plain = new layers.Conv2D({ ...args, activation: 'linear' });
      plain.build(inputShape);
      plain.setWeights([standardize(standardized.kernel), standardized.bias!]);
      const expected = ops.relu(plain.apply(x) as Tensor);
      expect(y.shape).toEqual(expected.shape);
      expectNumbersClose(await valuesOf(y), await valuesOf(expected), 1e-4);
      const unbiased = plain.convolutionOp(x, plain.kernel);
      const bias = dataFormat === 'channels_last' ? plain.bias! : ops.reshape(plain.bias!, [3, 1, 1]);
      expectNumbersClose(await valuesOf(ops.add(unbiased, bias)), await valuesOf(plain.apply(x) as Tensor), 1e-4);
    }
  }));

  it('a call override can reuse convolutionOp with its own kernel', async () => {
    class StandardizedConv2DWithCall extends layers.Conv2D {
      override call(inputs: Tensor): Tensor {
        return ops.add(this.convolutionOp(inputs, standardize(this.kernel)), this.bias!);
      }
    }
    const x = tensor(seededValues(32, 5), [1, 4, 4, 2]);
    const withCall = new StandardizedConv2DWithCall({ filters: 2, kernelSize: 3 });
    const withOverride = new StandardizedConv2D({ filters: 2, kernelSize: 3 });
    const y = withCall.apply(x) as Tensor;
    withOverride.build([1, 4, 4, 2]);
    withOverride.setWeights(withCall.getWeights());
    expectNumbersClose(await valuesOf(y), await valuesOf(withOverride.apply(x) as Tensor), 1e-5);
  });
});
