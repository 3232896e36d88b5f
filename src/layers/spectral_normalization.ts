// SpectralNormalization (keras/src/layers/normalization/spectral_normalization.py): a wrapper that
// keeps the spectral norm of a layer's kernel near 1 (Miyato et al., 2018), to bound the layer's
// Lipschitz constant (GAN discriminators). Each training call estimates the largest singular value
// of the kernel by power iteration, from a vector `vector_u` kept between calls, and assigns
// kernel / sigma to the wrapped layer's kernel before running it; inference runs the layer as is.

import { Variable } from '../autograd/variable';
import { equal, where } from '../ops/elementwise';
import { normalize } from '../ops/linalg';
import { matmul } from '../ops/matmul';
import { all } from '../ops/reduce';
import { reshape, transpose } from '../ops/shape';
import { tidy } from '../tensor/memory';
import type { Tensor } from '../tensor/tensor';
import { TruncatedNormal } from './initializers';
import { Layer, type CallArgs } from './layer';
import { Wrapper, type WrapperArgs } from './wrapper';
import { isShapeList } from './layer_utils';
import type { Shape } from './symbolic';

export interface SpectralNormalizationArgs extends WrapperArgs {
  /** The wrapped layer: one with a `kernel` (Dense, the convolutions, ...) or `embeddings` (Embedding). */
  layer: Layer;
  /** Power iterations per training call (default 1). */
  powerIterations?: number;
}

/**
 * Normalizes the kernel of the wrapped layer by its spectral norm (its largest singular value)
 * at each training call. The kernel, reshaped to [size / lastDim, lastDim] as W, gets from the
 * kept vector u ([1, lastDim]) `powerIterations` rounds of v = normalize(u·Wᵀ),
 * u = normalize(v·W); then sigma = v·W·uᵀ, and the kernel variable is assigned kernel / sigma
 * and u kept, before the layer runs (a kernel of zeros is left as it is). Gradients reach the
 * kernel through the wrapped layer's use of it, as Keras's. Outside training the layer runs on
 * its kernel unchanged.
 *
 * Arguments: `layer`; `powerIterations` (1). Weights, in Keras's order: the wrapped kernel
 * (tracked as the wrapper's own too, as Keras does; its files hold it in both places), the
 * non-trainable `vector_u` [1, lastDim] (TruncatedNormal, stddev 0.02), then the wrapped layer's
 * others.
 *
 * @example
 * const critic = new SpectralNormalization({ layer: new Dense({ units: 10 }), powerIterations: 1 });
 * critic.apply(x, { training: true });   // the Dense kernel now has spectral norm ~1
 */
export class SpectralNormalization extends Wrapper {
  readonly powerIterations: number;
  /** The wrapped layer's kernel (or embeddings), known once built. */
  kernel!: Variable;
  /** The power iteration's estimate of the first right singular vector, [1, lastDim]; not trained. */
  vectorU!: Variable;

  constructor(args: SpectralNormalizationArgs) {
    super(args);
    const powerIterations = args.powerIterations ?? 1;
    if (typeof powerIterations !== 'number' || !Number.isInteger(powerIterations) || powerIterations <= 0) {
      throw new Error(`\`powerIterations\` should be an integer greater than zero. Received: \`powerIterations=${String(args.powerIterations)}\``);
    }
    this.powerIterations = powerIterations;
  }

  override build(inputShape: Shape | Shape[]): void {
    if (isShapeList(inputShape)) throw new Error(`SpectralNormalization '${this.name}' takes one input tensor, got a list of ${inputShape.length}.`);
    if (!this.layer.built) this.layer.buildOnce(inputShape);
    this.inputSpec = { minNdim: 1, axes: { [-1]: inputShape.at(-1) as number } };
    const { kernel, embeddings } = this.layer as Layer & { kernel?: unknown; embeddings?: unknown };
    const found = kernel instanceof Variable ? kernel : embeddings instanceof Variable ? embeddings : null;
    if (!found) throw new Error(`${this.layer.constructor.name} object has no attribute 'kernel' nor 'embeddings' (SpectralNormalization '${this.name}' normalizes one of them).`);
    this.kernel = found;
    // Keras's order of the weights: the kernel, vector_u, then the wrapped layer's others.
    this.trackWeight(found);
    this.vectorU = this.addWeight({ name: 'vector_u', shape: [1, found.shape.at(-1)!], initializer: new TruncatedNormal({ stddev: 0.02 }), trainable: false, dtype: found.dtype });
  }

  override call(inputs: Tensor, { training = false }: CallArgs = {}): Tensor {
    if (training) this.normalizeKernel();
    const output = this.layer.apply(inputs, { training });
    if (Array.isArray(output)) throw new Error(`SpectralNormalization '${this.name}': the wrapped layer "${this.layer.name}" returned ${output.length} tensors; it must return one.`);
    return output;
  }

  override computeOutputShape(inputShape: Shape | Shape[]): Shape | Shape[] {
    return this.layer.computeOutputShape(inputShape);
  }

  override getConfig(): Record<string, unknown> {
    return { ...super.getConfig(), powerIterations: this.powerIterations };
  }

  /** Power iteration from vector_u, then kernel / sigma into the kernel and the new u into vector_u. */
  private normalizeKernel(): void {
    tidy(() => {
      const kernel = this.kernel;
      const columns = kernel.shape.at(-1)!;
      const matrix = reshape(kernel, [kernel.size / columns, columns]);
      const matrixT = transpose(matrix);
      let u: Tensor = this.vectorU;
      let v = u;
      for (let i = 0; i < this.powerIterations; i++) {
        v = normalize(matmul(u, matrixT), [0, 1]);
        u = normalize(matmul(v, matrix), [0, 1]);
      }
      const sigma = matmul(matmul(v, matrix), transpose(u));
      // Keras skips a kernel of zeros (sigma 0): both stay as they are.
      const zero = all(equal(kernel, 0));
      const normalized = where(zero, kernel, kernel.div(reshape(sigma, [])));
      const nextU = where(zero, this.vectorU, u);
      kernel.assign(normalized);
      this.vectorU.assign(nextU);
    });
  }
}
