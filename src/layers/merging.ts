// Merge layers: element-wise Add, Subtract, Multiply, Average, Maximum, Minimum, and Concatenate
// (keras/src/layers/merging). They take a list of inputs; shapes are checked when the layer is
// built, with Keras's messages. Element-wise merges broadcast as Keras does: non-batch dimensions
// of size 1 stretch, and an input of lower rank gets axes of size 1 inserted after the batch axis.
// Masks combine as Keras 3's: the element-wise merges give a position data when any input has data
// there (and no mask when some input has none); Maximum and Minimum ignore a masked input's values
// where another input has data; Concatenate joins the masks along its axis.

import { ones } from '../ops/creation';
import { add, div, logicalOr, maximum, minimum, mul, notEqual, sub, where } from '../ops/elementwise';
import { any } from '../ops/reduce';
import { broadcastTo, concat, expandDims } from '../ops/shape';
import { tidy } from '../tensor/memory';
import type { Tensor } from '../tensor/tensor';
import { Layer, type CallArgs, type InputMask, type LayerArgs, type LayerInput, type OutputMask } from './layer';
import { isShapeList, normalizeLayerAxis } from './layer_utils';
import { formatSymbolicShape, type Shape, type SymbolicTensor } from './symbolic';

const formatShapes = (shapes: Shape[]) => `[${shapes.map(formatSymbolicShape).join(', ')}]`;

/** Base of the merge layers (Keras's Merge): a list of inputs in, one tensor out; subclasses give `mergeFunction`. */
export abstract class Merge extends Layer {
  constructor(args: LayerArgs = {}) {
    super(args);
    this.supportsMasking = true;
  }

  /** Merges inputs of equal rank (broadcastable shapes); `masks` are the inputs' masks (null where none). */
  protected abstract mergeFunction(inputs: Tensor[], masks: Array<Tensor | null>): Tensor;

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

  override call(inputs: Tensor | Tensor[], args: CallArgs = {}): Tensor {
    if (!Array.isArray(inputs)) {
      throw new Error(`A merge layer should be called on a list of inputs. Received: inputs=${inputs} (not a list of tensors)`);
    }
    const masks = maskList(inputs, args.mask ?? null) ?? inputs.map(() => null);
    return tidy(() => {
      const rank = Math.max(...inputs.map((x) => x.rank));
      const sameRank = inputs.map((x) => {
        let y = x;
        while (y.rank < rank) y = expandDims(y, 1);
        return y;
      });
      return this.mergeFunction(sameRank, masks);
    });
  }

  /** Keras's rule for the element-wise merges: data where any input has data; no mask when some input has none. */
  override computeMask(inputs: Tensor | Tensor[], mask: InputMask): OutputMask {
    const masks = maskList(inputs, mask);
    if (masks === null || masks.some((m) => m === null)) return null;
    return (masks as Tensor[]).reduce((a, b) => logicalOr(a, b));
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

/** The masks of a merge's inputs as a list (null when there are none); a single mask for a list of inputs is an error. */
function maskList(inputs: Tensor | Tensor[], mask: InputMask): Array<Tensor | null> | null {
  if (mask === null) return null;
  const count = Array.isArray(inputs) ? inputs.length : 1;
  if (!Array.isArray(mask) || mask.length !== count) {
    const received = Array.isArray(mask) ? `a list of ${mask.length}` : `a tensor of shape ${formatSymbolicShape([...(mask as Tensor).shape])}`;
    throw new Error(`Invalid value for argument mask of a merge layer. Expected a list of ${count} masks (null where an input has none), one per input. Received: ${received}`);
  }
  return [...mask];
}

/**
 * Keras's merge for Maximum and Minimum, which have no identity value: where an input is masked
 * its value is replaced by the result so far (and the result so far by the input where only the
 * result is masked), so padding never wins.
 */
function mergeKeepingUnmasked(op: (a: Tensor, b: Tensor) => Tensor, inputs: Tensor[], masks: Array<Tensor | null>): Tensor {
  const spread = (m: Tensor | null, x: Tensor) => (m === null ? null : broadcastTo(m.rank < x.rank ? expandDims(m, -1) : m, x.shape));
  let output = inputs[0];
  let outputMask = spread(masks[0], output);
  inputs.slice(1).forEach((input, k) => {
    const mask = spread(masks[k + 1], input);
    const x = mask ? where(mask, input, output) : input;
    if (outputMask) output = where(outputMask, output, x);
    outputMask = mask && outputMask ? logicalOr(outputMask, mask) : null;
    output = op(output, x);
  });
  return output;
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
  protected mergeFunction(inputs: Tensor[], masks: Array<Tensor | null>): Tensor {
    return mergeKeepingUnmasked(maximum, inputs, masks);
  }
}

/**
 * The element-wise minimum of a list of inputs.
 *
 * @example
 * const m = new Minimum().apply([x1, x2]);
 */
export class Minimum extends Merge {
  protected mergeFunction(inputs: Tensor[], masks: Array<Tensor | null>): Tensor {
    return mergeKeepingUnmasked(minimum, inputs, masks);
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

  /**
   * Keras's rule: each input's mask spread over the input's shape (all ones for an input without
   * one), joined along the axis, then a position has data where any of its last axis does.
   */
  override computeMask(inputs: Tensor | Tensor[], mask: InputMask): OutputMask {
    const masks = maskList(inputs, mask);
    if (masks === null || masks.every((m) => m === null)) return null;
    const full = (inputs as Tensor[]).map((x, i) => {
      const m = masks[i];
      if (m === null) return ones(x.shape, 'int32');
      const spread = m.rank < x.rank ? broadcastTo(expandDims(m, -1), x.shape) : m;
      return notEqual(spread, 0);
    });
    return any(concat(full, this.axis), -1);
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
