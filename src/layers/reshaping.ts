// Reshaping layers: Flatten, Reshape and Permute (keras/src/layers/reshaping). The batch axis is
// never touched; shapes given to these layers exclude it.

import { reshape, transpose } from '../ops/shape';
import type { Tensor } from '../tensor/tensor';
import { Layer, type LayerArgs } from './layer';
import { knownSize } from './layer_utils';
import { formatSymbolicShape, type Shape } from './symbolic';

/**
 * Flattens every axis but the batch axis: [batch, d1, d2, ...] becomes [batch, d1 * d2 * ...]
 * (and [batch] becomes [batch, 1]).
 *
 * @example
 * new Flatten().apply(Input({ shape: [28, 28, 1] })).shape;   // [null, 784]
 */
export class Flatten extends Layer {
  constructor(args: LayerArgs = {}) {
    super(args);
    this.inputSpec = { minNdim: 1 };
  }

  override call(inputs: Tensor): Tensor {
    return reshape(inputs, [inputs.shape[0], inputs.shape.slice(1).reduce((a, b) => a * b, 1)]);
  }

  override computeOutputShape(inputShape: Shape): Shape {
    return [inputShape[0], knownSize(inputShape.slice(1))];
  }
}

export interface ReshapeArgs extends LayerArgs {
  /** Shape of one sample, without the batch axis; one entry may be -1 (inferred). */
  targetShape: readonly number[];
}

/**
 * Reshapes each sample to `targetShape` (the batch axis is kept). One dimension may be -1 and is
 * inferred from the size of the input.
 *
 * @example
 * new Reshape({ targetShape: [3, 4] }).apply(Input({ shape: [12] })).shape;    // [null, 3, 4]
 * new Reshape({ targetShape: [-1, 2] }).apply(Input({ shape: [3, 4] })).shape; // [null, 6, 2]
 */
export class Reshape extends Layer {
  readonly targetShape: number[];

  constructor(args: ReshapeArgs | readonly number[]) {
    const config: ReshapeArgs = Array.isArray(args) ? { targetShape: args as readonly number[] } : (args as ReshapeArgs);
    super(config);
    const target = config?.targetShape;
    if (!Array.isArray(target) || target.some((d) => !Number.isInteger(d) || (d <= 0 && d !== -1))) {
      throw new Error(`Invalid value for argument \`targetShape\`: expected a list of positive integers, with at most one -1. Received: targetShape=${JSON.stringify(target)}`);
    }
    if (target.filter((d) => d === -1).length > 1) {
      throw new Error(`There must be at most one unknown dimension (-1) in targetShape. Received: targetShape=${JSON.stringify(target)}`);
    }
    this.targetShape = [...target];
  }

  override call(inputs: Tensor): Tensor {
    const outShape = this.computeOutputShape(inputs.shape as Shape) as number[];
    return reshape(inputs, [inputs.shape[0], ...outShape.slice(1)]);
  }

  override computeOutputShape(inputShape: Shape): Shape {
    const inputSize = knownSize(inputShape.slice(1));
    const unknown = this.targetShape.indexOf(-1);
    const knownTarget = this.targetShape.filter((d) => d !== -1).reduce((a, b) => a * b, 1);
    const mismatch = () =>
      new Error(`The total size of the tensor must be unchanged. Received: input_shape=${formatSymbolicShape(inputShape.slice(1))}, target_shape=${formatSymbolicShape(this.targetShape)}`);
    if (unknown < 0) {
      if (inputSize !== null && inputSize !== knownTarget) throw mismatch();
      return [inputShape[0], ...this.targetShape];
    }
    const out: Shape = [...this.targetShape];
    if (inputSize === null) {
      out[unknown] = null;
    } else {
      if (knownTarget === 0 || inputSize % knownTarget !== 0) throw mismatch();
      out[unknown] = inputSize / knownTarget;
    }
    return [inputShape[0], ...out];
  }

  override getConfig(): Record<string, unknown> {
    return { ...super.getConfig(), targetShape: [...this.targetShape] };
  }
}

export interface PermuteArgs extends LayerArgs {
  /** A permutation of 1..rank-1 (1-based, the batch axis excluded), as in Keras. */
  dims: readonly number[];
}

/**
 * Permutes the non-batch axes of its input. `dims` is 1-based: `[2, 1]` swaps the first and
 * second axes after the batch axis.
 *
 * @example
 * new Permute({ dims: [2, 1] }).apply(Input({ shape: [10, 64] })).shape;   // [null, 64, 10]
 */
export class Permute extends Layer {
  readonly dims: number[];

  constructor(args: PermuteArgs | readonly number[]) {
    const config: PermuteArgs = Array.isArray(args) ? { dims: args as readonly number[] } : (args as PermuteArgs);
    super(config);
    const dims = config?.dims;
    const valid = Array.isArray(dims) && [...dims].sort((a, b) => a - b).every((d, i) => d === i + 1);
    if (!valid) {
      throw new Error(`Invalid permutation argument \`dims\` for Permute Layer. The set of indices in \`dims\` must be consecutive and start from 1. Received dims=${JSON.stringify(dims)}`);
    }
    this.dims = [...dims];
    this.inputSpec = { ndim: this.dims.length + 1 };
  }

  override call(inputs: Tensor): Tensor {
    return transpose(inputs, [0, ...this.dims]);
  }

  override computeOutputShape(inputShape: Shape): Shape {
    return [inputShape[0], ...this.dims.map((d) => inputShape[d])];
  }

  override getConfig(): Record<string, unknown> {
    return { ...super.getConfig(), dims: [...this.dims] };
  }
}
