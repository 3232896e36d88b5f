// Loading a whole model saved by Keras 3 in Python (`model.save('m.keras')`): its config.json is
// turned into this library's layers (Keras 3's layout: `{ module, class_name, config,
// registered_name }` objects, snake_case options, DTypePolicy dtypes, and for functional models
// `inbound_nodes` of `__keras_tensor__` references), the Sequential or functional model is built,
// and model.weights.h5 is loaded into it (keras_weights.ts). Keras options that this library does
// not have are dropped when they are inert (null, false, or Keras-only bookkeeping such as
// `quantization_config`) and are an error naming the option otherwise. The model is compiled as it
// was (optimizer, losses, metrics) unless `compile: false`, with the optimizer's state where this
// library knows Keras's layout of it (keras_weights.ts: loadKerasOptimizerState). A subclassed
// model is rebuilt from its registered class (or one in `customObjects`): its config is passed to
// the class's fromConfig, and it is built from its build config, by its own buildFromConfig or
// by calling it once on zeros of the input shape, before its weights load.

import { Input } from '../layers/input_layer';
import type { Layer } from '../layers/layer';
import { deserializeLayer, hasLayerClass } from '../layers/class_registry';
import type { SymbolicTensor } from '../layers/symbolic';
import { Model, type ModelArgs } from '../models/model';
import { tensor } from '../tensor/creation';
import { Sequential } from '../models/sequential';
import { bytesOf, loadKerasOptimizerState, loadKerasWeightsFile, overridesHook, type KerasWeightsSource } from './keras_weights';
import type { LoadOptions } from './model_io';
import { buildByCalling, deserializeCompileConfig, type CompileJSON } from './topology';
import { getCustomObject, scopedCustomObjects, withCustomObjects } from './object_registration';
import { getLayerClass, type LayerClass } from '../layers/class_registry';
import type { Shape } from '../layers/symbolic';
import { isZip, readZipEntry } from './zip';
import { applyKerasOp } from './keras_ops';
import { isRecord } from '../tensor/records';

/**
 * Keras options with no counterpart here that change nothing in this library at any value: seeds
 * of training-time randomness, and BatchNormalization's synchronization across devices. Others
 * are inert when null or false (quantization_config, lora_rank, renorm, sparse, ...) or at their
 * default (INERT_DEFAULTS).
 */
const INERT_KERAS_OPTIONS = new Set(['seed', 'synchronized']);
/** Options of every layer, which a layer's getConfig may leave out. */
const GENERIC_OPTIONS = ['name', 'trainable', 'dtype', 'batchInputShape', 'inputShape', 'batchSize', 'inputDim', 'activityRegularizer'];
/** Keras options with no counterpart here that are inert at their default value. */
const INERT_DEFAULTS: Record<string, unknown> = { dataFormat: 'channels_last', renormMomentum: 0.99 };

/**
 * A model saved by Keras 3 (`model.save('name.keras')`), rebuilt and with its weights.
 *
 * @example
 * const model = await loadKerasModel('./trained_in_python.keras');  // or loadModel(...), bytes, a File
 * await model.fit(x, y, { epochs: 3 });   // compiled as in Python (a Python loss function: pass it in customObjects)
 */
export async function loadKerasModel(source: KerasWeightsSource, { compile = true, customObjects: given = {} }: LoadOptions = {}): Promise<Model> {
  // The caller's customObjectScope, kept for the whole load (it reads the scope after its first await).
  const customObjects = scopedCustomObjects(given);
  const bytes = await bytesOf(source, 'loadKerasModel');
  if (!isZip(bytes)) throw new Error("loadKerasModel: expected a Keras 3 '.keras' archive (a zip of config.json and model.weights.h5).");
  let config: unknown;
  try {
    config = JSON.parse(new TextDecoder().decode(await readZipEntry(bytes, 'config.json')));
  } catch (e) {
    throw new Error(`loadKerasModel: config.json of the archive could not be read: ${(e as Error).message}`);
  }
  const model = withCustomObjects(customObjects, () => buildModel(config));
  const { root, trainable } = await loadKerasWeightsFile(model, bytes);
  const compileConfig = (config as { compile_config?: unknown }).compile_config;
  // An uncompiled model's compile_config is {} (or null).
  if (compile && compileConfig && typeof compileConfig === 'object' && Object.keys(compileConfig).length > 0) {
    model.compile(deserializeCompileConfig(compileJson(compileConfig as Record<string, unknown>, model.name), customObjects));
    loadKerasOptimizerState(model, root, trainable);
  }
  return model;
}

/** Optimizer options whose null is not their default but "none" (Muon's weight decays and RMS rate). */
const NULL_MEANS_NONE = new Set(['weightDecay', 'adamWeightDecay', 'rmsRate']);

/**
 * Keras 3's compile_config as this library's compile JSON: the optimizer and the losses and
 * metrics (names, serialized classes, or a Python function by its name, which `customObjects`
 * must then provide); options left at null are dropped (but those of NULL_MEANS_NONE), as is the
 * dtype of losses and metrics. A MultiOptimizer's map keys are Keras variable paths: those that
 * start with the model's name lose it, to match this library's variable names ('dense/kernel').
 */
function compileJson(config: Record<string, unknown>, modelName: string): CompileJSON {
  const object = (value: unknown): { className: string; config: Record<string, unknown> } => {
    const { className, config: options } = translate(value) as { className: string; config: Record<string, unknown> };
    const kept = Object.entries(options ?? {}).filter(([key, item]) => (item !== null || NULL_MEANS_NONE.has(key)) && key !== 'dtype');
    return { className, config: Object.fromEntries(kept) };
  };
  const entry = (value: unknown): unknown => {
    if (value === null || typeof value === 'string') return value;
    if (Array.isArray(value)) return value.map(entry);
    const serialized = value as { class_name?: unknown; config?: unknown; module?: unknown };
    if (serialized.class_name === 'function') return { function: String(serialized.config) };
    if (typeof serialized.class_name === 'string') return object(value);
    return Object.fromEntries(Object.entries(value as Record<string, unknown>).map(([key, item]) => [key, entry(item)]));
  };
  // A MultiOptimizer's map keys are variable paths: kept as written, less the model's name in front.
  const multiOptimizer = (value: Record<string, unknown>): { className: string; config: Record<string, unknown> } => {
    const { optimizer_map: map, name } = (value.config ?? {}) as { optimizer_map?: { config?: { default_optimizer?: unknown; optimizer_map?: Record<string, unknown> | null } }; name?: unknown };
    const prefix = `${modelName}/`;
    const entries = Object.entries(map?.config?.optimizer_map ?? {}).map(([key, item]) => [key.startsWith(prefix) ? key.slice(prefix.length) : key, object(item)]);
    const optimizerMap = { className: 'OptimizerMap', config: { defaultOptimizer: object(map?.config?.default_optimizer), optimizerMap: Object.fromEntries(entries) } };
    return { className: 'MultiOptimizer', config: { ...(typeof name === 'string' ? { name } : {}), optimizerMap } };
  };
  const optimizerEntry = (value: unknown): { className: string; config: Record<string, unknown> } => {
    if (typeof value === 'string') return { className: value, config: {} };
    const serialized = value as Record<string, unknown>;
    if (serialized.class_name === 'MultiOptimizer') return multiOptimizer(serialized);
    // A LossScaleOptimizer's inner optimizer is an optimizer entry of its own (its nulls dropped too).
    if (serialized.class_name !== 'LossScaleOptimizer') return object(value);
    const outer = object(value);
    return { className: outer.className, config: { ...outer.config, innerOptimizer: optimizerEntry((serialized.config as { inner_optimizer?: unknown } | undefined)?.inner_optimizer) } };
  };
  if (!config.optimizer) throw new Error('loadKerasModel: the compile config has no optimizer.');
  const optimizer = optimizerEntry(config.optimizer);
  return {
    optimizer,
    loss: (config.loss === undefined ? null : entry(config.loss)) as CompileJSON['loss'],
    metrics: (config.metrics === undefined ? null : entry(config.metrics)) as CompileJSON['metrics'],
    weightedMetrics: (config.weighted_metrics === undefined ? null : entry(config.weighted_metrics)) as CompileJSON['metrics'],
    lossWeights: (config.loss_weights ?? null) as CompileJSON['lossWeights'],
  };
}

/** Keras's model classes: a model nested in another is rebuilt from its own config. */
const MODEL_CLASSES = new Set(['Sequential', 'Functional', 'Model']);

function buildModel(entry: unknown): Model {
  const { className, config } = kerasObject(entry, 'the model');
  const name = typeof config.name === 'string' ? config.name : undefined;
  if (className === 'Sequential') return buildSequential(config, name, (entry as { build_config?: { input_shape?: unknown } }).build_config?.input_shape);
  if (className === 'Functional' || className === 'Model') return buildFunctional(config, name);
  const subclassEntry = entry as KerasLayerEntry & { registered_name?: unknown; build_config?: unknown };
  // A Model subclass made from inputs and outputs (Keras's functional_from_config with its class).
  if (isFunctionalConfig(config)) return buildFunctional(config, name, modelSubclass(subclassEntry) as unknown as new (args: ModelArgs) => Layer);
  return buildSubclassedModel(subclassEntry);
}

/** Whether a model's config is a functional graph (its layers and its input and output layers). */
function isFunctionalConfig(config: Record<string, unknown> | undefined): boolean {
  return config !== undefined && Array.isArray(config.layers) && 'input_layers' in config && 'output_layers' in config;
}

/**
 * A subclassed model's class, found by the name Keras registered it under (or its class name)
 * among the load's customObjects, the objects registered with registerKerasSerializable and the
 * model classes registered with registerModel.
 */
function modelSubclass(entry: KerasLayerEntry & { registered_name?: unknown }): LayerClass {
  const className = String(entry.class_name);
  const names = [entry.registered_name, className].filter((name): name is string => typeof name === 'string');
  const isClass = (value: unknown): value is LayerClass => typeof value === 'function' && typeof (value as { fromConfig?: unknown }).fromConfig === 'function';
  const cls = names.map((name) => getCustomObject(name)).find(isClass) ?? names.filter(hasLayerClass).map(getLayerClass)[0];
  const registered = typeof entry.registered_name === 'string' && entry.registered_name !== className ? ` (registered in Python as '${entry.registered_name}')` : '';
  if (!cls) {
    throw new Error(
      `loadKerasModel: the file holds a subclassed model of class '${className}'${registered}, which is not known here. Port the class, and register it before loading with registerKerasSerializable(${className}), or pass loadModel(source, { customObjects: { ${className} } }).`,
    );
  }
  return cls;
}

/** A subclassed model: made from its config by its class (modelSubclass), then built from its build config. */
function buildSubclassedModel(entry: KerasLayerEntry & { registered_name?: unknown; build_config?: unknown }): Model {
  const className = String(entry.class_name);
  const cls = modelSubclass(entry);
  const model = cls.fromConfig(translate(entry.config ?? {}) as Record<string, unknown>);
  if (!(model instanceof Model)) throw new Error(`loadKerasModel: the file's model class '${className}' is a ${model.constructor.name} here, a layer, not a Model subclass.`);
  const buildConfig = entry.build_config;
  if (overridesHook(model, 'buildFromConfig') && isRecord(buildConfig)) model.buildFromConfig(buildConfig);
  else if (!model.built && isRecord(buildConfig) && Array.isArray(buildConfig.input_shape)) buildByCalling(model, buildConfig.input_shape as Shape | Shape[]);
  return model;
}

/** A Sequential model; without an InputLayer in the list, its input shape comes from its build config, as Keras rebuilds it. */
function buildSequential(config: Record<string, unknown>, name: string | undefined, builtShape: unknown): Sequential {
  const entries = Array.isArray(config.layers) ? config.layers : [];
  const model = new Sequential({ name });
  const startsWithInput = (entries[0] as { class_name?: unknown } | undefined)?.class_name === 'InputLayer';
  if (!startsWithInput && Array.isArray(builtShape)) model.add(Input({ batchShape: builtShape as Array<number | null> }));
  for (const entry of entries) {
    const layer = kerasObject(entry, 'a layer');
    if (layer.className === 'InputLayer') model.add(inputOf(layer.config));
    else model.add(MODEL_CLASSES.has(layer.className) ? buildModel(entry) : withBuildConfig(buildLayer(layer.className, layer.config), entry));
  }
  return model;
}

function buildFunctional(config: Record<string, unknown>, name: string | undefined, modelClass: new (args: ModelArgs) => Layer = Model): Model {
  const outputsOf = new Map<string, SymbolicTensor[][]>();
  const resolve = (reference: unknown): unknown => {
    if (Array.isArray(reference)) {
      if (isHistory(reference)) return tensorAt(reference);
      return reference.map(resolve);
    }
    if (reference && typeof reference === 'object' && (reference as { class_name?: unknown }).class_name === '__keras_tensor__') {
      const history = (reference as { config?: { keras_history?: unknown } }).config?.keras_history;
      if (!Array.isArray(history) || !isHistory(history)) throw new Error('loadKerasModel: a __keras_tensor__ without its keras_history.');
      return tensorAt(history);
    }
    // A dict of Keras tensors: a layer applied to a record, or a model's dict of inputs or outputs.
    if (isRecord(reference)) {
      return Object.fromEntries(Object.entries(reference).map(([key, value]) => [key, resolve(value)]));
    }
    throw new Error(`loadKerasModel: an inbound node argument of an unsupported kind: ${JSON.stringify(reference)}.`);
  };
  const entries = (Array.isArray(config.layers) ? config.layers : []) as KerasLayerEntry[];
  const operations = new Map<string, KerasOperation>();
  const tensorAt = ([layerName, node, index]: unknown[]): SymbolicTensor => {
    const operation = operations.get(String(layerName));
    if (operation && !outputsOf.has(String(layerName))) outputsOf.set(String(layerName), [applyOperation(operation, String(layerName))]);
    const tensor = outputsOf.get(String(layerName))?.[Number(node)]?.[Number(index)];
    if (!tensor) throw new Error(`loadKerasModel: no tensor ${index} of call ${node} of layer '${layerName}' is defined before it is used.`);
    return tensor;
  };
  // An op's call arguments: Keras tensors, constant tensors (`__tensor__`), and plain values (numbers, shapes) as they are.
  const argument = (value: unknown): unknown => {
    if (historyOf(value)) return resolve(value);
    const constant = value as { class_name?: unknown; config?: { value?: unknown; dtype?: unknown } } | null;
    if (constant?.class_name === '__tensor__') return tensor(constant.config?.value as number[], undefined, constant.config?.dtype === 'int32' ? 'int32' : 'float32');
    return Array.isArray(value) && !isHistory(value) ? value.map(argument) : value;
  };
  // An op between layers, applied when a layer (or the model's outputs) first uses its result.
  const applyOperation = (operation: KerasOperation, name: string): SymbolicTensor[] => {
    const result = applyKerasOp(operation.className, operation.config, operation.args.map(argument), `'${name}'`);
    if (result === null) throw new Error(`loadKerasModel: the Keras op ${operation.className} ('${name}', applied between layers with keras.ops) is not loaded yet.`);
    const outputs = Array.isArray(result) ? (result as SymbolicTensor[]) : [result as SymbolicTensor];
    // The node keeps Keras's name, as layers do (and saving writes it back).
    outputs[0].node.layer.name = name;
    return outputs;
  };
  // One call of a layer: its tensors resolved, Keras's keyword arguments as this library's options.
  const applyCall = ({ layerName, layer, node }: PendingCall): SymbolicTensor[] => {
    const { args = [], kwargs = {} } = node;
    if (args.length === 0) throw new Error(`loadKerasModel: layer '${layerName}' is called without arguments.`);
    // Several positional tensors (attention's query and value) are one list here; keyword
    // arguments (use_causal_mask, attention_mask, training) are the call's options, camelCase.
    const input = args.length === 1 ? resolve(args[0]) : args.map(resolve);
    const options: Record<string, unknown> = {};
    for (const [key, value] of Object.entries(kwargs)) {
      if (value === null || value === undefined || value === false) continue;
      if (key === 'mask' && operations.has(historyOf(value)?.[0] as string)) {
        checkImplicitMask(value, layerName, operations, entries);
        continue;
      }
      options[camelCase(key)] = typeof value === 'object' ? resolve(value) : value;
    }
    let output: SymbolicTensor | SymbolicTensor[];
    try {
      output = layer.apply(input as SymbolicTensor | SymbolicTensor[], options) as SymbolicTensor | SymbolicTensor[];
    } catch (e) {
      throw new Error(`loadKerasModel: layer '${layerName}' called with Keras's keyword arguments ${JSON.stringify(Object.keys(kwargs))}: ${(e as Error).message}`);
    }
    return Array.isArray(output) ? output : [output];
  };
  const pending: PendingCall[] = [];
  for (const entry of entries) {
    const { className, config: layerConfig } = kerasObject(entry, 'a layer');
    const layerName = String(entry.name ?? layerConfig.name);
    if (className === 'InputLayer') {
      outputsOf.set(layerName, [[inputOf(layerConfig)]]);
      continue;
    }
    // An op between layers (keras.ops.mean(...), x + y): applied when first used, and not at all
    // when it only computes a mask that this library's layers make themselves (checkImplicitMask).
    if (typeof entry.module === 'string' && entry.module.startsWith('keras.src.ops')) {
      const node = entry.inbound_nodes?.[0];
      if (node?.kwargs && Object.keys(node.kwargs).length > 0) throw new Error(`loadKerasModel: the Keras op ${className} ('${layerName}') is called with keyword arguments ${JSON.stringify(Object.keys(node.kwargs))}, which are not loaded yet.`);
      operations.set(layerName, { className, config: layerConfig, args: node?.args ?? [] });
      continue;
    }
    const layer = MODEL_CLASSES.has(className) || isFunctionalConfig(layerConfig) ? buildModel(entry) : withBuildConfig(buildLayer(className, layerConfig), entry);
    outputsOf.set(layerName, []);
    (entry.inbound_nodes ?? []).forEach((node, index) => pending.push({ layerName, layer, node, index }));
  }
  // A layer's calls in order, each once its inputs exist: as Keras does, a call that uses a later
  // layer's output (a shared layer applied again further on, a tied embedding's reverse call)
  // waits for it.
  const computed = (reference: unknown): boolean => {
    const history = Array.isArray(reference) && isHistory(reference) ? reference : historyOf(reference);
    if (history) {
      const [layerName, node] = history as [string, number];
      const operation = operations.get(layerName);
      return operation ? computed(operation.args) : outputsOf.get(layerName)?.[node] !== undefined;
    }
    if (Array.isArray(reference)) return reference.every(computed);
    if (reference && typeof reference === 'object') return Object.values(reference).every(computed);
    return true;
  };
  while (pending.length > 0) {
    const ready = pending.findIndex(({ layerName, node, index }) => index === outputsOf.get(layerName)!.length && computed([node.args ?? [], node.kwargs ?? {}]));
    // With none ready, the first call is made anyway: it fails naming the tensor it lacks.
    const [call] = pending.splice(Math.max(ready, 0), 1);
    outputsOf.get(call.layerName)!.push(applyCall(call));
  }
  const ends = (value: unknown) => {
    const resolved = resolve(value);
    return Array.isArray(resolved) && resolved.length === 1 ? (resolved[0] as SymbolicTensor) : (resolved as SymbolicTensor | SymbolicTensor[]);
  };
  const args = { inputs: ends(config.input_layers), outputs: ends(config.output_layers), name };
  const model = new modelClass(args);
  if (!(model instanceof Model)) throw new Error(`loadKerasModel: the file's model class '${modelClass.name}' is a ${model.constructor.name} here, a layer, not a Model subclass.`);
  return model;
}

/** A layer (or op) of a functional model's config. */
interface KerasLayerEntry {
  module?: unknown;
  class_name?: unknown;
  config?: Record<string, unknown>;
  name?: unknown;
  inbound_nodes?: Array<{ args?: unknown[]; kwargs?: Record<string, unknown> }>;
}

/** A layer's call (its `inbound_nodes` entry `index`) still to make while a functional model is rebuilt. */
interface PendingCall {
  layerName: string;
  layer: Layer;
  node: { args?: unknown[]; kwargs?: Record<string, unknown> };
  index: number;
}

/** A Keras op between layers: its class (NotEqual, Any, ...), options and arguments. */
interface KerasOperation {
  className: string;
  config: Record<string, unknown>;
  args: unknown[];
}

/** The [layer, call, index] of a `__keras_tensor__` reference, or undefined. */
function historyOf(reference: unknown): unknown[] | undefined {
  const history = (reference as { class_name?: unknown; config?: { keras_history?: unknown } } | null)?.config?.keras_history;
  return (reference as { class_name?: unknown } | null)?.class_name === '__keras_tensor__' && Array.isArray(history) ? history : undefined;
}

/**
 * Keras writes the mask that a layer's compute_mask makes as ops in a functional model's graph,
 * passed on as the next layer's `mask` argument: Embedding(mask_zero)'s not_equal(ids, 0), and
 * Masking(mask_value)'s any(not_equal(x, mask_value), axis=-1). This library's Embedding and
 * Masking make the same masks and pass them on themselves, so such a mask argument is dropped;
 * any other mask computed with ops is refused.
 */
function checkImplicitMask(mask: unknown, layerName: string, operations: Map<string, KerasOperation>, entries: KerasLayerEntry[]): void {
  const opOf = (reference: unknown) => operations.get(historyOf(reference)?.[0] as string);
  const outer = opOf(mask)!;
  const masking = outer.className === 'Any';
  const notEqual = masking && outer.config.axis === -1 && !outer.config.keepdims ? opOf(outer.args[0]) : outer;
  const [source, value] = notEqual?.className === 'NotEqual' ? notEqual.args : [];
  const same = (a: unknown, b: unknown) => JSON.stringify(historyOf(a)) === JSON.stringify(historyOf(b));
  const maker = entries.find((entry) => entry.class_name === (masking ? 'Masking' : 'Embedding') && entry.inbound_nodes?.some((node) => same(node.args?.[0], source)));
  const made = masking ? maker?.config?.mask_value : maker?.config?.mask_zero ? 0 : undefined;
  if (source === undefined || made === undefined || made !== value) {
    throw new Error(`loadKerasModel: layer '${layerName}' is given a mask computed with Keras ops (${outer.className}); the masks of Embedding(mask_zero) and Masking load (this library passes them on itself), others are not loaded yet.`);
  }
}

/** An Input from an InputLayer's config (batch_shape, dtype, name); Keras's int64 token ids are int32 here. */
function inputOf(config: Record<string, unknown>): SymbolicTensor {
  const batchShape = (config.batch_shape ?? config.batch_input_shape) as Array<number | null> | undefined;
  if (!Array.isArray(batchShape)) throw new Error(`loadKerasModel: InputLayer '${config.name}' has no batch_shape.`);
  return Input({ batchShape, name: typeof config.name === 'string' ? config.name : undefined, dtype: config.dtype === 'int32' || config.dtype === 'int64' ? 'int32' : 'float32' });
}

/**
 * A layer with a custom buildFromConfig, built from its entry's build_config (as Keras's
 * get_build_config wrote it) before the model applies it; other layers build when applied.
 */
function withBuildConfig(layer: Layer, entry: unknown): Layer {
  const buildConfig = (entry as { build_config?: unknown }).build_config;
  if (overridesHook(layer, 'buildFromConfig') && isRecord(buildConfig)) layer.buildFromConfig(buildConfig);
  return layer;
}

/** A layer from its Keras config; inert options this library lacks are dropped. */
function buildLayer(className: string, kerasConfig: Record<string, unknown>): Layer {
  const config = translate(kerasConfig) as Record<string, unknown>;
  const layer = deserializeLayer({ className, config });
  // A built-in layer's getConfig lists all of its options: the others are Keras's alone.
  const known = new Set([...Object.keys(layer.getConfig()), ...GENERIC_OPTIONS]);
  const foreign = Object.keys(config).filter((key) => !known.has(key));
  if (foreign.length === 0) return layer;
  const inert = (key: string) =>
    INERT_KERAS_OPTIONS.has(key) || config[key] === null || config[key] === false || INERT_DEFAULTS[key] === config[key] || (key === 'loraAlpha' && (config.loraRank ?? null) === null);
  const active = foreign.filter((key) => !inert(key));
  if (active.length > 0) {
    throw new Error(`loadKerasModel: layer '${config.name}' (${className}) has Keras option${active.length > 1 ? 's' : ''} ${active.map((k) => `${kerasKey(k)}=${JSON.stringify(config[k])}`).join(', ')}, which this library's ${className} does not support.`);
  }
  for (const key of foreign) delete config[key];
  return deserializeLayer({ className, config });
}

/** Keras's config values in this library's form: camelCase keys, `{ className, config }` objects, dtype policies as their dtype. */
function translate(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(translate);
  if (!value || typeof value !== 'object') return value;
  const object = value as Record<string, unknown>;
  if (typeof object.class_name === 'string' && 'config' in object) {
    if (object.class_name === 'DTypePolicy') {
      const dtype = (object.config as { name?: unknown })?.name;
      // Integer policies (a Hashing layer's int bins, Keras's int64) hold int32 values here.
      if (dtype === 'int32' || dtype === 'int64') return 'int32';
      if (dtype !== 'float32') throw new Error(`loadKerasModel: the dtype policy '${String(dtype)}' is not supported (float32, int32 and int64 are).`);
      return 'float32';
    }
    return { className: object.class_name, config: translate(object.config ?? {}) };
  }
  const out: Record<string, unknown> = {};
  for (const [key, item] of Object.entries(object)) {
    if (key === 'shared_object_id' || key === 'module' || key === 'registered_name') continue;
    // Keras-only options at their inert values, in nested layers too (a wrapper's layer).
    if (item === null && ['seed', 'quantization_config', 'lora_rank', 'lora_alpha'].includes(key)) continue;
    out[camelCase(key)] = translate(item);
  }
  return out;
}

/** `{ class_name, config }` of a serialized Keras object, checked. */
function kerasObject(entry: unknown, what: string): { className: string; config: Record<string, unknown> } {
  const object = entry as { class_name?: unknown; config?: unknown; registered_name?: unknown } | null;
  if (!object || typeof object !== 'object' || typeof object.class_name !== 'string' || !object.config || typeof object.config !== 'object') {
    throw new Error(`loadKerasModel: ${what} in config.json is not a Keras object ({ class_name, config }).`);
  }
  // A custom class, by the name it is registered under ('Custom>Scale') when it is registered so here.
  const registered = object.registered_name;
  const className = typeof registered === 'string' && registered.includes('>') && hasLayerClass(registered) ? registered : object.class_name;
  return { className, config: object.config as Record<string, unknown> };
}

function isHistory(value: unknown[]): boolean {
  return value.length >= 3 && typeof value[0] === 'string' && typeof value[1] === 'number' && typeof value[2] === 'number';
}

/** Keras's option names as this library's: 'beta_1' -> 'beta1', 'use_bias' -> 'useBias'. */
function camelCase(key: string): string {
  return key.replace(/_([a-z0-9])/g, (_, c: string) => c.toUpperCase());
}

/**
 * @internal This library's option names as Keras's, camelCase's inverse: snake_case (a one-letter
 * word too: `sparseYPred` is `sparse_y_pred`), and a numbered beta or epsilon is Keras's
 * `beta_1`, `epsilon_2`, `beta_2_decay`, `adam_beta_1` (while `l1` stays `l1`).
 */
export function kerasKey(key: string): string {
  return key.replace(/([a-z0-9])([A-Z])/g, '$1_$2').replace(/([A-Z])(?=[A-Z])/g, '$1_').toLowerCase().replace(/(^|_)(beta|epsilon)(\d)/g, '$1$2_$3');
}
