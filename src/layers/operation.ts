// Keras 3's functional style: an op called on symbolic tensors (from Input) records an
// Operation node in the graph, as a layer does, so `ops.concatenate([a, b], -1)`,
// `ops.mean(x, 1)` or `ops.multiply(x, 2)` can sit between layers. The node keeps the op's name
// and its other arguments; when the model runs, it calls the op with the tensors in the places of
// the symbolic ones. An op whose result is a record ({ mean, variance }) or a nested list (eig's
// [[real, imag], [vectorsReal, vectorsImag]]) gives the node its tensors in order as outputs, and
// the node remembers the result's structure to hand back symbolic tensors in the same places. It
// is saved by op name with its arguments as JSON data (an argument that is not data, such as a
// tensor constant, can run but not be saved), and with that structure. The public `ops` namespace is
// the ops wrapped by `withSymbolicCalls`; the library's own code calls the ops directly.

import * as allOps from '../ops/index';
import type { DType } from '../backend/types';
import { Tensor } from '../tensor/tensor';
import { Layer, uniqueName, type LayerArgs } from './layer';
import { isShapeList } from './layer_utils';
import { formatSymbolicShape, isSymbolic, setSymbolicOpRecorder, type Shape, type SymbolicTensor } from './symbolic';
import { isRecord, iterableRecord } from '../tensor/records';

type OpFunction = (...args: unknown[]) => unknown;

/** Where an argument held a symbolic tensor: the node's input of this index. */
interface InputSlot {
  readonly symbolicInput: number;
}

/**
 * Where the node's outputs sit in an op's result: output i as the number i, inside the lists and
 * records the op returns (`[[0, 1], [2, 3]]` for eig's, `{ mean: 0, variance: 1 }` for moments').
 */
export type ResultStructure = number | ResultStructure[] | { [key: string]: ResultStructure };

export interface OperationArgs extends LayerArgs {
  /** The op's name in `ops` ('add', 'concatenate', ...). */
  op: string;
  /** The op's arguments, with `{ symbolicInput: i }` where the node's input i goes. */
  args: unknown[];
  /** The structure of an op's result that is a record or a nested list of tensors; null for a tensor or a flat list. */
  resultStructure?: ResultStructure | null;
}

/** An op applied to symbolic tensors, as a layer of the functional graph (Keras 3's Operation). */
export class Operation extends Layer {
  readonly op: string;
  readonly args: unknown[];
  resultStructure: ResultStructure | null;
  /** The dtypes of the symbolic inputs, for tracing the op when it is first applied. */
  inputDtypes: DType[] = [];
  private tracedDtype: DType | null = null;
  private readonly fn: OpFunction;

  constructor(config: OperationArgs) {
    const { op, args, resultStructure = null, ...layerArgs } = config;
    super({ ...layerArgs, name: layerArgs.name ?? uniqueName(snakeCaseOp(op)) });
    const fn = (allOps as unknown as Record<string, unknown>)[op];
    if (typeof fn !== 'function') throw new Error(`Operation: unknown op '${op}'; expected the name of a function of ops.`);
    if (!Array.isArray(args)) throw new Error(`Operation '${op}': args must be the list of the op's arguments.`);
    this.op = op;
    this.fn = fn as OpFunction;
    this.args = args;
    this.resultStructure = resultStructure;
  }

  /** The op's result: a tensor, or the tensors of its list or record (nested or not) in order. */
  override call(inputs: Tensor | Tensor[]): Tensor | Tensor[] {
    const tensors = Array.isArray(inputs) ? inputs : [inputs];
    const result = this.fn(...(fillSlots(this.args, tensors) as unknown[]));
    const outputs: Tensor[] = [];
    const structure = structureOf(result, outputs);
    if (structure === null || outputs.length === 0) {
      throw new Error(`ops.${this.op} on symbolic tensors: its result is not a tensor or lists and records (nested or not) of tensors; apply it in a custom layer instead.`);
    }
    this.tracedDtype = outputs[0].dtype;
    if (result instanceof Tensor) return result;
    this.resultStructure = Array.isArray(structure) && structure.every((s) => typeof s === 'number') ? null : structure;
    return outputs;
  }

  /** The traced output shape; the symbolic outputs take the traced dtype of the first output (int32 for argmax). */
  override computeOutputShape(inputShape: Shape | Shape[]): Shape | Shape[] {
    const reshaped = this.op === 'reshape' && !isShapeList(inputShape) ? unknownSizeReshape(inputShape, this.args[1]) : null;
    if (reshaped) {
      this.dtype = this.inputDtypes[0] ?? this.dtype;
      return reshaped;
    }
    let shape: Shape | Shape[];
    try {
      shape = super.computeOutputShape(inputShape);
    } catch (e) {
      // The op ran on zeros standing in for the inputs, an unknown dimension (the batch) as 2 or 3:
      // this says so in the op's terms, in place of the layer's explanation (whose cause is the op's error).
      const shapes = (isShapeList(inputShape) ? inputShape : [inputShape]).map(formatSymbolicShape).join(', ');
      const error = (e as Error).cause instanceof Error ? ((e as Error).cause as Error) : (e as Error);
      throw new Error(`ops.${this.op} on symbolic tensors of shape ${shapes}: ${error.message} (shapes in this message take an unknown dimension as 2 or 3)`);
    }
    this.dtype = this.tracedDtype ?? this.dtype;
    return shape;
  }

  /** Traces run on zeros of the symbolic inputs' dtypes (int32 indices for a gather). */
  protected override traceInputDtype(index: number): DType {
    return this.inputDtypes[index] ?? 'float32';
  }

  override getConfig(): Record<string, unknown> {
    return { ...super.getConfig(), op: this.op, args: this.args.map((a, i) => toJsonArgument(this.op, a, `argument ${i}`)), resultStructure: this.resultStructure };
  }

  static override fromConfig<T extends Layer>(this: new (config: never) => T, config: Record<string, unknown>): T {
    // Models saved before nested results held a record's structure as its keys.
    const { resultKeys, ...rest } = config;
    const resultStructure = Array.isArray(resultKeys) ? Object.fromEntries(resultKeys.map((key, i) => [key, i])) : rest.resultStructure;
    return new this({ ...rest, resultStructure, args: fromJsonArgument(config.args) } as never);
  }
}

/**
 * The namespace of ops with each function taking symbolic tensors too: called with one (in its
 * arguments, a list or an options record), it returns the symbolic result of an Operation node.
 */
export function withSymbolicCalls<T extends object>(namespace: T): T {
  const wrapped: Record<string, unknown> = {};
  // Aliases (concat and concatenate, argMax and argmax) stay one function, whose nodes take the
  // Keras-style name of the two.
  const wrappers = new Map<OpFunction, { op: OpFunction; name: { value: string } }>();
  for (const [name, value] of Object.entries(namespace)) {
    if (typeof value !== 'function') {
      wrapped[name] = value;
      continue;
    }
    const known = wrappers.get(value as OpFunction);
    if (known && kerasStyleFirst(name, known.name.value) < 0) known.name.value = name;
    const wrapper = known ?? symbolicAware(name, value as OpFunction);
    wrappers.set(value as OpFunction, wrapper);
    wrapped[name] = wrapper.op;
  }
  return Object.freeze(wrapped) as T;
}

function symbolicAware(opName: string, fn: OpFunction): { op: OpFunction; name: { value: string } } {
  const name = { value: opName };
  const op = (...args: unknown[]) => (args.some(holdsSymbolic) ? applyOperation(name.value, args) : fn(...args));
  Object.defineProperty(op, 'name', { value: opName });
  return { op, name };
}

/** Orders alias names: Keras's spelling (no capitals: argmax over argMax), then the longer (concatenate over concat). */
function kerasStyleFirst(a: string, b: string): number {
  const capitals = (s: string) => (/[A-Z]/.test(s) ? 1 : 0);
  return capitals(a) - capitals(b) || b.length - a.length;
}

setSymbolicOpRecorder(applyOperation);

/** The op as a graph node: its symbolic arguments become the node's inputs, in the order they appear. */
function applyOperation(name: string, args: unknown[]): unknown {
  const inputs: SymbolicTensor[] = [];
  const template = args.map((arg) => replaceSymbolic(arg, inputs));
  const operation = new Operation({ op: name, args: template });
  operation.inputDtypes = inputs.map((t) => t.dtype);
  const output = operation.apply(inputs.length === 1 ? inputs[0] : inputs);
  if (!operation.resultStructure) return output;
  const outputs = [output].flat();
  const rebuild = (node: ResultStructure): unknown =>
    typeof node === 'number' ? outputs[node] : Array.isArray(node) ? node.map(rebuild) : iterableRecord(Object.fromEntries(Object.entries(node).map(([key, item]) => [key, rebuild(item)])));
  return rebuild(operation.resultStructure);
}

/** The structure of an op's result, its tensors appended to `outputs` in order; null when it holds something else. */
function structureOf(result: unknown, outputs: Tensor[]): ResultStructure | null {
  if (result instanceof Tensor) return outputs.push(result) - 1;
  const entries = Array.isArray(result) ? result.map((item, i) => [i, item] as const) : isRecord(result) ? Object.entries(result) : null;
  if (!entries || entries.length === 0) return null;
  const parts = entries.map(([, item]) => structureOf(item, outputs));
  if (parts.some((part) => part === null)) return null;
  return Array.isArray(result) ? (parts as ResultStructure[]) : Object.fromEntries(entries.map(([key], i) => [key, parts[i]!]));
}

function holdsSymbolic(value: unknown, depth = 0): boolean {
  if (isSymbolic(value)) return true;
  if (depth > 3) return false;
  if (Array.isArray(value)) return value.some((v) => holdsSymbolic(v, depth + 1));
  return isRecord(value) && Object.values(value).some((v) => holdsSymbolic(v, depth + 1));
}

function replaceSymbolic(value: unknown, inputs: SymbolicTensor[]): unknown {
  if (isSymbolic(value)) {
    let index = inputs.indexOf(value);
    if (index < 0) index = inputs.push(value) - 1;
    return { symbolicInput: index } satisfies InputSlot;
  }
  if (Array.isArray(value)) return value.map((v) => replaceSymbolic(v, inputs));
  if (isRecord(value)) return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, replaceSymbolic(v, inputs)]));
  return value;
}

/**
 * ops.reshape's output shape for an input of unknown size (the batch) and a new shape with a -1:
 * the -1 is unknown too, as Keras's Reshape.compute_output_spec says. Not traced: the trace's
 * stand-in sizes (2 or 3) need not divide by the new shape's fixed sizes ([-1, 5, 6] of [None, 6]).
 * Null when the trace answers (all sizes known, or no -1).
 */
function unknownSizeReshape(inputShape: Shape, newShape: unknown): Shape | null {
  if (!inputShape.includes(null) || !Array.isArray(newShape) || !newShape.every((d) => Number.isInteger(d))) return null;
  if (newShape.filter((d) => d === -1).length !== 1) return null;
  return newShape.map((d: number) => (d === -1 ? null : d));
}

function fillSlots(value: unknown, tensors: Tensor[]): unknown {
  if (isSlot(value)) return tensors[value.symbolicInput];
  if (Array.isArray(value)) return value.map((v) => fillSlots(v, tensors));
  if (isRecord(value)) return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, fillSlots(v, tensors)]));
  return value;
}

/**
 * An argument as JSON data. Beyond JSON: undefined (an argument left out before a given one) and
 * non-finite numbers are tagged; tensors and functions cannot be saved.
 */
function toJsonArgument(op: string, value: unknown, where: string): unknown {
  if (value === undefined) return { undefined: true };
  if (typeof value === 'number' && !Number.isFinite(value)) return { number: String(value) };
  if (value === null || typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean' || isSlot(value)) return value;
  if (Array.isArray(value)) return value.map((v, i) => toJsonArgument(op, v, `${where}[${i}]`));
  if (isRecord(value)) return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, toJsonArgument(op, v, `${where}.${k}`)]));
  throw new Error(
    `Cannot serialize the call of ops.${op} in this model: its ${where} is ${value instanceof Tensor ? `a tensor constant (shape [${value.shape.join(', ')}])` : typeof value}, not data. ` +
      'Make it an input of the model, or compute it in a custom layer (registered with registerLayer) to save the model.',
  );
}

function fromJsonArgument(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(fromJsonArgument);
  if (!isRecord(value)) return value;
  if (value.undefined === true && Object.keys(value).length === 1) return undefined;
  if (typeof value.number === 'string' && Object.keys(value).length === 1) return Number(value.number);
  return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, fromJsonArgument(v)]));
}

function isSlot(value: unknown): value is InputSlot {
  return isRecord(value) && Object.keys(value).length === 1 && typeof value.symbolicInput === 'number';
}

/** Keras names op nodes after the op: 'add', 'rms_normalization', 'add_1', ... */
function snakeCaseOp(op: string): string {
  return op.replace(/([a-z0-9])([A-Z])/g, '$1_$2').toLowerCase();
}
