// MultiHeadAttention (keras/src/layers/attention/multi_head_attention.py) and what it shares with
// GroupQueryAttention (grouped_query_attention.ts): query, key and value projections, scaled
// dot-product softmax attention per head with optional masks, dropout on the attention
// probabilities in training, and an output projection. Query heads may share key / value heads in
// groups (one head each in MultiHeadAttention). Built from existing ops (dense, matmul, softmax,
// where, transpose), so it runs on the GPU and has gradients; nothing is read back. Masks carried
// by the query, value and key (see getMask) join the attention mask as in Keras's
// _compute_attention_mask, and the output keeps the query's mask. Inputs of rank > 3
// (MultiHeadAttention's attentionAxes) fold into the rank-3 attention: see AttentionFold.

import type { Variable } from '../autograd/variable';
import { formatShape } from '../backend/types';
import { range } from '../ops/creation';
import { dense } from '../ops/dense';
import { cast, greaterEqual, logicalAnd, notEqual, where } from '../ops/elementwise';
import { matmul } from '../ops/matmul';
import { broadcastTo, expandDims, reshape, transpose } from '../ops/shape';
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
  /**
   * The axes attended over, between the batch axis and the features: an axis or a list of axes
   * (negative ones count from the end: -2 is the last axis before the features). Default null:
   * every axis between them (axis 1 of rank-3 inputs).
   */
  attentionAxes?: number | readonly number[] | null;
}

/** Call options of MultiHeadAttention and GroupQueryAttention, beside `training`. */
export interface MultiHeadAttentionCallArgs extends CallArgs {
  /**
   * Which query positions may attend to which key positions: nonzero attends, 0 does not. Shape
   * [batch, targetLength, sourceLength] or broadcastable to it ([targetLength, sourceLength],
   * size-1 axes), or [batch, numHeads, targetLength, sourceLength] (numQueryHeads in
   * GroupQueryAttention). Any dtype. With attentionAxes on inputs of rank > 3, the scores' shape
   * (see returnAttentionScores) or one that broadcasts to it, the axes it leaves out taken as
   * size-1 axes just before the query's attention axes (as Keras inserts them).
   */
  attentionMask?: Tensor | SymbolicTensor | null;
  /**
   * Also return the attention probabilities, [batch, numHeads, targetLength, sourceLength]
   * (default false). With attentionAxes on inputs of rank > 3, Keras's shape [batch, ...other
   * axes, numHeads, ...query attention axes, ...key attention axes].
   */
  returnAttentionScores?: boolean;
  /**
   * Each query position attends only to key positions at or before it (default false). Needs
   * attention over one axis.
   */
  useCausalMask?: boolean;
}

/** MultiHeadAttentionCallArgs' names, for checkOptionNames (the type keeps the list complete). */
const CALL_OPTIONS: Record<keyof MultiHeadAttentionCallArgs, true> = { training: true, mask: true, attentionMask: true, returnAttentionScores: true, useCausalMask: true };

/** The projection weights of one input: kernel [inputDim, ...heads shape] and optional bias. */
interface Projection {
  kernel: Variable;
  bias: Variable | null;
}

/** The query's, value's and key's masks, as `call` receives them (null: none). */
type InputMasks = [Tensor | null, Tensor | null, Tensor | null];

/** What the attention of one call gives: its output, probabilities, and the projected query, key and value. */
interface AttentionResult {
  output: Tensor;
  probabilities: Tensor;
  projections: Tensor[];
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
    const tensorOptions = ['query', 'value', 'key'].filter((name) => typeof args === 'object' && args !== null && name in args);
    if (tensorOptions.length > 0) {
      throw new Error(`${this.constructor.name} '${this.name}'.apply: got ${tensorOptions.map((name) => `'${name}'`).join(' and ')} as option(s); the tensors go in the inputs list: apply([query, value, key]) where Keras writes layer(query, value=..., key=...).`);
    }
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
    if (options.useCausalMask === true) this.checkCausal(list[0].shape);
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
      const size = shape[shape.length - 1];
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
    const [queryMask = null, valueMask = null, keyMask = null] = Array.isArray(args.mask) ? args.mask : [];
    const inputMasks: InputMasks = [queryMask, valueMask, list.length > 2 ? keyMask : null];
    const { result, penalties } = tidy(() => {
      const attention = query.rank === 3 ? this.attend(query, value, key, attentionMask, inputMasks, args) : this.attendFolded(query, value, key, attentionMask, inputMasks, args);
      const regularizer = this.activityRegularizer;
      return {
        result: args.returnAttentionScores ? [attention.output, attention.probabilities] : attention.output,
        penalties: regularizer ? [...attention.projections, attention.output].map((t) => activityPenalty(regularizer, t)) : [],
      };
    });
    for (const penalty of penalties) this.addLoss(penalty);
    return result;
  }

  /**
   * The attention of [batch, length, features] inputs: output [batch, targetLength,
   * ...outputShape], probabilities [batch, heads, targetLength, sourceLength], and the projected
   * query, key and value (for the activity regularizer).
   */
  private attend(query: Tensor, value: Tensor, key: Tensor, attentionMask: Tensor | undefined, [queryMask, valueMask, keyMask]: InputMasks, args: MultiHeadAttentionCallArgs): AttentionResult {
    const { queryHeads, keyValueHeads, keyDim, valueDim } = this.headLayout();
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
    const paddingMask = this.paddingMask(queryMask, valueMask, keyMask);
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
    return { output, probabilities, projections: [projectedQuery, k, v] };
  }

  /**
   * The attention of inputs of rank > 3: folded to [batch, length, features] (AttentionFold),
   * attended, and unfolded to the query's layout and Keras's scores shape.
   */
  private attendFolded(query: Tensor, value: Tensor, key: Tensor, attentionMask: Tensor | undefined, inputMasks: InputMasks, args: MultiHeadAttentionCallArgs): AttentionResult {
    const axes = this.attendedAxes(query.shape, 'query');
    if (inputMasks.some((m) => m !== null) && !(axes.length === 1 && axes[0] === query.rank - 2)) {
      throw new Error(
        `Layer "${this.name}" received inputs that carry masks (from Embedding's maskZero or Masking), which join the attention only when it is over the last axis before the features, as in Keras; ` +
          `it attends over axes ${formatAxes(axes)} of rank-${query.rank} inputs. Give an attentionMask instead.`,
      );
    }
    const fold = new AttentionFold(query.shape, value.shape, axes, this.headLayout().queryHeads);
    const attention = this.attend(fold.input(query), fold.input(value), fold.input(key), attentionMask && fold.attentionMask(attentionMask), inputMasks.map((m) => m && fold.inputMask(m)) as InputMasks, args);
    const batch = query.shape[0];
    return {
      output: fold.output(attention.output),
      probabilities: fold.scores(attention.probabilities),
      // Keras's activity penalties divide by the batch size, which folding multiplied.
      projections: attention.projections.map((t) => reshape(t, [batch, t.size / batch])),
    };
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
    const outputDims = this.configuredOutputShape() ?? [queryShape[queryShape.length - 1]];
    const output: Shape = [...queryShape.slice(0, -1), ...outputDims];
    return this.returningScores ? [output, scoresShape(queryShape, valueShape, this.attendedAxes(queryShape, 'query'), this.headLayout().queryHeads)] : output;
  }

  /**
   * The axes attended over in inputs of shape `shape` (the input `name`), between the batch axis
   * and the features; throws for ranks the layer does not take. Here axis 1 of rank-3 inputs,
   * the only rank taken; MultiHeadAttention takes its attentionAxes.
   */
  protected attendedAxes(shape: Shape | readonly number[], name: string): number[] {
    if (shape.length !== 3) {
      throw new Error(`Invalid shape for \`${name}\` of layer "${this.name}". Expected rank 3 (batch, sequence, features). Received: ${name}_shape=${formatSymbolicShape(shape as Shape)}`);
    }
    return [1];
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

  /** A causal mask is over one query axis and one key axis: attention must be over one axis. */
  private checkCausal(queryShape: Shape | readonly number[]): void {
    const axes = this.attendedAxes(queryShape, 'query');
    if (axes.length > 1) {
      throw new Error(
        `Invalid value for argument useCausalMask of layer "${this.name}". A causal mask needs attention over one axis (as in Keras, which builds it over one query axis and one key axis); ` +
          `this layer attends over axes ${formatAxes(axes)} of rank-${queryShape.length} inputs. Give an attentionMask instead.`,
      );
    }
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
    for (const [name, shape] of named) this.attendedAxes(shape, name);
    if (valueShape.length !== queryShape.length || keyShape.length !== queryShape.length) {
      throw new Error(`\`query\`, \`value\` and \`key\` of layer "${this.name}" must have the same rank. Received: query_shape=${formatSymbolicShape(queryShape)}, value_shape=${formatSymbolicShape(valueShape)}, key_shape=${formatSymbolicShape(keyShape)}`);
    }
    if (valueShape.slice(1, -1).some((d, i) => !sameSize(d, keyShape[i + 1]))) {
      throw new Error(`All dimensions of \`value\` and \`key\`, except the last one, must be equal. Received: value_shape=${formatSymbolicShape(valueShape)} and key_shape=${formatSymbolicShape(keyShape)}`);
    }
    if (!sameSize(queryShape[0], valueShape[0]) || !sameSize(queryShape[0], keyShape[0])) {
      throw new Error(`\`query\`, \`value\` and \`key\` of layer "${this.name}" must have the same batch size. Received: query_shape=${formatSymbolicShape(queryShape)}, value_shape=${formatSymbolicShape(valueShape)}, key_shape=${formatSymbolicShape(keyShape)}`);
    }
    const axes = this.attendedAxes(queryShape, 'query');
    const others = otherAxes(queryShape.length, axes);
    if (others.some((axis) => !sameSize(queryShape[axis], valueShape[axis]))) {
      throw new Error(
        `The axes of \`query\` and \`value\` that layer "${this.name}" does not attend over (all but ${formatAxes(axes)} and the batch and features) must be equal. ` +
          `Received: query_shape=${formatSymbolicShape(queryShape)} and value_shape=${formatSymbolicShape(valueShape)}`,
      );
    }
    if (maskShape) this.checkMaskShape(maskShape, queryShape, valueShape, axes);
    return [queryShape, valueShape, keyShape];
  }

  private checkMaskShape(maskShape: Shape, queryShape: Shape, valueShape: Shape, axes: number[]): void {
    const target = scoresShape(queryShape, valueShape, axes, this.headLayout().queryHeads);
    const aligned = alignedMaskShape(maskShape, target.length, axes.length);
    if (aligned && aligned.every((d, i) => d === 1 || sameSize(d, target[i]))) return;
    if (queryShape.length === 3) {
      throw new Error(
        `Invalid value for argument attentionMask of layer "${this.name}". Expected a mask of shape (batch, target_length, source_length) = ${formatSymbolicShape([queryShape[0], queryShape[1], valueShape[1]])}, ` +
          `one that broadcasts to it, or (batch, num_heads, target_length, source_length). Received: attention_mask.shape=${formatSymbolicShape(maskShape)}`,
      );
    }
    throw new Error(
      `Invalid value for argument attentionMask of layer "${this.name}". Expected a mask of the scores' shape (batch, <other axes>, num_heads, <query attention axes>, <key attention axes>) = ${formatSymbolicShape(target)}, ` +
        `or one that broadcasts to it, the axes it leaves out (at most all but the attention axes) taken as size-1 axes just before the query attention axes. Received: attention_mask.shape=${formatSymbolicShape(maskShape)}`,
    );
  }

  /** The inputs' feature sizes must match the kernels made at build. */
  private checkFeatures(query: Tensor, value: Tensor, key: Tensor): void {
    const named: Array<[string, Tensor, Projection]> = [['query', query, this.query], ['value', value, this.value], ['key', key, this.key]];
    for (const [name, x, projection] of named) {
      const expected = projection.kernel.shape[0];
      if (x.shape[x.rank - 1] !== expected) {
        throw new Error(`Layer "${this.name}" was built for \`${name}\` with ${expected} features; received ${name} of shape ${formatShape(x.shape)}.`);
      }
    }
  }
}

/** The axes between the batch axis and the features of rank-`rank` inputs that are not attended over. */
function otherAxes(rank: number, attended: readonly number[]): number[] {
  return Array.from({ length: rank - 2 }, (_, i) => i + 1).filter((axis) => !attended.includes(axis));
}

/**
 * The attention scores' shape, as Keras's _build_attention_equation lays them out: [batch, ...the
 * other axes, heads, ...the query's attention axes, ...the key's], the attention axes in the order
 * given. [batch, heads, target, source] for rank-3 inputs.
 */
function scoresShape(queryShape: Shape | readonly number[], valueShape: Shape | readonly number[], axes: readonly number[], heads: number): Shape {
  const others = otherAxes(queryShape.length, axes);
  return [queryShape[0], ...others.map((axis) => queryShape[axis]), heads, ...axes.map((axis) => queryShape[axis]), ...axes.map((axis) => valueShape[axis])];
}

/**
 * An attention mask's shape with the axes it leaves out as size 1, aligned to scores of rank
 * `scoresRank` over `attended` axes: Keras inserts them just before the query's attention axes, so
 * the mask's leading axes are the scores' leading ones ([batch, target, source] gets a heads axis).
 * Null when the mask has fewer axes than the query's and key's attention axes, or more than the
 * scores.
 */
function alignedMaskShape(maskShape: Shape | readonly number[], scoresRank: number, attended: number): Shape | null {
  const rank = maskShape.length;
  if (rank < 2 * attended || rank > scoresRank) return null;
  const leading = rank - 2 * attended;
  return [...maskShape.slice(0, leading), ...new Array<number>(scoresRank - rank).fill(1), ...maskShape.slice(leading)];
}

function formatAxes(axes: readonly number[]): string {
  return `[${axes.join(', ')}]`;
}

/**
 * How inputs of rank > 3 fold into the [batch, length, features] layout of the attention and back
 * (what Keras's _build_attention_equation writes as einsum equations). The axes not attended over join the batch,
 * as Keras's einsum equations treat them; the attention axes, moved together in the order given,
 * become one position axis. Attention over the flattened positions is Keras's attention over
 * several axes: its softmax normalizes over the key's attention axes together. The output
 * unfolds to the query's layout; the scores reshape, without a copy, to Keras's shape.
 */
class AttentionFold {
  /** The query's axes but the features, in the folded order: [0, ...other axes, ...attention axes]. */
  private readonly order: number[];
  /** The folded batch: batch times the other axes' sizes. */
  private readonly batch: number;
  /** The scores' shape in Keras's layout (see scoresShape). */
  private readonly unfoldedScoresShape: number[];

  constructor(
    private readonly queryShape: readonly number[],
    valueShape: readonly number[],
    private readonly axes: readonly number[],
    heads: number,
  ) {
    const others = otherAxes(queryShape.length, axes);
    this.order = [0, ...others, ...axes];
    this.batch = [0, ...others].reduce((size, axis) => size * queryShape[axis], 1);
    this.unfoldedScoresShape = scoresShape(queryShape, valueShape, axes, heads) as number[];
  }

  /** Whether the attention axes already follow the other axes (folding is then a reshape, not a copy). */
  private get inOrder(): boolean {
    return this.order.every((axis, i) => axis === i);
  }

  /** [batch, ..., features] to [folded batch, attention positions, features]. */
  input(x: Tensor): Tensor {
    const rank = x.rank;
    const moved = this.inOrder ? x : transpose(x, [...this.order, rank - 1]);
    return reshape(moved, [this.batch, x.size / (this.batch * x.shape[rank - 1]), x.shape[rank - 1]]);
  }

  /** A query, value or key mask [batch, ...] (attention over the last axis before the features only) to [folded batch, positions]. */
  inputMask(mask: Tensor): Tensor {
    return reshape(mask, [this.batch, mask.size / this.batch]);
  }

  /** An attention mask (see alignedMaskShape) to [folded batch, 1 or heads, target positions, source positions]. */
  attentionMask(mask: Tensor): Tensor {
    const target = this.unfoldedScoresShape;
    const headsAxis = target.length - 2 * this.axes.length - 1;
    const aligned = alignedMaskShape(mask.shape, target.length, this.axes.length) as number[];
    const heads = aligned[headsAxis];
    const full = broadcastTo(reshape(mask, aligned), [...target.slice(0, headsAxis), heads, ...target.slice(headsAxis + 1)]);
    const targetPositions = this.axes.reduce((size, axis) => size * this.queryShape[axis], 1);
    return reshape(full, [this.batch, heads, targetPositions, full.size / (this.batch * heads * targetPositions)]);
  }

  /** [folded batch, target positions, ...outputShape] to the query's layout, [batch, ..., ...outputShape]. */
  output(y: Tensor): Tensor {
    const outputDims = y.shape.slice(2);
    const folded = reshape(y, [...this.order.map((axis) => this.queryShape[axis]), ...outputDims]);
    if (this.inOrder) return folded;
    const back = this.order.map((_, axis) => this.order.indexOf(axis));
    return transpose(folded, [...back, ...outputDims.map((_, i) => this.order.length + i)]);
  }

  /** [folded batch, heads, target positions, source positions] to Keras's scores shape. */
  scores(probabilities: Tensor): Tensor {
    return reshape(probabilities, this.unfoldedScoresShape);
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
 * model. When the inputs carry masks (Embedding's maskZero, Masking), a query position attends to
 * a key position only if the query's, the value's and the key's masks are all 1 there (and the
 * attention mask and causal mask allow it); the output keeps the query's mask.
 *
 * Inputs of rank > 3 (as Keras's): `query` [batch, ...axes, queryDim], `value` and `key` of the
 * same rank. The projections act on the last axis; attention runs over `attentionAxes` (default:
 * every axis between batch and features) jointly, the softmax over all the key positions on them;
 * each position on the other axes (whose sizes the value must share) attends separately. Scores
 * are [batch, ...other axes, numHeads, ...query attention axes, ...key attention axes]; an
 * attention mask is that shape or broadcasts to it (see MultiHeadAttentionCallArgs). As in Keras,
 * `useCausalMask` needs one attention axis, and the inputs' masks join only when attention is over
 * the last axis before the features. The weights' shapes do not depend on the rank.
 *
 * Arguments: `numHeads`, `keyDim`; `valueDim` (keyDim); `dropout` (0); `useBias` (true);
 * `outputShape`; `attentionAxes` (null); `kernelInitializer` ('glorotUniform');
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
 * // Attention over a 3 x 4 grid jointly: scores [null, 2, 3, 4, 3, 4].
 * const grid = Input({ shape: [3, 4, 16] });
 * const [mixed, gridScores] = new MultiHeadAttention({ numHeads: 2, keyDim: 8, attentionAxes: [1, 2] }).apply([grid, grid], { returnAttentionScores: true });
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

  /** The attentionAxes for inputs of this rank (3 or more), negative ones counted from the end. */
  protected override attendedAxes(shape: Shape | readonly number[], name: string): number[] {
    const rank = shape.length;
    if (rank < 3) {
      throw new Error(`Invalid shape for \`${name}\` of layer "${this.name}". Expected rank 3 or more (batch, attention and other axes, features). Received: ${name}_shape=${formatSymbolicShape(shape as Shape)}`);
    }
    if (this.attentionAxes === null) return Array.from({ length: rank - 2 }, (_, i) => i + 1);
    const given = typeof this.attentionAxes === 'number' ? [this.attentionAxes] : this.attentionAxes;
    const axes = given.map((axis) => (axis < 0 ? axis + rank : axis));
    if (axes.some((axis) => axis < 1 || axis > rank - 2) || new Set(axes).size !== axes.length) {
      throw new Error(
        `Invalid value for argument attentionAxes of layer "${this.name}" for inputs of rank ${rank}. Expected distinct axes between the batch axis and the features: 1 to ${rank - 2} (or ${1 - rank} to -2). ` +
          `Received: attentionAxes=${JSON.stringify(this.attentionAxes)}`,
      );
    }
    return axes;
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

/** Null, an integer axis or a non-empty list of distinct integer axes; checked against the inputs' rank at build (attendedAxes). */
function checkAttentionAxes(value: MultiHeadAttentionArgs['attentionAxes']): number | number[] | null {
  if (value === undefined || value === null) return null;
  const axes: readonly unknown[] | null = typeof value === 'number' ? [value] : Array.isArray(value) ? value : null;
  if (!axes || axes.length === 0 || !axes.every((axis) => Number.isInteger(axis) && axis !== 0) || new Set(axes).size !== axes.length) {
    throw new Error(
      `Invalid value for argument attentionAxes. Expected null (attention over every axis between the batch axis and the features), an axis or a non-empty list of distinct axes (integers, not the batch axis 0). ` +
        `Received: attentionAxes=${JSON.stringify(value)}`,
    );
  }
  return typeof value === 'number' ? value : [...(value as number[])];
}
