// Model: a Layer that can be trained. Built three ways, as in Keras: functional
// (`new Model({ inputs, outputs })`), Sequential (models/sequential.ts), or subclassed (layers in
// the constructor, `call` overridden). `compile`, `fit`, `evaluate`, `predict` and the
// overridable `trainStep`/`testStep`/`predictStep` live here; the epoch loop is in training.ts,
// the loops of evaluate and predict in evaluation.ts.

import { formatShape } from '../backend/types';
import { GradientTape } from '../autograd/tape';
import type { Variable } from '../autograd/variable';
import { Layer, keepAutomaticConfig, type CallArgs, type LayerArgs, type LayerInput } from '../layers/layer';
import { SymbolicTensor, type Shape } from '../layers/symbolic';
import { Mean, type Metric } from '../metrics/index';
import { getOptimizer, type Optimizer, type OptimizerIdentifier } from '../optimizers/index';
import { tidy } from '../tensor/memory';
import type { Tensor } from '../tensor/tensor';
import type { Callback, History, Logs } from '../callbacks/callback';
import { CompiledLoss, CompiledMetrics, lossTracker, type LossSpec, type MetricSpec } from './compile_utils';
import { classWeightsToSampleWeights, DataScope, toStepDatasets, type DataInput, type DataNames } from './data';
import { fitsInputShape, flatKeys, flattenStructure, FunctionalGraph, packStructure, rankAdjustedShape, structureOf, type Structure, type Structured, type SymbolicRecord, type TensorRecord } from './functional';
import { checkSavePath } from '../io/save_paths';
import { isRecord } from '../tensor/records';
import { printSummary, type SummaryOptions } from './summary';
import { checkDataIsNotADatasetMaker, checkTargetsAreNotOptions, runFit, type FitOptions } from './training';
import { datasetOptions, isBatchSource, type BatchSource } from './batch_source';
import { runEvaluate, runPredict } from './evaluation';
import { checkOptionNames } from '../ops/validate';
import { disposeLogs, readLogs, stepData, type StepData, type StepLogs } from './step_data';
import { StepCompiler } from './step_capture';
import type { IOTarget, ModelInfo } from '../io/handlers';
import type { LoadWeightsOptions, SaveOptions } from '../io/model_io';

export interface ModelArgs extends LayerArgs {
  /** One symbolic tensor, a list, or a record by key (Keras's dict; the keys name the data's entries). */
  inputs?: SymbolicTensor | SymbolicTensor[] | SymbolicRecord;
  /** As inputs; a record's keys name the outputs in compile's loss and metric records, the targets' record and the logs. */
  outputs?: SymbolicTensor | SymbolicTensor[] | SymbolicRecord;
}

export interface CompileArgs {
  /** An optimizer or its name ('sgd', 'adam', ...); Keras's default is 'rmsprop'. */
  optimizer?: OptimizerIdentifier;
  /**
   * A loss name, function or object; a list or a record by output name for several outputs. None
   * (as Keras's loss=None) when the model's losses come from `this.addLoss()` in its layers, a
   * custom computeLoss or a custom trainStep: fit and evaluate then need no targets y.
   */
  loss?: LossSpec;
  /** Metrics of each output; they ignore sample weights (as in Keras). */
  metrics?: MetricSpec;
  /** Metrics weighted by the sample weights of `fit`, `evaluate` or a step's data (as in Keras). */
  weightedMetrics?: MetricSpec;
  lossWeights?: number[] | Record<string, number>;
  /**
   * Run every `fit` and `trainOnBatch` step eagerly, as written (default false, as in Keras). By
   * default they trace `trainStep` and replay the recorded GPU work once a step repeats: the result is the
   * same, but JavaScript side effects of a custom trainStep (logging, counters) happen only on the
   * first few steps. Set it to debug a trainStep.
   */
  runEagerly?: boolean;
  /**
   * Keras's jit_compile: accepted for Keras code and without effect, as steps are traced and
   * replayed anyway (see runEagerly).
   */
  jitCompile?: boolean | 'auto';
  /** Keras's auto_scale_loss: accepted and without effect, as there is no float16 here. */
  autoScaleLoss?: boolean;
}

/** Predictions or targets: one tensor, a list by output position, or a record by output key. */
export type ModelOutput = Tensor | Tensor[] | TensorRecord;
/** A model's inputs, as a step receives them: one tensor, a list by input position, or a record by input name. */
export type ModelInput = Tensor | Tensor[] | TensorRecord;

/** `this.compiledLoss(y, yPred, { regularizationLosses })`, as in TF 2.x training steps. */
export type CompiledLossFunction = (yTrue: ModelOutput, yPred: ModelOutput, options?: { regularizationLosses?: Tensor[]; sampleWeight?: Tensor }) => Tensor;

export interface EvaluateOptions {
  batchSize?: number;
  /** A weight per sample, multiplied into the loss and the weighted metrics (Keras's sample_weight). */
  sampleWeight?: DataInput;
  /** 1 (or 2) prints a Keras-style line with the results (Node); 0 is silent. Default 1 in Node, 0 in browsers. */
  verbose?: 0 | 1 | 2;
  /** Their test hooks (onTestBegin, onTestBatchEnd, ...) are called. */
  callbacks?: Callback[];
  /** Batches to evaluate from a dataset (Keras's steps; default: until the dataset ends). */
  steps?: number;
  /**
   * true (default here): the logs as a record by name. false: Keras's default form, the loss and
   * then the other logs in sorted name order as a list, or one number when there is only the loss.
   */
  returnDict?: boolean;
}

/** How trainOnBatch weighs a batch's samples (see FitOptions). */
export interface BatchWeighting {
  sampleWeight?: DataInput;
  classWeight?: Record<number, number>;
}

export interface PredictOptions {
  batchSize?: number;
  /** 1 (or 2) prints a Keras-style line when done (Node); default 0, as in TF.js. */
  verbose?: 0 | 1 | 2;
  /** Their predict hooks (onPredictBegin, onPredictBatchEnd, ...) are called. */
  callbacks?: Callback[];
  /** Batches to predict from a dataset (Keras's steps; default: until the dataset ends). */
  steps?: number;
}

export type { StepData, StepLogs } from './step_data';

/** The option names of compile and of the batch methods, for checkOptionNames (the types keep them complete). */
const COMPILE_OPTIONS: Record<keyof CompileArgs, true> = { optimizer: true, loss: true, metrics: true, weightedMetrics: true, lossWeights: true, runEagerly: true, jitCompile: true, autoScaleLoss: true };
const BATCH_WEIGHTING: Record<keyof BatchWeighting, true> = { sampleWeight: true, classWeight: true };
const TEST_BATCH_WEIGHTING: Record<'sampleWeight', true> = { sampleWeight: true };

/**
 * A trainable model.
 *
 * @example
 * const inputs = Input({ shape: [32] });
 * const model = new Model({ inputs, outputs: new layers.Dense({ units: 1 }).apply(inputs) });
 * model.compile({ optimizer: 'adam', loss: 'mse', metrics: ['mae'] });
 * const history = await model.fit(x, y, { epochs: 3 });
 */
export class Model extends Layer {
  /** Set by a callback to end `fit` after the current batch. */
  stopTraining = false;
  /** @internal Set in a callback's onTrainBegin to start that fit at a later epoch (BackupAndRestore; Keras's _initial_epoch). */
  resumeEpoch: number | null = null;
  /** Whether `fit` runs trainStep eagerly at every step instead of replaying it (see compile). */
  runEagerly = false;
  /** The replayable training steps of `fit`, kept from one fit to the next until compile() (Keras's train_function). */
  private stepCompiler: StepCompiler | null = null;
  optimizer!: Optimizer;
  compiledLoss!: CompiledLossFunction;
  compiledMetrics!: CompiledMetrics;
  /**
   * The loss given to compile, as given (Keras's `model.loss`); null before compile or when
   * compiled without one. A custom trainStep can call it: `(this.loss as Loss).apply(zA, zB)`.
   */
  loss: LossSpec | null = null;
  /** Tracks the mean loss over the epoch; the first of `metrics`, named 'loss'. */
  readonly lossTracker: Mean = lossTracker('loss');
  history: History | null = null;
  protected graph: FunctionalGraph | null = null;
  /** The compiled losses of the outputs; null when compiled without a loss. */
  private compiledLossTerms: CompiledLoss | null = null;
  /** @internal The arguments of the last compile(), kept for saving the compile config. */
  compileArgs: CompileArgs | null = null;
  /** Set by dispose(): the model's memory is gone. */
  private disposed = false;

  constructor(args: ModelArgs = {}) {
    super(args);
    if (args.inputs || args.outputs) {
      if (!args.inputs || !args.outputs) throw new Error(`Model '${this.name}': give both inputs and outputs for a functional model.`);
      this.initGraph(args.inputs, args.outputs);
    }
  }

  /**
   * @internal Sets up the functional graph (also used by Sequential once its input is known). A
   * record's tensors go into the graph in sorted key order, as Keras flattens dicts.
   */
  protected initGraph(inputs: Structured<SymbolicTensor>, outputs: Structured<SymbolicTensor>): void {
    for (const [role, value] of [['inputs', inputs], ['outputs', outputs]] as const) {
      const list = value instanceof SymbolicTensor || Array.isArray(value) || isRecord(value) ? flattenStructure(value) : [];
      if (list.length === 0 || list.some((t) => !(t instanceof SymbolicTensor))) {
        if (list.some((t) => Array.isArray(t) || isRecord(t))) {
          throw new Error(`Model '${this.name}': nested \`${role}\` (a list or record inside the ${role}, as Keras's nested structures) are not supported; give a flat list or a record of symbolic tensors (e.g. ${role}.flat()). Received: ${describeValue(value)}.`);
        }
        throw new Error(`Model '${this.name}': \`${role}\` must be a symbolic tensor (from Input or a layer applied to one), a non-empty list of them or a record of them by key; got ${describeValue(value)}.`);
      }
    }
    if (isRecord(inputs)) {
      for (const [key, t] of Object.entries(inputs)) {
        const name = t.node.layer.name;
        if (key !== name) console.warn(`Model '${this.name}': the input record's key '${key}' maps to the Input named '${name}'; name the Input after its key (Input({ ..., name: '${key}' })), as Keras asks.`);
      }
    }
    this.graph = new FunctionalGraph(flattenStructure(inputs), flattenStructure(outputs), this.name);
    this.inputStructure = structureOf(inputs);
    this.outputStructure = structureOf(outputs);
    this.built = true;
  }

  private inputStructure: Structure = 'single';
  private outputStructure: Structure = 'single';

  /** @internal For saving and cloning: the functional graph, and how its inputs and outputs were given. */
  get savedGraph(): { graph: FunctionalGraph; inputStructure: Structure; outputStructure: Structure } | null {
    return this.graph ? { graph: this.graph, inputStructure: this.inputStructure, outputStructure: this.outputStructure } : null;
  }

  /** A functional model's inputs and outputs are saved as its graph, not as options. */
  protected override get structuralOptions(): readonly string[] {
    return ['inputs', 'outputs'];
  }

  /**
   * The options that rebuild the model (Keras's get_config). A functional model's hold its graph
   * (`layers`, `input_layers`, `output_layers`, as in its saved topology), so that
   * `Model.fromConfig(model.getConfig())` rebuilds it with fresh weights.
   */
  override getConfig(): Record<string, unknown> {
    return this.constructor === Model && this.graph ? graphConfigs('getConfig').write(this) : super.getConfig();
  }

  /**
   * Rebuilds a model from `getConfig()` (Keras's from_config): a functional model's graph, with
   * new layers and fresh weights; `customObjects` gives the custom classes it names.
   *
   * @example
   * const twin = Model.fromConfig(model.getConfig(), { customObjects: { CustomDense } });
   */
  static override fromConfig<T extends Layer>(this: new (config: never) => T, config: Record<string, unknown>, options: GraphConfigOptions = {}): T {
    if ((this as unknown) === Model && Array.isArray(config?.layers)) return graphConfigs('Model.fromConfig').read(Model, config, options) as unknown as T;
    return new this(config as never);
  }

  /** Inputs and outputs of a functional model. */
  get inputs(): SymbolicTensor[] {
    return this.graph?.inputs ?? [];
  }

  get outputs(): SymbolicTensor[] {
    return this.graph?.outputs ?? [];
  }

  /** A functional model's inputs as given to its constructor (Keras's model.input): one symbolic tensor, a list or a record. */
  override get input(): SymbolicTensor | SymbolicTensor[] | SymbolicRecord {
    if (!this.graph) return super.input;
    return packStructure(this.graph.inputs, this.inputStructure);
  }

  /** A functional model's outputs as given to its constructor (Keras's model.output). */
  override get output(): SymbolicTensor | SymbolicTensor[] | SymbolicRecord {
    if (!this.graph) return super.output;
    return packStructure(this.graph.outputs, this.outputStructure);
  }

  /** The inputs' shapes, batch dimension null (Keras's input_shape): one shape, or a list for several inputs. */
  get inputShape(): Shape | Shape[] {
    return this.graphShapes('inputShape', this.inputs);
  }

  /** The outputs' shapes, as inputShape. */
  get outputShape(): Shape | Shape[] {
    return this.graphShapes('outputShape', this.outputs);
  }

  private graphShapes(what: string, tensors: SymbolicTensor[]): Shape | Shape[] {
    if (tensors.length === 0) throw new Error(`${what}: model '${this.name}' has no graph yet (a subclassed model, or a Sequential without its input shape); call it on data or give it an Input first.`);
    const shapes = tensors.map((t) => [...t.shape]);
    return shapes.length === 1 ? shapes[0] : shapes;
  }

  /** The model's layers; a functional model's Input layers included, in Keras's order (see FunctionalGraph). */
  override get layers(): Layer[] {
    return this.graph ? this.graph.layersInKerasOrder : super.layers;
  }

  /** The layer named `name`, or at position `index` of `layers` (Keras's get_layer). */
  getLayer(nameOrIndex: string | number): Layer {
    const layers = this.layers;
    if (typeof nameOrIndex === 'number') {
      const layer = Number.isInteger(nameOrIndex) ? layers[nameOrIndex] : undefined;
      if (!layer) throw new Error(`getLayer: was asked for the layer at index ${nameOrIndex}, but model '${this.name}' has ${layers.length} layer(s).`);
      return layer;
    }
    const layer = layers.find((l) => l.name === nameOrIndex);
    if (!layer) throw new Error(`getLayer: no layer named '${nameOrIndex}' in model '${this.name}'. Its layers are: ${layers.map((l) => `'${l.name}'`).join(', ')}.`);
    return layer;
  }

  /**
   * Applies the model (see Layer.apply). A functional model built from records takes a record of
   * inputs by key (or a list in the order of `inputs`, the sorted keys, as Keras flattens dicts; one
   * tensor for one input) and returns a record of outputs; any functional model takes a record by
   * input layer name.
   *
   * @example
   * const model = new Model({ inputs: { image, meta }, outputs: { label, box } });
   * const { label, box } = model.apply({ image: images, meta: features }) as TensorRecord;
   */
  override apply(inputs: SymbolicTensor, args?: CallArgs): SymbolicTensor;
  override apply(inputs: SymbolicTensor[], args?: CallArgs): SymbolicTensor | SymbolicTensor[];
  override apply(inputs: Tensor, args?: CallArgs): Tensor;
  override apply(inputs: Tensor[], args?: CallArgs): Tensor | Tensor[];
  override apply(inputs: LayerInput, args?: CallArgs): LayerInput;
  override apply(inputs: SymbolicRecord, args?: CallArgs): SymbolicTensor | SymbolicTensor[] | SymbolicRecord;
  override apply(inputs: TensorRecord, args?: CallArgs): ModelOutput;
  override apply(inputs: ModelInput, args?: CallArgs): ModelOutput;
  override apply(inputs: LayerInput | TensorRecord | SymbolicRecord, args: CallArgs = {}): LayerInput | TensorRecord | SymbolicRecord {
    const outputs = super.apply((this.graph ? this.graphInputs('apply', inputs) : inputs) as LayerInput, args);
    return Array.isArray(outputs) && typeof this.outputStructure !== 'string' ? packStructure(outputs as Tensor[], this.outputStructure) : outputs;
  }

  /** The graph's inputs, in order, from a record by key (or by input layer name), or a list or tensor as given. */
  private graphInputs<T extends Tensor | SymbolicTensor>(op: string, inputs: Structured<T>): T | T[] {
    if (!isRecord(inputs)) return inputs as T | T[];
    const names = this.dataNames().inputs!;
    const expected = names.map((n) => `'${n}'`).join(', ');
    const given = Object.keys(inputs);
    const unknown = given.filter((k) => !names.includes(k));
    if (unknown.length > 0) throw new Error(`${op}: the inputs name ${unknown.map((k) => `'${k}'`).join(', ')}, but the inputs of model '${this.name}' are ${expected}.`);
    const missing = names.filter((n) => !given.includes(n));
    if (missing.length > 0) throw new Error(`${op}: the inputs have no entry for ${missing.map((n) => `'${n}'`).join(', ')}; the inputs of model '${this.name}' are ${expected}.`);
    const list = names.map((n) => inputs[n]);
    return list.length === 1 && this.inputStructure !== 'list' ? list[0] : list;
  }

  /** A functional model's outputs, flattened: a record's in sorted key order (apply gives the record). */
  override call(inputs: Tensor | Tensor[], args: CallArgs = {}): Tensor | Tensor[] {
    if (!this.graph) {
      throw new Error(`Model '${this.name}' has no graph: construct it with { inputs, outputs }, or subclass Model and override call().`);
    }
    const outputs = this.graph.run(flattenStructure(this.graphInputs('call', inputs)), args, this.name);
    return this.outputStructure === 'single' ? outputs[0] : outputs;
  }

  override computeOutputShape(inputShape: Shape | Shape[]): Shape | Shape[] {
    if (!this.graph) return super.computeOutputShape(inputShape);
    const shapes = this.graph.outputs.map((o) => [...o.shape]);
    return this.outputStructure === 'single' ? shapes[0] : shapes;
  }

  /** @internal Predictions or targets as a list by output position (a record's by output key). */
  flattenOutputs(op: string, role: string, value: ModelOutput): Tensor[] {
    if (!isRecord(value)) return [value].flat();
    const names = this.outputNames();
    const keys = Object.keys(value);
    if (keys.length !== names.length || !names.every((n) => keys.includes(n))) {
      throw new Error(`${op}: ${role} is a record (${keys.map((k) => `'${k}'`).join(', ')}), but the outputs of model '${this.name}' are ${names.map((n) => `'${n}'`).join(', ')}.`);
    }
    return names.map((n) => value[n]);
  }

  /**
   * The loss tracker, the compiled metrics, each output's loss tracker ('<output>_loss', several
   * outputs only), then the metrics kept in properties of the model and its layers (Keras's
   * `model.metrics`, in its order). Their `updateState` takes `(loss)` for the loss trackers and
   * `(yTrue, yPred)` for the compiled ones.
   */
  override get metrics(): Array<Metric<unknown[]>> {
    const compiled = this.compiledMetrics ? [this.lossTracker, ...this.compiledMetrics.metrics, ...(this.compiledLossTerms?.trackers ?? [])] : [this.lossTracker];
    // Then, as Keras 3, the metrics kept in properties of this model and of its layers; a nested
    // model's own trackers stay its own.
    const kept = this.selfAndSublayers().flatMap((layer) => (layer === this || !(layer instanceof Model) ? layer.ownMetrics() : []));
    return [...new Set([...compiled, ...kept])];
  }

  get metricsNames(): string[] {
    return this.metrics.map((m) => m.name);
  }

  /**
   * Configures training: optimizer, loss and metrics. Every option has a default, so a subclass
   * with its own compile (a GAN's two optimizers, say) can call `super.compile()` as Keras's does.
   */
  compile(args: CompileArgs = {}): void {
    checkOptionNames('compile', args, COMPILE_OPTIONS);
    const { optimizer = 'rmsprop', loss, metrics, weightedMetrics, lossWeights, runEagerly = false } = args ?? ({} as CompileArgs);
    if (loss === undefined && lossWeights !== undefined) throw new Error('compile: lossWeights weigh the losses of the outputs, but no loss was given.');
    const outputNames = this.outputNames();
    // Everything is resolved before anything is assigned: a bad name leaves the previous compile intact.
    const resolvedOptimizer = getOptimizer(optimizer);
    const compiled = loss === undefined ? null : new CompiledLoss(loss, lossWeights, outputNames);
    let compiledMetrics: CompiledMetrics;
    try {
      compiledMetrics = new CompiledMetrics(metrics, weightedMetrics, outputNames);
    } catch (e) {
      for (const tracker of compiled?.trackers ?? []) tracker.dispose();
      throw e;
    }
    // The previous compile's loss trackers and the metrics it made from names go.
    for (const tracker of this.compiledLossTerms?.trackers ?? []) tracker.dispose();
    this.compiledMetrics?.dispose();
    this.optimizer = resolvedOptimizer;
    this.runEagerly = runEagerly;
    this.stepCompiler?.dispose();
    this.stepCompiler = null;
    this.compileArgs = { optimizer: resolvedOptimizer, loss, metrics, weightedMetrics, lossWeights };
    this.loss = loss ?? null;
    this.compiledLossTerms = compiled;
    this.compiledMetrics = compiledMetrics;
    this.compiledLoss = (yTrue, yPred, options = {}) => {
      const total = this.totalLoss('compiledLoss', yTrue, yPred, options.sampleWeight, options.regularizationLosses ?? []);
      this.lossTracker.updateState(total, batchSize(yPred));
      return total;
    };
  }

  /**
   * Keras 3's compute_loss: the compiled losses plus this model's losses (`this.addLoss()` terms
   * and weight penalties, each summed to a scalar). The default trainStep and testStep call it;
   * override it to compute the loss another way.
   */
  computeLoss(_x: ModelInput | undefined, y: ModelOutput | undefined, yPred: ModelOutput, sampleWeight?: Tensor): Tensor {
    this.checkCompiled('computeLoss');
    return this.totalLoss('computeLoss', y, yPred, sampleWeight, this.losses);
  }

  /**
   * Keras 3's compute_metrics: updates the compiled metrics with the batch and returns every
   * metric's result (getMetricsResult). The default trainStep and testStep call it; a custom
   * trainStep can too.
   *
   * @example
   * override trainStep([x, y, sampleWeight]: StepData) {
   *   const tape = new GradientTape();
   *   const [yPred, loss] = tape.record(() => { const yPred = this.apply(x, { training: true }); return [yPred, this.computeLoss(x, y, yPred, sampleWeight)] as const; });
   *   const variables = this.trainableVariables;
   *   this.optimizer.applyGradients(tape.gradient(loss, variables).map((g, i) => [g, variables[i]]));
   *   this.lossTracker.updateState(loss);
   *   return this.computeMetrics(x, y, yPred, sampleWeight);
   * }
   */
  computeMetrics(_x: ModelInput | undefined, y: ModelOutput | undefined, yPred: ModelOutput, sampleWeight?: Tensor): StepLogs {
    this.checkCompiled('computeMetrics');
    if (this.compiledMetrics.metrics.length > 0) {
      if (y === undefined) throw new Error(`computeMetrics: the compiled metrics (${this.compiledMetrics.metrics.map((m) => m.name).join(', ')}) compare predictions with targets, but no targets y were given.`);
      this.compiledMetrics.updateState(this.flattenOutputs('computeMetrics', 'y', y), this.flattenOutputs('computeMetrics', 'yPred', yPred), sampleWeight);
    }
    return this.getMetricsResult();
  }

  /**
   * Keras 3's get_metrics_result: the result of every metric in `metrics`, by name, as tensors
   * (fit reads them back once per epoch). Logs hold one number per name, so a metric whose result
   * has several values is an error here, at the first step, rather than a log of its first value.
   */
  getMetricsResult(): StepLogs {
    return Object.fromEntries(
      this.metrics.map((m) => {
        const result = m.result();
        if (result.size !== 1) {
          const shape = formatShape(result.shape);
          result.dispose();
          throw new Error(
            `Metric '${m.name}' gives ${shape === '[0]' ? 'no value' : `values of shape ${shape}`} (one per class or threshold, say), but logs hold one number per name. ` +
              "Compile it with a single value (new metrics.F1Score({ average: 'macro' }), one threshold), or read its values with metric.result() after evaluate.",
          );
        }
        return [m.name, result];
      }),
    );
  }

  /**
   * The compiled losses (which need targets) plus `additional` losses, each summed to a scalar.
   * `op` names the caller in errors.
   */
  private totalLoss(op: string, y: ModelOutput | undefined, yPred: ModelOutput, sampleWeight: Tensor | undefined, additional: Tensor[]): Tensor {
    const terms: Tensor[] = [];
    if (this.compiledLossTerms) {
      if (y === undefined) throw new Error(`${op}: ${MISSING_TARGETS}`);
      terms.push(this.compiledLossTerms.compute(this.flattenOutputs(op, 'y', y), this.flattenOutputs(op, 'yPred', yPred), sampleWeight));
    }
    for (const loss of additional) terms.push(loss.rank > 0 ? loss.sum() : loss);
    if (terms.length === 0) {
      throw new Error(`${op}: no loss to compute. Give compile() a loss, add losses with this.addLoss() in a layer's call, or override computeLoss or trainStep.`);
    }
    return addAll(terms);
  }

  /**
   * One training step on a batch: forward pass under a GradientTape, gradients, optimizer update,
   * metrics. Override it to customize training; `fit` disposes everything it creates.
   */
  trainStep(data: StepData): StepLogs {
    const [x, y, sampleWeight] = data;
    const tape = new GradientTape();
    let recorded: readonly [ModelOutput, Tensor, Tensor];
    try {
      recorded = tape.record(() => {
        const yPred = this.apply(x, { training: true }) as ModelOutput;
        const loss = this.computeLoss(x, y, yPred, sampleWeight);
        // Keras's optimizer.scale_loss: a LossScaleOptimizer's gradients are those of the scaled loss.
        return [yPred, loss, this.optimizer.scaleLoss(loss)] as const;
      });
    } catch (e) {
      // The tape holds the tensors its gradient rules would have used; a failed step frees them.
      tape.dispose();
      throw e;
    }
    const [yPred, loss, scaledLoss] = recorded;
    const variables = this.trainableVariables;
    const grads = tape.gradient(scaledLoss, variables);
    this.optimizer.applyGradients(grads.map((g, i) => [g, variables[i]] as [Tensor | null, Variable]));
    this.lossTracker.updateState(loss, batchSize(yPred));
    return this.computeMetrics(x, y, yPred, sampleWeight);
  }

  /** One evaluation step: forward pass in inference mode, loss and metrics. */
  testStep(data: StepData): StepLogs {
    const [x, y, sampleWeight] = data;
    const yPred = this.apply(x, { training: false }) as ModelOutput;
    this.lossTracker.updateState(this.computeLoss(x, y, yPred, sampleWeight), batchSize(yPred));
    return this.computeMetrics(x, y, yPred, sampleWeight);
  }

  /** One prediction step: the outputs, a record by key for a model built with a record of outputs. */
  predictStep(data: StepData): ModelOutput {
    return this.apply(data[0], { training: false }) as ModelOutput;
  }

  /**
   * Trains for a number of epochs; returns the History. The data is x and y in memory, or a
   * dataset of batches (an iterable or async iterable yielding [x, y] or [x, y, sampleWeight], as
   * Keras takes a tf.data.Dataset or a generator) followed by the options.
   *
   * @example
   * await model.fit(x, y, { epochs: 5, batchSize: 64 });
   * await model.fit(batches(), { epochs: 5, stepsPerEpoch: 100 });   // async function* batches() { ... yield [xb, yb]; }
   */
  async fit(dataset: BatchSource, options?: FitOptions): Promise<History>;
  async fit(dataset: BatchSource, y: undefined, options?: FitOptions): Promise<History>;
  async fit(x: DataInput, y?: DataInput, options?: FitOptions): Promise<History>;
  async fit(x: DataInput | BatchSource, y?: DataInput | FitOptions, options?: FitOptions): Promise<History> {
    this.checkCompiled('fit');
    checkDataIsNotADatasetMaker('fit', x);
    if (isBatchSource(x)) return runFit(this, x, undefined, datasetOptions('fit', y, options));
    checkTargetsAreNotOptions(y, options);
    if (y === undefined) this.checkWithoutTargets('fit', 'train');
    return runFit(this, x, y as DataInput | undefined, options ?? {});
  }

  /** Loss and metrics on the data (x and y, or a dataset of [x, y] batches and the options), in inference mode. */
  async evaluate(dataset: BatchSource, options: EvaluateOptions & { returnDict: false }): Promise<number | number[]>;
  async evaluate(dataset: BatchSource, y: undefined, options: EvaluateOptions & { returnDict: false }): Promise<number | number[]>;
  async evaluate(x: DataInput, y: DataInput | undefined, options: EvaluateOptions & { returnDict: false }): Promise<number | number[]>;
  async evaluate(dataset: BatchSource, options?: EvaluateOptions): Promise<Logs>;
  async evaluate(dataset: BatchSource, y: undefined, options?: EvaluateOptions): Promise<Logs>;
  async evaluate(x: DataInput, y?: DataInput, options?: EvaluateOptions): Promise<Logs>;
  async evaluate(x: DataInput | BatchSource, y?: DataInput | EvaluateOptions, options?: EvaluateOptions): Promise<Logs | number | number[]> {
    this.checkCompiled('evaluate');
    checkDataIsNotADatasetMaker('evaluate', x);
    let logs: Logs;
    let returnDict: boolean | undefined;
    if (isBatchSource(x)) {
      const resolved = datasetOptions('evaluate', y, options);
      returnDict = resolved.returnDict;
      logs = await runEvaluate(this, x, undefined, resolved);
    } else {
      if (y === undefined) this.checkWithoutTargets('evaluate', 'test');
      returnDict = options?.returnDict;
      logs = await runEvaluate(this, x, y as DataInput | undefined, options ?? {});
    }
    return returnDict === false ? logsInKerasOrder(logs, this.metricsNames) : logs;
  }

  /**
   * Outputs for the inputs (or a dataset's batches of inputs), computed batch by batch and
   * concatenated on the device, in predictStep's structure: one tensor, a list, or a record by key
   * for a model built with a record of outputs (type it as `predict<TensorRecord>(x)`).
   */
  async predict<T extends ModelOutput = Tensor | Tensor[]>(x: DataInput | BatchSource, options: PredictOptions = {}): Promise<T> {
    this.checkUsable('predict');
    checkDataIsNotADatasetMaker('predict', x);
    return (await runPredict(this, x, options)) as T;
  }

  /**
   * One training step on one batch; returns the logs. Replayed like fit's steps unless
   * `runEagerly`. `sampleWeight` and `classWeight` weigh the batch's samples as in `fit`.
   */
  async trainOnBatch(x: DataInput, y?: DataInput, weighting: BatchWeighting = {}): Promise<Logs> {
    this.checkCompiled('trainOnBatch');
    checkOptionNames('trainOnBatch', weighting, BATCH_WEIGHTING);
    if (y === undefined) this.checkWithoutTargets('trainOnBatch', 'train');
    return this.onBatch('trainOnBatch', x, y, weighting, (data) => (this.runEagerly ? this.trainStep(data) : this.compiledSteps().run(data)));
  }

  /** One evaluation step on one batch; returns the logs. */
  async testOnBatch(x: DataInput, y?: DataInput, options: Pick<BatchWeighting, 'sampleWeight'> = {}): Promise<Logs> {
    this.checkCompiled('testOnBatch');
    checkOptionNames('testOnBatch', options, TEST_BATCH_WEIGHTING);
    if (y === undefined) this.checkWithoutTargets('testOnBatch', 'test');
    const { sampleWeight } = options;
    return this.onBatch('testOnBatch', x, y, { sampleWeight }, (data) => this.testStep(data));
  }

  /** Outputs for one batch. */
  predictOnBatch<T extends ModelOutput = Tensor | Tensor[]>(x: Tensor | Tensor[] | TensorRecord): T {
    this.checkUsable('predictOnBatch');
    return tidy(() => this.predictStep([this.graph ? this.graphInputs('predictOnBatch', x) : (x as Tensor | Tensor[])])) as T;
  }

  /**
   * Saves the model: topology, weights (safetensors), compile config and optimizer state. The
   * target is a URL ('indexeddb://name', 'localstorage://name', 'downloads://name',
   * 'memory://name'), a file path in Node, or an IOHandler. See src/io/model_io.ts.
   *
   * @example
   * await model.save('indexeddb://my-model');
   * const restored = await loadModel('indexeddb://my-model');
   */
  async save(target: IOTarget, options: SaveOptions = {}): Promise<ModelInfo> {
    checkSavePath(target, 'save');
    const { isKerasFile, saveKerasFile } = await import('../io/keras_save');
    if (isKerasFile(target, 'keras')) return saveKerasFile(this, target, options);
    const { saveModel } = await import('../io/model_io');
    return saveModel(this, target, options);
  }

  /**
   * Saves only the weights (a safetensors file and a small JSON manifest).
   *
   * @example
   * await model.saveWeights('memory://weights');
   * await otherModelOfSameArchitecture.loadWeights('memory://weights');
   */
  async saveWeights(target: IOTarget): Promise<ModelInfo> {
    checkSavePath(target, 'saveWeights');
    const { isKerasFile, saveKerasFile } = await import('../io/keras_save');
    if (isKerasFile(target, 'weights.h5')) return saveKerasFile(this, target, null);
    const { saveWeights } = await import('../io/model_io');
    return saveWeights(this, target);
  }

  /**
   * Loads weights saved by `saveWeights` or `save` into this model (same architecture; checked
   * before anything changes). `skipMismatch` leaves weights of another shape as they are, with a
   * warning (a new head for fine-tuning). A path or URL ending in `.keras` or `.weights.h5` is a
   * file saved by Keras 3 in Python, read by `loadKerasWeights`.
   *
   * @example
   * await classifier.loadWeights('memory://pretrained', { skipMismatch: true });
   * await classifier.loadWeights('./trained_in_python.keras');
   */
  async loadWeights(source: IOTarget, options: LoadWeightsOptions = {}): Promise<void> {
    if (typeof source === 'string' && /\.(keras|weights\.h5)$/i.test(source)) {
      const { loadKerasWeights } = await import('../io/keras_weights');
      return loadKerasWeights(this, source, options);
    }
    const { loadWeights } = await import('../io/model_io');
    return loadWeights(this, source, options);
  }

  /**
   * Keras's summary table: layers, output shapes, parameter counts (and, for a graph that is not
   * a plain chain, what each layer is connected to). Printed with `printFn` and returned.
   *
   * @example
   * model.summary();
   * model.summary({ lineLength: 100, expandNested: true, showTrainable: true, printFn: (text) => log.push(text) });
   */
  summary(options: SummaryOptions | ((text: string) => void) = {}): string {
    return printSummary(this, typeof options === 'function' ? { printFn: options } : options);
  }

  /**
   * The model's topology (its layers and their configs, without weights) as a JSON string, for
   * `modelFromJSON` (Keras's `to_json`).
   *
   * @example
   * const twin = modelFromJSON(model.toJSON());   // same architecture, fresh weights
   */
  toJSON(): string {
    if (!topologyWriter) throw new Error('model.toJSON: the topology writer is not loaded; import the package from its entry point (webgpu-keras).');
    return topologyWriter(this);
  }

  /**
   * Frees the model's GPU memory: its weights, the optimizer's state and the metrics' state. The
   * model cannot be used afterwards. (Tensors that fit/predict returned stay yours to dispose.)
   *
   * @example
   * model.dispose();   // memory().gpuBytes drops by the size of the weights and optimizer slots
   */
  dispose(): void {
    this.stepCompiler?.dispose();
    this.stepCompiler = null;
    for (const w of this.weights) w.dispose();
    for (const layer of this.selfAndSublayers()) for (const v of layer.keptVariables) v.dispose();
    this.optimizer?.dispose();
    for (const m of this.metrics) m.dispose();
    this.disposed = true;
  }

  /** @internal The compiled training steps `fit` uses (created on first use). */
  compiledSteps(): StepCompiler {
    return (this.stepCompiler ??= new StepCompiler(this));
  }

  /** Resets the loss tracker and every compiled metric. */
  resetMetrics(): void {
    for (const m of this.metrics) m.resetState();
  }

  /** @internal Checks x against the model's declared input shapes before any GPU work. */
  checkInputShapes(op: string, xs: Tensor[]): void {
    const expected = this.graph ? this.graph.inputs.map((i) => i.shape) : this.batchInputShape ? [this.batchInputShape] : null;
    if (!expected) return;
    if (xs.length !== expected.length) throw new Error(`${op}: the model has ${expected.length} input(s) but x holds ${xs.length} tensor(s).`);
    xs.forEach((t, i) => {
      const shape = expected[i];
      if (!fitsInputShape(rankAdjustedShape(t.shape, shape), [null, ...shape.slice(1)])) {
        const want = `(${shape.map((d) => d ?? 'None').join(', ')})`;
        throw new Error(`${op}: input ${i} of model '${this.name}' expects samples of shape ${want}, got x of shape [${t.shape.join(',')}].`);
      }
    });
  }

  /** @internal */
  checkCompiled(op: string): void {
    this.checkUsable(op);
    if (!this.compiledLoss || !this.optimizer) throw new Error(`${op}: the model must be compiled first; call model.compile({ optimizer, loss }) before ${op}().`);
  }

  /**
   * @internal Before any GPU work of fit(x) or evaluate(x) without targets (or a dataset's batch
   * without them): the default step with the default computeLoss and computeMetrics needs them for
   * a compiled loss or metric. (A custom step may not; it meets the same error at its first step if
   * it does.)
   */
  checkWithoutTargets(op: string, use: 'train' | 'test'): void {
    if (this.hasCustomStep(use)) return;
    if (this.compiledLossTerms && this.computeLoss === Model.prototype.computeLoss) throw new Error(`${op}: ${MISSING_TARGETS}`);
    const metrics = this.compiledMetrics.metrics;
    if (metrics.length > 0 && this.computeMetrics === Model.prototype.computeMetrics) {
      throw new Error(`${op}: the compiled metrics (${metrics.map((m) => m.name).join(', ')}) compare predictions with targets, but no targets y were given.`);
    }
  }

  /** @internal Whether training ('train') or evaluation ('test') runs a step the subclass wrote. */
  hasCustomStep(use: 'train' | 'test'): boolean {
    return use === 'train' ? this.trainStep !== Model.prototype.trainStep : this.testStep !== Model.prototype.testStep;
  }

  /** @internal Throws when the model was disposed. */
  checkUsable(op: string): void {
    if (this.disposed) throw new Error(`${op}: model '${this.name}' was disposed; build or load it again.`);
  }

  /** The outputs' names: a record's keys (sorted, the outputs' order), else the output layers' names. */
  private outputNames(): string[] {
    if (!this.graph) return ['output'];
    if (typeof this.outputStructure !== 'string') return flatKeys(this.outputStructure);
    return this.graph.outputs.map((o) => o.node.layer.name);
  }

  /** @internal The names data records may use: the input and output keys or layer names of a graph model; a model without a graph takes a record x as it is. */
  dataNames(): DataNames {
    if (!this.graph) return { inputs: null, outputs: null, takesInputRecord: true };
    const inputs = typeof this.inputStructure !== 'string' ? flatKeys(this.inputStructure) : this.graph.inputs.map((i) => i.node.layer.name);
    return { inputs, outputs: this.outputNames(), takesInputRecord: false };
  }

  private async onBatch(op: string, x: DataInput, y: DataInput | undefined, { sampleWeight, classWeight }: BatchWeighting, step: (data: StepData) => StepLogs): Promise<Logs> {
    const data = new DataScope();
    try {
      const { xs, ys, ws, xKeys, classWeights } = toStepDatasets(op, this.dataNames(), data, x, y, sampleWeight, classWeight);
      this.checkInputShapes(op, xs);
      this.resetMetrics();
      const logs = tidy(() => step(stepData(xs, ys, classWeights ? [classWeightsToSampleWeights(ys[0], classWeights)] : ws, xKeys)));
      const result = await readLogs(logs);
      disposeLogs(logs);
      return result;
    } finally {
      data.release();
    }
  }
}

// A subclassed model that does not override getConfig still gets the options its constructor passed to super.
keepAutomaticConfig(Model.prototype.getConfig);

/** Writes a model's topology as JSON; set by io/model_json.ts, which model.ts cannot import (io imports models). */
let topologyWriter: ((model: Model) => string) | null = null;

/** @internal */
export function setTopologyWriter(writer: (model: Model) => string): void {
  topologyWriter = writer;
}

/** Options of `Model.fromConfig` and `Sequential.fromConfig`. */
export interface GraphConfigOptions {
  /** Custom classes and functions the config names, as loadModel's customObjects. */
  customObjects?: Record<string, unknown>;
}

/** @internal A functional or Sequential model's config with its layers, and the model back from it. */
export interface GraphConfigCodec {
  write(model: Model): Record<string, unknown>;
  read(cls: typeof Model, config: Record<string, unknown>, options: GraphConfigOptions): Model;
}

/** Set by io/model_json.ts, as the topology writer. */
let graphConfigCodec: GraphConfigCodec | null = null;

/** @internal */
export function setGraphConfigCodec(codec: GraphConfigCodec): void {
  graphConfigCodec = codec;
}

/** @internal The codec of model configs, or an error naming `op` when the io modules are not loaded. */
export function graphConfigs(op: string): GraphConfigCodec {
  if (!graphConfigCodec) throw new Error(`${op}: the model config codec is not loaded; import the package from its entry point (webgpu-keras).`);
  return graphConfigCodec;
}

/**
 * evaluate's logs as Keras returns them by default (return_dict=False): in the order of the
 * model's metrics (the loss, the compiled metrics as given, each output's loss), then any other
 * log in sorted name order; one number when the loss is all there is.
 */
function logsInKerasOrder(logs: Logs, metricNames: readonly string[]): number | number[] {
  const ordered = metricNames.filter((name) => name in logs);
  const names = [...new Set([...ordered, ...Object.keys(logs).filter((name) => !ordered.includes(name)).sort()])];
  const values = names.map((name) => logs[name]);
  return values.length === 1 ? values[0] : values;
}

function addAll(terms: Tensor[]): Tensor {
  return terms.reduce((a, b) => a.add(b));
}

/** What a loss tracker weighs a batch's loss by: its size, as in Keras (a short last batch counts less). */
function batchSize(yPred: ModelOutput): number {
  return flattenStructure(yPred)[0].shape[0] ?? 1;
}

const MISSING_TARGETS =
  "the model was compiled with a loss, which compares predictions with targets, but no targets y were given. Pass y, or compile without a loss when the model's losses come from this.addLoss() or a custom computeLoss.";

/** A short description of a value for an error message. */
function describeValue(value: unknown): string {
  const item = (v: unknown) => (v instanceof SymbolicTensor ? 'a symbolic tensor' : v === null ? 'null' : typeof v === 'object' ? (v.constructor?.name ?? 'an object') : typeof v);
  if (Array.isArray(value)) return value.length === 0 ? 'an empty list' : `a list holding ${value.map(item).join(', ')}`;
  if (isRecord(value)) {
    const entries = Object.entries(value);
    return entries.length === 0 ? 'an empty record' : `a record holding ${entries.map(([k, v]) => `${k}: ${item(v)}`).join(', ')}`;
  }
  return item(value);
}
