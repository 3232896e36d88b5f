// InputSpec (keras.layers.InputSpec): what a layer expects of its input (rank, sizes of given
// axes, full shape, dtype), checked by `Layer.apply` before the layer builds or any GPU work runs.
// A layer sets `this.inputSpec` to an InputSpec or to a plain record of the same fields.

import type { DType } from '../backend/types';
import { formatSymbolicShape, type Shape } from './symbolic';

/** The fields of an InputSpec, all optional (Keras's arguments in camelCase). */
export interface InputSpecArgs {
  /** Expected dtype of the input. */
  dtype?: DType;
  /** Expected shape; null entries match any size (sets `ndim` to its length). */
  shape?: ReadonlyArray<number | null>;
  /** Expected rank. */
  ndim?: number;
  /** Largest rank accepted. */
  maxNdim?: number;
  /** Smallest rank accepted. */
  minNdim?: number;
  /** Required sizes of given axes (negative counts from the end). */
  axes?: Record<number, number>;
  /** Name of the input, for error messages. */
  name?: string;
}

/**
 * What a layer expects of its input (keras.layers.InputSpec). Every field is optional; unset
 * fields accept anything.
 *
 * @example
 * class Pairwise extends Layer {
 *   constructor(args?: LayerArgs) { super(args); this.inputSpec = new layers.InputSpec({ ndim: 3, axes: { [-1]: 2 } }); }
 *   ...
 * }
 */
export class InputSpec implements InputSpecArgs {
  readonly dtype?: DType;
  readonly shape?: ReadonlyArray<number | null>;
  readonly ndim?: number;
  readonly maxNdim?: number;
  readonly minNdim?: number;
  readonly axes?: Record<number, number>;
  readonly name?: string;

  constructor({ dtype, shape, ndim, maxNdim, minNdim, axes, name }: InputSpecArgs = {}) {
    if (shape !== undefined && ndim !== undefined && ndim !== shape.length) {
      throw new Error(`InputSpec: ndim=${ndim} disagrees with shape=${formatSymbolicShape([...shape])} of rank ${shape.length}.`);
    }
    if (ndim !== undefined && axes !== undefined) {
      const maxAxis = Math.max(...Object.keys(axes).map(Number));
      if (maxAxis >= ndim) throw new Error(`InputSpec: axis ${maxAxis} is out of range for ndim=${ndim}. Received: axes=${JSON.stringify(axes)}.`);
    }
    Object.assign(this, { dtype, shape: shape && [...shape], ndim: ndim ?? shape?.length, maxNdim, minNdim, axes: axes && { ...axes }, name });
  }
}

/** Throws unless each input (its shape and dtype) satisfies `spec`, naming the layer and the mismatch. */
export function checkInputSpec(layerName: string, spec: InputSpecArgs | null, inputs: ReadonlyArray<{ shape: Shape; dtype: DType }>): void {
  if (!spec) return;
  inputs.forEach(({ shape, dtype }, index) => {
    const shown = formatSymbolicShape(shape);
    const prefix = `Input ${index} of layer "${layerName}" is incompatible with the layer:`;
    const ndim = spec.ndim ?? spec.shape?.length;
    if (ndim !== undefined && shape.length !== ndim) throw new Error(`${prefix} expected ndim=${ndim}, found ndim=${shape.length}. Full shape received: ${shown}`);
    if (spec.maxNdim !== undefined && shape.length > spec.maxNdim) throw new Error(`${prefix} expected max_ndim=${spec.maxNdim}, found ndim=${shape.length}. Full shape received: ${shown}`);
    if (spec.minNdim !== undefined && shape.length < spec.minNdim) throw new Error(`${prefix} expected min_ndim=${spec.minNdim}, found ndim=${shape.length}. Full shape received: ${shown}`);
    if (spec.dtype !== undefined && dtype !== spec.dtype) throw new Error(`${prefix} expected dtype=${spec.dtype}, found dtype=${dtype}.`);
    for (const [axisText, size] of Object.entries(spec.axes ?? {})) {
      const axis = Number(axisText) < 0 ? shape.length + Number(axisText) : Number(axisText);
      if (shape[axis] !== null && shape[axis] !== size) {
        throw new Error(`${prefix} expected axis ${axisText} of input shape to have value ${size}, but received input with shape ${shown}`);
      }
    }
    spec.shape?.forEach((size, axis) => {
      if (size !== null && shape[axis] !== null && shape[axis] !== size) throw new Error(`${prefix} expected shape=${formatSymbolicShape([...spec.shape!])}, found shape=${shown}`);
    });
  });
}
