// What `compile()` makes of its loss and metrics arguments: the compiled loss (one loss per output,
// weighted, plus regularization terms, with a loss tracker per output of a multi-output model) and
// the compiled metrics (per output), as Keras's compile_utils does. An argument is one entry for
// every output, a list by output position or a record by output name; a list of the wrong length
// or a name that is not an output is an error at compile time.

import type { Tensor } from '../tensor/tensor';
import { getLoss, type Loss, type LossIdentifier } from '../losses/index';
import { getMetric, Mean, Metric, type MetricIdentifier } from '../metrics/index';

export type LossSpec = LossIdentifier | Array<LossIdentifier | null> | Record<string, LossIdentifier | null>;
/**
 * A list of metrics (for every output), a list of lists (one per output, as Keras 3), or a record
 * by output name.
 */
export type MetricSpec = MetricIdentifier[] | MetricIdentifier[][] | Record<string, MetricIdentifier | MetricIdentifier[]>;

/** Losses of each output, with their weights. */
export class CompiledLoss {
  /** Each output's loss, null for an output given none (Keras: no loss for that output). */
  readonly losses: Array<Loss | null>;
  readonly weights: number[];
  /** Each output's loss (before its loss weight, as Keras 3) over the epoch, logged as '<output>_loss' (several outputs with a loss only). */
  readonly trackers: Mean[];
  private readonly trackerOf: Array<Mean | null>;

  constructor(spec: LossSpec, lossWeights: number[] | Record<string, number> | undefined, outputNames: string[]) {
    const losses = perOutput('loss', spec, outputNames, (v) => !('apply' in v) && !('className' in v));
    this.losses = losses.map((id) => (id === undefined || id === null ? null : getLoss(id as LossIdentifier)));
    if (this.losses.every((loss) => loss === null)) throw new Error(`compile: the loss gives no output a loss (outputs ${outputNames.map((n) => `'${n}'`).join(', ')}); leave loss out to compile without one.`);
    this.weights = lossWeights === undefined ? outputNames.map(() => 1) : perOutput('lossWeights', lossWeights, outputNames, () => true).map((w) => (w as number | undefined) ?? 1);
    this.trackerOf = this.losses.map((loss, i) => (outputNames.length > 1 && loss ? lossTracker(`${outputNames[i]}_loss`) : null));
    this.trackers = this.trackerOf.filter((t): t is Mean => t !== null);
  }

  /** The weighted sum of the reduced losses of the outputs that have one; each output's tracker takes its loss. */
  compute(yTrue: Tensor[], yPred: Tensor[], sampleWeight?: Tensor): Tensor {
    const withLoss = this.losses.flatMap((loss, i) => (loss ? [i] : []));
    if (yTrue.length !== yPred.length && yPred.length === this.losses.length && yTrue.length === withLoss.length) {
      // As Keras 3: a loss given to some outputs only (loss: [fn, null]) takes one target per output with a loss.
      const spread: Tensor[] = new Array(yPred.length);
      withLoss.forEach((output, i) => (spread[output] = yTrue[i]));
      yTrue = spread;
    } else if (yTrue.length !== yPred.length) {
      throw new Error(`loss: the model has ${yPred.length} output(s) but ${yTrue.length} target(s) were given (give one target per output, or one per output with a loss: ${withLoss.length}).`);
    }
    if (yPred.length !== this.losses.length) {
      throw new Error(
        `loss: the model returned ${yPred.length} outputs but was compiled for ${this.losses.length}. ` +
          'A subclassed model is compiled for one output; build a model of several outputs as new Model({ inputs, outputs }).',
      );
    }
    let total: Tensor | null = null;
    this.losses.forEach((loss, i) => {
      if (!loss) return;
      const value = loss.apply(yTrue[i], yPred[i], sampleWeight);
      this.trackerOf[i]?.updateState(value, yPred[i].shape[0] ?? 1);
      const weighted = this.weights[i] === 1 ? value : value.mul(this.weights[i]);
      total = total ? total.add(weighted) : weighted;
    });
    return total!;
  }
}

/** A running mean of a loss, which callbacks' mode 'auto' minimizes. */
export function lossTracker(name: string): Mean {
  const tracker = new Mean({ name });
  tracker.direction = 'down';
  return tracker;
}

/**
 * The entry of each output from a compile() argument: a list by position (as many entries as
 * outputs), a record by output name (`isRecord` tells a record from one entry in object form), or
 * one entry for every output.
 */
function perOutput(arg: string, spec: unknown, outputNames: string[], isRecord: (value: object) => boolean): unknown[] {
  const names = outputNames.map((n) => `'${n}'`).join(', ');
  if (Array.isArray(spec)) {
    if (spec.length !== outputNames.length) throw new Error(`compile: ${arg} is a list of ${spec.length} entries, one per output, but the model has ${outputNames.length} output(s) (${names}).`);
    return spec;
  }
  if (spec !== null && typeof spec === 'object' && Object.getPrototypeOf(spec) === Object.prototype && isRecord(spec)) {
    const record = spec as Record<string, unknown>;
    for (const key of Object.keys(record)) if (!outputNames.includes(key)) throw new Error(`compile: ${arg} names output '${key}', but the model's output names are ${names}.`);
    return outputNames.map((name) => record[name]);
  }
  return outputNames.map(() => spec);
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
  /** The metrics made here from names and functions (Metric objects stay the caller's). */
  private readonly made: Metric[] = [];

  constructor(spec: MetricSpec | undefined, weightedSpec: MetricSpec | undefined, outputNames: string[]) {
    try {
      this.byOutput = metricsByOutput('metrics', spec, outputNames, this.made);
      this.weightedByOutput = metricsByOutput('weightedMetrics', weightedSpec, outputNames, this.made);
    } catch (e) {
      this.dispose();
      throw e;
    }
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

  /** Frees the metrics made from names and functions (not Metric objects the caller passed). */
  dispose(): void {
    for (const m of this.made) m.dispose();
  }
}

/**
 * The metrics of each output: a flat list applies to every output (as tf.keras and TF.js), a list
 * of lists gives each output its own (as Keras 3), a record names outputs. The metrics it makes
 * from names and functions go into `made`.
 */
function metricsByOutput(arg: string, spec: MetricSpec | undefined, outputNames: string[], made: Metric[]): Metric[][] {
  if (spec === undefined) return outputNames.map(() => []);
  const nested = Array.isArray(spec) && spec.some((entry) => Array.isArray(entry));
  if (Array.isArray(spec) && nested && !spec.every((entry) => Array.isArray(entry))) {
    throw new Error(`compile: ${arg} mixes metrics and lists of metrics; give a list of metrics (for every output) or one list per output.`);
  }
  const flatForEvery = Array.isArray(spec) && !nested;
  if (flatForEvery && outputNames.length > 1) {
    const shared = (spec as MetricIdentifier[]).find((id) => id instanceof Metric);
    if (shared) throw new Error(`compile: the ${arg} list applies to every output, but the Metric object '${(shared as Metric).name}' can keep the state of one output only; give a name or a function, or one list per output.`);
  }
  const ids = flatForEvery ? outputNames.map(() => spec) : perOutput(arg, spec, outputNames, () => true);
  return ids.map((entry, i) =>
    ([] as MetricIdentifier[]).concat((entry ?? []) as MetricIdentifier | MetricIdentifier[]).map((id) => {
      const metric = getMetric(id);
      if (metric !== id) made.push(metric);
      if (outputNames.length > 1) metric.name = `${outputNames[i]}_${metric.name}`;
      return metric;
    }),
  );
}
