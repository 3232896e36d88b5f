// Masking (keras/src/layers/core/masking.py): marks the time steps whose features all equal
// `maskValue` as padding. The output is the input with those steps zeroed, and it carries the
// mask (see getMask in src/tensor/mask.ts) that the layers after it honour.

import { any } from '../ops/reduce';
import { cast, notEqual } from '../ops/elementwise';
import { squeeze } from '../ops/shape';
import { tidy } from '../tensor/memory';
import { setMask } from '../tensor/mask';
import type { Tensor } from '../tensor/tensor';
import { Layer, type LayerArgs, type OutputMask } from './layer';
import type { Shape } from './symbolic';

export interface MaskingArgs extends LayerArgs {
  /** The value that marks padding (default 0): a step is masked when all its features equal it. */
  maskValue?: number;
}

/**
 * Masks the steps of a sequence that are padding: on an input [batch, time, features], a step
 * whose features all equal `maskValue` gets mask 0 and an output of zeros; other steps pass
 * unchanged with mask 1. The mask (int32, [batch, time]) reaches the recurrent layers, pooling,
 * attention and the loss after it.
 *
 * Arguments: `maskValue` (0).
 *
 * @example
 * const masked = new Masking({ maskValue: -1 }).apply(tensor([[[1, 2], [-1, -1]]]));
 * await masked.array();            // [[[1, 2], [0, 0]]]
 * await getMask(masked)!.array();  // [[1, 0]]
 */
export class Masking extends Layer {
  readonly maskValue: number;

  constructor(args: MaskingArgs = {}) {
    super(args);
    const maskValue = args.maskValue ?? 0;
    if (typeof maskValue !== 'number' || Number.isNaN(maskValue)) {
      throw new Error(`Invalid value for argument maskValue. Expected a number. Received: maskValue=${String(args.maskValue)}`);
    }
    this.maskValue = maskValue;
    this.supportsMasking = true;
    this.inputSpec = { minNdim: 2 };
  }

  override call(inputs: Tensor | Tensor[]): Tensor {
    const x = single(this.name, inputs);
    return tidy(() => {
      const kept = this.stepMask(x, true);
      const output = x.mul(cast(kept, x.dtype));
      // The mask is computed once, with the output (as Keras's call does).
      setMask(output, squeeze(kept, -1));
      return output;
    });
  }

  /** 1 where some feature of the step differs from maskValue (int32, the input's shape without its last axis). */
  override computeMask(inputs: Tensor | Tensor[]): OutputMask {
    return this.stepMask(single(this.name, inputs), false);
  }

  override computeOutputShape(inputShape: Shape): Shape {
    return inputShape;
  }

  override getConfig(): Record<string, unknown> {
    return { ...super.getConfig(), maskValue: this.maskValue };
  }

  private stepMask(x: Tensor, keepDims: boolean): Tensor {
    return any(notEqual(x, this.maskValue), -1, keepDims);
  }
}

function single(name: string, inputs: Tensor | Tensor[]): Tensor {
  if (!Array.isArray(inputs)) return inputs;
  if (inputs.length !== 1) throw new Error(`Masking "${name}" takes one input tensor, got a list of ${inputs.length}.`);
  return inputs[0];
}
