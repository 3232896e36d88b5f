// Saving and loading models: `model.save(target)` / `loadModel(source)` and the weights-only
// `saveWeights` / `loadWeights`. A saved model is two artifacts, moved by a handler (handlers.ts):
//
//   model JSON   { format: 'webgpu-keras', formatVersion: 1, modelTopology, compileConfig,
//                  weightsFile, weights: [{ name, shape, dtype }], optimizerState }
//   weights      safetensors: every model weight by its path ('dense/kernel'), then, when the
//                optimizer is saved, 'optimizer/iterations' (int32 scalar) and its slots.
//
// Loading checks everything it reads (format, topology, weight count, names, shapes and dtypes)
// before it changes a weight, and rebuilds only registered classes.

import { currentGpu, getBackend } from '../backend/engine';
import { formatShape, sizeOf, type DType } from '../backend/types';
import type { Variable } from '../autograd/variable';
import { Model } from '../models/model';
import { tensor } from '../tensor/creation';
import { dispose } from '../tensor/memory';
import type { Optimizer } from '../optimizers/optimizer';
import type { Tensor } from '../tensor/tensor';
import { resolveHandler, type IOTarget, type ModelInfo } from './handlers';
import { decodeSafetensors, encodeSafetensors, type SafetensorsEntry } from './safetensors';
import { checkClassNames, deserializeCompileConfig, deserializeLayer, releaseLayer, serializeCompileConfig, serializeLayer, type CompileJSON, type CustomObjects, type LayerJSON } from './topology';
import { scopedCustomObjects, withCustomObjects } from './object_registration';
import { checkOptionNames } from '../ops/validate';

const FORMAT = 'webgpu-keras';
const FORMAT_VERSION = 1;
const DEFAULT_WEIGHTS_FILE = 'model.safetensors';

/** One weight as the model JSON lists it; `name` is its tensor in the safetensors file. */
export interface WeightSpec {
  name: string;
  shape: number[];
  dtype: DType;
}

/** The optimizer's state: its step count and slots, tied to the model weights they belong to. */
export interface OptimizerStateJSON {
  /** The safetensors tensor holding the step count (int32 scalar). */
  iterations: string;
  /** Indices into `weights` of the variables with slots, in the optimizer's order. */
  variables: number[];
  /** The slot tensors in the order of `optimizer.variables`. */
  slots: string[];
}

/** The model JSON file. */
export interface ModelJSON {
  format: typeof FORMAT;
  formatVersion: number;
  /** null in a weights-only file. */
  modelTopology: LayerJSON | null;
  compileConfig: CompileJSON | null;
  weightsFile: string;
  weights: WeightSpec[];
  optimizerState: OptimizerStateJSON | null;
  /** The epoch a resumed fit starts at (backups of BackupAndRestore only). */
  epoch?: number;
}

export interface SaveOptions {
  /** Save the optimizer's state (step count and slots) so training resumes exactly (default true). */
  includeOptimizer?: boolean;
}

export interface LoadOptions {
  /** Compile the model with the saved compile config and restore the optimizer state (default true). */
  compile?: boolean;
  /**
   * Custom classes and functions the file names (layers, initializers, regularizers, constraints,
   * activations, losses, metrics, optimizers), by name; those registered with
   * `registerKerasSerializable` need not be listed.
   */
  customObjects?: CustomObjects;
}

export interface LoadWeightsOptions {
  /**
   * Leave the model's weights whose shape or dtype differs from the file's as they are, with a
   * warning, instead of throwing (Keras's skip_mismatch): fine-tuning a model whose head changed.
   * The weights are still paired in order, so the file must hold as many as the model.
   */
  skipMismatch?: boolean;
}

/** @internal Implements `model.save`. */
export async function saveModel(model: Model, target: IOTarget, { includeOptimizer = true }: SaveOptions = {}): Promise<ModelInfo> {
  checkModel(model, 'save', false);
  const handler = resolveHandler(target, 'save');
  const topology = serializeLayer(model);
  const compileConfig = serializeCompileConfig(model);
  const weights = model.weights;
  const { specs, entries } = await weightEntries(weights);
  let optimizerState: OptimizerStateJSON | null = null;
  if (includeOptimizer && compileConfig) {
    const state = await optimizerEntries(model, weights);
    optimizerState = state.json;
    entries.push(...state.entries);
  }
  const json: ModelJSON = { format: FORMAT, formatVersion: FORMAT_VERSION, modelTopology: topology, compileConfig, weightsFile: DEFAULT_WEIGHTS_FILE, weights: specs, optimizerState };
  return handler.save!({ modelJson: JSON.stringify(json), weights: encodeSafetensors(entries, { generated_by: FORMAT }) });
}

/** @internal Implements `model.saveWeights`. */
export async function saveWeights(model: Model, target: IOTarget): Promise<ModelInfo> {
  checkModel(model, 'saveWeights');
  const handler = resolveHandler(target, 'save');
  const { specs, entries } = await weightEntries(model.weights);
  const json: ModelJSON = { format: FORMAT, formatVersion: FORMAT_VERSION, modelTopology: null, compileConfig: null, weightsFile: DEFAULT_WEIGHTS_FILE, weights: specs, optimizerState: null };
  return handler.save!({ modelJson: JSON.stringify(json), weights: encodeSafetensors(entries, { generated_by: FORMAT }) });
}

/**
 * Loads a model saved by `model.save`: rebuilds it from its topology (registered classes only),
 * sets its weights, and (unless `compile: false`) compiles it as it was and restores the
 * optimizer state, so that `fit` continues exactly where it stopped.
 *
 * @example
 * const model = await loadModel('indexeddb://my-model');
 * const model2 = await loadModel('https://example.com/models/mnist/model.json');
 * const model3 = await loadModel('./checkpoints/run1', { customObjects: { focal } });   // Node
 */
export async function loadModel(source: IOTarget, { compile = true, customObjects: given = {} }: LoadOptions = {}): Promise<Model> {
  // The caller's customObjectScope, kept for the whole load (it reads the scope after its first await).
  const customObjects = scopedCustomObjects(given);
  // A model saved by Keras 3 in Python.
  if (typeof source === 'string' && /\.keras$/i.test(source)) {
    const { loadKerasModel } = await import('./keras_model');
    return loadKerasModel(source, { compile, customObjects });
  }
  if (typeof source === 'string' && /\.weights\.h5$/i.test(source)) {
    throw new Error(`loadModel: '${source}' holds Keras 3 weights only; build the model here and call model.loadWeights('${source}'), or load the whole model from a '.keras' file.`);
  }
  const handler = resolveHandler(source, 'load');
  const artifacts = await handler.load!();
  const json = parseModelJson(artifacts.modelJson);
  if (!json.modelTopology) throw new Error('loadModel: this file holds weights only (saved by saveWeights); build the model in code and call model.loadWeights(source).');
  const tensors = decodeWeights(artifacts.weights, json);
  const topology = json.modelTopology;
  const layer = withCustomObjects(customObjects, () => {
    checkClassNames(topology);
    return deserializeLayer(topology);
  });
  if (!(layer instanceof Model)) {
    releaseLayer(layer);
    throw new Error(`loadModel: the topology describes a ${json.modelTopology.class_name} layer, not a model.`);
  }
  const model = layer;
  try {
    const weights = model.weights;
    checkWeights(weights, json.weights, 'loadModel');
    const compileArgs = compile && json.compileConfig ? deserializeCompileConfig(json.compileConfig, customObjects) : null;
    if (compileArgs && json.optimizerState) checkOptimizerState(json, weights, tensors, compileArgs.optimizer as Optimizer);
    assignWeights(model, json.weights, tensors);
    if (compileArgs) {
      model.compile(compileArgs);
      if (json.optimizerState) await restoreOptimizer(model, weights, json.optimizerState, tensors);
    }
  } catch (e) {
    // A model that failed to load is unreachable for the caller: free its GPU memory now.
    if (model.optimizer) model.optimizer.dispose();
    releaseLayer(model);
    throw e;
  }
  return model;
}

/** @internal Implements `model.loadWeights`. */
export async function loadWeights(model: Model, source: IOTarget, options: LoadWeightsOptions = {}): Promise<void> {
  checkOptionNames('loadWeights', options, LOAD_WEIGHTS_OPTIONS);
  const { skipMismatch = false } = options;
  checkModel(model, 'loadWeights');
  const handler = resolveHandler(source, 'load');
  const artifacts = await handler.load!();
  const json = parseModelJson(artifacts.modelJson);
  const tensors = decodeWeights(artifacts.weights, json);
  const weights = model.weights;
  if (!skipMismatch) {
    checkWeights(weights, json.weights, 'loadWeights');
    assignWeights(model, json.weights, tensors);
    return;
  }
  checkWeightCount(weights, json.weights, 'loadWeights');
  const matching = json.weights.map((spec, i) => sameShape(weights[i], spec));
  json.weights.forEach((spec, i) => {
    if (!matching[i]) console.warn(`loadWeights: skipping weight ${i} ('${weights[i].name}'): it is ${weights[i].dtype} ${formatShape(weights[i].shape)} in the model but the file's '${spec.name}' is ${spec.dtype} ${formatShape(spec.shape)}.`);
  });
  assignWeights(model, json.weights, tensors, matching);
}

const LOAD_WEIGHTS_OPTIONS: Record<keyof LoadWeightsOptions, true> = { skipMismatch: true };

/** @internal BackupAndRestore's save: the model, its optimizer state and the next epoch to run, in one file. */
export async function saveBackup(model: Model, target: IOTarget, epoch: number): Promise<ModelInfo> {
  checkModel(model, 'BackupAndRestore');
  const handler = resolveHandler(target, 'save');
  const weights = model.weights;
  const { specs, entries } = await weightEntries(weights);
  const state = model.optimizer ? await optimizerEntries(model, weights) : null;
  if (state) entries.push(...state.entries);
  const json: ModelJSON = { format: FORMAT, formatVersion: FORMAT_VERSION, modelTopology: null, compileConfig: null, weightsFile: DEFAULT_WEIGHTS_FILE, weights: specs, optimizerState: state?.json ?? null, epoch };
  return handler.save!({ modelJson: JSON.stringify(json), weights: encodeSafetensors(entries, { generated_by: FORMAT }) });
}

/**
 * @internal BackupAndRestore's restore: sets the weights and the optimizer state saved by
 * saveBackup and returns the epoch to resume from, or null when `source` holds no backup.
 */
export async function restoreBackup(model: Model, source: IOTarget): Promise<number | null> {
  checkModel(model, 'BackupAndRestore');
  let artifacts: { modelJson: string; weights: Uint8Array };
  try {
    artifacts = await resolveHandler(source, 'load').load!();
  } catch {
    return null; // Nothing saved there yet: a fresh run.
  }
  const json = parseModelJson(artifacts.modelJson);
  if (!Number.isInteger(json.epoch) || json.epoch! < 0) throw new Error('BackupAndRestore: the backup has no epoch; it was not written by BackupAndRestore (use a backupDir of its own).');
  const tensors = decodeWeights(artifacts.weights, json);
  const weights = model.weights;
  checkWeights(weights, json.weights, 'BackupAndRestore');
  if (json.optimizerState) checkOptimizerState(json, weights, tensors, model.optimizer);
  assignWeights(model, json.weights, tensors);
  if (json.optimizerState) await restoreOptimizer(model, weights, json.optimizerState, tensors);
  return json.epoch!;
}

/**
 * A model to save or load: built, or, for its weights alone, holding weights (a subclassed model
 * whose custom trainStep runs only its sub-models never runs its own call; Keras builds a model
 * without a build() at construction).
 */
function checkModel(model: Model, op: string, weightsOnly = true): void {
  if (!(model instanceof Model)) throw new Error(`${op}: expected a Model, got ${model === null ? 'null' : typeof model}.`);
  if (!model.built && (!weightsOnly || model.weights.length === 0)) throw new Error(`${op}: model '${model.name}' is not built yet, so it has no weights; call it on data, fit it, or give its first layer an inputShape.`);
}

/** The weights as safetensors entries, named by their paths (made unique), read back in one go. */
async function weightEntries(weights: Variable[]): Promise<{ specs: WeightSpec[]; entries: SafetensorsEntry[] }> {
  const values = await Promise.all(weights.map((w) => w.data()));
  const used = new Set<string>();
  const specs = weights.map((w) => {
    let name = w.name;
    for (let k = 1; used.has(name); k++) name = `${w.name}_${k}`;
    used.add(name);
    return { name, shape: [...w.shape], dtype: w.dtype };
  });
  const entries = specs.map((s, i) => ({ name: s.name, dtype: s.dtype === 'int32' ? ('I32' as const) : ('F32' as const), shape: s.shape, data: values[i] }));
  return { specs, entries };
}

/** The optimizer's step count and slots, each slot tied to the model weight it belongs to. */
async function optimizerEntries(model: Model, weights: Variable[]): Promise<{ json: OptimizerStateJSON; entries: SafetensorsEntry[] }> {
  const optimizer = model.optimizer;
  // A slot is named `${variable.name}_${slotName}`; getSlot confirms which variable owns it.
  const owners = optimizer.variables.map((slot) => {
    const index = weights.findIndex((w) => slot.name.startsWith(`${w.name}_`) && optimizer.getSlot(w, slot.name.slice(w.name.length + 1)) === slot);
    if (index === -1) {
      throw new Error(`save: optimizer slot '${slot.name}' belongs to a variable outside the model's weights (a custom trainStep?); save with { includeOptimizer: false }.`);
    }
    return index;
  });
  // The variables in the order the optimizer first saw them: build(variables) in this order
  // lays the state out again as getWeights gives it (the slots need not match their variable's
  // shape, nor be as many for every variable: Adafactor's factored moments, Muon's, a MultiOptimizer's).
  const variables = [...new Set(owners)];
  const [iterations, ...state] = optimizer.getWeights();
  try {
    const values = await Promise.all(state.map((t) => t.data()));
    const entries: SafetensorsEntry[] = [{ name: 'optimizer/iterations', dtype: 'I32', shape: [], data: Int32Array.from(await iterations.data()) }];
    const names = state.map((t, i) => {
      const name = `optimizer/state/${i}`;
      entries.push({ name, dtype: t.dtype === 'int32' ? 'I32' : 'F32', shape: [...t.shape], data: values[i] });
      return name;
    });
    return { json: { iterations: 'optimizer/iterations', variables, slots: names }, entries };
  } finally {
    dispose([iterations, ...state]);
  }
}

function parseModelJson(text: string): ModelJSON {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    throw new Error(`Invalid model JSON: it does not parse (${(e as Error).message}); truncated or not a model file?`);
  }
  const j = json as Partial<ModelJSON>;
  if (json === null || typeof json !== 'object' || j.format !== FORMAT) throw new Error(`Invalid model JSON: expected { "format": "${FORMAT}", ... }; this is not a file saved by webgpu-keras.`);
  if (j.formatVersion !== FORMAT_VERSION) throw new Error(`Invalid model JSON: formatVersion ${String(j.formatVersion)} is not supported (this version reads ${FORMAT_VERSION}).`);
  if (!Array.isArray(j.weights)) throw new Error('Invalid model JSON: `weights` must list the weights ({ name, shape, dtype }).');
  j.weights.forEach((w, i) => {
    if (w === null || typeof w !== 'object' || typeof w.name !== 'string' || !Array.isArray(w.shape) || (w.dtype !== 'float32' && w.dtype !== 'int32')) {
      throw new Error(`Invalid model JSON: weights[${i}] must be { name, shape, dtype: 'float32' | 'int32' }, got ${JSON.stringify(w)}.`);
    }
  });
  return j as ModelJSON;
}

/** Decodes the safetensors bytes (checked against the device's buffer limit) and indexes them by name. */
function decodeWeights(bytes: Uint8Array, json: ModelJSON): Map<string, SafetensorsEntry> {
  const gpu = getBackend() === 'webgpu' ? currentGpu() : null;
  const maxTensorBytes = gpu && !gpu.isLost ? gpu.limits.maxBufferSize : undefined;
  const { tensors } = decodeSafetensors(bytes, { maxTensorBytes, source: `weights file '${json.weightsFile}'` });
  const byName = new Map(tensors.map((t) => [t.name, t]));
  const listed = new Set<string>(json.weights.map((w) => w.name));
  if (json.optimizerState) for (const name of [json.optimizerState.iterations, ...json.optimizerState.slots]) listed.add(name);
  for (const name of listed) if (!byName.has(name)) throw new Error(`Invalid weights file '${json.weightsFile}': it lacks the tensor '${name}' that the model JSON lists.`);
  const extra = tensors.filter((t) => !listed.has(t.name)).map((t) => t.name);
  if (extra.length > 0) throw new Error(`Invalid weights file '${json.weightsFile}': it holds tensors the model JSON does not list: ${extra.slice(0, 5).join(', ')}${extra.length > 5 ? ', ...' : ''}.`);
  for (const w of json.weights) {
    const t = byName.get(w.name)!;
    if (formatShape(t.shape) !== formatShape(w.shape) || (t.dtype === 'I32') !== (w.dtype === 'int32')) {
      throw new Error(`Invalid weights file '${json.weightsFile}': tensor '${w.name}' is ${t.dtype} ${formatShape(t.shape)} but the model JSON lists ${w.dtype} ${formatShape(w.shape)}.`);
    }
  }
  return byName;
}

/** The model's weights against the file's list: same count, shapes and dtypes. */
function checkWeights(weights: Variable[], specs: WeightSpec[], op: string): void {
  checkWeightCount(weights, specs, op);
  weights.forEach((w, i) => {
    const spec = specs[i];
    if (!sameShape(w, spec)) {
      throw new Error(`${op}: weight ${i} ('${w.name}') is ${w.dtype} ${formatShape(w.shape)} in the model but the file's '${spec.name}' is ${spec.dtype} ${formatShape(spec.shape)}.`);
    }
  });
}

function checkWeightCount(weights: Variable[], specs: WeightSpec[], op: string): void {
  if (weights.length !== specs.length) {
    const show = (list: Array<{ name: string; shape: readonly number[] }>) => list.map((w) => `${w.name} ${formatShape(w.shape)}`).join(', ') || 'none';
    throw new Error(`${op}: the file holds ${specs.length} weights (${show(specs)}) but the model has ${weights.length} (${show(weights)}); the architectures differ.`);
  }
}

function sameShape(weight: Variable, spec: WeightSpec): boolean {
  return formatShape(weight.shape) === formatShape(spec.shape) && weight.dtype === spec.dtype;
}

/**
 * Checks the saved optimizer state against what `optimizer` keeps for those variables (it builds
 * their slots, as restoring will): as many tensors, of the same shapes, before anything is assigned.
 */
function checkOptimizerState(json: ModelJSON, weights: Variable[], tensors: Map<string, SafetensorsEntry>, optimizer: Optimizer): void {
  const state = json.optimizerState!;
  if (!Array.isArray(state.variables) || !Array.isArray(state.slots) || typeof state.iterations !== 'string') {
    throw new Error('Invalid model JSON: optimizerState must be { iterations, variables, slots }.');
  }
  for (const index of state.variables) {
    if (!Number.isInteger(index) || index < 0 || index >= weights.length) throw new Error(`Invalid model JSON: optimizerState refers to weight ${index}, but the model has ${weights.length}.`);
  }
  const iterations = tensors.get(state.iterations)!;
  if (iterations.dtype !== 'I32' || iterations.data.length !== 1) throw new Error(`Invalid weights file '${json.weightsFile}': '${state.iterations}' must be an int32 scalar.`);
  optimizer.build(state.variables.map((i) => weights[i]));
  const [count, ...expected] = optimizer.getWeights();
  try {
    if (expected.length !== state.slots.length) {
      throw new Error(`loadModel: the saved optimizer state has ${state.slots.length} tensors after its step count but ${optimizer.className} keeps ${expected.length} for these variables; was the optimizer config changed?`);
    }
    state.slots.forEach((name, i) => {
      const saved = tensors.get(name)!;
      if (formatShape(saved.shape) !== formatShape(expected[i].shape)) {
        throw new Error(`Invalid weights file '${json.weightsFile}': optimizer state '${name}' has shape ${formatShape(saved.shape)}, but ${optimizer.className} keeps shape ${formatShape(expected[i].shape)} there.`);
      }
    });
  } finally {
    dispose([count, ...expected]);
  }
}

/** Sets the model's weights from the file's tensors; with `only`, just the weights it marks (the others keep their values). */
function assignWeights(model: Model, specs: WeightSpec[], tensors: Map<string, SafetensorsEntry>, only?: boolean[]): void {
  if (only) {
    const weights = model.weights;
    specs.forEach((spec, i) => {
      if (!only[i]) return;
      const value = upload(tensors.get(spec.name)!);
      weights[i].assign(value);
      value.dispose();
    });
    return;
  }
  const values = specs.map((s) => upload(tensors.get(s.name)!));
  try {
    model.setWeights(values);
  } finally {
    for (const v of values) v.dispose();
  }
}

/** Sets the optimizer's step count and state (checked by checkOptimizerState). */
async function restoreOptimizer(model: Model, weights: Variable[], state: OptimizerStateJSON, tensors: Map<string, SafetensorsEntry>): Promise<void> {
  model.optimizer.build(state.variables.map((i) => weights[i]));
  const values = [upload(tensors.get(state.iterations)!), ...state.slots.map((name) => upload(tensors.get(name)!))];
  try {
    await model.optimizer.setWeights(values);
  } finally {
    for (const v of values) v.dispose();
  }
}

function upload(entry: SafetensorsEntry): Tensor {
  if (sizeOf(entry.shape) !== entry.data.length) throw new Error(`Invalid weights: '${entry.name}' holds ${entry.data.length} values for shape ${formatShape(entry.shape)}.`);
  return tensor(entry.data, entry.shape, entry.dtype === 'I32' ? 'int32' : 'float32');
}
