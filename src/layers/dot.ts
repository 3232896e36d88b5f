// The Dot merge layer (keras/src/layers/merging/dot.py): the dot product of two batched inputs
// along one axis of each, with Keras's batch_dot semantics, computed as one einsum (batched
// matmuls on the device). Optional L2 normalization first gives the cosine proximity.

import { cast } from '../ops/elementwise';
import { einsum } from '../ops/einsum';
import { normalize } from '../ops/linalg';
import { reshape } from '../ops/shape';
import { tidy } from '../tensor/memory';
import type { Tensor } from '../tensor/tensor';
import type { InputMask, LayerArgs, OutputMask } from './layer';
import { Merge } from './merging';
import { formatSymbolicShape, type Shape } from './symbolic';

export interface DotArgs extends LayerArgs {
  /** The axis of both inputs, or one axis per input, to take the dot product along (never 0, the batch axis). */
  axes: number | readonly [number, number];
  /** L2-normalize both inputs along their dot axes first, so the result is the cosine proximity (default false). */
  normalize?: boolean;
}

/** Labels of the non-batch, non-contracted axes in the einsum subscripts ('a' is the batch, 'z' the contracted axis). */
const FREE_LABELS = 'bcdefghijklmnopqrstuvwxy';

/**
 * The dot product of the samples of two inputs along `axes` (Keras's batch_dot): for inputs of
 * shapes `[batch, ...x]` and `[batch, ...y]`, the output holds the first input's axes without the
 * dot axis, then the second's without its batch and dot axes; a rank-1 result becomes
 * `[batch, 1]`. With `normalize: true` both inputs are L2-normalized along their dot axes first.
 * The output has no mask.
 *
 * @example
 * const x = tensor([[[0, 1], [2, 3], [4, 5], [6, 7], [8, 9]]]);                 // [1, 5, 2]
 * const y = tensor([[[10, 11, 12, 13, 14], [15, 16, 17, 18, 19]]]);           // [1, 2, 5]
 * new Dot({ axes: [1, 2] }).apply([x, y]);   // [[[260, 360], [320, 445]]]
 * new Dot({ axes: 1, normalize: true }).apply([a, b]);   // [batch, 1] cosine similarities
 */
export class Dot extends Merge {
  readonly axes: number | [number, number];
  readonly normalize: boolean;

  constructor(args: DotArgs) {
    super(args);
    const axes = args?.axes;
    const isInt = (v: unknown) => typeof v === 'number' && Number.isInteger(v);
    if (!isInt(axes) && !(Array.isArray(axes) && axes.length === 2 && axes.every(isInt))) {
      throw new Error(`Invalid value for argument axes. Expected an integer or a list of two integers. Received: axes=${JSON.stringify(axes)}`);
    }
    this.axes = typeof axes === 'number' ? axes : [axes[0], axes[1]];
    this.normalize = args.normalize ?? false;
    if (typeof this.normalize !== 'boolean') {
      throw new Error(`Invalid value for argument normalize. Expected a boolean. Received: normalize=${String(args.normalize)}`);
    }
  }

  /** Keras's batch_dot of the two inputs (Merge's rank alignment does not apply: call passes them as given). */
  protected mergeFunction(inputs: Tensor[]): Tensor {
    const [x, y] = inputs;
    const [axisX, axisY] = this.resolveAxes([[...x.shape], [...y.shape]]);
    let a = x.dtype === 'float32' ? x : cast(x, 'float32');
    let b = y.dtype === 'float32' ? y : cast(y, 'float32');
    if (this.normalize) {
      a = normalize(a, axisX);
      b = normalize(b, axisY);
    }
    const { subscripts, outputShape } = batchDotSubscripts([...x.shape], [...y.shape], axisX, axisY);
    return reshape(einsum(subscripts, a, b), outputShape as number[]);
  }

  override call(inputs: Tensor | Tensor[]): Tensor {
    if (!Array.isArray(inputs) || inputs.length !== 2) {
      throw new Error(`A \`Dot\` layer should be called on exactly 2 inputs. Received: ${Array.isArray(inputs) ? `${inputs.length} inputs` : 'a single tensor'}`);
    }
    this.resolveAxes(inputs.map((t) => [...t.shape]));
    return tidy(() => this.mergeFunction(inputs));
  }

  /** Keras's rule: a dot product has no mask. */
  override computeMask(_inputs: Tensor | Tensor[], _mask: InputMask): OutputMask {
    return null;
  }

  override computeOutputShape(inputShape: Shape | Shape[]): Shape {
    const shapes = this.shapeList(inputShape);
    const [axisX, axisY] = this.resolveAxes(shapes);
    return batchDotSubscripts(shapes[0], shapes[1], axisX, axisY).outputShape;
  }

  override getConfig(): Record<string, unknown> {
    return { ...super.getConfig(), axes: typeof this.axes === 'number' ? this.axes : [...this.axes], normalize: this.normalize };
  }

  /** The dot axis of each input (non-negative), checked against the shapes: rank >= 2, not the batch axis, equal sizes. */
  private resolveAxes(shapes: Shape[]): [number, number] {
    if (shapes.length !== 2) {
      throw new Error(`A \`Dot\` layer should be called on a list of 2 inputs. Received: input_shape=[${shapes.map(formatSymbolicShape).join(', ')}]`);
    }
    const [shapeX, shapeY] = shapes;
    if (shapeX.length < 2 || shapeY.length < 2) {
      throw new Error(`Cannot do batch_dot on inputs with rank < 2. Received inputs with shapes ${formatSymbolicShape(shapeX)} and ${formatSymbolicShape(shapeY)}.`);
    }
    if (shapeX[0] !== null && shapeY[0] !== null && shapeX[0] !== shapeY[0]) {
      throw new Error(`Cannot do batch_dot on inputs with different batch sizes. Received inputs with shapes ${formatSymbolicShape(shapeX)} and ${formatSymbolicShape(shapeY)}.`);
    }
    const given = typeof this.axes === 'number' ? [this.axes, this.axes] : this.axes;
    const resolved = given.map((axis, i) => {
      const rank = shapes[i].length;
      if (axis < -rank || axis >= rank) {
        throw new Error(`Invalid value for argument axes. Expected axes in [${-rank}, ${rank}) for input ${i} of shape ${formatSymbolicShape(shapes[i])}. Received: axes=${JSON.stringify(this.axes)}`);
      }
      return axis < 0 ? axis + rank : axis;
    }) as [number, number];
    if (resolved.includes(0)) {
      throw new Error(`Cannot perform batch_dot over axis 0 (the batch axis). Received: axes=${JSON.stringify(this.axes)}`);
    }
    const sizeX = shapeX[resolved[0]];
    const sizeY = shapeY[resolved[1]];
    if (sizeX !== null && sizeY !== null && sizeX !== sizeY) {
      throw new Error(`Incompatible input shapes: axis values ${sizeX} (at axis ${resolved[0]}) != ${sizeY} (at axis ${resolved[1]}). Full input shapes: ${formatSymbolicShape(shapeX)}, ${formatSymbolicShape(shapeY)}`);
    }
    return resolved;
  }
}

/** The einsum subscripts of Keras's batch_dot of two shapes along the given axes, and its output shape. */
function batchDotSubscripts(shapeX: Shape, shapeY: Shape, axisX: number, axisY: number): { subscripts: string; outputShape: Shape } {
  let next = 0;
  const label = (axis: number, dotAxis: number) => (axis === 0 ? 'a' : axis === dotAxis ? 'z' : FREE_LABELS[next++]);
  const labelsX = shapeX.map((_, i) => label(i, axisX));
  const labelsY = shapeY.map((_, i) => label(i, axisY));
  const output = [...labelsX.filter((l) => l !== 'z'), ...labelsY.filter((l) => l !== 'a' && l !== 'z')];
  const outputShape: Shape = [...shapeX.filter((_, i) => i !== axisX), ...shapeY.filter((_, i) => i !== 0 && i !== axisY)];
  if (outputShape.length === 1) outputShape.push(1);
  return { subscripts: `${labelsX.join('')},${labelsY.join('')}->${output.join('')}`, outputShape };
}
