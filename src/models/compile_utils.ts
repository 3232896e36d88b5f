// What `compile()` makes of its loss and metrics arguments: the compiled loss (one loss per output,
// weighted, plus regularization terms) and the compiled metrics (per output), as Keras's
// compile_utils does.

import type { Tensor } from '../tensor/tensor';
import { getLoss, type Loss, type LossIdentifier } from '../losses/index';
import { getMetric, type Metric, type MetricIdentifier } from '../metrics/index';

export type LossSpec = LossIdentifier | LossIdentifier[] | Record<string, LossIdentifier>;
export type MetricSpec = MetricIdentifier[] | Record<string, MetricIdentifier | MetricIdentifier[]>;

/** Losses of each output, with their weights. */
export class CompiledLoss {
  readonly losses: Loss[];
  readonly weights: number[];

  constructor(spec: LossSpec, lossWeights: number[] | Record<string, number> | undefined, outputNames: string[]) {
    const perOutput = (value: unknown, name: string, index: number): unknown => {
      if (Array.isArray(value)) return value[index];
      if (value && typeof value === 'object' && !('apply' in value) && !(typeof value === 'function')) return (value as Record<string, unknown>)[name];
      return value;
    };
    this.losses = outputNames.map((name, i) => {
      const id = perOutput(spec, name, i) as LossIdentifier | undefined;
      if (id === undefined) throw new Error(`compile: no loss given for output '${name}' (output ${i}).`);
      return getLoss(id);
    });
    this.weights = outputNames.map((name, i) => (lossWeights === undefined ? 1 : ((perOutput(lossWeights, name, i) as number | undefined) ?? 1)));
  }

  /** The weighted sum of every output's reduced loss. */
  compute(yTrue: Tensor[], yPred: Tensor[], sampleWeight?: Tensor): Tensor {
    if (yTrue.length !== yPred.length) {
      throw new Error(`loss: the model has ${yPred.length} output(s) but ${yTrue.length} target(s) were given.`);
    }
    let total: Tensor | null = null;
    this.losses.forEach((loss, i) => {
      const value = loss.apply(yTrue[i], yPred[i], sampleWeight);
      const weighted = this.weights[i] === 1 ? value : value.mul(this.weights[i]);
      total = total ? total.add(weighted) : weighted;
    });
    return total!;
  }
}

/**
 * Metrics of each output; names get the output's name as a prefix when there are several outputs.
 * As in Keras, `metrics` ignore sample weights and `weightedMetrics` apply them; a weighted metric
 * named like an unweighted one gets the prefix 'weighted_' (as tf.keras did), so logs keep both.
 */
export class CompiledMetrics {
  /** The metrics, then the weighted metrics (Keras's order). */
  readonly metrics: Metric[] = [];
  private readonly byOutput: Metric[][];
  private readonly weightedByOutput: Metric[][];

  constructor(spec: MetricSpec | undefined, weightedSpec: MetricSpec | undefined, outputNames: string[]) {
    this.byOutput = metricsByOutput(spec, outputNames);
    this.weightedByOutput = metricsByOutput(weightedSpec, outputNames);
    const unweightedNames = new Set(this.byOutput.flat().map((m) => m.name));
    for (const m of this.weightedByOutput.flat()) if (unweightedNames.has(m.name)) m.name = `weighted_${m.name}`;
    this.metrics.push(...this.byOutput.flat(), ...this.weightedByOutput.flat());
  }

  updateState(yTrue: Tensor | Tensor[], yPred: Tensor | Tensor[], sampleWeight?: Tensor): void {
    const trues = Array.isArray(yTrue) ? yTrue : [yTrue];
    const preds = Array.isArray(yPred) ? yPred : [yPred];
    this.byOutput.forEach((metrics, i) => {
      for (const m of metrics) m.updateState(trues[i], preds[i]);
    });
    this.weightedByOutput.forEach((metrics, i) => {
      for (const m of metrics) m.updateState(trues[i], preds[i], sampleWeight);
    });
  }

  resetState(): void {
    for (const m of this.metrics) m.resetState();
  }
}

function metricsByOutput(spec: MetricSpec | undefined, outputNames: string[]): Metric[][] {
  return outputNames.map((name) => {
    const ids = spec === undefined ? [] : Array.isArray(spec) ? spec : ([] as MetricIdentifier[]).concat(spec[name] ?? []);
    return ids.map((id) => {
      const metric = getMetric(id);
      if (outputNames.length > 1) metric.name = `${name}_${metric.name}`;
      return metric;
    });
  });
}
