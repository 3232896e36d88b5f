// Merge layers: element-wise Add, Subtract, Multiply, Average, Maximum, Minimum, and Concatenate
// (keras/src/layers/merging). They take a list of inputs; shapes are checked when the layer is
// built, with Keras's messages. Element-wise merges broadcast as Keras does: non-batch dimensions
// of size 1 stretch, and an input of lower rank gets axes of size 1 inserted after the batch axis.

import { add, div, maximum, minimum, mul, sub } from '../ops/elementwise';
import { concat, expandDims } from '../ops/shape';
import { tidy } from '../tensor/memory';
import type { Tensor } from '../tensor/tensor';
import { Layer, type CallArgs, type LayerArgs, type LayerInput } from './layer';
import { normalizeLayerAxis } from './layer_utils';
import { formatSymbolicShape, type Shape, type SymbolicTensor } from './symbolic';

function isShapeList(shape: Shape | Shape[]): shape is Shape[] {
  return shape.length > 0 && Array.isArray(shape[0]);
}

const formatShapes = (shapes: Shape[]) => `[${shapes.map(formatSymbolicShape).join(', ')}]`;

/** Base of the merge layers (Keras's Merge): a list of inputs in, one tensor out; subclasses give `mergeFunction`. */
export abstract class Merge extends Layer {
  constructor(args: LayerArgs = {}) {
    super(args);
  }

  /** Merges inputs of equal rank (broadcastable shapes). */
  protected abstract mergeFunction(inputs: Tensor[]): Tensor;

  // A list of inputs gives one output (the single-input signatures exist for typing and throw).
  override apply(inputs: SymbolicTensor[], args?: CallArgs): SymbolicTensor;
  override apply(inputs: Tensor[], args?: CallArgs): Tensor;
  override apply(inputs: SymbolicTensor, args?: CallArgs): SymbolicTensor;
  override apply(inputs: Tensor, args?: CallArgs): Tensor;
  override apply(inputs: LayerInput, args?: CallArgs): LayerInput;
  override apply(inputs: LayerInput, args?: CallArgs): LayerInput {
    return super.apply(inputs, args);
  }

  override build(inputShape: Shape | Shape[]): void {
    this.computeOutputShape(inputShape);
  }

  override call(inputs: Tensor | Tensor[]): Tensor {
    if (!Array.isArray(inputs)) {
      throw new Error(`A merge layer should be called on a list of inputs. Received: inputs=${inputs} (not a list of tensors)`);
    }
    return tidy(() => {
      const rank = Math.max(...inputs.map((x) => x.rank));
      const sameRank = inputs.map((x) => {
        let y = x;
        while (y.rank < rank) y = expandDims(y, 1);
        return y;
      });
      return this.mergeFunction(sameRank);
    });
  }

  override computeOutputShape(inputShape: Shape | Shape[]): Shape {
    const shapes = this.shapeList(inputShape);
    const batchSizes = new Set(shapes.map((s) => s[0]).filter((d) => d !== null && d !== undefined));
    if (batchSizes.size > 1) {
      throw new Error(`Cannot merge tensors with different batch sizes. Received tensors with shapes ${formatShapes(shapes)}`);
    }
    let out = shapes[0].slice(1);
    for (const shape of shapes.slice(1)) out = elementwiseShape(out, shape.slice(1));
    return [batchSizes.size === 1 ? [...batchSizes][0] : null, ...out];
  }

  protected shapeList(inputShape: Shape | Shape[]): Shape[] {
    if (!isShapeList(inputShape)) {
      throw new Error(`A merge layer should be called on a list of inputs. Received: input_shape=${formatSymbolicShape(inputShape)} (not a list of shapes)`);
    }
    return inputShape;
  }
}

/** The broadcast of two shapes (without batch axes), aligned at the end; null stays unknown. */
function elementwiseShape(a: Shape, b: Shape): Shape {
  if (a.length < b.length) return elementwiseShape(b, a);
  const out = a.slice(0, a.length - b.length);
  a.slice(a.length - b.length).forEach((i, k) => {
    const j = b[k];
    if (i === null || j === null) out.push(i === 1 ? j : j === 1 ? i : null);
    else if (i === 1) out.push(j);
    else if (j === 1 || i === j) out.push(i);
    else throw new Error(`Inputs have incompatible shapes. Received shapes ${formatSymbolicShape(a)} and ${formatSymbolicShape(b)}`);
  });
  return out;
}

/**
 * Adds a list of inputs element-wise; all of the same shape (or broadcastable).
 *
 * @example
 * const sum = new Add().apply([x1, x2]);   // x1 + x2
 */
export class Add extends Merge {
  protected mergeFunction(inputs: Tensor[]): Tensor {
    return inputs.reduce((a, b) => add(a, b));
  }
}

/**
 * Subtracts the second input from the first; takes exactly two inputs.
 *
 * @example
 * const diff = new Subtract().apply([x1, x2]);   // x1 - x2
 */
export class Subtract extends Merge {
  override build(inputShape: Shape | Shape[]): void {
    const shapes = this.shapeList(inputShape);
    if (shapes.length !== 2) {
      throw new Error(`A \`Subtract\` layer should be called on exactly 2 inputs. Received: input_shape=${formatShapes(shapes)}`);
    }
    super.build(shapes);
  }

  protected mergeFunction(inputs: Tensor[]): Tensor {
    if (inputs.length !== 2) throw new Error(`A \`Subtract\` layer should be called on exactly 2 inputs. Received ${inputs.length} inputs.`);
    return sub(inputs[0], inputs[1]);
  }
}

/**
 * Multiplies a list of inputs element-wise.
 *
 * @example
 * const gated = new Multiply().apply([features, gates]);
 */
export class Multiply extends Merge {
  protected mergeFunction(inputs: Tensor[]): Tensor {
    return inputs.reduce((a, b) => mul(a, b));
  }
}

/**
 * The element-wise mean of a list of inputs.
 *
 * @example
 * const ensemble = new Average().apply([y1, y2, y3]);
 */
export class Average extends Merge {
  protected mergeFunction(inputs: Tensor[]): Tensor {
    return div(inputs.reduce((a, b) => add(a, b)), inputs.length);
  }
}

/**
 * The element-wise maximum of a list of inputs.
 *
 * @example
 * const m = new Maximum().apply([x1, x2]);
 */
export class Maximum extends Merge {
  protected mergeFunction(inputs: Tensor[]): Tensor {
    return inputs.reduce((a, b) => maximum(a, b));
  }
}

/**
 * The element-wise minimum of a list of inputs.
 *
 * @example
 * const m = new Minimum().apply([x1, x2]);
 */
export class Minimum extends Merge {
  protected mergeFunction(inputs: Tensor[]): Tensor {
    return inputs.reduce((a, b) => minimum(a, b));
  }
}

export interface ConcatenateArgs extends LayerArgs {
  /** Axis to join along (default -1). */
  axis?: number;
}

/**
 * Joins a list of inputs along `axis` (default -1); all other dimensions must match.
 *
 * @example
 * new Concatenate().apply([Input({ shape: [3] }), Input({ shape: [5] })]).shape;   // [null, 8]
 * new Concatenate({ axis: 1 }).apply([a, b]);                                      // [2, 2, 5] + [2, 1, 5] -> [2, 3, 5]
 */
export class Concatenate extends Merge {
  readonly axis: number;

  constructor(args: ConcatenateArgs = {}) {
    super(args);
    this.axis = args.axis ?? -1;
    if (!Number.isInteger(this.axis)) throw new Error(`Invalid value for argument \`axis\`: expected an integer. Received: axis=${String(args.axis)}`);
  }

  protected mergeFunction(inputs: Tensor[]): Tensor {
    return concat(inputs, this.axis);
  }

  override call(inputs: Tensor | Tensor[]): Tensor {
    if (!Array.isArray(inputs)) {
      throw new Error(`A \`Concatenate\` layer should be called on a list of inputs. Received: inputs=${inputs} (not a list of tensors)`);
    }
    return this.mergeFunction(inputs);
  }

  override computeOutputShape(inputShape: Shape | Shape[]): Shape {
    if (!isShapeList(inputShape)) {
      throw new Error(`A \`Concatenate\` layer should be called on a list of inputs. Received: input_shape=${formatSymbolicShape(inputShape)}`);
    }
    const mismatch = () => new Error(`A \`Concatenate\` layer requires inputs with matching shapes except for the concatenation axis. Received: input_shape=${formatShapes(inputShape)}`);
    const rank = inputShape[0].length;
    if (inputShape.some((s) => s.length !== rank)) throw mismatch();
    const axis = normalizeLayerAxis(this.name, this.axis, inputShape[0]);
    const out: Shape = [];
    for (let d = 0; d < rank; d++) {
      const dims = inputShape.map((s) => s[d]);
      if (d === axis) {
        out.push(dims.some((v) => v === null) ? null : (dims as number[]).reduce((a, b) => a + b, 0));
        continue;
      }
      const known = new Set(dims.filter((v) => v !== null));
      if (known.size > 1) throw mismatch();
      out.push(known.size === 1 ? [...known][0] : null);
    }
    return out;
  }

  override getConfig(): Record<string, unknown> {
    return { ...super.getConfig(), axis: this.axis };
  }
}
