// An independent reference for the whole training loop: the same Sequential model trained with
// SGD by TensorFlow.js layers on its CPU backend, from identical initial weights, on the same data
// in the same order, gives the same loss after every epoch.

import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import * as tfl from '@tensorflow/tfjs-layers';
import { beforeAll, describe, expect, it } from 'vitest';
import { Sequential, getBackend, layers, optimizers, tensor } from '../../src/node';
import { seededRandom } from '../cases/data';
import { useWebGPU } from '../helpers';

useWebGPU();

beforeAll(async () => {
  await tf.setBackend('cpu');
});

function dataset(count: number): { x: number[][]; y: number[][] } {
  const next = seededRandom(99);
  const x = Array.from({ length: count }, () => Array.from({ length: 6 }, () => next() * 2 - 1));
  const y = x.map((row) => {
    const score = [row[0] + row[1] - row[2], row[3] * 2 - row[4], row[5] - row[0]];
    const best = score.indexOf(Math.max(...score));
    return [0, 1, 2].map((k) => (k === best ? 1 : 0));
  });
  return { x, y };
}

describe('training matches TensorFlow.js layers on its CPU backend', () => {
  it('Sequential MLP, SGD with momentum, categorical crossentropy, 4 epochs', async () => {
    expect(getBackend()).toBe('webgpu');
    const { x, y } = dataset(96);

    const ours = new Sequential();
    ours.add(new layers.Dense({ units: 8, inputShape: [6], activation: 'relu' }));
    ours.add(new layers.Dense({ units: 3, activation: 'softmax' }));
    ours.compile({ optimizer: new optimizers.SGD({ learningRate: 0.1, momentum: 0.5 }), loss: 'categorical_crossentropy' });

    const theirs = tfl.sequential({
      layers: [tfl.layers.dense({ units: 8, inputShape: [6], activation: 'relu' }), tfl.layers.dense({ units: 3, activation: 'softmax' })],
    });
    theirs.compile({ optimizer: tf.train.momentum(0.1, 0.5), loss: 'categoricalCrossentropy' });
    // Identical initial weights: ours, copied into TF.js.
    const initial = await Promise.all(ours.getWeights().map(async (w) => ({ shape: [...w.shape], values: Array.from(await w.data()) })));
    theirs.setWeights(initial.map((w) => tf.tensor(w.values, w.shape)));

    const ourHistory = await ours.fit(tensor(x), tensor(y), { epochs: 4, batchSize: 16, shuffle: false, verbose: 0 });
    const theirHistory = await theirs.fit(tf.tensor2d(x), tf.tensor2d(y), { epochs: 4, batchSize: 16, shuffle: false, verbose: 0 });

    const ourLoss = ourHistory.history.loss;
    const theirLoss = theirHistory.history.loss as number[];
    expect(ourLoss.length).toBe(4);
    ourLoss.forEach((l, i) => expect(Math.abs(l - theirLoss[i])).toBeLessThan(1e-4 + 1e-3 * theirLoss[i]));
    expect(ourLoss[3]).toBeLessThan(ourLoss[0]);

    // The final weights agree too.
    const ourFinal = await Promise.all(ours.getWeights().map((w) => w.data()));
    const theirFinal = await Promise.all(theirs.getWeights().map((w) => w.data()));
    ourFinal.forEach((w, k) => w.forEach((v, i) => expect(Math.abs(v - theirFinal[k][i])).toBeLessThan(1e-4)));
  });
});
