// Shared by the optimizer option tests: a linear model (Dense, 3 inputs, 2 outputs, MSE) trained
// by fit in batches of 2 over 12 samples without shuffling, twins of it (one compiled to replay
// steps, one eager, same initial weights), and the float64 gradients of its loss per batch, from
// which each test writes its reference update as a plain loop.

import { expect, vi } from 'vitest';
import { Sequential, layers, tensor, type Model, type optimizers } from '../../src/node';

export const SAMPLES = 12;
export const BATCH = 2;
const X = Array.from({ length: SAMPLES }, (_, i) => [Math.sin(i + 1), Math.cos(2 * i), ((i % 5) - 2) / 3]);
const Y = X.map(([a, b, c], i) => [0.5 * a - b + 0.3 * c + 0.1, Math.sin(i) - 0.2 * a]);

export function data() {
  return { x: tensor(X), y: tensor(Y) };
}

/** The model's parameters as float64 arrays: the kernel [3, 2] flattened row by row, then the bias. */
export type Params = [number[], number[]];

export function linear(optimizer: optimizers.Optimizer, runEagerly: boolean): Sequential {
  const model = new Sequential();
  model.add(new layers.Dense({ units: 2, inputShape: [3] }));
  model.compile({ optimizer, loss: 'mse', runEagerly });
  return model;
}

/** A compiled and an eager linear model with the same initial weights, each with its own optimizer. */
export function twins(makeOptimizer: () => optimizers.Optimizer): [Sequential, Sequential] {
  const compiled = linear(makeOptimizer(), false);
  const eager = linear(makeOptimizer(), true);
  eager.setWeights(compiled.getWeights());
  return [compiled, eager];
}

export async function paramsOf(model: Model): Promise<Params> {
  const [kernel, bias] = await Promise.all(model.getWeights().map(async (w) => Array.from(await w.data())));
  return [kernel, bias];
}

/** The float64 gradient of the batch's MSE at `params`: batch `index` holds samples 2 index, 2 index + 1. */
export function gradients([kernel, bias]: Params, index: number): Params {
  const dKernel = new Array<number>(6).fill(0);
  const dBias = [0, 0];
  for (let s = index * BATCH; s < (index + 1) * BATCH; s++) {
    for (let j = 0; j < 2; j++) {
      const prediction = X[s].reduce((sum, xi, i) => sum + xi * kernel[i * 2 + j], bias[j]);
      const dPrediction = (2 * (prediction - Y[s][j])) / (BATCH * 2);
      for (let i = 0; i < 3; i++) dKernel[i * 2 + j] += X[s][i] * dPrediction;
      dBias[j] += dPrediction;
    }
  }
  return [dKernel, dBias];
}

/** Fits the twins alike and checks that the compiled one replayed its steps (3 steps run the layers). */
export async function fitTwins(compiled: Sequential, eager: Sequential, epochs: number, options: Record<string, unknown> = {}) {
  const { x, y } = data();
  const calls = vi.spyOn(compiled.layers[0], 'call');
  const fitOptions = { epochs, batchSize: BATCH, shuffle: false, verbose: 0 as const, ...options };
  const [a, b] = [await compiled.fit(x, y, fitOptions), await eager.fit(x, y, fitOptions)];
  expect(calls).toHaveBeenCalledTimes(3);
  calls.mockRestore();
  return [a, b];
}

/** Every value of `actual` within `tolerance` of `expected`. */
export function expectClose(actual: Params, expected: Params, tolerance = 1e-5): void {
  actual.forEach((values, k) => values.forEach((v, i) => expect(Math.abs(v - expected[k][i]), `parameter ${k}[${i}]: ${v} vs ${expected[k][i]}`).toBeLessThan(tolerance)));
}
