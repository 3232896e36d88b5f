// Layers that wrap another layer (keras/src/layers/rnn/bidirectional.py and
// keras/src/layers/rnn/time_distributed.py):
// Bidirectional runs a recurrent layer over a sequence forwards and backwards and merges the two;
// TimeDistributed (a Wrapper) applies a layer to every time step. Their configs nest the wrapped layer's
// { className, config }, so they save and load. Both pass the input's mask to the wrapped layer.

import { flip } from '../ops/rearrange';
import { concat, reshape } from '../ops/shape';
import { tidy } from '../tensor/memory';
import type { Tensor } from '../tensor/tensor';
import { Layer, type CallArgs, type InputMask, type LayerArgs, type LayerInput, type OutputMask } from './layer';
import { RECURRENT_CALL_OPTIONS, RNN, withInitialState, type RecurrentCallArgs } from './recurrent';
import { deserializeLayer } from './class_registry';
import { Wrapper, type WrapperArgs } from './wrapper';
import { describeValue as describe, deserializeNested, serializeNested } from './nested_layers';
import { formatSymbolicShape, type Shape, type SymbolicTensor } from './symbolic';
import { checkOptionNames } from '../ops/validate';
import { isShapeList } from './layer_utils';

/** How Bidirectional combines the forward and backward outputs. */
export type MergeMode = 'concat' | 'sum' | 'mul' | 'ave' | null;

const MERGE_MODES: readonly MergeMode[] = ['sum', 'mul', 'ave', 'concat', null];

export interface BidirectionalArgs extends LayerArgs {
  /** The recurrent layer (RNN, SimpleRNN, GRU, LSTM); the forward layer is a copy of it made from its config. */
  layer: RNN;
  /** Default 'concat' (along the last axis); 'sum', 'mul', 'ave', or null for [forward, backward]. */
  mergeMode?: MergeMode;
  /** The backward layer (default: a copy of `layer` with goBackwards set). */
  backwardLayer?: RNN;
}

/**
 * Runs a recurrent layer over the sequence in both directions and merges the results. The
 * backward layer's returned sequence is flipped back into time order before merging. With
 * `returnState`, the result is `[output, ...forward states, ...backward states]` (with mergeMode
 * null, `[forward output, backward output, ...states]`). Initial states, as the wrapped layer's,
 * come as `initialState` or after the sequence in the input list: the forward layer's first, then
 * the backward layer's. An input mask goes to both layers (the backward one reads it backwards);
 * masked steps of a returned sequence are zeros (both layers get zeroOutputForMask = returnSequences,
 * as Keras), and the merged sequence keeps the mask.
 *
 * Arguments: `layer`; `mergeMode` ('concat'); `backwardLayer`. With a `stateful` layer both
 * directions keep their states between calls (`resetState()` zeros them). Weights: the forward layer's, then
 * the backward layer's (named `forward_<name>/...` and `backward_<name>/...`).
 *
 * @example
 * const bidirectional = new Bidirectional({ layer: new LSTM({ units: 8, returnSequences: true }) });
 * bidirectional.apply(ops.ones([32, 10, 4])).shape;   // [32, 10, 16]
 */
export class Bidirectional extends Layer {
  readonly forwardLayer: RNN;
  readonly backwardLayer: RNN;
  readonly mergeMode: MergeMode;
  readonly returnSequences: boolean;
  readonly returnState: boolean;

  constructor(args: BidirectionalArgs) {
    super(args);
    const layer = args?.layer;
    if (!(layer instanceof RNN)) {
      throw new Error(`Invalid value for argument layer of Bidirectional. Expected a recurrent layer instance (RNN, SimpleRNN, GRU, LSTM). Received: layer=${describe(layer)}`);
    }
    const mergeMode = args.mergeMode === undefined ? 'concat' : args.mergeMode;
    if (!MERGE_MODES.includes(mergeMode)) {
      throw new Error(`Invalid merge mode. Received: ${String(mergeMode)}. Merge mode should be one of {"sum", "mul", "ave", "concat", null}`);
    }
    if (args.backwardLayer !== undefined && !(args.backwardLayer instanceof RNN)) {
      throw new Error(`Invalid value for argument backwardLayer of Bidirectional. Expected a recurrent layer instance (RNN, SimpleRNN, GRU, LSTM). Received: backwardLayer=${describe(args.backwardLayer)}`);
    }
    this.mergeMode = mergeMode;
    // Copies made from the config, as Keras: nothing of the given layer's state carries over.
    this.forwardLayer = copyLayer(layer, { name: `forward_${removePrefix(layer.name, 'forward_')}` }) as RNN;
    this.backwardLayer = args.backwardLayer ?? (copyLayer(layer, { name: `backward_${removePrefix(layer.name, 'backward_')}`, goBackwards: true }) as RNN);
    // The copy's cells come from the same config, under the same names: they are renamed so that the
    // two directions' weights keep distinct names (saved files and optimizer slots are keyed by them).
    if (!args.backwardLayer) for (const cell of this.backwardLayer.selfAndSublayers().slice(1)) cell.name = `backward_${removePrefix(cell.name, 'backward_')}`;
    if (this.forwardLayer.goBackwards === this.backwardLayer.goBackwards) {
      throw new Error(
        `Forward layer and backward layer should have different \`goBackwards\` value. Received: forward_layer.goBackwards=${this.forwardLayer.goBackwards}, backward_layer.goBackwards=${this.backwardLayer.goBackwards}`,
      );
    }
    for (const attribute of ['stateful', 'returnSequences', 'returnState'] as const) {
      if (this.forwardLayer[attribute] !== this.backwardLayer[attribute]) {
        throw new Error(
          `Forward layer and backward layer are expected to have the same value for attribute "${attribute}", got "${this.forwardLayer[attribute]}" for forward layer and "${this.backwardLayer[attribute]}" for backward layer`,
        );
      }
    }
    this.returnSequences = this.forwardLayer.returnSequences;
    this.returnState = this.forwardLayer.returnState;
    this.forwardLayer.zeroOutputForMask = this.returnSequences;
    this.backwardLayer.zeroOutputForMask = this.returnSequences;
    this.supportsMasking = true;
  }

  // The sequence, or [sequence, ...forward states, ...backward states]; `initialState` joins the list.
  override apply(inputs: SymbolicTensor, args?: RecurrentCallArgs): SymbolicTensor;
  override apply(inputs: SymbolicTensor[], args?: RecurrentCallArgs): SymbolicTensor | SymbolicTensor[];
  override apply(inputs: Tensor, args?: RecurrentCallArgs): Tensor;
  override apply(inputs: Tensor[], args?: RecurrentCallArgs): Tensor | Tensor[];
  override apply(inputs: LayerInput, args?: RecurrentCallArgs): LayerInput;
  override apply(inputs: LayerInput, args: RecurrentCallArgs = {}): LayerInput {
    checkOptionNames(`Bidirectional '${this.name}'.apply`, args, RECURRENT_CALL_OPTIONS);
    const { initialState, ...options } = args;
    return super.apply(withInitialState(this.name, inputs, initialState), options);
  }

  /** Whether the wrapped layers are stateful (they must agree). */
  get stateful(): boolean {
    return this.forwardLayer.stateful;
  }

  /** Zeros the states of both stateful layers (Keras's `reset_state`); an error when they are not stateful. */
  resetState(): void {
    if (!this.stateful) throw new Error(`Bidirectional '${this.name}': resetState() needs a stateful layer; the wrapped layer was made with stateful false.`);
    this.forwardLayer.resetState();
    this.backwardLayer.resetState();
  }

  /** Same as resetState (Keras 3 keeps `reset_states` as an alias). */
  resetStates(): void {
    this.resetState();
  }

  override build(inputShape: Shape | Shape[]): void {
    const [forwardShape, backwardShape] = this.splitShapes(inputShape);
    buildSublayer(this.forwardLayer, forwardShape);
    buildSublayer(this.backwardLayer, backwardShape);
  }

  override call(inputs: Tensor | Tensor[], args: CallArgs = {}): Tensor | Tensor[] {
    const [sequence, ...states] = Array.isArray(inputs) ? inputs : [inputs];
    this.splitShapes([sequence, ...states].map((t) => [...t.shape]));
    const forwardCount = this.forwardLayer.stateCount;
    const sequenceMask = Array.isArray(args.mask) ? (args.mask[0] ?? null) : ((args.mask ?? null) as Tensor | null);
    const options = { training: args.training, mask: sequenceMask };
    return tidy(() => {
      const forward = [this.forwardLayer.apply([sequence, ...states.slice(0, forwardCount)], options)].flat();
      const backward = [this.backwardLayer.apply([sequence, ...states.slice(forwardCount)], options)].flat();
      const [y, ...forwardStates] = forward;
      const [reversed, ...backwardStates] = backward;
      const yBackward = this.returnSequences ? flip(reversed, 1) : reversed;
      const merged = this.merge(y, yBackward);
      return this.returnState ? [...merged, ...forwardStates, ...backwardStates] : merged.length === 1 ? merged[0] : merged;
    });
  }

  /** Keras's rule: a returned sequence keeps the input's mask (each of the two with mergeMode null); states have none. */
  override computeMask(_inputs: Tensor | Tensor[], mask: InputMask): OutputMask {
    const sequenceMask = Array.isArray(mask) ? (mask[0] ?? null) : (mask as Tensor | null);
    const outputMask = this.returnSequences ? sequenceMask : null;
    const outputs = this.mergeMode === null ? [outputMask, outputMask] : [outputMask];
    if (!this.returnState) return outputs.length === 1 ? outputs[0] : outputs;
    const stateCount = this.forwardLayer.stateCount + this.backwardLayer.stateCount;
    return [...outputs, ...Array.from({ length: stateCount }, () => null)];
  }

  override computeOutputShape(inputShape: Shape | Shape[]): Shape | Shape[] {
    const [forwardShape, backwardShape] = this.splitShapes(inputShape);
    const forwardOutput = this.forwardLayer.computeOutputShape(forwardShape);
    const [output, ...forwardStates] = isShapeList(forwardOutput) ? forwardOutput : [forwardOutput];
    const backwardOutput = this.backwardLayer.computeOutputShape(backwardShape);
    const [backwardOutputShape, ...backwardStates] = isShapeList(backwardOutput) ? backwardOutput : [backwardOutput];
    const concatenated: Shape = [...output.slice(0, -1), (output.at(-1) as number) + (backwardOutputShape.at(-1) as number)];
    const merged: Shape[] = this.mergeMode === null ? [output, backwardOutputShape] : this.mergeMode === 'concat' ? [concatenated] : [output];
    if (this.returnState) return [...merged, ...forwardStates, ...backwardStates];
    return merged.length === 1 ? merged[0] : merged;
  }

  override getConfig(): Record<string, unknown> {
    // The backward layer is always listed (as Keras): rebuilt from the forward layer's config, it would be named backward_forward_...
    return { ...super.getConfig(), mergeMode: this.mergeMode, layer: serializeNested(this.forwardLayer), backwardLayer: serializeNested(this.backwardLayer) };
  }

  static override fromConfig<T extends Layer>(this: new (config: never) => T, config: Record<string, unknown>): T {
    const { layer, backwardLayer, ...rest } = config;
    return new this({ ...rest, layer: deserializeNested(layer, 'layer'), backwardLayer: backwardLayer === undefined || backwardLayer === null ? undefined : deserializeNested(backwardLayer, 'backwardLayer') } as never);
  }

  private merge(y: Tensor, yBackward: Tensor): Tensor[] {
    switch (this.mergeMode) {
      case 'concat':
        return [concat([y, yBackward], -1)];
      case 'sum':
        return [y.add(yBackward)];
      case 'ave':
        return [y.add(yBackward).mul(0.5)];
      case 'mul':
        return [y.mul(yBackward)];
      default:
        return [y, yBackward];
    }
  }

  /** The input shapes of the forward and the backward layer: the sequence with its half of the states. */
  private splitShapes(inputShape: Shape | Shape[]): [Shape | Shape[], Shape | Shape[]] {
    const [sequence, ...states] = isShapeList(inputShape) ? inputShape : [inputShape];
    if (states.length === 0) return [sequence, sequence];
    const forwardCount = this.forwardLayer.stateCount;
    const expected = forwardCount + this.backwardLayer.stateCount;
    if (states.length !== expected) {
      throw new Error(
        `Invalid value for argument initialState of layer "${this.name}". Expected ${expected} tensors (the forward layer's ${forwardCount}, then the backward layer's ${this.backwardLayer.stateCount}). ` +
          `Received: ${states.length} of shapes ${states.map(formatSymbolicShape).join(', ')}`,
      );
    }
    return [
      [sequence, ...states.slice(0, forwardCount)],
      [sequence, ...states.slice(forwardCount)],
    ];
  }
}

export interface TimeDistributedArgs extends WrapperArgs {
  /** The layer applied to every time step. */
  layer: Layer;
}

/**
 * Applies a layer to every time step of its input: an input [batch, time, ...rest] gives
 * [batch, time, ...output of the layer on [batch, ...rest]], the same weights at every step. The
 * steps run as one call of the layer on the batch and time axes merged, [batch × time, ...rest]
 * (as tf.keras did), so a BatchNormalization inside it computes its training statistics over
 * batch and time together. The wrapped layer must return one tensor. An input mask
 * [batch, time, ...] reaches the wrapped layer as [batch × time, ...] and stays on the output.
 *
 * Arguments: `layer`. Weights: the wrapped layer's.
 *
 * @example
 * const perFrame = new TimeDistributed({ layer: new Dense({ units: 8 }) });
 * perFrame.apply(ops.ones([32, 10, 16])).shape;   // [32, 10, 8]
 */
export class TimeDistributed extends Wrapper {
  constructor(args: TimeDistributedArgs) {
    if (!(args?.layer instanceof Layer)) {
      throw new Error(`Please initialize \`TimeDistributed\` layer with a \`Layer\` instance. Received: layer=${describe(args?.layer)}`);
    }
    super(args);
    this.supportsMasking = true;
  }

  override build(inputShape: Shape | Shape[]): void {
    buildSublayer(this.layer, this.stepShape(inputShape));
  }

  override call(inputs: Tensor | Tensor[], args: CallArgs = {}): Tensor {
    const x = this.single(inputs);
    this.stepShape([...x.shape]);
    const [batch, time, ...rest] = x.shape;
    const mask = Array.isArray(args.mask) ? (args.mask[0] ?? null) : ((args.mask ?? null) as Tensor | null);
    return tidy(() => {
      const stepMask = mask && mask.rank >= 2 ? reshape(mask, [batch * time, ...mask.shape.slice(2)]) : null;
      const y = this.layer.apply(reshape(x, [batch * time, ...rest]), { training: args.training, mask: stepMask });
      if (Array.isArray(y)) throw new Error(`TimeDistributed "${this.name}": the wrapped layer "${this.layer.name}" returned ${y.length} tensors; it must return one.`);
      return reshape(y, [batch, time, ...y.shape.slice(1)]);
    });
  }

  override computeOutputShape(inputShape: Shape | Shape[]): Shape {
    const stepOutput = this.layer.computeOutputShape(this.stepShape(inputShape));
    if (isShapeList(stepOutput)) throw new Error(`TimeDistributed "${this.name}": the wrapped layer "${this.layer.name}" returns ${stepOutput.length} tensors; it must return one.`);
    const [batch, time] = inputShape as Shape;
    return [batch, time, ...stepOutput.slice(1)];
  }

  private single<T>(inputs: T | T[]): T {
    if (Array.isArray(inputs)) {
      if (inputs.length !== 1) throw new Error(`TimeDistributed "${this.name}" takes one input tensor, got a list of ${inputs.length}.`);
      return inputs[0];
    }
    return inputs;
  }

  /** The wrapped layer's input shape: [batch, ...rest] of a [batch, time, ...rest] input. */
  private stepShape(inputShape: Shape | Shape[]): Shape {
    const shape = this.single(isShapeList(inputShape) ? inputShape : [inputShape]);
    if (shape.length < 3) {
      throw new Error(`\`TimeDistributed\` Layer should be passed an \`input_shape\` with at least 3 dimensions, received: ${formatSymbolicShape(shape)}`);
    }
    const [batch, time, ...rest] = shape;
    return [batch === null || time === null ? null : batch * time, ...rest];
  }
}

/** Builds a wrapped layer for `shape` unless it is built (as its first `apply` would). */
function buildSublayer(layer: Layer, shape: Shape | Shape[]): void {
  if (layer.built) return;
  layer.build(shape);
  layer.built = true;
}

/** A new layer of the same class from the layer's config, with some options replaced. */
function copyLayer(layer: Layer, changes: Record<string, unknown>): Layer {
  const { className, config } = serializeNested(layer);
  return deserializeLayer({ className, config: { ...config, ...changes } });
}

function removePrefix(text: string, prefix: string): string {
  return text.startsWith(prefix) ? text.slice(prefix.length) : text;
}
