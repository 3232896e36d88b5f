// Keras 3's ops between the layers of a functional model (`keras.ops.mean(x, axis=1)`, `x + y`)
// as its config.json holds them, and this library's Operation nodes of the same ops (ops called on
// symbolic tensors, layers/operation.ts). Keras writes such a node as `{ module:
// 'keras.src.ops.numpy', class_name: 'Mean', config: { name, axis, keepdims }, inbound_nodes:
// [{ args: [x], kwargs: {} }] }`: the op's options (its class's constructor arguments) in config,
// its tensors and other call arguments in args. The function of the same name takes the call
// arguments first, then the options, in the order listed here (Keras 3.16's classes), and so do
// this library's ops of the same names; the few whose arguments differ have their own mapping.

import type { Operation } from '../layers/operation';
import { ops } from '../ops/public';
import { Tensor } from '../tensor/tensor';

/** An op of Keras's as a node: its module, this library's op, its call arguments, and its options in order. */
interface KerasOp {
  module: string;
  op: keyof typeof ops;
  /** How many of the function's arguments the node's call takes (its tensors, or a list of them, first). */
  call: number;
  /** The options, in the order the function takes them after the call arguments. */
  options: string[];
  /** Options that must keep these values here (this library's op has no counterpart for others). */
  fixed?: Record<string, unknown>;
}

const numpy = (op: keyof typeof ops, call: number, options: string[] = [], fixed?: Record<string, unknown>): KerasOp => ({ module: 'keras.src.ops.numpy', op, call, options, fixed });
const binary = (op: keyof typeof ops) => numpy(op, 2);
const unary = (op: keyof typeof ops) => numpy(op, 1);
const reduction = (op: keyof typeof ops, fixed?: Record<string, unknown>) => numpy(op, 1, ['axis', 'keepdims'], fixed);
const nn = (op: keyof typeof ops, options: string[] = []): KerasOp => ({ module: 'keras.src.ops.nn', op, call: 1, options });
const math = (op: keyof typeof ops, call: number, options: string[] = []): KerasOp => ({ module: 'keras.src.ops.math', op, call, options });
const linalg = (op: keyof typeof ops, call: number, options: string[] = []): KerasOp => ({ module: 'keras.src.ops.linalg', op, call, options });

/** Keras's op classes that load and save, by class name. */
const KERAS_OPS: Record<string, KerasOp> = {
  Add: binary('add'), Subtract: binary('subtract'), Multiply: binary('multiply'), Divide: binary('divide'), TrueDivide: binary('divide'),
  Power: binary('power'), Maximum: binary('maximum'), Minimum: binary('minimum'), Matmul: binary('matmul'), Dot: binary('dot'),
  Mod: binary('mod'), FloorDivide: binary('floorDivide'), Equal: binary('equal'), NotEqual: binary('notEqual'), Greater: binary('greater'),
  GreaterEqual: binary('greaterEqual'), Less: binary('less'), LessEqual: binary('lessEqual'), LogicalAnd: binary('logicalAnd'), LogicalOr: binary('logicalOr'),
  Absolute: unary('absolute'), Abs: unary('absolute'), Negative: unary('negative'), Sqrt: unary('sqrt'), Square: unary('square'), Exp: unary('exp'),
  Log: unary('log'), Tanh: unary('tanh'), Sin: unary('sin'), Cos: unary('cos'), Floor: unary('floor'), Ceil: unary('ceil'), Sign: unary('sign'),
  Reciprocal: unary('reciprocal'), LogicalNot: unary('logicalNot'),
  Mean: reduction('mean'), Sum: reduction('sum'), Any: reduction('any'), All: reduction('all'), Std: reduction('std'),
  Argmax: reduction('argmax'), Argmin: reduction('argmin'),
  Max: { ...reduction('max', { initial: null }), options: ['axis', 'keepdims', 'initial'] },
  Min: { ...reduction('min', { initial: null }), options: ['axis', 'keepdims', 'initial'] },
  Prod: { ...reduction('prod', { dtype: null }), options: ['axis', 'keepdims', 'dtype'] },
  Concatenate: numpy('concatenate', 1, ['axis']), Stack: numpy('stack', 1, ['axis']), Reshape: numpy('reshape', 1, ['newshape']),
  Transpose: numpy('transpose', 1, ['axes']), ExpandDims: numpy('expandDims', 1, ['axis']), Squeeze: numpy('squeeze', 1, ['axis']),
  Tile: numpy('tile', 1, ['repeats']), Flip: numpy('flip', 1, ['axis']), Repeat: numpy('repeat', 1, ['repeats', 'axis']),
  Split: numpy('split', 1, ['indices_or_sections', 'axis']), BroadcastTo: numpy('broadcastTo', 1, ['shape']), Roll: numpy('roll', 1, ['shift', 'axis']),
  Swapaxes: numpy('swapaxes', 1, ['axis1', 'axis2']), Moveaxis: numpy('moveaxis', 1, ['source', 'destination']), Take: numpy('take', 2, ['axis']),
  Where: numpy('where', 3), Clip: numpy('clip', 1, ['x_min', 'x_max']), Cumsum: numpy('cumsum', 1, ['axis', 'dtype'], { dtype: null }),
  Round: numpy('round', 1, ['decimals'], { decimals: 0 }),
  Softmax: nn('softmax', ['axis']), LogSoftmax: nn('logSoftmax', ['axis']), Relu: nn('relu'), Sigmoid: nn('sigmoid'), Silu: nn('silu'), Gelu: nn('gelu', ['approximate']),
  Cast: { module: 'keras.src.ops.core', op: 'cast', call: 1, options: ['dtype'] },
  Logsumexp: { module: 'keras.src.ops.math', op: 'logsumexp', call: 1, options: ['axis', 'keepdims'] },
  Erf: { module: 'keras.src.ops.math', op: 'erf', call: 1, options: [] },
  Rsqrt: { module: 'keras.src.ops.math', op: 'rsqrt', call: 1, options: [] },
  // Element-wise.
  Arccos: unary('arccos'), Arccosh: unary('arccosh'), Arcsin: unary('arcsin'), Arcsinh: unary('arcsinh'), Arctan: unary('arctan'), Arctanh: unary('arctanh'),
  Cosh: unary('cosh'), Sinh: unary('sinh'), Tan: unary('tan'), Exp2: unary('exp2'), Expm1: unary('expm1'), Log10: unary('log10'), Log1p: unary('log1p'),
  Log2: unary('log2'), Trunc: unary('trunc'), Signbit: unary('signbit'), Cbrt: unary('cbrt'), Deg2rad: unary('deg2rad'), Rad2deg: unary('rad2deg'),
  Fabs: unary('fabs'), Sinc: unary('sinc'), I0: unary('i0'), Isfinite: unary('isfinite'), Isinf: unary('isinf'), Isnan: unary('isnan'),
  Isneginf: unary('isneginf'), Isposinf: unary('isposinf'), Isreal: unary('isreal'), BitwiseNot: unary('bitwiseNot'), BitwiseInvert: unary('bitwiseInvert'),
  Erfc: math('erfc', 1), Erfinv: math('erfinv', 1),
  Arctan2: binary('arctan2'), Hypot: binary('hypot'), Logaddexp: binary('logaddexp'), Logaddexp2: binary('logaddexp2'), LogicalXor: binary('logicalXor'),
  Fmax: binary('fmax'), Fmin: binary('fmin'), Fmod: binary('fmod'), Heaviside: binary('heaviside'), Ldexp: binary('ldexp'), Nextafter: binary('nextafter'),
  Gcd: binary('gcd'), Lcm: binary('lcm'), BitwiseAnd: binary('bitwiseAnd'), BitwiseOr: binary('bitwiseOr'), BitwiseXor: binary('bitwiseXor'),
  BitwiseLeftShift: binary('bitwiseLeftShift'), BitwiseRightShift: binary('bitwiseRightShift'), LeftShift: binary('leftShift'), RightShift: binary('rightShift'),
  Gammainc: math('gammainc', 2),
  // Reductions, statistics and products.
  Amax: reduction('amax'), Amin: reduction('amin'), Median: reduction('median'), Ptp: reduction('ptp'), Var: reduction('var'),
  Nansum: reduction('nansum'), Nanprod: reduction('nanprod'), Nanmean: reduction('nanmean'), Nanvar: reduction('nanvar'), Nanstd: reduction('nanstd'),
  Nanmax: reduction('nanmax'), Nanmin: reduction('nanmin'), Nanargmax: reduction('nanargmax'), Nanargmin: reduction('nanargmin'), Nanmedian: reduction('nanmedian'),
  CountNonzero: numpy('countNonzero', 1, ['axis']), Corrcoef: unary('corrcoef'), Digitize: binary('digitize'), Correlate: numpy('correlate', 2, ['mode']),
  Inner: binary('inner'), Outer: binary('outer'), Vdot: binary('vdot'), Kron: binary('kron'), Tensordot: numpy('tensordot', 2, ['axes']),
  // Arrays.
  Copy: unary('copy'), Ravel: unary('ravel'), Fliplr: unary('fliplr'), Flipud: unary('flipud'), Rot90: numpy('rot90', 1, ['k', 'axes']),
  Diag: numpy('diag', 1, ['k']), Diagflat: numpy('diagflat', 1, ['k']), Tril: numpy('tril', 1, ['k']), Triu: numpy('triu', 1, ['k']),
  Diagonal: numpy('diagonal', 1, ['offset', 'axis1', 'axis2']), Trace: numpy('trace', 1, ['offset', 'axis1', 'axis2']), Diff: numpy('diff', 1, ['n', 'axis']),
  Sort: numpy('sort', 1, ['axis']), Argsort: numpy('argsort', 1, ['axis']), Append: numpy('append', 2, ['axis']), TakeAlongAxis: numpy('takeAlongAxis', 2, ['axis']),
  Hstack: numpy('hstack', 1), Vstack: numpy('vstack', 1), ColumnStack: numpy('columnStack', 1), ArraySplit: numpy('arraySplit', 1, ['indices_or_sections', 'axis']),
  Hsplit: numpy('hsplit', 1, ['indices_or_sections']), Vsplit: numpy('vsplit', 1, ['indices_or_sections']),
  Unstack: { module: 'keras.src.ops.core', op: 'unstack', call: 1, options: ['num', 'axis'] },
  // Neural-network functions.
  Relu6: nn('relu6'), Selu: nn('selu'), Softplus: nn('softplus'), Softsign: nn('softsign'), HardSigmoid: nn('hardSigmoid'), HardSilu: nn('hardSilu'),
  HardTanh: nn('hardTanh'), LogSigmoid: nn('logSigmoid'), SparsePlus: nn('sparsePlus'), SparseSigmoid: nn('sparseSigmoid'), TanhShrink: nn('tanhShrink'),
  Celu: nn('celu', ['alpha']), Elu: nn('elu', ['alpha']), LeakyRelu: nn('leakyRelu', ['negative_slope']), HardShrink: nn('hardShrink', ['threshold']),
  SoftShrink: nn('softShrink', ['threshold']), Squareplus: nn('squareplus', ['b']), Glu: nn('glu', ['axis']), Sparsemax: nn('sparsemax', ['axis']),
  Threshold: nn('threshold', ['threshold', 'default_value']), DepthToSpace: nn('depthToSpace', ['block_size', 'data_format']),
  SpaceToDepth: nn('spaceToDepth', ['block_size', 'data_format']), ExtractSequences: math('extractSequences', 1, ['sequence_length', 'sequence_stride']),
  // Linear algebra.
  Inv: linalg('inv', 1), Det: linalg('det', 1), Solve: linalg('solve', 2), Cholesky: linalg('cholesky', 1, ['upper']), MatrixPower: linalg('matrixPower', 1, ['n']),
  Logdet: math('logdet', 1),
};

/**
 * The result of a Keras op node, applied here to its call arguments (symbolic tensors and plain
 * values) with its options from `config`; null when the op is not one that loads.
 */
export function applyKerasOp(className: string, config: Record<string, unknown>, callArgs: unknown[], where: string): unknown {
  const entry = KERAS_OPS[className];
  if (!entry) return null;
  for (const [option, value] of Object.entries(entry.fixed ?? {})) {
    if ((config[option] ?? null) !== value) throw new Error(`loadKerasModel: the Keras op ${className} (${where}) with ${option}=${JSON.stringify(config[option])} is not loaded yet (only ${option}=${JSON.stringify(value)}).`);
  }
  const options = entry.options.filter((option) => !(option in (entry.fixed ?? {}))).map((option) => config[option] ?? undefined);
  while (options.length > 0 && options[options.length - 1] === undefined) options.pop();
  return (ops[entry.op] as (...args: unknown[]) => unknown)(...callArgs, ...options);
}

/**
 * A saved Operation node in Keras's form: its class, module and options, and its call arguments
 * (with `tensorAt(i)` for the node's input i). Null when its op has no Keras class here.
 */
export function kerasOpNode(
  operation: Operation,
  tensorAt: (input: number) => unknown,
  constantOf: (constant: Tensor) => unknown,
): { module: string; className: string; config: Record<string, unknown>; args: unknown[] } | null {
  const fn = ops[operation.op as keyof typeof ops];
  const found = Object.entries(KERAS_OPS).find(([, entry]) => ops[entry.op] === fn);
  if (!found) return null;
  const [className, entry] = found;
  const options = operation.args.slice(entry.call);
  const free = entry.options.filter((option) => !(option in (entry.fixed ?? {})));
  if (options.length > free.length) return null;
  const config: Record<string, unknown> = { name: operation.name };
  for (const option of entry.options) {
    const given = options[free.indexOf(option)];
    if (option in (entry.fixed ?? {})) config[option] = entry.fixed![option];
    else if (given !== undefined) config[option] = given;
  }
  const args = operation.args.slice(0, entry.call).map((arg) => fillInputs(arg, tensorAt, constantOf));
  return { module: entry.module, className, config, args };
}

/** A call argument with the node's inputs ({ symbolicInput: i }) replaced by `tensorAt(i)`, and tensor constants by `constantOf`. */
function fillInputs(value: unknown, tensorAt: (input: number) => unknown, constantOf: (constant: Tensor) => unknown): unknown {
  if (value instanceof Tensor) return constantOf(value);
  if (Array.isArray(value)) return value.map((item) => fillInputs(item, tensorAt, constantOf));
  if (value && typeof value === 'object' && typeof (value as { symbolicInput?: unknown }).symbolicInput === 'number') return tensorAt((value as { symbolicInput: number }).symbolicInput);
  return value;
}
