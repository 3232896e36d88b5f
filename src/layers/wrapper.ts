// Wrapper (keras.layers.Wrapper): the base class of layers that wrap one other layer
// (TimeDistributed, SpectralNormalization). It holds the wrapped layer, builds it with the input
// shape unless a subclass builds it otherwise, and nests its { className, config } in the config.

import { Layer, type LayerArgs } from './layer';
import { describeValue, deserializeNested, serializeNested } from './nested_layers';
import type { Shape } from './symbolic';

export interface WrapperArgs extends LayerArgs {
  /** The layer to wrap. */
  layer: Layer;
}

/**
 * The base of layers that take another layer and augment it; not a layer to use by itself.
 * A subclass implements `call` (running `this.layer`) and `computeOutputShape`.
 *
 * @example
 * class Doubled extends layers.Wrapper {
 *   override call(x: Tensor) { return ops.mul(this.layer.apply(x) as Tensor, 2); }
 *   override computeOutputShape(shape: Shape) { return this.layer.computeOutputShape(shape); }
 * }
 * registerLayer(Doubled);
 * const doubled = new Doubled({ layer: new layers.Dense({ units: 3 }) });
 */
export abstract class Wrapper extends Layer {
  readonly layer: Layer;

  constructor(args: WrapperArgs) {
    if (!(args?.layer instanceof Layer)) {
      throw new Error(`Layer ${describeValue(args?.layer)} supplied to Wrapper isn't a supported layer type. Please ensure wrapped layer is a valid Keras layer.`);
    }
    super(args);
    this.layer = args.layer;
  }

  /** Builds the wrapped layer for the input shape, unless it is built. */
  override build(inputShape: Shape | Shape[]): void {
    if (this.layer.built) return;
    this.layer.build(inputShape);
    this.layer.built = true;
  }

  override getConfig(): Record<string, unknown> {
    return { ...super.getConfig(), layer: serializeNested(this.layer) };
  }

  static override fromConfig<T extends Layer>(this: new (config: never) => T, config: Record<string, unknown>): T {
    return new this({ ...config, layer: deserializeNested(config.layer, 'layer') } as never);
  }
}
