// Sequential: a plain stack of layers, given as a list (`new Sequential([...])`, as Keras) or added
// one by one. When the first entry declares the input shape (`Input({ shape })`, or a layer's
// `inputShape`, `inputDim`, `batchInputShape`) the model is built at once, so weights exist before
// any data (setWeights and summary work right away); otherwise at the first call. A record of
// nested data (the image preprocessing layers' dict) goes through the layers in turn, as Keras's.

import { Layer, type CallArgs, type LayerArgs, type LayerInput } from '../layers/layer';
import { Input, InputLayer } from '../layers/input_layer';
import { isSymbolic, SymbolicTensor, type Shape } from '../layers/symbolic';
import type { Tensor } from '../tensor/tensor';
import { adjustInputRank, type SymbolicRecord } from './functional';
import { isRecord } from '../tensor/records';
import { Model, graphConfigs, type GraphConfigOptions } from './model';

/** What a Sequential stacks: layers, and first an `Input({ shape })` when the input shape is known. */
export type SequentialEntry = Layer | SymbolicTensor;

export interface SequentialArgs extends LayerArgs {
  layers?: SequentialEntry[];
}

/**
 * @example
 * const model = new Sequential([Input({ shape: [100] }), new layers.Dense({ units: 64, activation: 'relu' }), new layers.Dense({ units: 10, activation: 'softmax' })]);
 * // or one by one:
 * const same = new Sequential();
 * same.add(new layers.Dense({ units: 64, inputDim: 100, activation: 'relu' }));
 * same.add(new layers.Dense({ units: 10, activation: 'softmax' }));
 */
export class Sequential extends Model {
  private readonly stack: Layer[] = [];
  private symbolicOutput: SymbolicTensor | null = null;

  constructor(args: SequentialArgs | SequentialEntry[] = {}, options: LayerArgs = {}) {
    // new Sequential([...layers], { name }) as Keras's Sequential(layers, name=...), or one object.
    const config: SequentialArgs = Array.isArray(args) ? { ...options, layers: args } : args;
    super({ ...config, layers: undefined } as LayerArgs);
    for (const layer of config.layers ?? []) this.add(layer);
  }

  /** The stacked layers, without a leading InputLayer (as Keras). */
  override get layers(): Layer[] {
    return this.stack.filter((layer, i) => !(i === 0 && layer instanceof InputLayer));
  }

  /** Appends a layer (or, first, an `Input`); builds it right away when the input shape is known. */
  add(entry: SequentialEntry): void {
    const layer = entry instanceof SymbolicTensor ? this.inputLayerOf(entry) : entry;
    if (!(layer instanceof Layer)) throw new Error(`Sequential.add: expected a Layer (or, first, an Input({ shape })), got ${layer === null ? 'null' : typeof layer}.`);
    if (this.stack.includes(layer)) throw new Error(`Sequential.add: layer '${layer.name}' is already in the model.`);
    this.stack.push(layer);
    if (!this.symbolicOutput && this.stack.length === 1) {
      // A nested model with one known input gives its shape, as in Keras.
      const nestedInput = layer instanceof Model && layer.inputs.length === 1 ? layer.inputs[0].shape : undefined;
      const shape = layer.batchInputShape ?? nestedInput ?? this.batchInputShape;
      // A given Input keeps its tensor (and its name) as the model's input, as in Keras.
      if (layer instanceof InputLayer) this.connect(layer.output, this.stack);
      else if (shape) this.connect(Input({ batchShape: shape }), this.stack);
      return;
    }
    if (this.symbolicOutput) this.connect(this.symbolicOutput, [layer], this.inputs[0]);
  }

  /** Removes the last layer. */
  pop(): Layer {
    if (this.layers.length === 0) throw new Error('Sequential.pop: the model has no layers.');
    const layer = this.stack.pop()!;
    if (this.symbolicOutput) {
      const input = this.inputs[0];
      this.graph = null;
      this.symbolicOutput = null;
      if (this.stack.length > 0) this.connect(input, this.stack);
    }
    return layer;
  }

  override build(inputShape: Shape | Shape[]): void {
    if (this.symbolicOutput || this.stack.length === 0) return;
    const shape = Array.isArray(inputShape[0]) ? (inputShape as Shape[])[0] : (inputShape as Shape);
    this.connect(Input({ batchShape: [null, ...shape.slice(1)] }), this.stack);
  }

  /**
   * As Model's apply (a record keyed by the built model's input name included). Any other record
   * (nested data, such as the image preprocessing layers' `{ images, segmentation_masks }`) goes
   * through the layers in turn, each taking the record the one before it returned, as Keras's
   * Sequential does with nested inputs.
   *
   * @example
   * const augment = new Sequential([new layers.RandomFlip(), new layers.RandomRotation({ factor: 0.1 })]);
   * const { images, segmentation_masks } = augment.apply({ images: x, segmentation_masks: masks }, { training: true });
   */
  override apply(inputs: SymbolicTensor, args?: CallArgs): SymbolicTensor;
  override apply(inputs: SymbolicTensor[], args?: CallArgs): SymbolicTensor | SymbolicTensor[];
  override apply(inputs: Tensor, args?: CallArgs): Tensor;
  override apply(inputs: Tensor[], args?: CallArgs): Tensor | Tensor[];
  override apply(inputs: LayerInput, args?: CallArgs): LayerInput;
  override apply(inputs: SymbolicRecord, args?: CallArgs): SymbolicTensor | SymbolicTensor[] | SymbolicRecord;
  override apply<T extends object>(inputs: T, args?: CallArgs): T;
  override apply(inputs: LayerInput | SymbolicRecord | object, args: CallArgs = {}): unknown {
    if (!isRecord(inputs) || Object.values(inputs).some(isSymbolic) || this.isInputRecord(inputs)) return super.apply(inputs as LayerInput, args);
    if (this.stack.length === 0) throw new Error(`Sequential '${this.name}' has no layers; add some with model.add(layer).`);
    let x: unknown = inputs;
    for (const layer of this.layers) x = layer.apply(x as LayerInput, args);
    return x;
  }

  override call(inputs: Tensor | Tensor[], { mask: _mask, ...args }: CallArgs = {}): Tensor | Tensor[] {
    if (this.stack.length === 0) throw new Error(`Sequential '${this.name}' has no layers; add some with model.add(layer).`);
    // Masks travel on the tensors: each layer reads the mask of the previous layer's output.
    let x = this.graph && !Array.isArray(inputs) ? adjustInputRank(inputs, this.inputs[0].shape) : inputs;
    for (const layer of this.stack) x = layer.apply(x, args) as Tensor | Tensor[];
    return x;
  }

  /**
   * Keras's get_config: the name, each layer as `{ class_name, config }`, and `build_input_shape`,
   * so that `Sequential.fromConfig(model.getConfig())` rebuilds the model with fresh weights.
   */
  override getConfig(): Record<string, unknown> {
    return graphConfigs('getConfig').write(this);
  }

  /**
   * Rebuilds a Sequential from `getConfig()` (Keras's from_config), new layers and fresh weights;
   * `customObjects` gives the custom classes it names.
   *
   * @example
   * const twin = Sequential.fromConfig(model.getConfig());
   */
  static override fromConfig<T extends Layer>(this: new (config: never) => T, config: Record<string, unknown>, options: GraphConfigOptions = {}): T {
    if ((this as unknown) === Sequential && Array.isArray(config?.layers)) return graphConfigs('Sequential.fromConfig').read(Sequential, config, options) as unknown as T;
    return new this(config as never);
  }

  /** Whether `record` names the built model's input, as Model's apply takes it. */
  private isInputRecord(record: Record<string, unknown>): boolean {
    const names = this.graph ? this.dataNames().inputs : null;
    const keys = Object.keys(record);
    return names !== null && keys.length === names.length && keys.every((key) => names.includes(key));
  }

  /** The InputLayer behind `Input(...)`, which only the first entry may be (as Keras). */
  private inputLayerOf(tensor: SymbolicTensor): InputLayer {
    const layer = tensor.node?.layer;
    if (!(layer instanceof InputLayer)) throw new Error(`Sequential.add: a symbolic tensor must come from Input({ shape }), got the output of layer '${layer?.name}'; add the layer itself.`);
    if (this.stack.length > 0) throw new Error(`Sequential.add: Input({ shape }) must come first; this model already has ${this.stack.length} layer(s).`);
    return layer;
  }

  private connect(from: SymbolicTensor, layers: Layer[], input: SymbolicTensor = from): void {
    let x = from;
    for (const layer of layers) x = layer.apply(x) as SymbolicTensor;
    this.symbolicOutput = x;
    this.initGraph(input, x);
  }
}
