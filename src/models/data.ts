// Turning what users pass to fit/evaluate/predict (tensors, arrays of tensors for several inputs,
// records of them by input or output name, typed or nested arrays) into tensors, with the checks that must happen before any GPU work;
// sample weights from Keras's sampleWeight and classWeight options; and slicing batches out of
// them on the device.

import { currentGpu } from '../backend/engine';
import { formatShape } from '../backend/types';
import { tensor, type TensorValues } from '../tensor/creation';
import { Tensor } from '../tensor/tensor';
import { concat, gather, slice } from '../ops/shape';
import { add, cast, greaterEqual, isFinite, logicalNot, round, where } from '../ops/elementwise';
import { ones } from '../ops/creation';
import { argMax } from '../ops/reduce';
import { tidy } from '../tensor/memory';
import { isRecord } from '../tensor/records';
import { nestedTensorLeaves } from './step_data';

export type DataInput = Tensor | Tensor[] | TensorValues | DataRecord;

/**
 * Data by the name of a functional model's input or output layer, as Keras's dicts:
 * `fit({ image: images, meta: features }, { label: labels })` for `Input({ name: 'image' })`, ...
 */
export type DataRecord = { [name: string]: Tensor | TensorValues };

/** The names a DataRecord may use for x (the model's input layers) and y (its output layers); null where the model has none. */
export interface DataNames {
  inputs: string[] | null;
  outputs: string[] | null;
  /** A model without named inputs (subclassed) takes a record x as it is: its call receives the record. */
  takesInputRecord: boolean;
}

export interface Dataset {
  /** One tensor per model input (x) or output (y). */
  tensors: Tensor[];
  /** Tensors converted from arrays here; disposed by `release`. */
  owned: Tensor[];
  /** The record's keys, one per tensor, when a model without named inputs (subclassed) was given a record: its call receives the record. */
  keys?: string[];
}

/**
 * Converts x or y into a list of tensors. A record is ordered by `names` (the model's input or
 * output names, `kind` saying which); with `keepRecord` (x of a subclassed model) in its own
 * order, its keys kept for the model's call to receive the record (as Keras passes a dict through
 * to call); otherwise, without names, it is an error.
 */
export function toDataset(data: DataInput, role: string, op: string, names: string[] | null = null, kind = 'inputs', keepRecord = false): Dataset {
  if (data === undefined || data === null) throw new Error(`${op}: ${role} is missing.`);
  if (isRecord(data)) {
    const record = data as DataRecord;
    if (keepRecord) return { ...namedEntries(record, Object.keys(record), role, op), keys: Object.keys(record) };
    return recordDataset(record, role, op, names, kind);
  }
  if (data instanceof Tensor) return { tensors: [checkAlive(data, role, op)], owned: [] };
  if (Array.isArray(data) && data.length > 0 && data.every((d) => d instanceof Tensor)) {
    return { tensors: (data as Tensor[]).map((t) => checkAlive(t, role, op)), owned: [] };
  }
  if (nestedTensorLeaves(data)) {
    throw new Error(`${op}: ${role} nests lists or records of tensors, which only a custom trainStep or testStep takes (it receives the batch as yielded, as Keras's train_step does); the model's own step takes a tensor, a list of tensors, or a record of them.`);
  }
  if (holdsStrings(data)) {
    throw new Error(`${op}: ${role} holds strings (${JSON.stringify(data).slice(0, 60)}), but tensors hold numbers only, so a model cannot take text. String preprocessing layers (TextVectorization, StringLookup, Hashing) run on the host: apply them to the strings first and pass the model their tensor, as \`model.${op}(vectorizer.apply(texts))\`, with those layers kept out of the model.`);
  }
  let converted: Tensor;
  try {
    converted = tensor(data as TensorValues);
  } catch (e) {
    throw new Error(`${op}: ${role} could not be converted to a tensor: ${(e as Error).message}`);
  }
  return { tensors: [converted], owned: [converted] };
}

/** Whether nested arrays hold a string (text that must be preprocessed on the host). */
function holdsStrings(data: unknown): boolean {
  return typeof data === 'string' || (Array.isArray(data) && data.some(holdsStrings));
}

/** A record's entries in the order of `names`, each converted as a single tensor. */
function recordDataset(record: DataRecord, role: string, op: string, names: string[] | null, kind: string): Dataset {
  const keys = Object.keys(record).map((k) => `'${k}'`).join(', ');
  if (!names) {
    throw new Error(`${op}: ${role} is a record (${keys}), but this model has no named ${kind} (only a functional or Sequential model does); give a tensor, a list of tensors, or nested arrays.`);
  }
  const expected = names.map((n) => `'${n}'`).join(', ');
  const unknown = Object.keys(record).filter((k) => !names.includes(k));
  if (unknown.length > 0) throw new Error(`${op}: ${role} names ${unknown.map((k) => `'${k}'`).join(', ')}, but the model's ${kind} are ${expected}.`);
  const missing = names.filter((n) => !(n in record));
  if (missing.length > 0) throw new Error(`${op}: ${role} has no entry for ${missing.map((n) => `'${n}'`).join(', ')}; the model's ${kind} are ${expected} (got ${keys}).`);
  return namedEntries(record, names, role, op);
}

/** The record's entries `names`, in that order, each converted as a single tensor. */
function namedEntries(record: DataRecord, names: string[], role: string, op: string): Dataset {
  if (names.length === 0) throw new Error(`${op}: ${role} is an empty record; give at least one named entry.`);
  const parts: Dataset[] = [];
  try {
    for (const name of names) {
      const value = record[name];
      if (Array.isArray(value) && value.length > 0 && value.every((v) => v instanceof Tensor)) {
        throw new Error(`${op}: ${role}['${name}'] is a list of tensors; each named entry is one tensor.`);
      }
      parts.push(toDataset(value, `${role}['${name}']`, op));
    }
  } catch (e) {
    parts.forEach(release);
    throw e;
  }
  return { tensors: parts.map((p) => p.tensors[0]), owned: parts.flatMap((p) => p.owned) };
}

/** Number of samples shared by all tensors (their first dimension); throws when they disagree or hold none. */
export function sampleCount(op: string, parts: Array<[string, Tensor[]]>): number {
  let count: number | null = null;
  let first = '';
  for (const [role, tensors] of parts) {
    tensors.forEach((t, i) => {
      const name = tensors.length > 1 ? `${role}[${i}]` : role;
      if (t.rank === 0) throw new Error(`${op}: ${name} is a scalar; expected a batch of samples along the first dimension.`);
      if (count === null) {
        count = t.shape[0];
        first = name;
      } else if (t.shape[0] !== count) {
        throw new Error(`${op}: ${first} has ${count} samples but ${name} has ${t.shape[0]} (shapes ${formatShape(t.shape)}); they must share the first dimension.`);
      }
    });
  }
  if (!count) throw new Error(`${op}: the data is empty (0 samples).`);
  return count;
}

/**
 * Throws when a float tensor holds NaN or infinite values, naming the first bad sample. One
 * reduction per tensor on the device and one readback for all of them; nothing else runs first.
 */
export async function checkFinite(op: string, parts: Array<[string, Tensor[]]>): Promise<void> {
  const checks = parts
    .flatMap(([role, tensors]) => tensors.map((t, i) => ({ name: tensors.length > 1 ? `${role}[${i}]` : role, t })))
    .filter(({ t }) => t.dtype === 'float32' && t.size > 0);
  if (checks.length === 0) return;
  // Per tensor: the count of bad values and the flat index of the first, read back together.
  const summary = tidy(() =>
    concat(
      checks.flatMap(({ t }) => {
        const bad = logicalNot(isFinite(t.reshape([-1])));
        return [bad.sum().reshape([1]), argMax(bad).reshape([1])];
      }),
      0,
    ),
  );
  let flat: ArrayLike<number>;
  try {
    flat = await summary.data();
  } finally {
    summary.dispose();
  }
  const values = checks.map((_, k) => [flat[2 * k], flat[2 * k + 1]] as [number, number]);
  values.forEach(([count, first], k) => {
    if (count === 0) return;
    const { name, t } = checks[k];
    const rowSize = t.size / t.shape[0];
    throw new Error(
      `${op}: ${name} holds ${count} NaN or infinite value(s); the first is in sample ${Math.floor(first / rowSize)} (flat index ${first} of shape ${formatShape(t.shape)}). ` +
        'Remove or replace them (e.g. impute missing values) before training.',
    );
  });
}

export function checkBatchSize(op: string, batchSize: number): void {
  if (!Number.isInteger(batchSize) || batchSize <= 0) throw new Error(`${op}: batchSize must be a positive integer, got ${batchSize}.`);
}

/** The largest class index classWeight may name for integer labels (its table holds a float per class). */
const MAX_CLASS_WEIGHT_INDEX = 1 << 20;

/** A class index and its weight, from Keras's `classWeight` option. */
export type ClassWeightEntry = [classIndex: number, weight: number];

/**
 * Checks the sampleWeight and classWeight options before any GPU work (both at once is an error,
 * as in Keras; classWeight needs one target of shape [samples] or [samples, classes]) and returns
 * classWeight's entries (null without it).
 */
function checkWeighting(op: string, y: Tensor[], sampleWeight: DataInput | undefined, classWeight: Record<number, number> | undefined): ClassWeightEntry[] | null {
  if (sampleWeight !== undefined && classWeight !== undefined) {
    throw new Error(`${op}: give sampleWeight or classWeight, not both (as in Keras); multiply the class weights into the sample weights instead.`);
  }
  if (classWeight === undefined) return null;
  if (classWeight === null || typeof classWeight !== 'object' || Array.isArray(classWeight)) {
    throw new Error(`${op}: classWeight must be an object mapping class indices to weights, such as { 0: 1, 1: 5 }.`);
  }
  if (y.length !== 1) throw new Error(`${op}: classWeight is only supported for models with a single output; this data has ${y.length} targets (use sampleWeight).`);
  if (y[0].rank > 2) throw new Error(`${op}: classWeight needs targets of shape [samples] or [samples, classes], got ${formatShape(y[0].shape)} (use sampleWeight).`);
  // One-hot or probability rows name their classes (a key past them never matches, as in Keras);
  // integer labels get a generous bound, since the table holds one float per class.
  const rowClasses = y[0].rank === 2 && y[0].shape[1] !== 1 ? y[0].shape[1] : null;
  const entries = Object.entries(classWeight).map(([key, weight]): ClassWeightEntry => {
    const index = Number(key);
    if (!Number.isInteger(index) || index < 0) throw new Error(`${op}: classWeight keys must be class indices (integers >= 0), got '${key}'.`);
    if (index > MAX_CLASS_WEIGHT_INDEX) throw new Error(`${op}: classWeight key ${key} is above the largest class index supported, ${MAX_CLASS_WEIGHT_INDEX}.`);
    if (typeof weight !== 'number' || !Number.isFinite(weight)) throw new Error(`${op}: classWeight[${key}] must be a finite number, got ${String(weight)}.`);
    return [index, weight];
  });
  return rowClasses === null ? entries : entries.filter(([index]) => index < rowClasses);
}

/** The sampleWeight option as a dataset of one tensor (one weight per sample, shared by every output). */
function toSampleWeights(sampleWeight: DataInput, op: string): Dataset {
  const weights = toDataset(sampleWeight, 'sampleWeight', op);
  if (weights.tensors.length !== 1) {
    release(weights);
    throw new Error(`${op}: sampleWeight must be one tensor (one weight per sample, shared by every output), got ${weights.tensors.length}.`);
  }
  return weights;
}

/**
 * Keras's `class_weight` as sample weights: each sample weighs the weight of its class, 1 when its
 * class is not listed. The class is the argmax of `labels`' last axis, or the label itself
 * (rounded) when a sample has one value (shape [n] or [n, 1]). Computed on the device: a table of
 * the listed weights gathered by class.
 */
export function classWeightsToSampleWeights(labels: Tensor, entries: ClassWeightEntry[]): Tensor {
  // The table holds weight - 1, so that a class past its end (gathered as 0) weighs 1.
  const table = new Float32Array(Math.max(0, ...entries.map(([index]) => index + 1)));
  for (const [index, weight] of entries) table[index] = weight - 1;
  return tidy(() => {
    const classes = labels.rank === 2 && labels.shape[1] !== 1 ? argMax(labels, -1) : cast(round(cast(labels.reshape([-1]), 'float32')), 'int32');
    if (table.length === 0) return ones(classes.shape);
    const weights = add(gather(tensor(table, [table.length]), classes), 1);
    // gather counts negative indices from the end; an unlisted negative class weighs 1.
    return where(greaterEqual(classes, 0), weights, 1);
  });
}

/** x, y and sample weights as lists of tensors, as the batches of data in memory are cut from them. */
export interface DataTensors {
  xs: Tensor[];
  ys: Tensor[];
  /** One tensor with sampleWeight, else none. */
  ws: Tensor[];
  /** x's record keys for a model that takes the record itself (see Dataset.keys), else null. */
  xKeys: string[] | null;
}

/** x, y and sample weights as lists of tensors, their shared sample count, and classWeight's entries. */
export interface StepDatasets extends DataTensors {
  classWeights: ClassWeightEntry[] | null;
  count: number;
}

/**
 * The x, y and weighting options of fit, evaluate or a batch method converted into `scope` and
 * checked before any GPU work beyond the conversion: the weighting options (checkWeighting, before
 * sampleWeight is uploaded) and a sample count shared by all. `prefix` names validation data. No
 * y (undefined) gives no targets, for models whose losses need none. `sharedCount` false counts x's
 * first tensor alone: a custom step's dataset batch, whose parts Keras lets differ in size (SimCLR
 * zips a large unlabeled batch with a small labeled one). 'whenInputsAgree' (a dataset batch for
 * the default step) checks the shared count only when x's tensors agree on one: inputs of different
 * sizes (the atoms and bonds of a batch of graphs) are no rows of samples, and the loss checks y
 * against the outputs.
 */
export function toStepDatasets(op: string, names: DataNames, scope: DataScope, x: DataInput, y: DataInput | undefined, sampleWeight?: DataInput, classWeight?: Record<number, number>, prefix = '', sharedCount: boolean | 'whenInputsAgree' = true): StepDatasets {
  const xDataset = toDataset(x, `${prefix}x`, op, names.inputs, 'inputs', names.takesInputRecord);
  const xs = scope.keep(xDataset);
  const ys = y === undefined ? [] : scope.keep(toDataset(y, `${prefix}y`, op, names.outputs, 'outputs'));
  const classWeights = checkWeighting(op, ys, sampleWeight, classWeight);
  const ws = sampleWeight === undefined ? [] : scope.keep(toSampleWeights(sampleWeight, op));
  const inputsAgree = new Set(xs.map((t) => t.shape[0])).size <= 1;
  const count = sharedCount === true || (sharedCount === 'whenInputsAgree' && inputsAgree) ? sampleCount(op, [[`${prefix}x`, xs], [`${prefix}y`, ys], [`${prefix}sampleWeight`, ws]]) : sampleCount(op, [[`${prefix}x`, xs.slice(0, 1)]]);
  return { xs, xKeys: xDataset.keys ?? null, ys, ws, classWeights, count };
}

/** Rows `indices` (an int32 tensor) of every tensor, gathered on the device. */
export function takeRows(tensors: Tensor[], indices: Tensor): Tensor[] {
  return tensors.map((t) => gather(t, indices, 0));
}

/** Rows [start, start + size) of every tensor. */
export function sliceRows(tensors: Tensor[], start: number, size: number): Tensor[] {
  return tensors.map((t) => slice(t, [start, ...t.shape.slice(1).map(() => 0)], [size, ...t.shape.slice(1)]));
}

export function release(dataset: Dataset): void {
  for (const t of dataset.owned) t.dispose();
}

/** The datasets of one fit, evaluate or batch call, released together when it ends. */
export class DataScope {
  private readonly datasets: Dataset[] = [];

  /** The dataset's tensors; what it converted is freed by `release`. */
  keep(dataset: Dataset): Tensor[] {
    this.datasets.push(dataset);
    return dataset.tensors;
  }

  /** Tensors made from the data (slices, weights), freed by `release`. */
  own(tensors: Tensor[]): void {
    this.datasets.push({ tensors, owned: tensors });
  }

  release(): void {
    this.datasets.forEach(release);
    this.datasets.length = 0;
  }
}

function checkAlive(t: Tensor, role: string, op: string): Tensor {
  if (t.isDisposed) throw new Error(`${op}: ${role} (shape ${formatShape(t.shape)}) was disposed.`);
  const gpu = t.storage.gpu;
  if (gpu && gpu !== currentGpu()) {
    throw new Error(`${op}: ${role} (shape ${formatShape(t.shape)}) belongs to a previous WebGPU device; init() was called again since it was created. Recreate the data on the current device (and reload the model from a checkpoint).`);
  }
  return t;
}
