// Sequential: a plain stack of layers. When the first layer declares its input shape
// (`inputShape`, `inputDim`, `batchInputShape`) the model is built at once, so weights exist
// before any data (setWeights and summary work right away); otherwise at the first call.

import { Layer, type CallArgs, type LayerArgs } from '../layers/layer';
import { Input } from '../layers/input_layer';
import type { Shape, SymbolicTensor } from '../layers/symbolic';
import type { Tensor } from '../tensor/tensor';
import { Model } from './model';

export interface SequentialArgs extends LayerArgs {
  layers?: Layer[];
}

/**
 * @example
 * const model = new Sequential();
 * model.add(new layers.Dense({ units: 64, inputDim: 100, activation: 'relu' }));
 * model.add(new layers.Dense({ units: 10, activation: 'softmax' }));
 */
export class Sequential extends Model {
  private readonly stack: Layer[] = [];
  private symbolicOutput: SymbolicTensor | null = null;

  constructor(args: SequentialArgs = {}) {
    super({ ...args, layers: undefined } as LayerArgs);
    for (const layer of args.layers ?? []) this.add(layer);
  }

  override get layers(): Layer[] {
    return [...this.stack];
  }

  /** Appends a layer; builds it right away when the input shape is known. */
  add(layer: Layer): void {
    if (!(layer instanceof Layer)) throw new Error(`Sequential.add: expected a Layer, got ${typeof layer}.`);
    if (this.stack.includes(layer)) throw new Error(`Sequential.add: layer '${layer.name}' is already in the model.`);
    this.stack.push(layer);
    if (!this.symbolicOutput && this.stack.length === 1) {
      const shape = layer.batchInputShape ?? this.batchInputShape;
      if (shape) this.connect(Input({ batchShape: shape }), this.stack);
      return;
    }
    if (this.symbolicOutput) this.connect(this.symbolicOutput, [layer], this.inputs[0]);
  }

  /** Removes the last layer. */
  pop(): Layer {
    const layer = this.stack.pop();
    if (!layer) throw new Error('Sequential.pop: the model has no layers.');
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

  override call(inputs: Tensor | Tensor[], args: CallArgs = {}): Tensor | Tensor[] {
    if (this.stack.length === 0) throw new Error(`Sequential '${this.name}' has no layers; add some with model.add(layer).`);
    let x = inputs;
    for (const layer of this.stack) x = layer.apply(x, args) as Tensor | Tensor[];
    return x;
  }

  override getConfig(): Record<string, unknown> {
    return { name: this.name, layers: this.stack.map((l) => ({ className: l.constructor.name, config: l.getConfig() })) };
  }

  private connect(from: SymbolicTensor, layers: Layer[], input: SymbolicTensor = from): void {
    let x = from;
    for (const layer of layers) x = layer.apply(x) as SymbolicTensor;
    this.symbolicOutput = x;
    this.initGraph(input, x);
  }
}
