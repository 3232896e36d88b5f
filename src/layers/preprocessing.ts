// Preprocessing layers that run inside the model (keras/src/layers/preprocessing): Rescaling,
// which maps raw values (pixels in [0, 255], say) to the range a network trains on. Computation
// through ops only, on the active backend.

import { add, cast, mul } from '../ops/elementwise';
import { tensor } from '../tensor/creation';
import { tidy } from '../tensor/memory';
import type { Tensor } from '../tensor/tensor';
import { Layer, type LayerArgs } from './layer';
import { formatSymbolicShape, type Shape } from './symbolic';

/** A factor for all values, or one per entry of the last axis (per channel). */
export type RescalingFactor = number | readonly number[];

export interface RescalingArgs extends LayerArgs {
  /** Multiplies the inputs: a number, or one number per channel (last axis). */
  scale: RescalingFactor;
  /** Added after scaling: a number, or one number per channel (default 0). */
  offset?: RescalingFactor;
}

function checkFactor(name: string, value: unknown): RescalingFactor {
  const finite = (v: unknown) => typeof v === 'number' && Number.isFinite(v);
  if (finite(value)) return value as number;
  if (Array.isArray(value) && value.length > 0 && value.every(finite)) return [...(value as number[])];
  throw new Error(`Invalid value for argument ${name}. Expected a finite number or a non-empty list of finite numbers (one per channel). Received: ${name}=${JSON.stringify(value)}`);
}

/**
 * Rescales every value: `inputs * scale + offset`, in training and inference alike. Integer
 * inputs give float32 outputs.
 *
 * @example
 * new Rescaling({ scale: 1 / 255 });                    // [0, 255] -> [0, 1]
 * new Rescaling({ scale: 1 / 127.5, offset: -1 });      // [0, 255] -> [-1, 1]
 * new Rescaling({ scale: [1 / 0.229, 1 / 0.224, 1 / 0.225] });   // per channel
 */
export class Rescaling extends Layer {
  readonly scale: RescalingFactor;
  readonly offset: RescalingFactor;

  constructor(args: RescalingArgs) {
    super(args);
    this.scale = checkFactor('scale', args?.scale);
    this.offset = checkFactor('offset', args.offset ?? 0);
  }

  override call(inputs: Tensor): Tensor {
    this.checkChannels(inputs.shape as Shape);
    const factor = (value: RescalingFactor) => (typeof value === 'number' ? value : tensor([...value]));
    return tidy(() => {
      const x = inputs.dtype === 'float32' ? inputs : cast(inputs, 'float32');
      const scaled = this.scale === 1 ? x : mul(x, factor(this.scale));
      return this.offset === 0 ? scaled : add(scaled, factor(this.offset));
    });
  }

  override computeOutputShape(inputShape: Shape): Shape {
    this.checkChannels(inputShape);
    return [...inputShape];
  }

  override getConfig(): Record<string, unknown> {
    const copy = (value: RescalingFactor) => (typeof value === 'number' ? value : [...value]);
    return { ...super.getConfig(), scale: copy(this.scale), offset: copy(this.offset) };
  }

  /** A per-channel scale or offset must have one entry per channel of the last axis. */
  private checkChannels(shape: Shape): void {
    for (const [name, value] of [['scale', this.scale], ['offset', this.offset]] as const) {
      if (typeof value === 'number' || value.length === 1) continue;
      const channels = shape.at(-1);
      if (shape.length === 0 || (channels !== null && channels !== value.length)) {
        throw new Error(`Rescaling '${this.name}': ${name} has ${value.length} entries (one per channel) but the input's last axis has ${channels ?? 'no'} entries. Received: input_shape=${formatSymbolicShape(shape)}, ${name}=${JSON.stringify(value)}`);
      }
    }
  }
}
