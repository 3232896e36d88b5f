// Keras's text-classification recipe on padded sequences: Embedding with maskZero marks the
// padding, a Bidirectional LSTM reads only the real tokens, a sigmoid unit classifies. The task:
// does the sequence hold token 3? Sequences have 2 to 8 tokens, padded with 0 at the end by
// utils.padSequences.

import { Input, LambdaCallback, Sequential, layers, optimizers, setRandomSeed, tensor, utils, type Tensor } from 'webgpu-keras';

const LENGTH = 8;
const VOCABULARY = 12;

/** `count` padded sequences of ids in [1, VOCABULARY) and their labels (1 when 3 occurs). */
export function makeData(count: number): { x: Tensor; y: Tensor } {
  let state = 7;
  const next = () => {
    state = (state * 1103515245 + 12345) % 2 ** 31;
    return state / 2 ** 31;
  };
  const sequences = Array.from({ length: count }, () => {
    const length = 2 + Math.floor(next() * (LENGTH - 1));
    return Array.from({ length }, () => 1 + Math.floor(next() * (VOCABULARY - 1)));
  });
  const labels = sequences.map((ids) => (ids.includes(3) ? 1 : 0));
  return { x: utils.padSequences(sequences, { maxlen: LENGTH, padding: 'post' }), y: tensor(labels, [count, 1]) };
}

export async function run({ epochs = 12, log = console.log }: { epochs?: number; log?: (line: string) => void } = {}) {
  setRandomSeed(5);
  const { x, y } = makeData(128);
  const model = new Sequential([
    Input({ shape: [LENGTH], dtype: 'int32' }),
    new layers.Embedding({ inputDim: VOCABULARY, outputDim: 8, maskZero: true }),
    new layers.Bidirectional({ layer: new layers.LSTM({ units: 8 }) }),
    new layers.Dense({ units: 1, activation: 'sigmoid' }),
  ]);
  model.compile({ optimizer: new optimizers.Adam({ learningRate: 0.02 }), loss: 'binary_crossentropy', metrics: ['accuracy'] });
  model.summary(log);
  const history = await model.fit(x, y, {
    epochs,
    batchSize: 32,
    verbose: 0,
    callbacks: [new LambdaCallback({ onEpochEnd: (epoch, logs) => log(`epoch ${epoch + 1}: loss ${logs.loss.toFixed(4)}, accuracy ${logs.accuracy.toFixed(3)}`) })],
  });
  x.dispose();
  y.dispose();
  return { model, history: history.history };
}
