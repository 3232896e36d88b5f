// A layer applied to symbolic inputs traces call without a training flag, as Keras's symbolic call:
// call's own default decides, so keras.io MelGAN's MelSpec (`call(audio, training=True)`, audio in,
// mel frames out in training, identity in inference) gives the next layer its mel channels.

import { describe, expect, it } from 'vitest';
import { Input, Model, layers, ops, type CallArgs, type SymbolicTensor, type Tensor } from '../../src/node';

class MelLike extends layers.Layer {
  override call(audio: Tensor, { training = true }: CallArgs = {}): Tensor {
    return training ? ops.concatenate([audio, audio, audio], -1) : audio;
  }
}

describe('symbolic traces and the training flag', () => {
  it('take the call default, and a model built on it runs in training and inference', async () => {
    const input = Input({ shape: [null, 1] });
    const mel = new MelLike().apply(input) as SymbolicTensor;
    expect(mel.shape).toEqual([null, null, 3]);
    const conv = new layers.Conv1D({ filters: 2, kernelSize: 1 });
    const model = new Model({ inputs: input, outputs: conv.apply(mel) as SymbolicTensor });
    expect(conv.kernel.shape).toEqual([1, 3, 2]);
    expect((model.apply(ops.ones([2, 5, 1]), { training: true }) as Tensor).shape).toEqual([2, 5, 2]);
    // In inference the layer passes its input through: the generator is fed 3-channel frames, as
    // Keras's functional input check (a trailing axis of 1 squeezed) lets through.
    expect(((await model.predict(ops.ones([2, 4, 3]), { verbose: 0 })) as Tensor).shape).toEqual([2, 4, 2]);
  });
});
