// Pipeline (keras/src/layers/preprocessing/pipeline.py): a plain layer that applies a list of
// layers in order, typically a preprocessing or augmentation chain. Not a Model. Its config nests
// each layer's { className, config }, so it saves and loads.

import type { Tensor } from '../tensor/tensor';
import { Layer, type CallArgs, type LayerArgs } from './layer';
import { describeValue, deserializeNested, serializeNested } from './nested_layers';
import type { Shape } from './symbolic';

export interface PipelineArgs extends LayerArgs {
  /** The layers, applied first to last. */
  layers: readonly Layer[];
}

/**
 * Applies its layers in order, passing the training flag on (true when none is given, as Keras's
 * `call(training=True)`): augmentation layers in it act unless it is called with `training: false`.
 *
 * @example
 * const augment = new Pipeline({ layers: [new RandomFlip(), new RandomRotation({ factor: 0.1 }), new RandomHue({ factor: 0.1 })] });
 * augment.apply(images, { training: true });
 */
export class Pipeline extends Layer {
  /** As Keras's `call(inputs, training=True)`: applied directly, its augmentation layers act. */
  protected override readonly trainingDefault = true;
  private readonly pipelineLayers: Layer[];

  constructor(args: PipelineArgs) {
    super(args);
    const layers = args?.layers as unknown;
    if (!Array.isArray(layers) || !layers.every((layer) => layer instanceof Layer)) {
      throw new Error(`Invalid value for argument layers of Pipeline. Expected a list of layers. Received: layers=${describeValue(layers)}`);
    }
    this.pipelineLayers = [...layers];
  }

  /** The layers, in order. */
  override get layers(): Layer[] {
    return [...this.pipelineLayers];
  }

  override build(inputShape: Shape | Shape[]): void {
    let shape = inputShape;
    for (const layer of this.pipelineLayers) {
      if (!layer.built) {
        layer.build(shape);
        layer.built = true;
      }
      shape = layer.computeOutputShape(shape);
    }
  }

  override call(inputs: Tensor | Tensor[], { training }: CallArgs = {}): Tensor | Tensor[] {
    let outputs = inputs;
    for (const layer of this.pipelineLayers) outputs = layer.apply(outputs as Tensor[], { training });
    return outputs;
  }

  override computeOutputShape(inputShape: Shape | Shape[]): Shape | Shape[] {
    return this.pipelineLayers.reduce((shape, layer) => layer.computeOutputShape(shape), inputShape);
  }

  override getConfig(): Record<string, unknown> {
    return { ...super.getConfig(), layers: this.pipelineLayers.map(serializeNested) };
  }

  static override fromConfig<T extends Layer>(this: new (config: never) => T, config: Record<string, unknown>): T {
    const layers = config.layers;
    if (!Array.isArray(layers)) {
      throw new Error(`\`Pipeline\` config must contain a \`layers\` key mapping to a list of serialized layers. Received config with layers=${describeValue(layers)}.`);
    }
    return new this({ ...config, layers: layers.map((layer, i) => deserializeNested(layer, `layers[${i}]`)) } as never);
  }
}
