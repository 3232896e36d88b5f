// What a training, test or prediction step receives and returns: the step's data built from a
// batch's tensors, and its logs (tensors until read back, as numbers, once per epoch or evaluation).

import type { Logs } from '../callbacks/callback';
import { formatShape } from '../backend/types';
import { Tensor } from '../tensor/tensor';
import { isRecord } from '../tensor/records';
import type { TensorRecord } from './functional';
import { Variable } from '../autograd/variable';

/**
 * What a step receives: [x, y] or [x, y, sampleWeight]; x and y are lists for several
 * inputs/outputs, and x is a record where a model without named inputs (subclassed) was given one.
 * A custom step's dataset batch whose x or y nests lists or records of tensors (Keras's zip of
 * zipped datasets) arrives as it was yielded: cast it to its structure.
 */
export type StepData = [Tensor | Tensor[] | TensorRecord, (Tensor | Tensor[])?, Tensor?];

/** Tensors nested in lists and records, as a custom step's dataset batch may hold them. */
export type NestedTensors = Tensor | NestedTensors[] | { [key: string]: NestedTensors };

/**
 * The tensors of `value` in order (depth first) when it nests lists or records of tensors, at least
 * one level below its top (a plain list or record of tensors is no nesting), and holds nothing
 * else; otherwise null.
 */
export function nestedTensorLeaves(value: unknown): Tensor[] | null {
  const children = Array.isArray(value) ? value : isRecord(value) ? Object.values(value) : null;
  if (!children || !children.some((c) => Array.isArray(c) || isRecord(c))) return null;
  const leaves: Tensor[] = [];
  const visit = (v: unknown): boolean => {
    if (v instanceof Tensor) return leaves.push(v) > 0;
    if (Array.isArray(v)) return v.length > 0 && v.every(visit);
    return isRecord(v) && Object.values(v).every(visit);
  };
  return visit(value) ? leaves : null;
}
export type StepLogs = Record<string, Tensor | number>;

/** A list of one tensor becomes the tensor (single-input models take a tensor, not a list). */
export function unlist(tensors: Tensor[]): Tensor | Tensor[] {
  return tensors.length === 1 ? tensors[0] : tensors;
}

/**
 * A step's data: [x, y], with the sample weights when there are any; y undefined without targets
 * (predict, or losses that need none); x a record of `xKeys` where given.
 */
export function stepData(x: Tensor[], y: Tensor[], weights: Tensor[], xKeys: string[] | null = null): StepData {
  const inputs = xKeys ? Object.fromEntries(xKeys.map((key, i) => [key, x[i]])) : unlist(x);
  const targets = y.length === 0 ? undefined : unlist(y);
  if (weights.length) return [inputs, targets, weights[0]];
  return targets ? [inputs, targets] : [inputs];
}

/** Reads step logs back as numbers (the reads share one GPU submission); a log of several values is an error. */
export async function readLogs(logs: StepLogs): Promise<Logs> {
  for (const [name, value] of Object.entries(logs)) {
    if (typeof value !== 'number' && value.size !== 1) {
      throw new Error(`Log '${name}' holds a tensor of shape ${formatShape(value.shape)}, but logs hold one number per name: return a scalar from trainStep or testStep (reduce it, or log each value under its own name).`);
    }
  }
  const out: Logs = {};
  const values = await Promise.all(Object.values(logs).map(async (v) => (typeof v === 'number' ? v : (await v.data())[0])));
  Object.keys(logs).forEach((k, i) => (out[k] = values[i]));
  return out;
}

/**
 * Frees the logs' tensors once read, but not Variables: a metric's `result()` may return its state
 * variable itself, as Keras metrics often do (`return this.truePositives`).
 */
export function disposeLogs(logs: StepLogs): void {
  for (const v of Object.values(logs)) if (typeof v !== 'number' && !(v instanceof Variable)) v.dispose();
}
