// Losses and metrics side by side with real Keras: every loss class (each option, reduction and
// sample-weight shape, ranks 1 to 3, int and float labels), the loss functions, and every metric
// class (three weighted updates, then resetState and one more update), on inputs and with
// outputs that Keras 3.15.1 wrote (test/fixtures/keras/make_losses_metrics.py, whose docstring
// lists the cases left out where Keras 3.15 differs from 3.16). All cases run on the CPU backend,
// every tenth on WebGPU.

import { readFileSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { setBackend, tensor, type DType, type Tensor } from '../../src/node';
import * as losses from '../../src/losses/index';
import * as metrics from '../../src/metrics/index';
import { useWebGPU } from '../helpers';

useWebGPU();
afterEach(() => setBackend('webgpu'));

interface Values { dtype: string; shape: number[]; data: number[] }
interface Output { shape: number[]; data: (number | null)[] }
type Case =
  | { kind: 'loss'; cls: string | null; fn: string | null; args: Record<string, unknown>; yt: Values; yp: Values; sw: Values | null; out: Output }
  | { kind: 'metric'; cls: string; args: Record<string, unknown>; update: 'pair' | 'values'; calls: (Values | null)[][]; out: Output[] };

const CASES = JSON.parse(readFileSync('test/fixtures/keras/losses_metrics.json', 'utf8')) as Case[];

const camelCase = (name: string) => name.replace(/_([a-z])/g, (_, c: string) => c.toUpperCase());
/** Keras's keyword arguments as this library's options. */
const optionsOf = (args: Record<string, unknown>) => Object.fromEntries(Object.entries(args).map(([k, v]) => [camelCase(k), v]));
const tensorOf = (v: Values | null | undefined): Tensor | undefined => (v ? tensor(v.data, v.shape, v.dtype as DType) : undefined);

function label(c: Case, index: number): string {
  return `#${index} ${c.kind} ${c.kind === 'loss' && c.fn ? c.fn : c.cls} ${JSON.stringify(c.args)}`;
}

/** The outputs of one case: a loss value, or a metric's result after each update. */
function run(c: Case): Tensor[] {
  if (c.kind === 'loss') {
    const [yTrue, yPred] = [tensorOf(c.yt)!, tensorOf(c.yp)!];
    if (c.fn) return [(losses as unknown as Record<string, (t: Tensor, p: Tensor, o: object) => Tensor>)[camelCase(c.fn)](yTrue, yPred, optionsOf(c.args))];
    const LossClass = (losses as unknown as Record<string, new (o: object) => losses.Loss>)[c.cls!];
    return [new LossClass(optionsOf(c.args)).apply(yTrue, yPred, tensorOf(c.sw))];
  }
  // Mean and Sum take (values, sampleWeight?), the others (yTrue, yPred, sampleWeight?).
  type AnyMetric = { updateState(...inputs: (Tensor | undefined)[]): void; result(): Tensor; resetState(): void };
  const MetricClass = (metrics as unknown as Record<string, new (o: object) => AnyMetric>)[c.cls];
  const metric = new MetricClass(optionsOf(c.args));
  const update = (call: (Values | null)[]) => metric.updateState(...call.slice(0, c.update === 'pair' ? 3 : 2).map(tensorOf));
  const results = c.calls.map((call) => {
    update(call);
    return metric.result();
  });
  metric.resetState();
  update(c.calls[0]);
  return [...results, metric.result()];
}

async function mismatches(indices: number[]): Promise<string[]> {
  const found: string[] = [];
  for (const index of indices) {
    const c = CASES[index];
    const expected = c.kind === 'loss' ? [c.out] : c.out;
    const outputs = run(c);
    for (const [k, output] of outputs.entries()) {
      const want = expected[k];
      const got = Array.from(await output.data());
      const sameShape = output.shape.join(',') === want.shape.join(',');
      const close = got.every((g, i) => {
        const w = want.data[i];
        return w === null ? !Number.isFinite(g) : Math.abs(g - w) <= 2e-5 * Math.max(1, Math.abs(w));
      });
      if (!sameShape || !close) found.push(`${label(c, index)} output ${k}: got [${output.shape}] ${got.slice(0, 6)}, Keras [${want.shape}] ${want.data.slice(0, 6)}`);
    }
  }
  return found;
}

describe('losses and metrics against Keras 3.15.1', () => {
  it(`all ${CASES.length} cases on the CPU backend`, async () => {
    setBackend('cpu');
    expect(await mismatches(CASES.map((_, i) => i))).toEqual([]);
  });

  it('every tenth case on WebGPU', async () => {
    expect(await mismatches(CASES.map((_, i) => i).filter((i) => i % 10 === 0))).toEqual([]);
  });

  it('SparseTopKCategoricalAccuracy with fromSortedIds looks for the label among the first k ids', async () => {
    // m = keras.metrics.SparseTopKCategoricalAccuracy(k=2, from_sorted_ids=True)
    // m.update_state([2, 0, 1, 3], [[0, 2, 1], [1, 3, 0], [1, 1, 2], [2, 0, 1]], sample_weight=[1, 2, 0.5, 1.5])  # 0.3
    // m.update_state([[1], [3]], [[3, 1, 0], [1, 0, 3]])                                                         # 0.35714287
    const metric = new metrics.SparseTopKCategoricalAccuracy({ k: 2, fromSortedIds: true });
    metric.updateState(tensor([2, 0, 1, 3], [4], 'int32'), tensor([[0, 2, 1], [1, 3, 0], [1, 1, 2], [2, 0, 1]], [4, 3], 'int32'), tensor([1, 2, 0.5, 1.5]));
    expect((await metric.result().data())[0]).toBeCloseTo(0.3, 6);
    metric.updateState(tensor([[1], [3]], [2, 1], 'int32'), tensor([[3, 1, 0], [1, 0, 3]], [2, 3], 'int32'));
    expect((await metric.result().data())[0]).toBeCloseTo(0.35714287, 6);
    expect(metric.getConfig()).toEqual({ name: 'sparse_top_k_categorical_accuracy', dtype: 'float32', k: 2, fromSortedIds: true });
    expect(() => new metrics.SparseTopKCategoricalAccuracy({ fromSortedIds: 1 as unknown as boolean })).toThrow(/fromSortedIds must be a boolean/);
  });
});
