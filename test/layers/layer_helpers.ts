// Shared checks for the layer tests: element-wise closeness with a readable failure, and a
// gradient check of a layer with weights. The check takes the tape's gradients of
// sum(r * layer(x)) with respect to the input and every trainable weight on the active backend
// (WebGPU), and compares them with central finite differences computed on the CPU backend by a
// second layer of the same config given the same weights (weights perturbed through setWeights).

import { expect } from 'vitest';
import { GradientTape, getBackend, setBackend, tensor, tidy, type Tensor } from '../../src/node';
import type { Layer } from '../../src/layers/index';
import { seededRandom } from '../cases/data';

/** Asserts |actual - expected| <= atol + rtol * |expected| everywhere, naming the first miss. */
export function expectClose(actual: ArrayLike<number>, expected: ArrayLike<number>, { atol = 1e-5, rtol = 1e-4 } = {}): void {
  expect(actual.length).toBe(expected.length);
  for (let i = 0; i < expected.length; i++) {
    if (!(Math.abs(actual[i] - expected[i]) <= atol + rtol * Math.abs(expected[i]))) {
      expect.fail(`element ${i}: got ${actual[i]}, expected ${expected[i]} (atol ${atol}, rtol ${rtol})`);
    }
  }
}

/** Uniform values in [low, high) from a fixed seed. */
export function seededValues(size: number, seed: number, low = -1, high = 1): number[] {
  const next = seededRandom(seed);
  return Array.from({ length: size }, () => low + next() * (high - low));
}

export interface LayerGradCheckOptions {
  training?: boolean;
  eps?: number;
  rtol?: number;
  atol?: number;
  /** Check the gradient with respect to the input too (default true). */
  checkInput?: boolean;
}

/** The gradient check described above; resolves to 'ok' or a message naming the first mismatch. */
export async function layerGradCheck(makeLayer: () => Layer, inputShape: number[], inputValues: number[], options: LayerGradCheckOptions = {}): Promise<string> {
  const { training = false, eps = 1e-2, rtol = 2e-2, atol = 2e-3, checkInput = true } = options;
  const layer = makeLayer();
  const x = tensor(inputValues, inputShape);
  const outShape = tidy(() => layer.apply(x, { training }).shape);
  const weightValues = await Promise.all(layer.weights.map(async (w) => Array.from(await w.data())));
  const trainableIndex = layer.weights.map((w, i) => (w.trainable ? i : -1)).filter((i) => i >= 0);
  const r = seededValues(outShape.reduce((a, b) => a * b, 1), 99, 0.5, 1.5);

  const tape = new GradientTape();
  tape.watch(x);
  const target = tape.record(() => layer.apply(x, { training }).mul(tensor(r, outShape)).sum());
  const sources = [x, ...trainableIndex.map((i) => layer.weights[i])];
  const analytic = await Promise.all(tape.gradient(target, sources).map(async (g) => (g ? Array.from(await g.data()) : null)));

  const previous = getBackend();
  setBackend('cpu');
  try {
    const cpuLayer = makeLayer();
    tidy(() => cpuLayer.apply(tensor(inputValues, inputShape), { training }));
    const objective = async (input: number[], weights: number[][]): Promise<number> => {
      tidy(() => cpuLayer.setWeights(weights.map((v, i) => tensor(v, layer.weights[i].shape as number[]))));
      const out = tidy(() => cpuLayer.apply(tensor(input, inputShape), { training }) as Tensor);
      const data = await out.data();
      out.dispose();
      let total = 0;
      for (let k = 0; k < data.length; k++) total += r[k] * data[k];
      return total;
    };
    const checks: Array<{ label: string; grad: number[] | null; perturb: (j: number, delta: number) => [number[], number[][]]; size: number }> = [];
    if (checkInput) {
      checks.push({
        label: `input [${inputShape}]`,
        grad: analytic[0],
        size: inputValues.length,
        perturb: (j, delta) => [inputValues.map((v, k) => (k === j ? v + delta : v)), weightValues],
      });
    }
    trainableIndex.forEach((wi, s) => {
      checks.push({
        label: `weight ${layer.weights[wi].name}`,
        grad: analytic[s + 1],
        size: weightValues[wi].length,
        perturb: (j, delta) => [inputValues, weightValues.map((w, i) => (i === wi ? w.map((v, k) => (k === j ? v + delta : v)) : w))],
      });
    });
    for (const { label, grad, perturb, size } of checks) {
      for (let j = 0; j < size; j++) {
        const numeric = ((await objective(...perturb(j, eps))) - (await objective(...perturb(j, -eps)))) / (2 * eps);
        const got = grad?.[j] ?? 0;
        if (!(Math.abs(got - numeric) <= atol + rtol * Math.abs(numeric))) return `${label} element ${j}: tape ${got} vs finite difference ${numeric}`;
      }
    }
  } finally {
    setBackend(previous);
  }
  return 'ok';
}

