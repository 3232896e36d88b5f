// The resampling weights of resize's filter interpolations along one axis, built on the CPU from
// the sizes alone: a resize along an axis is a fixed linear map from `inSize` to `outSize`
// samples, so src/ops/image.ts uploads the [outSize, inSize] matrix and applies it with a matmul,
// whose gradient is the gradient of the resize. Only sizes are read here, never tensor data.
//
// 'bilinear', 'bicubic', 'lanczos3' and 'lanczos5' follow Keras's scale-and-translate resize (its
// NumPy and JAX backends, as jax.image.resize): output o samples the input at
// (o + 0.5) * inSize / outSize - 0.5, each input pixel weighs kernel(distance / kernelScale), and
// the weights of each output are normalized to sum to 1. kernelScale is 1, or with antialias the
// downsampling factor (max(inSize / outSize, 1)), which widens the kernel into a low-pass filter.
// 'area' follows tf.image.resize's area method (Keras's TensorFlow backend; the others reject it):
// the average of the input over the output pixel's footprint, each input pixel weighted by its
// overlap with it.

/** The interpolations resize applies through a weight matrix. */
export type FilterInterpolation = 'bilinear' | 'bicubic' | 'lanczos3' | 'lanczos5';

/** A separable kernel as a function of the distance (in input pixels, >= 0), and its support radius. */
interface SeparableKernel {
  radius: number;
  weight(distance: number): number;
}

const triangle: SeparableKernel = { radius: 1, weight: (d) => Math.max(0, 1 - d) };

/** Keys' cubic convolution kernel with a = -0.5 (Catmull-Rom), as tf.image's bicubic. */
const keysCubic: SeparableKernel = {
  radius: 2,
  weight(d) {
    if (d < 1) return (1.5 * d - 2.5) * d * d + 1;
    if (d < 2) return ((-0.5 * d + 2.5) * d - 4) * d + 2;
    return 0;
  },
};

/** The windowed sinc sinc(d) sinc(d / radius); at distances under 1e-3 it is 1, as Keras takes it. */
function lanczos(radius: number): SeparableKernel {
  return {
    radius,
    weight(d) {
      if (d > radius) return 0;
      if (d <= 1e-3) return 1;
      return (radius * Math.sin(Math.PI * d) * Math.sin((Math.PI * d) / radius)) / (Math.PI * Math.PI * d * d);
    },
  };
}

const KERNELS: Record<FilterInterpolation, SeparableKernel> = {
  bilinear: triangle,
  bicubic: keysCubic,
  lanczos3: lanczos(3),
  lanczos5: lanczos(5),
};

/** Outputs whose weights sum to no more than this get zero weights instead of being normalized. */
const MIN_WEIGHT_SUM = 1000 * 2 ** -23;

/**
 * The [outSize, inSize] row-major matrix of a filter resize along one axis: row o holds the
 * normalized weights of output o. Computed in float64 and rounded to float32 once.
 */
export function filterWeights(inSize: number, outSize: number, interpolation: FilterInterpolation, antialias: boolean): Float32Array {
  const kernel = KERNELS[interpolation];
  const inverseScale = 1 / (outSize / inSize);
  const kernelScale = antialias ? Math.max(inverseScale, 1) : 1;
  const reach = kernel.radius * kernelScale;
  const weights = new Float32Array(outSize * inSize);
  const row = new Float64Array(inSize);
  for (let o = 0; o < outSize; o++) {
    const sample = (o + 0.5) * inverseScale - 0.5;
    const first = Math.max(Math.ceil(sample - reach), 0);
    const last = Math.min(Math.floor(sample + reach), inSize - 1);
    let sum = 0;
    for (let i = first; i <= last; i++) {
      row[i] = kernel.weight(Math.abs(sample - i) / kernelScale);
      sum += row[i];
    }
    if (Math.abs(sum) <= MIN_WEIGHT_SUM) continue;
    for (let i = first; i <= last; i++) weights[o * inSize + i] = row[i] / sum;
  }
  return weights;
}

/**
 * The [outSize, inSize] row-major matrix of tf.image.resize's area method along one axis. Output
 * o covers the input interval [o * scale, (o + 1) * scale) with scale = inSize / outSize (float32,
 * as TF computes it); each input pixel weighs its overlap with that interval divided by its length.
 */
export function areaWeights(inSize: number, outSize: number): Float32Array {
  const scale = Math.fround(inSize / outSize);
  const weights = new Float32Array(outSize * inSize);
  for (let o = 0; o < outSize; o++) {
    const start = Math.fround(o * scale);
    const end = Math.fround((o + 1) * scale);
    for (let i = Math.floor(start); i < Math.ceil(end); i++) {
      const overlap = Math.min(i + 1, end) - Math.max(i, start);
      // TF reads past-the-end cells (float rounding of `end`) as the last pixel.
      weights[o * inSize + Math.min(i, inSize - 1)] += overlap / scale;
    }
  }
  return weights;
}
