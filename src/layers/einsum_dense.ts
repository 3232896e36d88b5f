// EinsumDense (keras/src/layers/core/einsum_dense.py): a dense layer whose computation is an
// einsum of the input with a kernel of any rank, `activation(einsum(equation, x, kernel) + bias)`.
// The kernel and bias shapes are derived from the equation, the input shape and the partial
// output shape as Keras's _analyze_einsum_string does; the product runs as ops.einsum.

import { cast } from '../ops/elementwise';
import { einsum } from '../ops/einsum';
import { reshape } from '../ops/shape';
import { tidy } from '../tensor/memory';
import type { Tensor } from '../tensor/tensor';
import { Initializer, VarianceScaling } from './initializers';
import { KernelLayer, type KernelLayerArgs } from './kernel_layer';
import { formatSymbolicShape, type Shape } from './symbolic';

export interface EinsumDenseArgs extends Omit<KernelLayerArgs, 'useBias'> {
  /** 'ab,bc->ac', '...ab,bc->...ac' or 'ab...,bc->ac...': input, kernel and output labels. */
  equation: string;
  /** The output shape without the batch axis and the '...' axes; null where the input gives it. */
  outputShape: number | ReadonlyArray<number | null>;
  /** Output labels that get a bias (default none: no bias). */
  biasAxes?: string | null;
}

/** What an equation gives for one input shape (Keras's _analyze_einsum_string). */
interface EinsumAnalysis {
  kernelShape: Shape;
  biasShape: Shape | null;
  outputShape: Shape;
  /** Kernel axes that the input contracts with, and those that reach the output (for the initializer's fans). */
  inputAxes: number[];
  outputAxes: number[];
}

/**
 * A dense layer of any rank through einsum: `activation(einsum(equation, input, kernel) + bias)`.
 * Each kernel label is an input label (contracted) or an output label (whose size `outputShape`
 * gives); `biasAxes` names the output labels that get a bias. A variance-scaling kernel
 * initializer (the default glorotUniform) counts its fans over the contracted and output axes,
 * as Keras.
 *
 * Arguments: `equation`, `outputShape`; `activation` (linear); `biasAxes` (none);
 * `kernelInitializer` ('glorotUniform'); `biasInitializer` ('zeros'); `kernelRegularizer`,
 * `biasRegularizer`; `kernelConstraint`, `biasConstraint`. Weights: `kernel`, then `bias` (with
 * biasAxes).
 *
 * @example
 * new EinsumDense({ equation: 'ab,bc->ac', outputShape: 64, biasAxes: 'c' }).apply(Input({ shape: [32] })).shape;            // [null, 64]
 * new EinsumDense({ equation: 'abc,cd->abd', outputShape: [null, 64], biasAxes: 'd' }).apply(Input({ shape: [32, 128] })).shape;   // [null, 32, 64]
 * new EinsumDense({ equation: '...x,xy->...y', outputShape: 64 }).apply(Input({ shape: [32, 128] })).shape;                  // [null, 32, 64]
 */
export class EinsumDense extends KernelLayer {
  readonly equation: string;
  readonly partialOutputShape: Array<number | null>;
  readonly biasAxes: string | null;

  constructor(args: EinsumDenseArgs) {
    super(args);
    if (typeof args?.equation !== 'string') {
      throw new Error(`Invalid value for argument equation. Expected an einsum string such as 'ab,bc->ac'. Received: equation=${String(args?.equation)}`);
    }
    splitEquation(args.equation);
    this.equation = args.equation;
    const shape = typeof args.outputShape === 'number' ? [args.outputShape] : Array.isArray(args.outputShape) ? [...args.outputShape] : null;
    if (!shape || shape.some((d) => d !== null && !(Number.isInteger(d) && d > 0))) {
      throw new Error(`Invalid value for argument outputShape. Expected a positive integer or a list of positive integers and nulls. Received: outputShape=${JSON.stringify(args.outputShape)}`);
    }
    this.partialOutputShape = shape;
    const biasAxes = args.biasAxes ?? null;
    if (biasAxes !== null && (typeof biasAxes !== 'string' || !/^[a-zA-Z]+$/.test(biasAxes))) {
      throw new Error(`Invalid value for argument biasAxes. Expected a string of output labels. Received: biasAxes=${JSON.stringify(args.biasAxes)}`);
    }
    this.biasAxes = biasAxes;
  }

  override build(inputShape: Shape): void {
    const analysis = this.analyze(inputShape);
    const kernelShape = this.knownShape(analysis.kernelShape, 'kernel', inputShape);
    const initializer = this.kernelInitializer instanceof VarianceScaling ? new AxesFanInitializer(this.kernelInitializer, kernelShape, analysis) : this.kernelInitializer;
    this.kernel = this.addWeight({ name: 'kernel', shape: kernelShape, initializer, regularizer: this.kernelRegularizer ?? undefined, constraint: this.kernelConstraint });
    if (analysis.biasShape) {
      this.bias = this.addWeight({ name: 'bias', shape: this.knownShape(analysis.biasShape, 'bias', inputShape), initializer: this.biasInitializer, regularizer: this.biasRegularizer ?? undefined, constraint: this.biasConstraint });
    }
    this.inputSpec = { ndim: inputShape.length };
  }

  override call(inputs: Tensor): Tensor {
    return tidy(() => {
      const x = inputs.dtype === 'float32' ? inputs : cast(inputs, 'float32');
      const y = einsum(this.equation, x, this.kernel);
      return this.activation(this.bias ? y.add(this.bias) : y);
    });
  }

  override computeOutputShape(inputShape: Shape): Shape {
    return this.analyze(inputShape).outputShape;
  }

  override getConfig(): Record<string, unknown> {
    const { useBias: _useBias, ...config } = super.getConfig();
    return { ...config, equation: this.equation, outputShape: [...this.partialOutputShape], biasAxes: this.biasAxes };
  }

  private analyze(inputShape: Shape): EinsumAnalysis {
    return analyzeEquation(this.equation, this.biasAxes, inputShape, this.partialOutputShape);
  }

  private knownShape(shape: Shape, name: string, inputShape: Shape): number[] {
    if (shape.some((d) => d === null)) {
      throw new Error(`EinsumDense "${this.name}": the ${name} shape ${formatSymbolicShape(shape)} has unknown dimensions for equation '${this.equation}', input shape ${formatSymbolicShape(inputShape)} and outputShape ${formatSymbolicShape(this.partialOutputShape)}; give their sizes in outputShape.`);
    }
    return shape as number[];
  }
}

/** The equation's input, kernel and output labels and where its '...' is (Keras's three accepted forms). */
function splitEquation(equation: string): { input: string; kernel: string; output: string; leftElided: boolean } {
  const forms: Array<[RegExp, boolean]> = [
    [/^([a-zA-Z]+),([a-zA-Z]+)->([a-zA-Z]+)$/, false],
    [/^\.\.\.([a-zA-Z]+),([a-zA-Z]+)->\.\.\.([a-zA-Z]+)$/, true],
    [/^([a-zA-Z]{2,})\.\.\.,([a-zA-Z]+)->([a-zA-Z]+)\.\.\.$/, false],
  ];
  for (const [pattern, leftElided] of forms) {
    const match = pattern.exec(equation);
    if (match) return { input: match[1], kernel: match[2], output: match[3], leftElided };
  }
  throw new Error(`Invalid einsum equation '${equation}'. Equations must be in the form [X],[Y]->[Z], ...[X],[Y]->...[Z], or [X]...,[Y]->[Z]....`);
}

/** Kernel, bias and full output shapes for an input shape, as Keras's _analyze_split_string. */
function analyzeEquation(equation: string, biasAxes: string | null, inputShape: Shape, partialOutputShape: ReadonlyArray<number | null>): EinsumAnalysis {
  const { input, kernel, output, leftElided } = splitEquation(equation);
  const elided = inputShape.length - input.length;
  if (elided < 0 || (elided > 0 && !equation.includes('...'))) {
    throw new Error(`EinsumDense: equation '${equation}' labels ${input.length} input axes; received an input of shape ${formatSymbolicShape(inputShape)}.`);
  }
  const outputShape: Shape = [inputShape[0], ...partialOutputShape];
  if (leftElided) outputShape.splice(1, 0, ...inputShape.slice(1, elided));
  else outputShape.push(...inputShape.slice(inputShape.length - elided));
  const inputIndex = new Map([...input].map((label, i) => [label, leftElided ? i + elided : i]));
  const outputIndex = new Map([...output].map((label, i) => [label, leftElided ? i + elided : i]));
  if (outputShape.length !== output.length + elided) {
    const expected = leftElided ? output.length : output.length - 1;
    throw new Error(`Invalid value for argument outputShape. Expected ${expected} sizes for the output labels '${output}' of equation '${equation}' (without the batch axis and the '...' axes). Received: outputShape=${formatSymbolicShape([...partialOutputShape])}`);
  }
  for (const label of input) {
    const at = outputIndex.get(label);
    if (at === undefined) continue;
    const inputSize = inputShape[inputIndex.get(label)!];
    const outputSize = outputShape[at];
    if (outputSize === null) outputShape[at] = inputSize;
    else if (outputSize !== inputSize) {
      throw new Error(`Input shape and output shape do not match at shared dimension '${label}'. Input shape is ${inputSize}, and output shape is ${outputSize}.`);
    }
  }
  for (const label of output) {
    if (!input.includes(label) && !kernel.includes(label)) {
      throw new Error(`Dimension '${label}' was specified in the output '${output}' but has no corresponding dim in the input spec '${input}' or weight spec '${kernel}'`);
    }
  }
  const kernelShape: Shape = [];
  const inputAxes: number[] = [];
  const outputAxes: number[] = [];
  [...kernel].forEach((label, i) => {
    if (outputIndex.has(label)) {
      kernelShape.push(outputShape[outputIndex.get(label)!]);
      outputAxes.push(i);
    } else if (inputIndex.has(label)) {
      kernelShape.push(inputShape[inputIndex.get(label)!]);
      inputAxes.push(i);
    } else {
      throw new Error(`Weight dimension '${label}' did not have a match in either the input spec '${input}' or the output spec '${output}'. For this layer, the weight must be fully specified.`);
    }
  });
  return { kernelShape, biasShape: biasShapeOf(biasAxes, output, outputShape, leftElided ? elided : 0, leftElided ? 0 : elided), outputShape, inputAxes, outputAxes };
}

/** The bias shape: from the first bias label to the end of the output, size 1 on the others and on right-elided axes. */
function biasShapeOf(biasAxes: string | null, output: string, outputShape: Shape, leftElided: number, rightElided: number): Shape | null {
  if (biasAxes === null) return null;
  for (const label of biasAxes) {
    if (!output.includes(label)) throw new Error(`Bias dimension '${label}' was requested, but is not part of the output spec '${output}'`);
  }
  const first = Math.min(...[...biasAxes].map((label) => output.indexOf(label)));
  const shape: Shape = [...output.slice(first)].map((label, i) => (biasAxes.includes(label) ? outputShape[first + i + leftElided] : 1));
  for (let i = 0; i < rightElided; i++) shape.push(1);
  return shape;
}

/**
 * A variance-scaling initializer whose fans are the products of the kernel's contracted (input)
 * axes and output axes, as Keras passes input_axes and output_axes to it: it draws a
 * [fanIn, fanOut] matrix and lays its values out in the kernel's shape.
 */
class AxesFanInitializer extends Initializer {
  readonly className: string;
  private readonly fanIn: number;
  private readonly fanOut: number;

  constructor(
    private readonly inner: VarianceScaling,
    kernelShape: readonly number[],
    { inputAxes, outputAxes }: Pick<EinsumAnalysis, 'inputAxes' | 'outputAxes'>,
  ) {
    super();
    this.className = inner.className;
    this.fanIn = inputAxes.reduce((n, axis) => n * kernelShape[axis], 1);
    this.fanOut = outputAxes.reduce((n, axis) => n * kernelShape[axis], 1);
  }

  apply(shape: readonly number[]): Tensor {
    return tidy(() => reshape(this.inner.apply([this.fanIn, this.fanOut]), shape));
  }
}
