// MultiHeadAttention (keras/src/layers/attention/multi_head_attention.py) and what it shares with
// GroupQueryAttention (grouped_query_attention.ts): query, key and value projections, scaled
// dot-product softmax attention per head with optional masks, dropout on the attention
// probabilities in training, and an output projection. Query heads may share key / value heads in
// groups (one head each in MultiHeadAttention). Built from existing ops (dense, matmul, softmax,
// where, transpose), so it runs on the GPU and has gradients; nothing is read back. Masks carried
// by the query, value and key (see getMask) join the attention mask as in Keras's
// _compute_attention_mask, and the output keeps the query's mask.

import type { Variable } from '../autograd/variable';
import { formatShape } from '../backend/types';
import { range } from '../ops/creation';
import { dense } from '../ops/dense';
import { cast, greaterEqual, logicalAnd, notEqual, where } from '../ops/elementwise';
import { matmul } from '../ops/matmul';
import { expandDims, reshape, transpose } from '../ops/shape';
import { softmax } from '../ops/softmax';
import { tidy } from '../tensor/memory';
import type { Tensor } from '../tensor/tensor';
import type { Constraint, ConstraintIdentifier } from './constraints';
import type { Initializer, InitializerIdentifier } from './initializers';
import { Layer, type CallArgs, type InputMask, type LayerArgs, type LayerInput, type OutputMask } from './layer';
import { activityPenalty, checkPositiveInt, constraintConfig, initializerConfig, regularizerConfig, resolveConstraint, resolveInitializer, resolveRegularizer } from './layer_utils';
import type { Regularizer, RegularizerIdentifier } from './regularizers';
import { Dropout } from './regularization';
import { formatSymbolicShape, type Shape, type SymbolicTensor } from './symbolic';
import { checkOptionNames } from '../ops/validate';

/** Added to the scores of masked positions before the softmax (Keras's large negative number for float32). */
const MASKED_SCORE = -1e9;

/** Options of the projected attention layers (MultiHeadAttention, GroupQueryAttention). */
export interface ProjectedAttentionArgs extends LayerArgs {
  /** Dropout rate on the attention probabilities in training (default 0). */
  dropout?: number;
  /** Whether the projections have biases (default true). */
  useBias?: boolean;
  /** Default 'glorotUniform'. */
  kernelInitializer?: InitializerIdentifier;
  /** Default 'zeros'. */
  biasInitializer?: InitializerIdentifier;
  kernelRegularizer?: RegularizerIdentifier | null;
  biasRegularizer?: RegularizerIdentifier | null;
  /** Applied to every projection's kernel after each optimizer update. */
  kernelConstraint?: ConstraintIdentifier | null;
  /** Applied to every projection's bias after each optimizer update. */
  biasConstraint?: ConstraintIdentifier | null;
  /** Seed of the attention dropout. */
  seed?: number;
}

export interface MultiHeadAttentionArgs extends ProjectedAttentionArgs {
  /** Number of attention heads. */
  numHeads: number;
  /** Size of each head for query and key. */
  keyDim: number;
  /** Size of each head for value (default keyDim). */
  valueDim?: number | null;
  /** Shape of each output position, without batch and sequence axes (default: the query's feature size). */
  outputShape?: number | readonly number[] | null;
  /** Only the default (attention over the sequence axis, axis 1) is supported: null, 1 or [1]. */
  attentionAxes?: number | readonly number[] | null;
}

/** Call options of MultiHeadAttention and GroupQueryAttention, beside `training`. */
export interface MultiHeadAttentionCallArgs extends CallArgs {
  /**
   * Which query positions may attend to which key positions: nonzero attends, 0 does not. Shape
   * [batch, targetLength, sourceLength] or broadcastable to it ([targetLength, sourceLength],
   * size-1 axes), or [batch, numHeads, targetLength, sourceLength] (numQueryHeads in
   * GroupQueryAttention). Any dtype.
   */
  attentionMask?: Tensor | SymbolicTensor | null;
  /** Also return the attention probabilities, [batch, numHeads, targetLength, sourceLength] (default false). */
  returnAttentionScores?: boolean;
  /** Each query position attends only to key positions at or before it (default false). */
  useCausalMask?: boolean;
}

/** MultiHeadAttentionCallArgs' names, for checkOptionNames (the type keeps the list complete). */
const CALL_OPTIONS: Record<keyof MultiHeadAttentionCallArgs, true> = { training: true, mask: true, attentionMask: true, returnAttentionScores: true, useCausalMask: true };

/** The projection weights of one input: kernel [inputDim, ...heads shape] and optional bias. */
interface Projection {
  kernel: Variable;
  bias: Variable | null;
}

/** How the heads of a projected attention layer are laid out. */
export interface HeadLayout {
  /** Heads of the query projection (and of the attention scores). */
  queryHeads: number;
  /** Heads of the key and value projections; each serves queryHeads / keyValueHeads consecutive query heads. */
  keyValueHeads: number;
  /** Size of each query and key head. */
  keyDim: number;
  /** Size of each value head. */
  valueDim: number;
}

/**
 * The base of MultiHeadAttention and GroupQueryAttention: called on `[query, value, key?]`
 * (optionally a mask fourth), it projects the inputs to heads, attends (query heads sharing key /
 * value heads in groups, as `headLayout` says), and projects the concatenated heads to the output.
 * Subclasses give their options, head layout and output shape.
 */
export abstract class ProjectedAttention extends Layer {
  readonly dropout: number;
  readonly useBias: boolean;
  readonly kernelInitializer: Initializer;
  readonly biasInitializer: Initializer;
  readonly kernelRegularizer: Regularizer | null;
  readonly biasRegularizer: Regularizer | null;
  readonly kernelConstraint: Constraint | null;
  readonly biasConstraint: Constraint | null;
  readonly seed: number | undefined;
  query!: Projection;
  key!: Projection;
  value!: Projection;
  attentionOutput!: Projection;
  private readonly dropoutLayer: Dropout;
  /** Output shape of one position, fixed at build. */
  private outputDims: number[] = [];
  /** Whether the `apply` in progress returns the scores too (its output shapes depend on it). */
  private returningScores = false;

  constructor(args: ProjectedAttentionArgs) {
    super(args);
    const options = args ?? {};
    const dropout = options.dropout ?? 0;
    if (typeof dropout !== 'number' || !(dropout >= 0 && dropout <= 1)) {
      throw new Error(`Invalid value for argument dropout. Expected a number in [0, 1]. Received: dropout=${String(options.dropout)}`);
    }
    this.dropout = dropout;
    this.useBias = options.useBias ?? true;
    this.kernelInitializer = resolveInitializer(options.kernelInitializer ?? 'glorotUniform');
    this.biasInitializer = resolveInitializer(options.biasInitializer ?? 'zeros');
    this.kernelRegularizer = resolveRegularizer(options.kernelRegularizer);
    this.biasRegularizer = resolveRegularizer(options.biasRegularizer);
    this.kernelConstraint = resolveConstraint(options.kernelConstraint);
    this.biasConstraint = resolveConstraint(options.biasConstraint);
    this.seed = options.seed;
    this.dropoutLayer = new Dropout({ rate: this.dropout, seed: this.seed, name: `${this.name}_dropout` });
    this.supportsMasking = true;
  }

  /** The heads of the projections. */
  protected abstract headLayout(): HeadLayout;

  /** The configured shape of each output position, or null for the query's feature size. */
  protected abstract configuredOutputShape(): number[] | null;

  /** A mask on [target, source] positions beside the causal one (GroupQueryAttention's sliding window); none by default. */
  protected positionMask(_targetLength: number, _sourceLength: number): Tensor | null {
    return null;
  }

  // A list of inputs in; one tensor out, or [output, scores] with returnAttentionScores (the
  // single-input signatures exist for typing and throw).
  override apply(inputs: SymbolicTensor[], args: MultiHeadAttentionCallArgs & { returnAttentionScores: true }): SymbolicTensor[];
  override apply(inputs: Tensor[], args: MultiHeadAttentionCallArgs & { returnAttentionScores: true }): Tensor[];
  override apply(inputs: SymbolicTensor[], args?: MultiHeadAttentionCallArgs & { returnAttentionScores?: false }): SymbolicTensor;
  override apply(inputs: Tensor[], args?: MultiHeadAttentionCallArgs & { returnAttentionScores?: false }): Tensor;
  override apply(inputs: SymbolicTensor[], args?: MultiHeadAttentionCallArgs): SymbolicTensor | SymbolicTensor[];
  override apply(inputs: Tensor[], args?: MultiHeadAttentionCallArgs): Tensor | Tensor[];
  override apply(inputs: SymbolicTensor, args?: MultiHeadAttentionCallArgs): SymbolicTensor;
  override apply(inputs: Tensor, args?: MultiHeadAttentionCallArgs): Tensor;
  override apply(inputs: LayerInput, args?: MultiHeadAttentionCallArgs): LayerInput;
  override apply(inputs: LayerInput, args: MultiHeadAttentionCallArgs = {}): LayerInput {
    checkOptionNames(`${this.constructor.name} '${this.name}'.apply`, args, CALL_OPTIONS);
    const { attentionMask, ...options } = args;
    if (!Array.isArray(inputs) || inputs.length < 2 || inputs.length > 4) {
      const received = Array.isArray(inputs) ? `a list of ${inputs.length}` : String(inputs);
      throw new Error(`Invalid inputs for layer "${this.name}". Expected a list [query, value] or [query, value, key] (and optionally a mask fourth). Received: inputs=${received}`);
    }
    let list: Array<Tensor | SymbolicTensor> = [...inputs];
    if (attentionMask !== undefined && attentionMask !== null) {
      if (list.length === 4) throw new Error(`Layer "${this.name}" received an attention mask both as a fourth input and as the attentionMask option; give one.`);
      list = [list[0], list[1], list[2] ?? list[1], attentionMask];
    }
    for (const flag of ['returnAttentionScores', 'useCausalMask'] as const) {
      if (options[flag] !== undefined && typeof options[flag] !== 'boolean') {
        throw new Error(`Invalid value for argument ${flag}. Expected a boolean. Received: ${flag}=${String(options[flag])}`);
      }
    }
    this.returningScores = options.returnAttentionScores === true;
    try {
      return super.apply(list as LayerInput, options);
    } finally {
      this.returningScores = false;
    }
  }

  override build(inputShape: Shape | Shape[]): void {
    const [queryShape, valueShape, keyShape] = this.checkShapes(inputShape);
    const { queryHeads, keyValueHeads, keyDim, valueDim } = this.headLayout();
    const featureSize = (shape: Shape, name: string): number => {
      const size = shape[2];
      if (size === null) throw new Error(`The last dimension of \`${name}\` should be defined. Received: ${name}_shape=${formatSymbolicShape(shape)}`);
      return size;
    };
    this.outputDims = this.configuredOutputShape() ?? [featureSize(queryShape, 'query')];
    this.query = this.addProjection('query', [featureSize(queryShape, 'query'), queryHeads, keyDim], [queryHeads, keyDim]);
    this.key = this.addProjection('key', [featureSize(keyShape, 'key'), keyValueHeads, keyDim], [keyValueHeads, keyDim]);
    this.value = this.addProjection('value', [featureSize(valueShape, 'value'), keyValueHeads, valueDim], [keyValueHeads, valueDim]);
    this.attentionOutput = this.addProjection('attention_output', [queryHeads, valueDim, ...this.outputDims], [...this.outputDims]);
  }

  override call(inputs: Tensor | Tensor[], args: MultiHeadAttentionCallArgs = {}): Tensor | Tensor[] {
    const list = Array.isArray(inputs) ? inputs : [inputs];
    const [query, value, key = value, attentionMask] = list;
    this.checkShapes(list.map((t) => [...t.shape]));
    this.checkFeatures(query, value, key);
    const { queryHeads, keyValueHeads, keyDim, valueDim } = this.headLayout();
    const { result, penalties } = tidy(() => {
      const [batch, targetLength] = query.shape;
      const sourceLength = value.shape[1];
      const projectedQuery = this.project(query, this.query, queryHeads, keyDim);
      const q = projectedQuery.mul(1 / Math.sqrt(keyDim));
      const k = this.project(key, this.key, keyValueHeads, keyDim);
      const v = this.project(value, this.value, keyValueHeads, valueDim);
      // The query heads sharing a key / value head sit next to each other, so [batch, queryHeads,
      // length, size] reshapes for free to [batch, keyValueHeads, heads per group * length, size]:
      // one batched product per key / value head, which is never copied.
      const grouped = (t: Tensor) => reshape(t, [batch, keyValueHeads, (queryHeads / keyValueHeads) * targetLength, t.shape[3]]);
      let scores = reshape(matmul(grouped(q), k, { transposeB: true }), [batch, queryHeads, targetLength, sourceLength]);
      const [queryMask = null, valueMask = null, keyMask = null] = Array.isArray(args.mask) ? args.mask : [];
      const paddingMask = this.paddingMask(queryMask, valueMask, list.length > 2 ? keyMask : null);
      const mask = this.combinedMask(attentionMask, paddingMask, targetLength, sourceLength, args.useCausalMask === true);
      if (mask) scores = scores.add(where(mask, 0, MASKED_SCORE));
      // Masked positions are zeroed after the softmax, as Keras's masked Softmax does: a query
      // position whose every key is masked attends to nothing (not to all keys evenly).
      const probabilities = mask ? where(mask, softmax(scores, -1), 0) : softmax(scores, -1);
      const kept = args.training && this.dropout > 0 ? this.dropoutLayer.apply(probabilities, { training: true }) : probabilities;
      const attended = reshape(matmul(grouped(kept), v), [batch, queryHeads, targetLength, valueDim]);
      const merged = reshape(transpose(attended, [0, 2, 1, 3]), [batch, targetLength, queryHeads * valueDim]);
      const outputSize = this.outputDims.reduce((a, b) => a * b, 1);
      const kernel = reshape(this.attentionOutput.kernel, [queryHeads * valueDim, outputSize]);
      const bias = this.attentionOutput.bias ? reshape(this.attentionOutput.bias, [outputSize]) : null;
      const output = reshape(dense(merged, kernel, bias), [batch, targetLength, ...this.outputDims]);
      const regularizer = this.activityRegularizer;
      return {
        result: args.returnAttentionScores ? [output, probabilities] : output,
        penalties: regularizer ? [projectedQuery, k, v, output].map((t) => activityPenalty(regularizer, t)) : [],
      };
    });
    for (const penalty of penalties) this.addLoss(penalty);
    return result;
  }

  /** Keras's activity regularizer here is its four projections' (added in call), not one on the output. */
  protected override addActivityLosses(): void {}

  /** The query's mask for the output (Keras sets it in call); the attention scores have none. */
  override computeMask(_inputs: Tensor | Tensor[], mask: InputMask): OutputMask {
    const queryMask = Array.isArray(mask) ? (mask[0] ?? null) : null;
    return this.returningScores ? [queryMask, null] : queryMask;
  }

  override computeOutputShape(inputShape: Shape | Shape[]): Shape | Shape[] {
    const [queryShape, valueShape] = this.checkShapes(inputShape);
    const outputDims = this.configuredOutputShape() ?? [queryShape[2]];
    const output: Shape = [queryShape[0], queryShape[1], ...outputDims];
    return this.returningScores ? [output, [queryShape[0], this.headLayout().queryHeads, queryShape[1], valueShape[1]]] : output;
  }

  override getConfig(): Record<string, unknown> {
    return {
      ...super.getConfig(),
      dropout: this.dropout,
      useBias: this.useBias,
      kernelInitializer: initializerConfig(this.kernelInitializer),
      biasInitializer: initializerConfig(this.biasInitializer),
      kernelRegularizer: regularizerConfig(this.kernelRegularizer),
      biasRegularizer: regularizerConfig(this.biasRegularizer),
      kernelConstraint: constraintConfig(this.kernelConstraint),
      biasConstraint: constraintConfig(this.biasConstraint),
      seed: this.seed,
    };
  }

  private addProjection(name: string, kernelShape: number[], biasShape: number[]): Projection {
    const kernel = this.addWeight({ name: `${name}/kernel`, shape: kernelShape, initializer: this.kernelInitializer, regularizer: this.kernelRegularizer ?? undefined, constraint: this.kernelConstraint });
    const bias = this.useBias ? this.addWeight({ name: `${name}/bias`, shape: biasShape, initializer: this.biasInitializer, regularizer: this.biasRegularizer ?? undefined, constraint: this.biasConstraint }) : null;
    return { kernel, bias };
  }

  /** [batch, length, features] projected to [batch, heads, length, headSize]. */
  private project(x: Tensor, { kernel, bias }: Projection, heads: number, headSize: number): Tensor {
    const [batch, length, features] = x.shape;
    const units = heads * headSize;
    const input = x.dtype === 'float32' ? x : cast(x, 'float32');
    const y = dense(input, reshape(kernel, [features, units]), bias ? reshape(bias, [units]) : null);
    return transpose(reshape(y, [batch, length, heads, headSize]), [0, 2, 1, 3]);
  }

  /**
   * Keras's automatic mask from the inputs' masks: query [batch, target] as [batch, target, 1],
   * value and key [batch, source] as [batch, 1, source], combined with AND into
   * [batch, 1, target, source] (a heads axis added); null when no input has a mask.
   */
  private paddingMask(queryMask: Tensor | null, valueMask: Tensor | null, keyMask: Tensor | null): Tensor | null {
    const parts = [queryMask && expandDims(queryMask, -1), valueMask && expandDims(valueMask, -2), keyMask && expandDims(keyMask, -2)].filter((m): m is Tensor => m !== null);
    if (parts.length === 0) return null;
    return expandDims(parts.slice(1).reduce((a, b) => logicalAnd(a, b), notEqual(parts[0], 0)), 1);
  }

  /** The user mask, the inputs' masks, the causal mask and the position mask, combined and shaped to broadcast against [batch, heads, target, source]; null when none. */
  private combinedMask(attentionMask: Tensor | undefined, paddingMask: Tensor | null, targetLength: number, sourceLength: number, causal: boolean): Tensor | null {
    const given = attentionMask === undefined ? null : attentionMask.rank === 3 ? expandDims(attentionMask, 1) : attentionMask;
    const masks = [given, paddingMask, causal ? causalMask(targetLength, sourceLength) : null, this.positionMask(targetLength, sourceLength)].filter((m): m is Tensor => m !== null);
    return masks.length === 0 ? null : masks.reduce((a, b) => logicalAnd(a, b));
  }

  /** Checks the input list's shapes (ranks, batch and sequence sizes, mask); returns [query, value, key, mask?] shapes. */
  private checkShapes(inputShape: Shape | Shape[]): Shape[] {
    const shapes = inputShape.length > 0 && Array.isArray(inputShape[0]) ? (inputShape as Shape[]) : [inputShape as Shape];
    if (shapes.length < 2 || shapes.length > 4) {
      throw new Error(`Invalid inputs for layer "${this.name}". Expected a list [query, value] or [query, value, key]. Received ${shapes.length} input(s) of shapes ${shapes.map(formatSymbolicShape).join(', ')}`);
    }
    const [queryShape, valueShape, keyShape = valueShape, maskShape] = shapes;
    const named: Array<[string, Shape]> = [['query', queryShape], ['value', valueShape], ['key', keyShape]];
    for (const [name, shape] of named) {
      if (shape.length !== 3) {
        throw new Error(`Invalid shape for \`${name}\` of layer "${this.name}". Expected rank 3 (batch, sequence, features). Received: ${name}_shape=${formatSymbolicShape(shape)}`);
      }
    }
    if (!sameSize(valueShape[1], keyShape[1])) {
      throw new Error(`All dimensions of \`value\` and \`key\`, except the last one, must be equal. Received: value_shape=${formatSymbolicShape(valueShape)} and key_shape=${formatSymbolicShape(keyShape)}`);
    }
    if (!sameSize(queryShape[0], valueShape[0]) || !sameSize(queryShape[0], keyShape[0])) {
      throw new Error(`\`query\`, \`value\` and \`key\` of layer "${this.name}" must have the same batch size. Received: query_shape=${formatSymbolicShape(queryShape)}, value_shape=${formatSymbolicShape(valueShape)}, key_shape=${formatSymbolicShape(keyShape)}`);
    }
    if (maskShape) this.checkMaskShape(maskShape, queryShape, valueShape);
    return [queryShape, valueShape, keyShape];
  }

  private checkMaskShape(maskShape: Shape, queryShape: Shape, valueShape: Shape): void {
    const target: Shape = [queryShape[0], this.headLayout().queryHeads, queryShape[1], valueShape[1]];
    // A [batch, target, source] mask gets a heads axis; shorter masks broadcast from the end.
    const aligned = maskShape.length === 3 ? [maskShape[0], 1, maskShape[1], maskShape[2]] : maskShape;
    const fits = maskShape.length >= 2 && maskShape.length <= 4 && aligned.every((d, i) => d === 1 || sameSize(d, target[target.length - aligned.length + i]));
    if (!fits) {
      throw new Error(
        `Invalid value for argument attentionMask of layer "${this.name}". Expected a mask of shape (batch, target_length, source_length) = ${formatSymbolicShape([queryShape[0], queryShape[1], valueShape[1]])}, ` +
          `one that broadcasts to it, or (batch, num_heads, target_length, source_length). Received: attention_mask.shape=${formatSymbolicShape(maskShape)}`,
      );
    }
  }

  /** The inputs' feature sizes must match the kernels made at build. */
  private checkFeatures(query: Tensor, value: Tensor, key: Tensor): void {
    const named: Array<[string, Tensor, Projection]> = [['query', query, this.query], ['value', value, this.value], ['key', key, this.key]];
    for (const [name, x, projection] of named) {
      const expected = projection.kernel.shape[0];
      if (x.shape[2] !== expected) {
        throw new Error(`Layer "${this.name}" was built for \`${name}\` with ${expected} features; received ${name} of shape ${formatShape(x.shape)}.`);
      }
    }
  }
}

/** [target, source], true where the query position is at or after the key position. */
function causalMask(targetLength: number, sourceLength: number): Tensor {
  const rows = reshape(range(targetLength, undefined, 1, 'int32'), [targetLength, 1]);
  const columns = reshape(range(sourceLength, undefined, 1, 'int32'), [1, sourceLength]);
  return greaterEqual(rows, columns);
}

/**
 * Multi-head attention (Vaswani et al., 2017) with Keras 3's weights and semantics. `query`
 * [batch, targetLength, queryDim] attends to `key` [batch, sourceLength, keyInputDim] (default:
 * `value`), and the result combines `value` [batch, sourceLength, valueInputDim]: per head,
 * `softmax(q kᵀ / sqrt(keyDim) + maskTerm) v`, where `q`, `k`, `v` are the projections of the
 * inputs; the heads are concatenated and projected to `outputShape` (default queryDim).
 *
 * Call it on a list: `apply([query, value])` or `apply([query, value, key])`, with the call options
 * `attentionMask`, `useCausalMask`, `returnAttentionScores` (then the result is
 * `[output, scores]`) and `training` (dropout). A mask may also be given as a fourth input,
 * `apply([query, value, key, mask])`; that is how a symbolic mask is recorded in a functional
 * model. Inputs must have rank 3. When the inputs carry masks (Embedding's maskZero, Masking), a
 * query position attends to a key position only if the query's, the value's and the key's masks
 * are all 1 there (and the attention mask and causal mask allow it); the output keeps the
 * query's mask.
 *
 * Arguments: `numHeads`, `keyDim`; `valueDim` (keyDim); `dropout` (0); `useBias` (true);
 * `outputShape`; `attentionAxes` (default only); `kernelInitializer` ('glorotUniform');
 * `biasInitializer` ('zeros'); `kernelRegularizer`, `biasRegularizer`; `kernelConstraint`,
 * `biasConstraint`; `activityRegularizer` (as Keras's, on the query, key, value and output
 * projections); `seed`.
 * Weights, in Keras's order: query/kernel [queryDim, numHeads, keyDim], query/bias
 * [numHeads, keyDim], key/kernel, key/bias, value/kernel [valueInputDim, numHeads, valueDim],
 * value/bias, attention_output/kernel [numHeads, valueDim, ...outputShape],
 * attention_output/bias [...outputShape].
 *
 * @example
 * const mha = new MultiHeadAttention({ numHeads: 2, keyDim: 8 });
 * const tokens = Input({ shape: [10, 16] });
 * const attended = mha.apply([tokens, tokens], { useCausalMask: true });   // [null, 10, 16]
 * const [out, scores] = mha.apply([q, v], { returnAttentionScores: true, attentionMask: mask });
 */
export class MultiHeadAttention extends ProjectedAttention {
  readonly numHeads: number;
  readonly keyDim: number;
  readonly valueDim: number;
  readonly outputShape: number[] | null;
  readonly attentionAxes: number | number[] | null;

  constructor(args: MultiHeadAttentionArgs) {
    super(args);
    this.numHeads = checkPositiveInt('numHeads', args?.numHeads);
    this.keyDim = checkPositiveInt('keyDim', args.keyDim);
    this.valueDim = args.valueDim === undefined || args.valueDim === null ? this.keyDim : checkPositiveInt('valueDim', args.valueDim);
    this.outputShape = normalizeOutputShape(args.outputShape);
    this.attentionAxes = checkAttentionAxes(args.attentionAxes);
  }

  protected headLayout(): HeadLayout {
    return { queryHeads: this.numHeads, keyValueHeads: this.numHeads, keyDim: this.keyDim, valueDim: this.valueDim };
  }

  protected configuredOutputShape(): number[] | null {
    return this.outputShape;
  }

  override getConfig(): Record<string, unknown> {
    return {
      ...super.getConfig(),
      numHeads: this.numHeads,
      keyDim: this.keyDim,
      valueDim: this.valueDim,
      outputShape: this.outputShape ? [...this.outputShape] : null,
      attentionAxes: Array.isArray(this.attentionAxes) ? [...this.attentionAxes] : this.attentionAxes,
    };
  }
}

/** Whether two sizes can be equal (null is unknown). */
function sameSize(a: number | null, b: number | null): boolean {
  return a === null || b === null || a === b;
}

function normalizeOutputShape(value: MultiHeadAttentionArgs['outputShape']): number[] | null {
  if (value === undefined || value === null) return null;
  const dims = typeof value === 'number' ? [value] : Array.isArray(value) ? [...value] : null;
  if (!dims || dims.length === 0 || dims.some((d) => !Number.isInteger(d) || d <= 0)) {
    throw new Error(`Invalid value for argument outputShape. Expected a positive integer or a non-empty list of positive integers. Received: outputShape=${JSON.stringify(value)}`);
  }
  return dims;
}

/** Only attention over the sequence axis (Keras's default for rank-3 inputs) is supported. */
function checkAttentionAxes(value: MultiHeadAttentionArgs['attentionAxes']): number | number[] | null {
  if (value === undefined || value === null) return null;
  if (value === 1) return 1;
  if (Array.isArray(value) && value.length === 1 && value[0] === 1) return [1];
  throw new Error(`Invalid value for argument attentionAxes. Expected null (the default: attention over the sequence axis), 1 or [1]; other attention axes are not supported. Received: attentionAxes=${JSON.stringify(value)}`);
}
