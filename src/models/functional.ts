// The graph of a functional model: the layer calls between its Inputs and outputs, in an order
// where every call comes after the calls that produce its inputs, and running it on tensors; and
// the structures its inputs and outputs are given in (one tensor, a list, or a record by key,
// flattened in sorted key order as Keras flattens dicts).

import { formatShape } from '../backend/types';
import type { CallArgs, Layer } from '../layers/layer';
import { formatSymbolicShape, type Node, type SymbolicTensor } from '../layers/symbolic';
import type { Tensor } from '../tensor/tensor';
import { isRecord } from '../tensor/records';

export class FunctionalGraph {
  /** Layer calls in execution order (Input layers excluded). */
  readonly nodes: Node[];
  /** Distinct layers in execution order (Input layers excluded). */
  readonly layers: Layer[];
  /** Distinct layers, Input layers included, in the order of Keras's `model.layers` (see kerasOrder). */
  readonly layersInKerasOrder: Layer[];

  constructor(
    readonly inputs: SymbolicTensor[],
    readonly outputs: SymbolicTensor[],
    modelName: string,
  ) {
    const inputSet = new Set(inputs);
    const order: Node[] = [];
    const visiting = new Set<Node>();
    const done = new Set<Node>();
    const visit = (t: SymbolicTensor) => {
      if (inputSet.has(t)) return;
      const node = t.node;
      if (node.inputs.length === 0) {
        throw new Error(`Model '${modelName}': an output depends on Input '${node.layer.name}', which is not among the model's inputs.`);
      }
      if (done.has(node)) return;
      if (visiting.has(node)) throw new Error(`Model '${modelName}': the graph has a cycle at layer '${node.layer.name}'.`);
      visiting.add(node);
      for (const input of node.inputs) visit(input);
      visiting.delete(node);
      done.add(node);
      order.push(node);
    };
    for (const o of outputs) visit(o);
    this.nodes = order;
    this.layers = [...new Set(order.map((n) => n.layer))];
    this.layersInKerasOrder = kerasOrder(inputs, outputs);
  }

  /**
   * Runs the graph on concrete inputs (one per model input, in order). Masks travel on the tensors
   * (see getMask): each layer reads its inputs' masks, so the model's own `mask` option is not
   * passed on to its layers.
   */
  run(values: Tensor[], { mask: _mask, ...args }: CallArgs, modelName: string): Tensor[] {
    if (values.length !== this.inputs.length) {
      throw new Error(`Model '${modelName}' expects ${this.inputs.length} input(s), got ${values.length}.`);
    }
    const computed = new Map<SymbolicTensor, Tensor>();
    this.inputs.forEach((input, i) => {
      const expected = input.shape;
      const value = adjustInputRank(values[i], expected);
      if (!fitsInputShape(value.shape, expected)) {
        throw new Error(`Model '${modelName}': input ${i} ('${input.name}') expects shape ${formatSymbolicShape(expected)}, got ${formatShape(value.shape)}.`);
      }
      computed.set(input, value);
    });
    for (const node of this.nodes) {
      const ins = node.inputs.map((t) => computed.get(t)!);
      // A training flag given where the layer was applied wins over the model's (Keras: an explicit
      // argument first): base.apply(x, { training: false }) keeps a frozen base's BatchNormalization
      // in inference while the model trains, Dropout's { training: true } stays on in predict.
      const nodeArgs = node.callArgs.training === undefined ? { ...node.callArgs, training: args.training } : node.callArgs;
      const result = node.layer.apply(node.packInputs(ins) as Tensor | Tensor[], { ...args, ...nodeArgs });
      const outs = flattenStructure(result as Structured<Tensor>);
      node.outputs.forEach((o, k) => computed.set(o, outs[k]));
    }
    return this.outputs.map((o) => computed.get(o)!);
  }
}

/**
 * The shape an input of `shape` takes for a model input of shape `expected`, as Keras's functional
 * models adjust ranks: one axis short of an input whose last axis is 1 gains that axis ([N, 28, 28]
 * for an Input of shape [28, 28, 1]), one axis of size 1 too many loses it; any other shape stays.
 */
export function rankAdjustedShape(shape: readonly number[], expected: readonly (number | null)[]): readonly number[] {
  if (shape.length === expected.length - 1 && expected[expected.length - 1] === 1) return [...shape, 1];
  if (shape.length === expected.length + 1 && shape[shape.length - 1] === 1) return shape.slice(0, -1);
  return shape;
}

/**
 * Whether data of `shape` (rank already adjusted) fits an Input of shape `expected` as Keras's
 * functional input spec checks it (allow_last_axis_squeeze): a trailing axis of 1 is dropped from
 * both, then the axes they share must agree where both are known. So an Input [None, 1] takes
 * [N, T, 80] (keras.io's MelGAN generator fed spectrograms in inference); [None, 4] refuses [N, 5].
 */
export function fitsInputShape(shape: readonly number[], expected: readonly (number | null)[]): boolean {
  const given = shape.length > 0 && shape[shape.length - 1] === 1 ? shape.slice(0, -1) : shape;
  const wanted = expected.length > 0 && expected[expected.length - 1] === 1 ? expected.slice(0, -1) : expected;
  return wanted.every((d, j) => j >= given.length || d === null || d === given[j]);
}

/** `value` reshaped as rankAdjustedShape says (the same tensor when its rank already fits). */
export function adjustInputRank(value: Tensor, expected: readonly (number | null)[]): Tensor {
  const shape = rankAdjustedShape(value.shape, expected);
  return shape === value.shape ? value : value.reshape(shape);
}

/** Tensors (or symbolic tensors) by key: a functional model's inputs or outputs given as a record. */
export type Structured<T> = T | T[] | { [key: string]: T };

/**
 * The layers between `inputs` and `outputs` as Keras 3's map_graph orders a functional model's
 * operations (its `model.layers`, and the order of its weight file). A depth-first walk from the
 * outputs (each call's inputs in order, stopping at declared inputs that no Input layer made)
 * numbers the layers as it first meets them and lists the calls as it finishes them; the calls in
 * reverse then give each call and layer its depth (a call is one deeper than the deepest call of
 * its outputs, and a layer called several times as deep as its deepest call); layers come deepest
 * first, then in the walk's order. An Input that no output uses comes at depth 0, first there.
 */
function kerasOrder(inputs: readonly SymbolicTensor[], outputs: readonly SymbolicTensor[]): Layer[] {
  const declared = new Set(inputs);
  const traversal = new Map<Layer, number>();
  const finished = new Set<Node>();
  const calls: Node[] = [];
  const walk = (tensor: SymbolicTensor) => {
    const node = tensor.node;
    if (finished.has(node)) return;
    if (declared.has(tensor) && node.inputs.length > 0) {
      finished.add(node);
      return;
    }
    if (!traversal.has(node.layer)) traversal.set(node.layer, traversal.size);
    for (const input of node.inputs) walk(input);
    finished.add(node);
    calls.push(node);
  };
  for (const output of outputs) walk(output);
  const callDepth = new Map<Node, number>();
  const layerDepth = new Map<Layer, number>();
  for (const node of calls.reverse()) {
    const depth = Math.max(callDepth.get(node) ?? 0, layerDepth.get(node.layer) ?? 0);
    callDepth.set(node, depth);
    layerDepth.set(node.layer, depth);
    for (const input of node.inputs) callDepth.set(input.node, Math.max(depth + 1, callDepth.get(input.node) ?? 0));
  }
  for (const input of inputs) {
    if (input.node.inputs.length > 0 || layerDepth.has(input.node.layer)) continue;
    layerDepth.set(input.node.layer, 0);
    traversal.set(input.node.layer, -1);
  }
  const rank = (layer: Layer): [number, number] => [-layerDepth.get(layer)!, traversal.get(layer)!];
  return [...layerDepth.keys()].sort((a, b) => {
    const [ra, rb] = [rank(a), rank(b)];
    return ra[0] - rb[0] || ra[1] - rb[1];
  });
}

/** A record of tensors, as a functional model built from records takes and returns. */
export type TensorRecord = { [key: string]: Tensor };
/** A record of symbolic tensors, as `new Model({ inputs, outputs })` takes them. */
export type SymbolicRecord = { [key: string]: SymbolicTensor };

/** How inputs or outputs were given: one tensor, a list, or a record (its keys, in the order given). */
export type Structure = 'single' | 'list' | readonly string[];

export function structureOf(value: Structured<unknown>): Structure {
  return Array.isArray(value) ? 'list' : isRecord(value) ? Object.keys(value) : 'single';
}

/** The keys of a record in the order its values are flattened (sorted, as Keras's tree.flatten). */
export function flatKeys(keys: readonly string[]): string[] {
  return [...keys].sort();
}

/** One tensor, a list, or a record's values in sorted key order, as a list. */
export function flattenStructure<T>(value: Structured<T>): T[] {
  if (Array.isArray(value)) return value;
  if (isRecord(value)) return flatKeys(Object.keys(value)).map((k) => (value as Record<string, T>)[k]);
  return [value as T];
}

/** The inverse of flattenStructure: `flat` (in flattened order) in the structure given. */
export function packStructure<T>(flat: readonly T[], structure: Structure): Structured<T> {
  if (structure === 'single') return flat[0];
  if (structure === 'list') return [...flat];
  const order = flatKeys(structure);
  return Object.fromEntries(structure.map((key) => [key, flat[order.indexOf(key)]]));
}
