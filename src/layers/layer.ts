// The Layer base class with Keras semantics: configuration, lazy `build` on the first `apply`,
// `call`, weights made by `addWeight`, losses (with the activity regularizer of every layer),
// `getConfig`/`fromConfig`, and `apply` working both on tensors (eager) and on symbolic tensors
// from `Input` (graph building, with `input`/`output` naming the tensors of the first call).

import { formatShape, type DType } from '../backend/types';
import { Variable } from '../autograd/variable';
import { ones, zeros } from '../ops/creation';
import { reshape } from '../ops/shape';
import { tidy } from '../tensor/memory';
import { getMask, setMask } from '../tensor/mask';
import type { Tensor } from '../tensor/tensor';
import { getConstraint, type ConstraintIdentifier } from './constraints';
import { getInitializer, type InitializerIdentifier } from './initializers';
import { getRegularizer, type Regularizer, type RegularizerIdentifier } from './regularizers';
import { isSymbolic, Node, SymbolicTensor, type Shape } from './symbolic';
import { activityPenalty, isShapeList, regularizerConfig, resolveRegularizer } from './layer_utils';
import { getRegisteredLayerName } from './class_registry';
import { checkInputSpec, type InputSpec, type InputSpecArgs } from './input_spec';
import { Metric } from '../metrics/metric';
import { isRecord } from '../tensor/records';

export interface LayerArgs {
  name?: string;
  trainable?: boolean;
  dtype?: DType;
  /** Shape of one sample, without the batch dimension (first layer of a Sequential model). */
  inputShape?: Shape;
  /** Same as `inputShape: [inputDim]`. */
  inputDim?: number;
  /** Shape including the batch dimension. */
  batchInputShape?: Shape;
  batchSize?: number;
  /**
   * A penalty on the layer's outputs (Keras's activity_regularizer, e.g. 'l2' or
   * regularizers.l1(0.01)): after each eager call, regularizer(output) / batch size is added to
   * `losses` for every output.
   */
  activityRegularizer?: RegularizerIdentifier | null;
}

/** The mask of a layer's input: one per input tensor for a list input, null where a tensor has none. */
export type InputMask = Tensor | ReadonlyArray<Tensor | null> | null;

/** The masks a layer's computeMask gives its outputs: one, or one per output tensor. */
export type OutputMask = Tensor | Array<Tensor | null> | null;

export interface CallArgs {
  /** Training mode (Dropout, BatchNormalization); inherited by nested layer calls. */
  training?: boolean;
  /**
   * The input's mask (see getMask): `apply` passes the mask attached to the input tensors, or this
   * option when given (null: no mask). Layers that consume masks (recurrent layers,
   * GlobalAveragePooling1D, MultiHeadAttention) read it in `call`; eager tensors only.
   */
  mask?: InputMask;
}

export { InputSpec, type InputSpecArgs } from './input_spec';

export interface AddWeightArgs {
  name?: string;
  shape: readonly number[];
  /** Default (also for null, Keras's None) 'glorotUniform', 'zeros' for int32. */
  initializer?: InitializerIdentifier | null;
  trainable?: boolean;
  /** None by default; null (Keras's None, what `regularizers.get(null)` returns) adds no penalty. */
  regularizer?: RegularizerIdentifier | null;
  /** Applied by the optimizer after each update of the weight (see `Variable.constraint`). */
  constraint?: ConstraintIdentifier | null;
  dtype?: DType;
}

export type LayerInput = Tensor | Tensor[] | SymbolicTensor | SymbolicTensor[];

/** Training flags of the layer calls in progress, innermost last (undefined: none given). */
const callStack: Array<{ training: boolean | undefined }> = [];
const nameCounts = new Map<string, number>();

/**
 * Base class of all layers. Subclass it and implement `call` (and `build` to make weights with
 * `addWeight`, `getConfig` to add constructor options, `computeOutputShape` when tracing `call`
 * is not wanted).
 *
 * @example
 * class SimpleDense extends Layer {
 *   units: number; w!: Variable; b!: Variable;
 *   constructor(config: { units?: number } & LayerArgs = {}) { super(config); this.units = config.units ?? 32; }
 *   build(inputShape: Shape) {
 *     this.w = this.addWeight({ shape: [inputShape.at(-1)!, this.units], initializer: 'randomNormal' });
 *     this.b = this.addWeight({ shape: [this.units], initializer: 'zeros' });
 *   }
 *   call(x: Tensor) { return ops.matmul(x, this.w).add(this.b); }
 *   getConfig() { return { ...super.getConfig(), units: this.units }; }
 * }
 */
export class Layer {
  name: string;
  dtype: DType;
  built = false;
  /** Shape with the batch dimension that the layer expects, when declared in its config. */
  readonly batchInputShape: Shape | null;
  /** What `apply` checks the inputs against: an InputSpec or a record of its fields. */
  inputSpec: InputSpec | InputSpecArgs | null = null;
  /** The input shape of the first `apply` (which built the layer); saved models rebuild subclassed models from it. */
  buildInputShape: Shape | Shape[] | null = null;
  /** Graph nodes where this layer was applied to symbolic tensors. */
  readonly inboundNodes: Node[] = [];
  /**
   * The training flag `call` gets when neither `apply`'s caller nor an enclosing layer call gives
   * one: the default of `training` in a Keras layer's call signature. Undefined (inference) for
   * most layers; true for the image augmentation layers and Pipeline, as in Keras 3, so that
   * `new RandomFlip().apply(images)` flips while `predict` and `evaluate` (which pass
   * `training: false`) do not. A subclass sets it with `protected override readonly trainingDefault = true`.
   */
  protected readonly trainingDefault: boolean | undefined = undefined;
  /**
   * Whether the layer passes masks on (Keras's supports_masking): after `call`, its outputs get the
   * masks of `computeMask`; a layer that does not support masking drops them. As in Keras 3, it
   * defaults to true for a layer that overrides `computeMask`, and to false otherwise.
   */
  supportsMasking: boolean;
  /** The penalty on the outputs added to `losses` after each call, or null (see LayerArgs). */
  readonly activityRegularizer: Regularizer | null;
  private _trainable: boolean;
  private readonly ownWeights: Variable[] = [];
  private readonly declaredTrainable = new WeakMap<Variable, boolean>();
  private readonly weightRegularizers: Array<[Variable, Regularizer]> = [];
  private activityLosses: Tensor[] = [];
  /** The constructor's options beyond LayerArgs, for the getConfig of a layer that does not override it. */
  private readonly ownOptions: Record<string, unknown>;
  /** While a call on symbolic inputs computes its output shape: the mask shapes of those inputs. */
  private symbolicInputMasks: Array<Shape | null> | null = null;
  /** While a call on symbolic inputs computes its output shape: the dtypes of those inputs. */
  private symbolicInputDtypes: DType[] | null = null;

  constructor(args: LayerArgs = {}) {
    checkLayerArgs(new.target, args);
    const { name: _name, trainable: _trainable, dtype: _dtype, inputShape: _inputShape, inputDim: _inputDim, batchInputShape: _batchInputShape, batchSize: _batchSize, activityRegularizer, ...own } = args ?? {};
    this.ownOptions = own;
    this.supportsMasking = this.computeMask !== Layer.prototype.computeMask;
    this.activityRegularizer = resolveRegularizer(activityRegularizer);
    // Named after the class's Keras name where it is registered (minifiers rename classes): a
    // functional Model is 'functional', as in Keras 3; of a registered 'package>Name', the Name.
    const className = getRegisteredLayerName(new.target)?.split('>').at(-1) ?? (new.target.name || 'layer');
    this.name = args.name ?? uniqueName(snakeCase(className));
    this._trainable = args.trainable ?? true;
    this.dtype = args.dtype ?? 'float32';
    this.batchInputShape = args.batchInputShape
      ? [...args.batchInputShape]
      : args.inputShape
        ? [args.batchSize ?? null, ...args.inputShape]
        : args.inputDim !== undefined
          ? [args.batchSize ?? null, args.inputDim]
          : null;
    // Keras's build wrapper: a layer whose `build` is called directly (a custom layer building its
    // sublayers in its own build) is built, so its first apply does not make its weights again.
    // Extra arguments of a custom build (Keras's guide's `build(inputShape, layerInit)`) pass through.
    const build = this.build as (...args: unknown[]) => void;
    this.build = (inputShape: Shape | Shape[], ...rest: unknown[]) => {
      build.call(this, inputShape, ...rest);
      this.markBuilt(inputShape);
    };
  }

  /**
   * Creates the weights for inputs of this shape. Called once, by the first `apply`; a layer whose
   * build is called directly (by a layer building its sublayers) is built from then on.
   */
  build(_inputShape: Shape | Shape[]): void {}

  /** The layer's computation on tensors. The base layer returns its input. */
  call(inputs: Tensor | Tensor[], _args: CallArgs = {}): Tensor | Tensor[] {
    return inputs;
  }

  /**
   * The masks of the outputs, from the inputs and their mask (Keras's compute_mask). By default
   * the input's mask when the layer supports masking, else null. Runs after `call`, inside a tidy
   * scope: masks it makes are attached to the outputs as views and the originals freed.
   */
  computeMask(_inputs: Tensor | Tensor[], mask: InputMask): OutputMask {
    if (!this.supportsMasking || mask === null) return null;
    return (Array.isArray(mask) ? [...mask] : mask) as OutputMask;
  }

  /**
   * Output shape for an input shape. By default `call` is traced on zeros twice, with unknown
   * dimensions set to 2 and to 3; output dimensions that differ are unknown. On symbolic inputs
   * that carry masks, `call` gets masks of ones of their shapes, as Keras passes a mask-consuming
   * layer its inputs' masks when it builds a functional model.
   */
  computeOutputShape(inputShape: Shape | Shape[]): Shape | Shape[] {
    // A record of shapes (a layer applied to a record) traces call on a record of zeros.
    const keys = isRecord(inputShape) ? Object.keys(inputShape) : null;
    const shapes = keys ? (Object.values(inputShape) as Shape[]) : isShapeList(inputShape) ? inputShape : [inputShape];
    let returnsList = false;
    const maskShapes = this.symbolicInputMasks;
    const trace = (fill: number) =>
      tidy(() => {
        const inputs = shapes.map((s, i) => zeros(s.map((d) => d ?? fill), this.traceInputDtype(i)));
        // No training flag, as Keras's symbolic call: call's own default decides (a layer written
        // `call(audio, { training = true })` traces what it computes in training).
        const args: CallArgs = {};
        if (maskShapes) args.mask = traceMasks(maskShapes, fill, isShapeList(inputShape));
        const packed = keys ? (Object.fromEntries(keys.map((key, i) => [key, inputs[i]])) as unknown as Tensor[]) : isShapeList(inputShape) ? inputs : inputs[0];
        const out = this.call(packed, args);
        returnsList = Array.isArray(out);
        return (Array.isArray(out) ? out : [out]).map((t) => [...t.shape]);
      });
    const traceOrExplain = (fill: number) => {
      try {
        return trace(fill);
      } catch (e) {
        // The zeros stand in for unknown sizes: say so, or an error about a batch of 2 misleads.
        if (!(e instanceof Error) || !shapes.some((s) => s.includes(null)) || e.message.includes('.computeOutputShape:')) throw e;
        const placed = shapes.map((s) => formatShape(s.map((d) => d ?? fill))).join(', ');
        throw new Error(
          `${this.constructor.name} '${this.name}'.computeOutputShape: applied to symbolic inputs, the layer runs call on zeros of shape ${placed} (each unknown dimension set to ${fill}) to find its output shape, and call failed: ${e.message} ` +
            'A call that needs the true size of an unknown dimension (a reshape to a fixed number of rows) can override computeOutputShape(inputShape), or the Input can fix that size (Input({ shape, batchSize })).',
          { cause: e },
        );
      }
    };
    const [small, large] = [traceOrExplain(2), traceOrExplain(3)];
    const result: Shape[] = small.map((shape, k) => shape.map((d, i) => (d === large[k][i] ? d : null)));
    return returnsList ? result : result[0];
  }

  /**
   * @internal Builds the layer for this input shape as its first `apply` does, its options checked
   * first (a typo is an error); a layer that runs others without applying them (an RNN's cell)
   * builds them with it.
   */
  buildOnce(inputShape: Shape | Shape[]): void {
    this.checkOwnOptions();
    this.build(inputShape);
    this.markBuilt(inputShape);
  }

  /** Marks the layer built, keeping the input shape (or list of shapes) with the batch unknown; a record of shapes is not kept. */
  private markBuilt(inputShape: Shape | Shape[]): void {
    this.built = true;
    if (!Array.isArray(inputShape)) return;
    const unbatched = (s: Shape): Shape => (s.length > 0 ? [null, ...s.slice(1)] : []);
    this.buildInputShape = isShapeList(inputShape) ? inputShape.map(unbatched) : unbatched(inputShape);
  }

  /**
   * The dtype of input `index` when `computeOutputShape` traces `call`: the symbolic input's own
   * (int32 indices stay int32, as Keras's KerasTensors keep their dtype), else float32 unless a
   * layer knows better.
   */
  protected traceInputDtype(index: number): DType {
    return this.symbolicInputDtypes?.[index] ?? 'float32';
  }

  /**
   * Applies the layer: on tensors it builds the layer if needed and runs `call`; on symbolic
   * tensors (from `Input`) it records a graph node and returns symbolic outputs.
   */
  apply(inputs: SymbolicTensor, args?: CallArgs): SymbolicTensor;
  apply(inputs: SymbolicTensor[], args?: CallArgs): SymbolicTensor | SymbolicTensor[];
  apply(inputs: Tensor, args?: CallArgs): Tensor;
  apply(inputs: Tensor[], args?: CallArgs): Tensor | Tensor[];
  apply(inputs: LayerInput, args?: CallArgs): LayerInput;
  apply(inputs: LayerInput, args: CallArgs = {}): LayerInput {
    if (isRecord(inputs) && !strictOptionClasses.has(this.constructor)) return this.applyToRecord(inputs, args);
    if (args !== null && typeof args === 'object' && ((args as { isTensorInstance?: boolean }).isTensorInstance === true || isSymbolic(args))) {
      throw new Error(`${this.name}: apply(inputs, options) takes the inputs first and the call options ({ training, mask, ... }) second, but the second argument is a tensor. Give several inputs as a list, apply([query, value]), where Keras writes layer(query, value).`);
    }
    const list = (Array.isArray(inputs) ? inputs : [inputs]) as Array<Tensor | SymbolicTensor>;
    if (list.length === 0) throw new Error(`${this.name}: apply() needs at least one input.`);
    // findIndex, not find: an undefined item (a missing tensor, or apply(undefined)) must be caught too.
    const notTensorIndex = list.findIndex((t) => t === null || typeof t !== 'object' || !Array.isArray(t.shape));
    if (notTensorIndex >= 0) {
      const notTensor = list[notTensorIndex] as unknown;
      const received = notTensor !== null && typeof notTensor === 'object' ? `an object with keys ${JSON.stringify(Object.keys(notTensor))}` : String(notTensor);
      throw new Error(`${this.name}: apply() takes a tensor or a list of tensors (or symbolic tensors from Input). Received: ${received}.`);
    }
    const symbolic = list.filter(isSymbolic).length;
    if (symbolic > 0 && symbolic < list.length) {
      throw new Error(`${this.name}: inputs mix symbolic tensors (from Input) and concrete tensors; use one kind.`);
    }
    const shapes: Shape[] = list.map((t) => [...t.shape]);
    checkInputSpec(this.name, this.inputSpec, list.map((t, i) => ({ shape: shapes[i], dtype: t.dtype })));
    const inputShape: Shape | Shape[] = Array.isArray(inputs) ? shapes : shapes[0];
    if (!this.built) this.buildOnce(inputShape);
    if (symbolic > 0) {
      if (args.mask !== undefined && args.mask !== null) {
        throw new Error(`${this.name}: the mask option is for tensors; on symbolic tensors (from Input) masks come from the layers that make them (Embedding with maskZero, Masking) when the model runs.`);
      }
      return this.applySymbolic(list as SymbolicTensor[], inputShape, args, Array.isArray(inputs));
    }
    const mask = args.mask !== undefined ? args.mask : inputMask(inputs as Tensor | Tensor[]);
    const outputs = this.callInContext(inputs as Tensor | Tensor[], { ...args, mask });
    if (this.supportsMasking) this.attachOutputMasks(inputs as Tensor | Tensor[], outputs, mask);
    this.addActivityLosses(outputs);
    return outputs;
  }

  /**
   * Applies a custom layer to a record of tensors, as Keras layers take a dict (keras.io's
   * VariableSelection on a dict of Inputs, a subclassed model given a record of data): `build`
   * receives a record of their shapes (not kept as buildInputShape, which is a shape or a list),
   * `call` the record itself; on symbolic tensors the graph node keeps the keys. Masks do not
   * follow a record.
   */
  private applyToRecord(record: Record<string, unknown>, args: CallArgs): LayerInput {
    const entries = Object.entries(record);
    const bad = entries.find(([, t]) => t === null || typeof t !== 'object' || !Array.isArray((t as Tensor).shape));
    if (entries.length === 0 || bad) {
      const problem = bad ? `entry '${bad[0]}' is ${String(bad[1])}` : 'it is empty';
      throw new Error(`${this.name}: apply() takes a record only of tensors (its call receives the record), but ${problem}.`);
    }
    const values = entries.map(([, t]) => t as Tensor | SymbolicTensor);
    const symbolic = values.filter(isSymbolic).length;
    if (symbolic > 0 && symbolic < values.length) throw new Error(`${this.name}: the record mixes symbolic tensors (from Input) and concrete tensors; use one kind.`);
    const shapes = Object.fromEntries(entries.map(([key, t]) => [key, [...(t as Tensor).shape]])) as unknown as Shape;
    if (!this.built) this.buildOnce(shapes);
    if (symbolic > 0) return this.applySymbolic(values as SymbolicTensor[], shapes, args, false, Object.keys(record));
    const outputs = this.callInContext(record as unknown as Tensor[], { ...args, mask: args.mask ?? null });
    this.addActivityLosses(outputs);
    return outputs;
  }

  /**
   * Runs `call` with the training flag resolved in Keras's order: the flag given here, else the
   * enclosing layer call's, else this layer's own default, which stays local (the layers this one
   * calls do not inherit it). The outermost call clears the activity losses of the last one.
   */
  protected callInContext(inputs: Tensor | Tensor[], args: CallArgs): Tensor | Tensor[] {
    const inherited = args.training ?? callStack.at(-1)?.training;
    if (callStack.length === 0) this.clearActivityLosses();
    callStack.push({ training: inherited });
    try {
      return this.call(inputs, { ...args, training: inherited ?? this.trainingDefault });
    } finally {
      callStack.pop();
    }
  }

  /** Makes a weight, initialized now, tracked by the layer, optionally regularized and constrained. */
  addWeight({ name = `weight_${this.ownWeights.length}`, shape, initializer, trainable = true, regularizer, constraint, dtype = this.dtype }: AddWeightArgs): Variable {
    if (!Array.isArray(shape) || shape.some((d) => !Number.isInteger(d) || d < 0)) {
      throw new Error(`${this.name}.addWeight('${name}'): shape ${formatShape(shape as number[]).replace(/null/g, 'None')} must hold known non-negative integers; build() may have received an input shape with unknown dimensions.`);
    }
    const weightConstraint = constraint ? getConstraint(constraint) : null;
    weightConstraint?.checkShape(shape, `${this.name}/${name}`);
    const init = getInitializer(initializer ?? (dtype === 'int32' ? 'zeros' : 'glorotUniform'));
    const value = init.apply(shape, dtype);
    const weight = new Variable(value, { trainable: trainable && this._trainable, name: `${this.name}/${name}`, dtype, constraint: weightConstraint });
    value.dispose();
    this.ownWeights.push(weight);
    this.declaredTrainable.set(weight, trainable);
    if (regularizer) this.weightRegularizers.push([weight, getRegularizer(regularizer)]);
    return weight;
  }

  /**
   * Tracks a variable made by another layer (a wrapped layer's kernel) as this layer's own too, as
   * Keras tracks one assigned to an attribute: `weights` lists it at this layer's place, once.
   */
  protected trackWeight(variable: Variable): void {
    if (!this.ownWeights.includes(variable)) this.ownWeights.push(variable);
  }

  /**
   * Adds the activity regularizer's penalty on each output to the losses, after each eager call
   * (Keras's __call__). A layer that regularizes other tensors instead (MultiHeadAttention: its
   * projections, as Keras's) overrides it.
   */
  protected addActivityLosses(outputs: Tensor | Tensor[]): void {
    if (this.activityRegularizer) for (const output of [outputs].flat()) this.addLoss(activityPenalty(this.activityRegularizer, output));
  }

  /**
   * Adds a loss term (for example an activity penalty) computed during `call`. As in Keras 3, a
   * symbolic tensor (a functional model's `model.addLoss(f(output))`) is refused: add such a term
   * from a layer's `call` instead.
   */
  addLoss(loss: Tensor): void {
    if ((loss as Partial<Tensor> | null)?.isTensorInstance !== true) {
      throw new Error(
        `addLoss() can only be called from inside build() or call(), on a tensor input. Received invalid value: ${String(loss)} (layer "${this.name}"). ` +
          'For a loss computed from a functional model\'s symbolic tensors, compute it in the call of a layer applied to them (which calls this.addLoss), as Keras 3 requires.',
      );
    }
    this.activityLosses.push(loss);
  }

  /** Losses of this layer and its sublayers: terms from addLoss in the last call, and weight penalties (computed now). */
  get losses(): Tensor[] {
    const out: Tensor[] = [];
    for (const layer of this.selfAndSublayers()) {
      out.push(...layer.activityLosses.filter((t) => !t.isDisposed));
      for (const [weight, regularizer] of layer.weightRegularizers) out.push(regularizer.apply(weight));
    }
    return out;
  }

  get trainable(): boolean {
    return this._trainable;
  }

  /** Freezes or unfreezes the layer and every sublayer. */
  set trainable(value: boolean) {
    for (const layer of this.selfAndSublayers()) {
      layer._trainable = value;
      for (const w of layer.ownWeights) w.trainable = value && (layer.declaredTrainable.get(w) ?? true);
    }
  }

  /**
   * Layers held by this layer, for nested custom layers: found in its properties, directly or in
   * arrays and plain objects (records) nested in them, as Keras tracks layers in lists and dicts.
   */
  get layers(): Layer[] {
    return [...new Set(heldInstances(this.trackedValues(), Layer).filter((layer) => layer !== this))];
  }

  /** The values of this layer's properties that may hold layers and metrics: not its constructor options (a wrapper's given layer, which it copies). */
  private trackedValues(): unknown[] {
    return Object.entries(this).flatMap(([key, value]) => (key === 'ownOptions' ? [] : [value]));
  }

  /**
   * The weights of this layer and its sublayers, each once: those made by addWeight (or tracked),
   * layer by layer, then the Variables assigned to their properties (Keras 3 tracks
   * `this.v = new Variable(...)` as a weight too), directly or in arrays and records.
   */
  get weights(): Variable[] {
    return Layer.variablesOf(this.selfAndSublayers());
  }

  /** The layers' weights: what each made or tracked, layer by layer, then the Variables in their properties; each once. */
  private static variablesOf(layers: Layer[]): Variable[] {
    return [...new Set([...layers.flatMap((l) => l.ownWeights), ...layers.flatMap((l) => l.propertyVariables())])];
  }

  /** The Variables held in this layer's properties, but not those it keeps beyond its weights (keptVariables). */
  private propertyVariables(): Variable[] {
    const kept = this.keptVariables;
    return heldInstances(this.trackedValues(), Variable).filter((v) => !kept.includes(v));
  }

  /**
   * Metrics kept in the properties of this layer and its sublayers, each once (Keras 3 tracks a
   * metric assigned to an attribute): a layer that updates its own metric in `call` (Keras's
   * endpoint layer pattern) has it reset and logged by the model's `fit` and `evaluate`.
   */
  get metrics(): Array<Metric<unknown[]>> {
    return [...new Set(this.selfAndSublayers().flatMap((l) => l.ownMetrics()))];
  }

  /** @internal The metrics held in this layer's own properties (directly or in arrays and records). */
  ownMetrics(): Array<Metric<unknown[]>> {
    return heldInstances(this.trackedValues(), Metric) as Array<Metric<unknown[]>>;
  }

  /**
   * Weights marked trainable, without those of any layer (this one or a nested one, a frozen base
   * model say) that is not trainable.
   */
  get trainableWeights(): Variable[] {
    const layers = this.selfAndSublayers();
    const weights = Layer.variablesOf(layers);
    // Read at every replayed step: the common case (nothing frozen) costs what `weights` does.
    if (layers.every((l) => l._trainable)) return weights.filter((w) => w.trainable);
    const frozen = new Set(layers.filter((l) => !l._trainable).flatMap((l) => l.weights));
    return weights.filter((w) => w.trainable && !frozen.has(w));
  }

  get nonTrainableWeights(): Variable[] {
    const trainable = new Set(this.trainableWeights);
    return this.weights.filter((w) => !trainable.has(w));
  }

  /** Keras 3's name for trainableWeights. */
  get trainableVariables(): Variable[] {
    return this.trainableWeights;
  }

  /** Keras 3's name for nonTrainableWeights. */
  get nonTrainableVariables(): Variable[] {
    return this.nonTrainableWeights;
  }

  /**
   * All the state of this layer and its sublayers (Keras's `variables`): here its weights, as a
   * SeedGenerator is a host counter rather than a state variable. Metrics' variables are in
   * metricsVariables.
   *
   * @example
   * new layers.BatchNormalization().variables;   // after build: gamma, beta, moving_mean, moving_variance
   */
  get variables(): Variable[] {
    return this.weights;
  }

  /** The variables of the metrics tracked by this layer and its sublayers (Keras's `metrics_variables`). */
  get metricsVariables(): Variable[] {
    return this.metrics.flatMap((metric) => [...metric.variables]);
  }

  /** The current values of the weights (tensors sharing the weights' storage). */
  getWeights(): Tensor[] {
    return this.weights.map((w) => reshape(w, w.shape));
  }

  /** Sets every weight, in the order of `weights`; shapes are checked before anything changes. */
  setWeights(values: readonly Tensor[]): void {
    const weights = this.weights;
    if (values.length !== weights.length) {
      throw new Error(`${this.name}.setWeights: expected ${weights.length} weights (${weights.map((w) => `${w.name} ${formatShape(w.shape)}`).join(', ') || 'none; is the layer built?'}), got ${values.length}.`);
    }
    weights.forEach((w, i) => {
      const v = values[i];
      if (v.shape.length !== w.shape.length || v.shape.some((d, j) => d !== w.shape[j])) {
        throw new Error(`${this.name}.setWeights: weight ${i} (${w.name}) has shape ${formatShape(w.shape)}, got ${formatShape(v.shape)}.`);
      }
    });
    weights.forEach((w, i) => w.assign(values[i].dtype === w.dtype ? values[i] : values[i].cast(w.dtype)));
  }

  /** Number of scalars in all weights. */
  countParams(): number {
    if (!this.built) throw new Error(`${this.name}.countParams: the layer is not built yet; call it on data or give it an input shape.`);
    return this.weights.reduce((n, w) => n + w.size, 0);
  }

  /**
   * The input of the layer's first call on symbolic tensors (Keras's `layer.input`): one symbolic
   * tensor, or a list for a layer called on several. An InputLayer's input is its output.
   *
   * @example
   * const base = new Model({ inputs, outputs });
   * const features = new Model({ inputs: base.inputs, outputs: base.getLayer('features').output });
   */
  get input(): SymbolicTensor | SymbolicTensor[] | { [key: string]: SymbolicTensor } {
    return this.firstNodeTensors('input', (node) => (node.inputs.length > 0 ? node.inputs : node.outputs));
  }

  /** The output of the layer's first call on symbolic tensors (Keras's `layer.output`), as `input` (a record: a functional model built from records). */
  get output(): SymbolicTensor | SymbolicTensor[] | { [key: string]: SymbolicTensor } {
    return this.firstNodeTensors('output', (node) => node.outputs);
  }

  /**
   * Constructor options that rebuild the layer with `fromConfig`. A custom layer that does not
   * override it gets the options its constructor passed to `super` (Keras 3's automatic config),
   * which must then be JSON data; override it when they are not, or when the constructor takes
   * other arguments.
   */
  getConfig(): Record<string, unknown> {
    const automatic = automaticConfigMethods.has(Object.getPrototypeOf(this).getConfig) && !strictOptionClasses.has(this.constructor);
    const config: Record<string, unknown> = { ...(automatic ? this.checkedOwnOptions() : {}), name: this.name, trainable: this._trainable, dtype: this.dtype };
    if (this.batchInputShape) config.batchInputShape = this.batchInputShape;
    if (this.activityRegularizer) config.activityRegularizer = regularizerConfig(this.activityRegularizer);
    return config;
  }

  /** Constructor options the automatic config leaves out (a functional model's inputs and outputs, saved as its graph). */
  protected get structuralOptions(): readonly string[] {
    return [];
  }

  /**
   * For the built-in layers (whose getConfig lists every option), an option that is not one of
   * theirs (a typo such as `activaton`) is an error, as Keras's "Unrecognized keyword arguments".
   */
  protected checkOwnOptions(): void {
    if (!strictOptionClasses.has(this.constructor)) return;
    let config: Record<string, unknown>;
    try {
      config = this.getConfig();
    } catch {
      return; // An option that cannot be serialized (an unnamed activation function) is still valid to run with.
    }
    const known = new Set(Object.keys(config));
    const unknown = Object.keys(this.ownOptions).filter((key) => !known.has(key));
    if (unknown.length > 0) {
      const options = [...known].filter((key) => !['name', 'trainable', 'dtype', 'batchInputShape', 'activityRegularizer'].includes(key));
      throw new Error(
        `${this.constructor.name} '${this.name}': unknown option${unknown.length > 1 ? 's' : ''} ${unknown.map((k) => `'${k}'`).join(', ')}. ` +
          `Its options: ${options.join(', ')}, and name, trainable, dtype, activityRegularizer, inputShape, inputDim, batchInputShape, batchSize.`,
      );
    }
  }

  private checkedOwnOptions(): Record<string, unknown> {
    const excluded = this.structuralOptions;
    const options = Object.entries(this.ownOptions).filter(([key, value]) => value !== undefined && !excluded.includes(key));
    for (const [key, value] of options) {
      if (!isJsonData(value)) {
        throw new Error(
          `${this.constructor.name} '${this.name}': getConfig() is not overridden, and the constructor option '${key}' is not JSON data (${kindOf(value)}). ` +
            'Override getConfig() to return options that rebuild the layer.',
        );
      }
    }
    return Object.fromEntries(options);
  }

  static fromConfig<T extends Layer>(this: new (config: never) => T, config: Record<string, unknown>): T {
    return new this(config as never);
  }

  /**
   * What a Keras file keeps to build the layer again before its weights load (Keras's
   * get_build_config): `{ input_shape }` once built, else null. Override it, with
   * `buildFromConfig`, for a build that takes more than the input shape.
   *
   * @example
   * override getBuildConfig() { return { ...super.getBuildConfig(), layer_init: this.layerInit }; }
   */
  getBuildConfig(): Record<string, unknown> | null {
    return this.built && this.buildInputShape ? { input_shape: this.buildInputShape } : null;
  }

  /**
   * Builds the layer from `getBuildConfig()`'s record when a Keras file is loaded (Keras's
   * build_from_config), before its weights are loaded.
   *
   * @example
   * override buildFromConfig(config: Record<string, unknown>) { this.build(config.input_shape as Shape, config.layer_init as string); }
   */
  buildFromConfig(config: Record<string, unknown>): void {
    if (!this.built && Array.isArray(config.input_shape)) this.buildOnce(config.input_shape as Shape | Shape[]);
  }

  /**
   * Writes the layer's own variables (not its sublayers') into `store`, the layer's `vars` group
   * of a Keras file, as `'0'`, `'1'`, ...: the trainable ones, then the others (Keras's
   * save_own_variables). Override it, with `loadOwnVariables`, to keep other state.
   *
   * @example
   * override saveOwnVariables(store: Record<string, Tensor>) { super.saveOwnVariables(store); store.variables = this.extra; }
   */
  saveOwnVariables(store: Record<string, Tensor>): void {
    this.ownVariablesInOrder().forEach((variable, i) => {
      store[String(i)] = variable;
    });
  }

  /**
   * Sets the layer's own variables from `store`, as `saveOwnVariables` wrote it (Keras's
   * load_own_variables).
   *
   * @example
   * override loadOwnVariables(store: Record<string, Tensor>) { this.extra.assign(store.variables); super.loadOwnVariables(store); }
   */
  loadOwnVariables(store: Record<string, Tensor>): void {
    const variables = this.ownVariablesInOrder();
    const missing = variables.map((_, i) => String(i)).filter((key) => !(store[key] as Tensor | undefined)?.isTensorInstance);
    if (missing.length > 0) {
      throw new Error(`${this.name}: loadOwnVariables expected a store with ${variables.length} variable(s) under '0'..'${variables.length - 1}', it lacks ${missing.map((k) => `'${k}'`).join(', ')} (its keys: ${Object.keys(store).join(', ') || 'none'}).`);
    }
    variables.forEach((variable, i) => variable.assign(store[String(i)]));
  }

  /**
   * @internal The variables this layer made or holds itself, not its sublayers', trainable ones
   * first (Keras's save_own_variables order; the Keras file writer reads custom layers' so).
   */
  ownVariablesInOrder(): Variable[] {
    const nested = new Set(this.layers.flatMap((inner) => inner.weights));
    const own = this.weights.filter((variable) => !nested.has(variable));
    return [...own.filter((variable) => variable.trainable), ...own.filter((variable) => !variable.trainable)];
  }

  toString(): string {
    return `${this.constructor.name}(name=${this.name})`;
  }

  /** The tensors of the first inbound node, as Keras's _get_node_attribute_at_index(0, ...). */
  private firstNodeTensors(what: string, pick: (node: Node) => SymbolicTensor[]): SymbolicTensor | SymbolicTensor[] {
    const node = this.inboundNodes[0];
    if (!node) throw new Error(`The layer ${this.name} has never been called and thus has no defined ${what}: apply it to a symbolic tensor (from Input) first.`);
    const tensors = pick(node);
    return tensors.length === 1 ? tensors[0] : [...tensors];
  }

  private applySymbolic(inputs: SymbolicTensor[], inputShape: Shape | Shape[], args: CallArgs, listInput: boolean, inputKeys: readonly string[] | null = null): SymbolicTensor | SymbolicTensor[] {
    const inputMasks = inputKeys ? inputs.map(() => null) : inputs.map((t) => t.maskShape);
    const carriesMasks = inputMasks.some((m) => m !== null);
    if (carriesMasks && !this.supportsMasking) {
      console.warn(`Layer '${this.name}' (of type ${getRegisteredLayerName(this.constructor) ?? this.constructor.name}) was passed an input with a mask attached to it. However, this layer does not support masking and will therefore destroy the mask information. Downstream layers will not see the mask.`);
    }
    this.symbolicInputMasks = carriesMasks ? inputMasks : null;
    this.symbolicInputDtypes = inputs.map((t) => t.dtype);
    let outShape: Shape | Shape[];
    try {
      outShape = this.computeOutputShape(inputShape);
    } finally {
      this.symbolicInputMasks = null;
      this.symbolicInputDtypes = null;
    }
    const outShapes = isShapeList(outShape) ? outShape : [outShape];
    const outputs = outShapes.map((shape, i) => new SymbolicTensor(shape, this.dtype, outShapes.length > 1 ? `${this.name}_${i}` : this.name, i));
    const outputMasks = this.symbolicOutputMasks(inputShape, carriesMasks ? inputMasks : null, listInput);
    outputs.forEach((o, i) => (o.maskShape = outputMasks[i] ?? null));
    const node = new Node(this, inputs, outputs, args, listInput, inputKeys);
    for (const o of outputs) o.node = node;
    this.inboundNodes.push(node);
    return isShapeList(outShape) ? outputs : outputs[0];
  }

  /**
   * The mask shapes of a symbolic call's outputs (Keras's masks on KerasTensors): none unless the
   * layer supports masking; the inputs' own for the base computeMask (as attachOutputMasks gives
   * them); else computeMask traced on zeros and masks of ones, unknown dimensions found as in
   * computeOutputShape.
   */
  private symbolicOutputMasks(inputShape: Shape | Shape[], inputMasks: Array<Shape | null> | null, listInput: boolean): Array<Shape | null> {
    if (!this.supportsMasking) return [];
    if (this.computeMask === Layer.prototype.computeMask) return inputMasks === null ? [] : listInput ? inputMasks : [inputMasks[0]];
    const shapes = isShapeList(inputShape) ? inputShape : [inputShape];
    const trace = (fill: number) =>
      tidy(() => {
        const inputs = shapes.map((s, i) => zeros(s.map((d) => d ?? fill), this.traceInputDtype(i)));
        const masks = this.computeMask(listInput ? inputs : inputs[0], inputMasks === null ? null : traceMasks(inputMasks, fill, listInput));
        return (Array.isArray(masks) ? masks : [masks]).map((m) => (m ? [...m.shape] : null));
      });
    const [small, large] = [trace(2), trace(3)];
    return small.map((shape, k) => shape?.map((d, i) => (d === large[k]?.[i] ? d : null)) ?? null);
  }

  /** Keras's _set_mask_metadata: unless `call` attached masks to every output, they get computeMask's. */
  private attachOutputMasks(inputs: Tensor | Tensor[], outputs: Tensor | Tensor[], mask: InputMask): void {
    const outputList = Array.isArray(outputs) ? outputs : [outputs];
    if (outputList.every((t) => getMask(t) !== null)) return;
    tidy(() => {
      const computed = this.computeMask(inputs, mask);
      const masks = Array.isArray(computed) ? computed : [computed];
      outputList.forEach((output, i) => {
        const outputMask = masks[i] ?? null;
        if (outputMask !== null && getMask(output) === null) setMask(output, outputMask);
      });
    });
  }

  private clearActivityLosses(): void {
    for (const layer of this.selfAndSublayers()) layer.activityLosses = [];
  }

  /**
   * @internal Variables the layer keeps beyond its weights (a stateful RNN's states), which are
   * not saved; `model.dispose()` frees them with the weights.
   */
  get keptVariables(): readonly Variable[] {
    return [];
  }

  /** @internal This layer and every layer nested in it, each once. */
  selfAndSublayers(): Layer[] {
    const out: Layer[] = [];
    const visit = (layer: Layer) => {
      if (out.includes(layer)) return;
      out.push(layer);
      for (const sub of layer.layers) visit(sub);
    };
    visit(this);
    return out;
  }
}

/**
 * The instances of `type` among `values` and inside the arrays and plain objects nested in them
 * (Keras's tracked lists and dicts), in order; other objects (layers included) are not entered.
 */
function heldInstances<T>(values: readonly unknown[], type: abstract new (...args: never[]) => T): T[] {
  const found: T[] = [];
  const entered = new Set<object>();
  const visit = (value: unknown): void => {
    if (value instanceof type) found.push(value);
    else if (value === null || typeof value !== 'object' || entered.has(value)) return;
    else if (Array.isArray(value) || Object.getPrototypeOf(value) === Object.prototype || Object.getPrototypeOf(value) === null) {
      entered.add(value);
      for (const inner of Object.values(value)) visit(inner);
    }
  };
  for (const value of values) visit(value);
  return found;
}

/** Masks of ones of the given shapes (unknown dimensions `fill`) for a traced call: one, or a list for a list input. */
function traceMasks(maskShapes: Array<Shape | null>, fill: number, listInput: boolean): InputMask {
  const masks = maskShapes.map((shape) => (shape ? ones(shape.map((d) => d ?? fill), 'int32') : null));
  return listInput ? masks : masks[0];
}

/** The masks attached to the inputs: one mask, a list with null where an input has none, or null when none has one. */
function inputMask(inputs: Tensor | Tensor[]): InputMask {
  if (!Array.isArray(inputs)) return getMask(inputs);
  const masks = inputs.map(getMask);
  return masks.some((m) => m !== null) ? masks : null;
}

/** Layer classes whose getConfig lists every constructor option (see declareStrictOptions). */
const strictOptionClasses = new WeakSet<object>();

/** The base classes' getConfig methods that a subclass inherits with Keras's automatic config (Layer's, Model's). */
const automaticConfigMethods = new Set<unknown>([Layer.prototype.getConfig]);

/** @internal Lets subclasses that inherit `method` (Model's getConfig) keep the automatic config. */
export function keepAutomaticConfig(method: () => Record<string, unknown>): void {
  automaticConfigMethods.add(method);
}

/** @internal Marks the built-in layer classes: an option their getConfig does not list is an error at the first apply. */
export function declareStrictOptions(classes: readonly object[]): void {
  for (const cls of classes) strictOptionClasses.add(cls);
}

/**
 * Checks made when a layer is constructed, before its own option checks: the options come as one
 * object (Keras's positional arguments are options by name here), and a built-in layer's options
 * are camelCase, so a snake_case Keras name (`num_tokens`) is named as such at once rather than
 * reported missing under its camelCase name.
 */
function checkLayerArgs(cls: { name: string }, args: unknown): void {
  if (args !== undefined && args !== null && typeof args !== 'object') {
    throw new Error(`${cls.name}: the constructor takes one options object ({ option: value, ... }, Keras's keyword arguments); got ${typeof args === 'string' ? `the string '${args}'` : `the ${typeof args} ${String(args)}`}.`);
  }
  const dtype = (args as LayerArgs | null | undefined)?.dtype;
  if (dtype !== undefined && dtype !== null && dtype !== 'float32' && dtype !== 'int32') {
    throw new Error(`${cls.name}: Invalid dtype: ${String(dtype)}. Tensors here are 'float32' or 'int32' (use 'int32' for Keras's 'int64' token ids).`);
  }
  if (!strictOptionClasses.has(cls) || args === null || args === undefined) return;
  const snake = Object.keys(args).find((key) => /_[a-z]/.test(key));
  if (snake) {
    const camel = snake.replace(/_([a-z])/g, (_, c: string) => c.toUpperCase());
    throw new Error(`${cls.name}: unknown option '${snake}' (did you mean '${camel}'? options are camelCase).`);
  }
}

/** Numbers, strings, booleans, null, and arrays and plain objects of them. */
function isJsonData(value: unknown): boolean {
  if (value === null || typeof value === 'string' || typeof value === 'boolean') return true;
  if (typeof value === 'number') return Number.isFinite(value);
  if (Array.isArray(value)) return value.every(isJsonData);
  if (typeof value === 'object' && Object.getPrototypeOf(value) === Object.prototype) return Object.values(value as object).every(isJsonData);
  return false;
}

function kindOf(value: unknown): string {
  if (typeof value === 'function') return 'a function';
  if (typeof value === 'object' && value !== null) return `a ${value.constructor?.name ?? 'object'}`;
  return String(value);
}

/** Keras's to_snake_case: 'Conv2D' -> 'conv2d', 'MaxPooling2D' -> 'max_pooling2d', 'MyDNNLayer' -> 'my_dnn_layer'. */
export function snakeCase(name: string): string {
  return name
    .replace(/\W+/g, '')
    .replace(/(.)([A-Z][a-z]+)/g, '$1_$2')
    .replace(/([a-z])([A-Z])/g, '$1_$2')
    .toLowerCase();
}

/** Starts the automatic names over: the next Dense is 'dense' again (keras.utils.clear_session). */
export function resetUniqueNames(): void {
  nameCounts.clear();
}

/** dense, dense_1, dense_2, ... as Keras names layers. */
export function uniqueName(base: string): string {
  const count = nameCounts.get(base) ?? 0;
  nameCounts.set(base, count + 1);
  return count === 0 ? base : `${base}_${count}`;
}
