// Types shared by every layer of the engine: dtypes, shapes and the storage each backend keeps per tensor.

/** Element type of a tensor. Booleans are int32 holding 0 or 1. */
export type DType = 'float32' | 'int32';

/** A concrete shape: one non-negative integer per dimension. */
export type ConcreteShape = readonly number[];

export type TypedArray = Float32Array | Int32Array;

export type BackendName = 'webgpu' | 'cpu';

/** The array type that holds values of a dtype. */
export function arrayFor(dtype: DType, size: number): TypedArray {
  return dtype === 'int32' ? new Int32Array(size) : new Float32Array(size);
}

export function sizeOf(shape: ConcreteShape): number {
  let size = 1;
  for (const d of shape) size *= d;
  return size;
}

/** Row-major strides of a shape, in elements. */
export function stridesOf(shape: ConcreteShape): number[] {
  const strides = new Array<number>(shape.length);
  let stride = 1;
  for (let i = shape.length - 1; i >= 0; i--) {
    strides[i] = stride;
    stride *= shape[i];
  }
  return strides;
}

export function formatShape(shape: ConcreteShape): string {
  return `[${shape.join(',')}]`;
}
