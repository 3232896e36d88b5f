// Shared checks of the metric test files: flat memory over many updates, and a float64 reference
// of Keras's AUC.

import { expect } from 'vitest';
import { memory, tidy, type Tensor } from '../../src/node';
import type { Metric } from '../../src/metrics/index';
import { settleGarbage } from '../helpers';

/** Live tensors and GPU bytes are the same before and after `steps` updates and results wrapped in tidy. */
export async function expectFlatMemory(metric: Metric, yTrue: Tensor, yPred: Tensor, sampleWeight?: Tensor, steps = 50): Promise<void> {
  const step = () =>
    tidy(() => {
      (metric as unknown as { updateState(a: Tensor, b: Tensor, w?: Tensor): void }).updateState(yTrue, yPred, sampleWeight);
      metric.result();
    });
  step();
  await metric.variables[0].data();
  await settleGarbage();
  const before = memory();
  for (let i = 0; i < steps; i++) step();
  metric.resetState();
  await metric.variables[0].data();
  await settleGarbage();
  expect(memory().liveTensors, metric.name).toBe(before.liveTensors);
  expect(memory().gpuBytes, metric.name).toBe(before.gpuBytes);
}

/** Counts per threshold (prediction > threshold is positive) and Keras's AUC formulas, in float64. */
export function referenceAuc(labels: number[], predictions: number[], weights: number[], thresholds: number[], curve: 'ROC' | 'PR' | 'PRGAIN', method: 'interpolation' | 'minoring' | 'majoring'): number {
  const tp: number[] = [], fp: number[] = [], tn: number[] = [], fn: number[] = [];
  for (const t of thresholds) {
    let [a, b, c, d] = [0, 0, 0, 0];
    predictions.forEach((p, i) => {
      const w = weights[i];
      if (p > t) labels[i] ? (a += w) : (b += w);
      else labels[i] ? (d += w) : (c += w);
    });
    tp.push(a); fp.push(b); tn.push(c); fn.push(d);
  }
  const div = (x: number, y: number) => (y === 0 ? 0 : x / y);
  const n = thresholds.length - 1;
  let area = 0;
  if (curve === 'PR' && method === 'interpolation') {
    for (let i = 0; i < n; i++) {
      const [pA, pB] = [tp[i] + fp[i], tp[i + 1] + fp[i + 1]];
      const dtp = tp[i] - tp[i + 1];
      const slope = div(dtp, Math.max(pA - pB, 0));
      const intercept = tp[i + 1] - slope * pB;
      const ratio = pA > 0 && pB > 0 ? div(pA, Math.max(pB, 0)) : 1;
      area += div(slope * (dtp + intercept * Math.log(ratio)), Math.max(tp[i + 1] + fn[i + 1], 0));
    }
    return area;
  }
  const recall = tp.map((v, i) => div(v, v + fn[i]));
  let x: number[], y: number[];
  if (curve === 'ROC') [x, y] = [fp.map((v, i) => div(v, v + tn[i])), recall];
  else if (curve === 'PR') [x, y] = [recall, tp.map((v, i) => div(v, v + fp[i]))];
  else {
    const scale = tp.map((v, i) => div(v + fn[i], tn[i] + fp[i]));
    x = tp.map((v, i) => (v === 0 ? 0 : Math.max(1 - scale[i] * div(fn[i], v), 0)));
    y = tp.map((v, i) => (v === 0 ? 1 : 1 - scale[i] * div(fp[i], v)));
  }
  for (let i = 0; i < n; i++) {
    const h = method === 'interpolation' ? (y[i] + y[i + 1]) / 2 : method === 'minoring' ? Math.min(y[i], y[i + 1]) : Math.max(y[i], y[i + 1]);
    area += (x[i] - x[i + 1]) * h;
  }
  return area;
}
