// Saving a model in Keras 3's own format, for Python: `model.save('m.keras')` writes the zip that
// `keras.saving.load_model` reads (metadata.json, config.json, model.weights.h5), and
// `model.saveWeights('m.weights.h5')` the weights file that `model.load_weights` reads.
//
// config.json is this library's topology (topology.ts, already Keras's layout with camelCase
// options) in Keras's spelling: snake_case options, `{ module, class_name, config,
// registered_name }` objects, DTypePolicy dtypes, an InputLayer at the head of a Sequential,
// functional inbound nodes as `__keras_tensor__` references, and the compile config. The weights
// go where Keras 3 keeps them (keras_weights.ts describes the layout, which loading reads back):
// `layers/<class in snake case, numbered>/vars/<i>`, a recurrent layer's under `cell`, attention's
// under its inner dense layers, a wrapper's under its attributes, and the optimizer's state under
// `optimizer/vars` (step count, learning rate, then each trainable variable's slots) for the
// optimizers whose state loading also places. A subclassed model is saved as Keras saves one: its
// registered class and getConfig() with the input shape it was built for in config.json, its own
// variables under the root `vars` and its layers under its attribute names (customLayerParts).

import type { Variable } from '../autograd/variable';
import { Tensor } from '../tensor/tensor';
import { InputLayer } from '../layers/input_layer';
import { Operation } from '../layers/operation';
import { RNN } from '../layers/recurrent';
import type { Layer } from '../layers/layer';
import { snakeCase } from '../layers/layer';
import { getLayerClass, getRegisteredLayerName, isBuiltInLayer } from '../layers/registry';
import type { Shape, SymbolicTensor } from '../layers/symbolic';
import { Model } from '../models/model';
import { Sequential } from '../models/sequential';
import { LossScaleOptimizer } from '../optimizers/loss_scale_optimizer';
import { MultiOptimizer } from '../optimizers/multi_optimizer';
import { Nadam } from '../optimizers/nadam';
import type { Optimizer } from '../optimizers/optimizer';
import { writeHdf5, type Hdf5WriteDataset, type Hdf5WriteGroup } from './hdf5_writer';
import { serializeCompileConfig, serializeLayer, type LayerJSON, type NodeJSON } from './topology';
import { checkSupported, classNameOf, INNER_VARIABLES, innerLayers, isSubclassedModel, KERAS_ONLY_TRAILING, kerasInnerOptimizers, kerasLayerNames, kerasOptimizerSlots, overridesHook, ownVariablesBesideInner, RECURRENT, WRAPPED } from './keras_weights';
import { writeZip } from './zip_writer';
import { kerasOpNode } from './keras_ops';
import { kerasKey } from './keras_model';
import { localFileWriter } from './local_files';
import { downloadFile, type ModelInfo } from './handlers';
import { getCustomObject, getRegisteredName } from './object_registration';

/** The Keras version whose format is written (metadata.json). */
const KERAS_VERSION = '3.16.0';

export interface SaveKerasOptions {
  /** Save the optimizer's state so training in Python goes on where it stopped (default true). */
  includeOptimizer?: boolean;
}

/**
 * The bytes of a Keras 3 `.keras` file of the model, which `keras.saving.load_model` loads in
 * Python: Sequential and functional models of the layers Keras has, and subclassed models whose
 * class is registered (registerKerasSerializable), which Python rebuilds from its own port of the class.
 *
 * @example
 * const bytes = await saveKerasModel(model);   // upload it, or: await model.save('./model.keras') in Node
 */
export async function saveKerasModel(model: Model, options: SaveKerasOptions = {}): Promise<Uint8Array> {
  return (await kerasArchive(model, options)).bytes;
}

/** The bytes of a Keras 3 `.weights.h5` file of the model's weights, for `model.load_weights` in Python. */
export async function saveKerasWeights(model: Model): Promise<Uint8Array> {
  checkSaveable(model, 'saveKerasWeights');
  return kerasWeightsFile(model, false);
}

/** The .keras zip, and the sizes of its config and weights. */
async function kerasArchive(model: Model, { includeOptimizer = true }: SaveKerasOptions): Promise<{ bytes: Uint8Array; configBytes: number; weightBytes: number }> {
  const text = (value: unknown) => new TextEncoder().encode(kerasJson(value));
  const config = text(await kerasModelConfig(model));
  const weights = await kerasWeightsFile(model, includeOptimizer && model.compileArgs !== undefined && model.optimizer !== undefined);
  const bytes = writeZip([
    { name: 'metadata.json', data: text({ keras_version: KERAS_VERSION, date_saved: kerasDate(new Date()) }) },
    { name: 'config.json', data: config },
    { name: 'model.weights.h5', data: weights },
  ]);
  return { bytes, configBytes: config.length, weightBytes: weights.length };
}

/**
 * @internal Whether model.save or model.saveWeights is asked for a Keras file: a file path (or
 * file:// or downloads:// URL) ending in `.keras` or `.weights.h5`. Other schemes keep their own format.
 */
export function isKerasFile(target: unknown, extension: 'keras' | 'weights.h5'): target is string {
  if (typeof target !== 'string' || !target.toLowerCase().endsWith(`.${extension}`)) return false;
  return /^(file|downloads):\/\//i.test(target) || !/^[a-z][a-z0-9+.-]*:\/\//i.test(target);
}

/**
 * @internal model.save('m.keras') and model.saveWeights('m.weights.h5'): the file written to a
 * path in Node, or downloaded from 'downloads://m.keras' in a browser.
 */
export async function saveKerasFile(model: Model, target: string, options: SaveKerasOptions | null): Promise<ModelInfo> {
  const caller = options ? 'save' : 'saveWeights';
  const saved = options ? await kerasArchive(model, options) : { bytes: await saveKerasWeights(model), configBytes: 0, weightBytes: 0 };
  if (/^downloads:\/\//i.test(target)) {
    const doc = (globalThis as { document?: Document }).document;
    if (!doc) throw new Error(`${caller}: 'downloads://' needs a browser page (document); in Node save to a file path.`);
    downloadFile(doc, target.slice('downloads://'.length), new Blob([saved.bytes as Uint8Array<ArrayBuffer>], { type: 'application/octet-stream' }));
  } else if (localFileWriter()) {
    await localFileWriter()!(target, saved.bytes);
  } else {
    throw new Error(`${caller}: a browser cannot write the file '${target}'; save to 'downloads://${target.split('/').pop()}', or get the file's bytes with ${options ? 'saveKerasModel(model)' : 'saveKerasWeights(model)'}.`);
  }
  return { dateSaved: new Date().toISOString(), modelJsonBytes: saved.configBytes, weightBytes: options ? saved.weightBytes : saved.bytes.length };
}

// ---- config.json ------------------------------------------------------------------------------

/** Keras's module of each kind of object, in `{ module, class_name, config, registered_name }`. */
const MODULES = {
  layers: 'keras.layers',
  initializers: 'keras.initializers',
  regularizers: 'keras.regularizers',
  constraints: 'keras.constraints',
  optimizers: 'keras.optimizers',
  schedules: 'keras.optimizers.schedules',
  losses: 'keras.losses',
  metrics: 'keras.metrics',
} as const;
type Kind = keyof typeof MODULES;

/** Layers that Keras files cannot hold, and why. */
const NOT_IN_KERAS: Record<string, string> = {
  InstanceNormalization: 'Keras has no InstanceNormalization layer (GroupNormalization with groups: -1 is the same normalization)',
};
/** Options of every layer that some Keras classes do not take (they have no weights to train, or a fixed dtype). */
const KERAS_LACKS: Record<string, string[]> = {
  Discretization: ['trainable'],
  Pipeline: ['trainable', 'dtype'],
  SpatialDropout1D: ['trainable'],
  SpatialDropout2D: ['trainable'],
  SpatialDropout3D: ['trainable'],
};
/** Layers whose several input tensors are separate arguments of Keras's call (query, value, key), not one list. */
const POSITIONAL_INPUTS = new Set(['MultiHeadAttention', 'GroupQueryAttention']);

type KerasObject = { module: string | null; class_name: string; config: unknown; registered_name: string | null } & Record<string, unknown>;

/** config.json: the model and, when compiled, its compile config. */
async function kerasModelConfig(model: Model): Promise<KerasObject> {
  checkSaveable(model, 'saveKerasModel', true);
  const constants = await operationConstants(model);
  const entry = kerasModelEntry(model, serializeLayer(model, true), constants);
  const compile = serializeCompileConfig(model);
  if (compile) {
    entry.compile_config = {
      optimizer: kerasOptimizer(compile.optimizer),
      loss: mapEntries(compile.loss, 'losses'),
      loss_weights: compile.lossWeights,
      metrics: mapEntries(compile.metrics, 'metrics'),
      weighted_metrics: mapEntries(compile.weightedMetrics ?? null, 'metrics'),
      run_eagerly: false,
      steps_per_execution: 1,
      jit_compile: false,
    };
  }
  return entry;
}

/** A Sequential or functional model (the whole one, or one nested in another). */
function kerasModelEntry(model: Model, json: LayerJSON, constants: Map<Tensor, unknown>): KerasObject {
  if (model instanceof Sequential) {
    const input = model.inputs[0];
    const layers = model.layers.filter((layer) => !(layer instanceof InputLayer));
    const entries = json.config.layers as LayerJSON[];
    const offset = entries.length - layers.length;
    const inputName = model.layers[0] instanceof InputLayer ? model.layers[0].name : `${model.name}_input`;
    const config = {
      name: model.name,
      trainable: model.trainable,
      dtype: dtypePolicy(model.dtype),
      layers: [inputLayerEntry(inputName, input), ...layers.map((layer, i) => kerasLayerEntry(layer, entries[offset + i], constants))],
    };
    return { module: 'keras', class_name: 'Sequential', config, registered_name: null, build_config: { input_shape: [...input.shape] } };
  }
  if (model.savedGraph) {
    const config = json.config;
    const byName = new Map([...model.inputs.map((input) => input.node.layer), ...model.layers].map((layer) => [layer.name, layer]));
    const layers = (config.layers as LayerJSON[]).map((entry) => {
      const layer = byName.get(entry.name!)!;
      if (layer instanceof Operation) return kerasOperationEntry(layer, entry, byName, constants);
      const kerasEntry = layer instanceof InputLayer ? inputLayerEntry(layer.name, layer.inboundNodes[0].outputs[0]) : kerasLayerEntry(layer, entry, constants);
      kerasEntry.name = entry.name;
      kerasEntry.inbound_nodes = (entry.inbound_nodes ?? []).map((node) => kerasNode(layer, node, byName));
      return kerasEntry;
    });
    // A model of one input (output) tensor names it alone, as Keras does; a list stays a list.
    const { inputStructure, outputStructure } = model.savedGraph;
    const ends = (refs: unknown, structure: unknown) => (structure === 'single' ? (refs as unknown[])[0] : refs);
    const functional = { name: model.name, trainable: model.trainable, layers, input_layers: ends(config.input_layers, inputStructure), output_layers: ends(config.output_layers, outputStructure) };
    if (model.constructor === Model) return { module: 'keras.src.models.functional', class_name: 'Functional', config: functional, registered_name: 'Functional', build_config: { input_shape: null } };
    // A Model subclass made from inputs and outputs: Keras writes its class with the functional
    // config, and loading passes that config's inputs and outputs to the class's constructor.
    const registered = getRegisteredLayerName(model.constructor) ?? model.constructor.name;
    return { module: null, class_name: registered.slice(registered.lastIndexOf('>') + 1), config: functional, registered_name: registered, build_config: { input_shape: null } };
  }
  return subclassedModelEntry(model);
}

/**
 * A subclassed model as Keras's serialize_keras_object writes one: its registered class, its
 * getConfig() (which Python's from_config passes to the class's constructor) and its build config
 * (the input shape it was built for, or its own getBuildConfig), from which loading builds it
 * before its weights load.
 */
function subclassedModelEntry(model: Model): KerasObject {
  const entry = kerasLayerObject(getRegisteredLayerName(model.constructor)!, model.getConfig(), model.name);
  const buildConfig = model.getBuildConfig();
  if (!buildConfig && model.weights.length > 0) {
    throw new Error(`saveKerasModel: subclassed model '${model.name}' (${model.constructor.name}) has weights but no build config: it was built without being called, so the file could not say how to build it again. Call it once on inputs (model.predict(x)), or override getBuildConfig and buildFromConfig.`);
  }
  if (buildConfig) entry.build_config = buildConfig;
  return entry;
}

/** An InputLayer for the input tensor of a model. */
function inputLayerEntry(name: string, input: SymbolicTensor): KerasObject {
  const config = { batch_shape: [...input.shape], dtype: input.dtype, sparse: false, ragged: false, name, optional: false };
  return { module: 'keras.layers', class_name: 'InputLayer', config, registered_name: null };
}

/** A layer (or nested model) of a model, with the input shape it was built for. */
function kerasLayerEntry(layer: Layer, json: LayerJSON, constants: Map<Tensor, unknown>): KerasObject {
  if (layer instanceof Model) return kerasModelEntry(layer, json, constants);
  const entry = kerasLayerObject(json.class_name, json.config, layer.name);
  if (overridesHook(layer, 'getBuildConfig')) {
    entry.build_config = layer.getBuildConfig();
    return entry;
  }
  const shapes = layer.buildInputShape;
  if (!shapes) return entry;
  const list = Array.isArray(shapes[0]) ? (shapes as Shape[]) : null;
  // Attention's build takes its inputs' shapes as separate arguments, which Keras names; so does
  // a recurrent layer's, the sequences' and the initial states' (a list here: see kerasNode).
  if (list && POSITIONAL_INPUTS.has(json.class_name)) entry.build_config = { shapes_dict: Object.fromEntries(list.map((shape, i) => [['query_shape', 'value_shape', 'key_shape'][i], shape])) };
  else if (list && layer instanceof RNN) entry.build_config = list.length === 1 ? { input_shape: list[0] } : { shapes_dict: { sequences_shape: list[0], initial_state_shape: list.slice(1) } };
  else entry.build_config = { input_shape: shapes };
  return entry;
}

/** @internal A layer's config as Keras's from_config takes it (a test checks every built-in layer's against Keras's constructors). */
export function kerasLayerConfig(layer: Layer): Record<string, unknown> {
  return kerasLayerObject(classNameOf(layer), layer.getConfig(), layer.name).config as Record<string, unknown>;
}

/** A layer's `{ module, class_name, config, registered_name }`, from its class name and config here. */
function kerasLayerObject(className: string, config: Record<string, unknown>, name: string): KerasObject {
  if (NOT_IN_KERAS[className]) throw new Error(`saveKerasModel: layer '${name}' (${className}) cannot be saved to a Keras file: ${NOT_IN_KERAS[className]}.`);
  const lacking = KERAS_LACKS[className] ?? [];
  const kept = Object.fromEntries(Object.entries(config).filter(([key]) => key !== 'batchInputShape' && !lacking.includes(key)));
  if (isBuiltInLayer(getLayerClass(className))) return kerasObject('layers', className, kept);
  // A custom layer: Python finds its class by the registered name (custom_objects, or @register_keras_serializable).
  return { ...kerasObject('layers', className, kept), module: null, class_name: className.slice(className.lastIndexOf('>') + 1), registered_name: className };
}

/** One call of a layer in a functional model: its input tensors as Keras tensors, its options snake_case. */
function kerasNode(layer: Layer, node: NodeJSON, byName: Map<string, Layer>): { args: unknown[]; kwargs: Record<string, unknown> } {
  const tensors = node.args.map((reference) => kerasTensor(reference, byName));
  const kwargs: Record<string, unknown> = Object.fromEntries(Object.entries(node.kwargs).map(([key, value]) => [kerasKey(key), value]));
  // A layer applied to a record: Keras writes the dict as the one argument.
  if (node.keys) return { args: [Object.fromEntries(node.keys.map((key, i) => [key, tensors[i]]))], kwargs };
  // A recurrent layer applied to [sequences, ...initial states]: Keras's call takes the states as initial_state.
  if (node.list && layer instanceof RNN) {
    if (tensors.length > 1) kwargs.initial_state = tensors.slice(1);
    return { args: [tensors[0]], kwargs };
  }
  const positional = !node.list || POSITIONAL_INPUTS.has(classNameOf(layer));
  return { args: positional ? tensors : [tensors], kwargs };
}

/** The values of the tensor constants that ops between layers take (Keras writes them as `__tensor__`), read once. */
async function operationConstants(model: Model): Promise<Map<Tensor, unknown>> {
  const found = new Set<Tensor>();
  const visit = (value: unknown): void => {
    if (value instanceof Tensor) found.add(value);
    else if (Array.isArray(value)) value.forEach(visit);
  };
  for (const layer of model.selfAndSublayers()) if (layer instanceof Operation) visit(layer.args);
  const tensors = [...found];
  const values = await Promise.all(tensors.map((constant) => constant.array()));
  return new Map(tensors.map((constant, i) => [constant, values[i]]));
}

/** A reference to a layer's output as Keras writes it in an inbound node. */
function kerasTensor([name, nodeIndex, tensorIndex]: [string, number, number], byName: Map<string, Layer>): unknown {
  const source = byName.get(name)!.inboundNodes[nodeIndex].outputs[tensorIndex];
  return { class_name: '__keras_tensor__', config: { shape: [...source.shape], dtype: source.dtype, keras_history: [name, nodeIndex, tensorIndex] } };
}

/** An op applied between layers (ops.mean(x, 1), ops.add(a, b)), as Keras's op node of the same op. */
function kerasOperationEntry(operation: Operation, entry: LayerJSON, byName: Map<string, Layer>, constants: Map<Tensor, unknown>): KerasObject {
  const [node] = entry.inbound_nodes ?? [];
  const keras = kerasOpNode(operation, (input) => kerasTensor(node.args[input], byName), (constant) => ({ class_name: '__tensor__', config: { value: constants.get(constant), dtype: constant.dtype } }));
  if (!keras) throw new Error(`saveKerasModel: the op ${operation.op} applied between layers ('${operation.name}') has no Keras op written here yet, or is called with options Keras's op does not take; apply it inside a custom layer.`);
  return { module: keras.module, class_name: keras.className, config: keras.config, registered_name: keras.className, name: operation.name, inbound_nodes: [{ args: keras.args, kwargs: {} }] };
}

/** `{ module, class_name, config, registered_name }` of an object of a kind (a registered custom class: under its registered name). */
function kerasObject(kind: Kind, className: string, config: Record<string, unknown>): KerasObject {
  const converted: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(config)) {
    if (value === undefined) continue;
    const name = kerasKey(key);
    if (FLOAT_OPTIONS.has(name) && Number.isInteger(value)) converted[name] = `${FLOAT_MARK}${value}`;
    // VarianceScaling's mode and distribution are Keras's names in snake case ('fan_in', 'truncated_normal').
    else if (kind === 'initializers' && (key === 'mode' || key === 'distribution') && typeof value === 'string') converted[name] = kerasKey(value);
    else converted[name] = key === 'dtype' && kind === 'layers' && typeof value === 'string' ? dtypePolicy(value) : kerasValue(key, value, kind);
  }
  // A class registered with registerKerasSerializable ('Custom>MyInit'): Python finds it by that name.
  if (className.includes('>')) return { module: null, class_name: className.slice(className.lastIndexOf('>') + 1), config: converted, registered_name: className };
  return { module: MODULES[kind], class_name: className, config: converted, registered_name: null };
}

/**
 * An optimizer in Keras's form; a MultiOptimizer's map as Keras's OptimizerMap, its keys (variable
 * names or patterns) as they are: the paths of a model Keras loads are its variables' names here
 * ('dense/kernel'), without the model's name in front.
 */
function kerasOptimizer({ className, config }: { className: string; config: Record<string, unknown> }): KerasObject {
  if (className === 'LossScaleOptimizer') {
    const { innerOptimizer, ...rest } = config as { innerOptimizer: { className: string; config: Record<string, unknown> } };
    const outer = kerasObject('optimizers', className, rest);
    return { ...outer, config: { ...(outer.config as Record<string, unknown>), inner_optimizer: kerasOptimizer(innerOptimizer) } };
  }
  if (className !== 'MultiOptimizer') return kerasObject('optimizers', className, config);
  type Entry = { className: string; config: Record<string, unknown> };
  const { optimizerMap, ...rest } = config as { optimizerMap: { config: { defaultOptimizer: Entry; optimizerMap: Record<string, Entry> } } };
  const { defaultOptimizer, optimizerMap: byKey } = optimizerMap.config;
  const map: KerasObject = {
    module: MODULES.optimizers,
    class_name: 'OptimizerMap',
    config: {
      default_optimizer: kerasObject('optimizers', defaultOptimizer.className, defaultOptimizer.config),
      optimizer_map: Object.fromEntries(Object.entries(byKey).map(([key, entry]) => [key, kerasObject('optimizers', entry.className, entry.config)])),
    },
    registered_name: null,
  };
  const multi = kerasObject('optimizers', className, rest);
  return { ...multi, config: { ...(multi.config as Record<string, unknown>), optimizer_map: map } };
}

/** An option's value in Keras's form: nested objects by the kind their option names. */
function kerasValue(key: string, value: unknown, kind: Kind): unknown {
  if (Array.isArray(value)) return value.map((item) => kerasValue(key, item, kind));
  if (value === null || typeof value !== 'object') return value;
  const { className, config } = value as { className?: unknown; config?: unknown };
  if (typeof className !== 'string') return Object.fromEntries(Object.entries(value).map(([k, v]) => [kerasKey(k), kerasValue(k, v, kind)]));
  const options = (config ?? {}) as Record<string, unknown>;
  const nestedKind = nestedObjectKind(key, kind);
  if (nestedKind === 'layers') return kerasLayerObject(className, options, String(options.name ?? key));
  // This library's one regularizer class: Keras's L2 or L1 when the other factor is zero, as Keras names them.
  if (nestedKind === 'regularizers' && className === 'L1L2' && (options.l1 === 0) !== (options.l2 === 0)) {
    return options.l1 === 0 ? kerasObject(nestedKind, 'L2', { l2: options.l2 }) : kerasObject(nestedKind, 'L1', { l1: options.l1 });
  }
  return kerasObject(nestedKind, className, options);
}

/**
 * The kind of object an option holds: its name says it (kernelInitializer, cell, learningRate, ...;
 * a custom layer's plain `initializer`, `regularizer` or `constraint` too).
 */
function nestedObjectKind(key: string, kind: Kind): Kind {
  if (/(^i|I)nitializer$/.test(key)) return 'initializers';
  if (/(^r|R)egularizer$/.test(key)) return 'regularizers';
  if (/(^c|C)onstraint$/.test(key)) return 'constraints';
  if (key === 'learningRate' && kind === 'optimizers') return 'schedules';
  if (['layer', 'backwardLayer', 'cell', 'cells', 'layers'].includes(key)) return 'layers';
  throw new Error(`saveKerasModel: the option '${key}' holds an object that has no Keras counterpart known here.`);
}

/** A loss or metric entry of the compile config (a name, an object, a custom function, or lists and records of them). */
function mapEntries(entry: unknown, kind: 'losses' | 'metrics'): unknown {
  if (entry === null || typeof entry === 'string') return entry;
  if (Array.isArray(entry)) return entry.map((item) => mapEntries(item, kind));
  const object = entry as Record<string, unknown>;
  // A custom function, by the name it is registered under ('Custom>rmse'), as Keras writes one.
  if ('function' in object) {
    const name = String(object.function);
    return { module: 'builtins', class_name: 'function', config: getRegisteredName(getCustomObject(name)) ?? name, registered_name: 'function' };
  }
  if (typeof object.className === 'string') return kerasObject(kind, object.className, object.config as Record<string, unknown>);
  return Object.fromEntries(Object.entries(object).map(([key, item]) => [key, mapEntries(item, kind)]));
}

/**
 * Options that Keras requires to be Python floats (an optimizer's learning_rate, SGD's momentum,
 * FBetaScore's beta and threshold): a whole number is written 1.0 rather than 1, which JSON
 * reads back as an int. kerasObject marks them; kerasJson writes them.
 */
const FLOAT_OPTIONS = new Set(['learning_rate', 'momentum', 'beta', 'threshold', 'initial_scale']);
const FLOAT_MARK = 'keras-float:';

/** JSON text of a config, the marked whole numbers written as floats. */
function kerasJson(value: unknown): string {
  return JSON.stringify(value).replace(new RegExp(`"${FLOAT_MARK}(-?\\d+)"`, 'g'), '$1.0');
}

function dtypePolicy(dtype: string): KerasObject {
  return { module: 'keras', class_name: 'DTypePolicy', config: { name: dtype }, registered_name: null };
}

/** Keras's date_saved format: 2026-11-27@21:30:47 (local time). */
function kerasDate(date: Date): string {
  const two = (n: number) => String(n).padStart(2, '0');
  return `${date.getFullYear()}-${two(date.getMonth() + 1)}-${two(date.getDate())}@${two(date.getHours())}:${two(date.getMinutes())}:${two(date.getSeconds())}`;
}

/**
 * A model whose Keras files can be written: Sequential and functional models (subclasses of them
 * included: their layers are saved, not their code), and subclassed models, built. In a `.keras`
 * file (`withConfig`) a subclassed model is named by its registered class, which Python's port
 * of the class must be registered under too.
 */
function checkSaveable(model: Model, caller: string, withConfig = false): void {
  const nested = (outer: Model): Model[] => [outer, ...outer.layers.filter((layer): layer is Model => layer instanceof Model).flatMap(nested)];
  const unregistered = withConfig ? nested(model).find((each) => isSubclassedModel(each) && !getRegisteredLayerName(each.constructor)) : undefined;
  if (unregistered) {
    const cls = unregistered.constructor.name || 'MyModel';
    throw new Error(
      `${caller}: model '${unregistered.name}' is a subclassed model whose class ${cls} is not registered, so the file cannot name it for loading. Call registerKerasSerializable(${cls}) once, before saving and before loading (in Python, register the same class with @keras.saving.register_keras_serializable()), or save only its weights with saveKerasWeights.`,
    );
  }
  // A subclassed model never called may still hold built sub-models (a custom trainStep that runs only them).
  const built = isSubclassedModel(model) ? model.built || model.weights.length > 0 : model.built && model.inputs.length > 0;
  if (!built) {
    throw new Error(`${caller}: model '${model.name}' is not built; give it an input shape (an Input, or inputShape on its first layer) or call it once first, so that it has its weights.`);
  }
}

// ---- model.weights.h5 -------------------------------------------------------------------------

/** The weights file: every layer's group (in Keras's order and naming), the model's own, and the optimizer's state. */
async function kerasWeightsFile(model: Model, includeOptimizer: boolean): Promise<Uint8Array> {
  const root = newGroup();
  const trainable: Variable[] = [];
  if (isSubclassedModel(model)) {
    // Keras keeps a subclassed model's own variables at the root's `vars`, its layers under its attributes.
    checkSupported(model, classNameOf(model), 'saveKerasModel: saving');
    await layerGroups(model, root, trainable);
  } else {
    await modelGroups(model, root, trainable);
    vars(root, model.name);
  }
  if (includeOptimizer) await optimizerGroup(model, root, trainable);
  return writeHdf5(root);
}

/** The groups of a model's layers under `group/layers`, collecting the trainable variables in Keras's order. */
async function modelGroups(model: Model, group: Hdf5WriteGroup, trainable: Variable[]): Promise<void> {
  const layers = child(group, 'layers');
  for (const [name, layer] of kerasLayerNames(model)) {
    checkSupported(layer, classNameOf(layer), 'saveKerasModel: saving');
    await layerGroups(layer, child(layers, name), trainable);
  }
}

async function layerGroups(layer: Layer, group: Hdf5WriteGroup, trainable: Variable[]): Promise<void> {
  const className = classNameOf(layer);
  if (layer instanceof Model && !isSubclassedModel(layer)) {
    vars(group, layer.name);
    return modelGroups(layer, group, trainable);
  }
  const wrapped = innerLayers(layer, className);
  if (wrapped) {
    // A custom layer's (or subclassed model's) trainable variables are Keras's: its own, then its
    // layers' in the order it tracked them (`weights`'s), not the file's sorted one.
    if (!WRAPPED[className]) for (const variable of [...ownVariablesBesideInner(layer, className), ...layer.weights]) if (variable.trainable && !trainable.includes(variable)) trainable.push(variable);
    if (overridesHook(layer, 'saveOwnVariables')) await fillFromHook(vars(group, layer.name), layer, trainable);
    else await fill(vars(group, layer.name), ownVariablesBesideInner(layer, className), trainable);
    for (const [attribute, inner] of wrapped) await layerGroups(inner, attribute.split('/').reduce(child, group), trainable);
    return;
  }
  const variables = layer.weights;
  const inner = INNER_VARIABLES[className];
  if (inner) {
    // Keras's inner dense layers (query, key, value, output), each with its kernel and (useBias) bias.
    vars(group, layer.name);
    const each = variables.length / inner.length;
    for (const [i, attribute] of inner.entries()) await fill(vars(child(group, attribute), INNER_NAMES[i]), variables.slice(i * each, (i + 1) * each), trainable);
    return;
  }
  if (RECURRENT.has(className)) {
    vars(group, layer.name);
    // The cell's name, as Keras names it (lstm_cell; the ConvLSTMs' conv_lstm_cell).
    return fill(vars(child(group, 'cell'), `${snakeCase(className.replace(/ConvLSTM\dD/, 'ConvLSTM'))}_cell`), variables, trainable);
  }
  const own = vars(group, layer.name);
  if (overridesHook(layer, 'saveOwnVariables')) return fillFromHook(own, layer, trainable);
  await fill(own, isBuiltInLayer(layer.constructor) ? variables : layer.ownVariablesInOrder(), trainable);
  // Normalization's sample count, which Keras keeps after the mean and variance (adapt's state).
  if (variables.length > 0) for (let i = 0; i < (KERAS_ONLY_TRAILING[className] ?? 0); i++) own.members.set(String(variables.length + i), int64(0));
}

/** The `vars` group from a custom saveOwnVariables: each value of its store under its key. */
async function fillFromHook(group: Hdf5WriteGroup, layer: Layer, trainable: Variable[]): Promise<void> {
  const store: Record<string, Tensor> = {};
  layer.saveOwnVariables(store);
  for (const [key, value] of Object.entries(store)) {
    if (!value?.isTensorInstance) throw new Error(`saveKerasModel: layer '${layer.name}' saveOwnVariables put ${value === null ? 'null' : typeof value} under '${key}'; the store holds tensors.`);
    group.members.set(key, float32(value.shape as number[], Float32Array.from(await value.data())));
  }
  for (const variable of layer.weights) if (variable.trainable && !trainable.includes(variable)) trainable.push(variable);
}

/** Names of Keras's inner dense layers of attention, in INNER_VARIABLES's order. */
const INNER_NAMES = ['query', 'key', 'value', 'attention_output'];

/** The variables as datasets `0`, `1`, ... of a `vars` group. */
async function fill(group: Hdf5WriteGroup, variables: Variable[], trainable: Variable[]): Promise<void> {
  const values = await Promise.all(variables.map((variable) => variable.data()));
  variables.forEach((variable, i) => {
    group.members.set(String(i), float32(variable.shape as number[], Float32Array.from(values[i])));
    // A variable a wrapper holds as its own too (WRAPPER_VARIABLES) is listed once, where Keras first lists it.
    if (variable.trainable && !trainable.includes(variable)) trainable.push(variable);
  });
}

/**
 * `optimizer/vars`: the step count, the learning rate (unless it is a schedule), then the slots in
 * Keras's order (kerasOptimizerSlots), then Nadam's momentum product. The slots of an optimizer
 * that has not stepped yet are their initial values, as Keras's are when it builds. A custom
 * optimizer is saved without its state, with a warning (Keras then starts it afresh). A
 * LossScaleOptimizer's variables are its own (a step count that Keras never advances, a learning
 * rate of 0, step_counter, dynamic_scale) then its inner optimizer's, which Keras also saves
 * under `optimizer/inner_optimizer/vars`. A MultiOptimizer's are its own (step count, a learning
 * rate of 0) then each inner optimizer's over its variables, which Keras also saves under
 * `optimizer/optimizers/<name>/vars` (kerasInnerOptimizers).
 */
async function optimizerGroup(model: Model, root: Hdf5WriteGroup, trainable: Variable[]): Promise<void> {
  const optimizer = model.optimizer;
  if (optimizer instanceof MultiOptimizer) return multiOptimizerGroup(optimizer, root, trainable);
  const inner = optimizer instanceof LossScaleOptimizer ? optimizer.innerOptimizer : optimizer;
  const entries = await optimizerDatasets(inner, trainable);
  if (!entries) {
    console.warn(`saveKerasModel: the state of ${optimizer.className} is not written to Keras files; Keras will start it afresh.`);
    return;
  }
  const group = child(root, 'optimizer');
  if (!(optimizer instanceof LossScaleOptimizer)) return setVars(vars(group, snakeCase(optimizer.className)), entries);
  const [[stepCounter], [dynamicScale]] = await Promise.all([optimizer.stepCounter.data(), optimizer.dynamicScale.data()]);
  const own = [int64(0), float32([], Float32Array.of(0)), int64(stepCounter), float32([], Float32Array.of(dynamicScale))];
  setVars(vars(group, snakeCase(optimizer.className)), [...own, ...entries]);
  setVars(vars(child(group, 'inner_optimizer'), snakeCase(inner.className)), entries);
}

/** A MultiOptimizer's state (see optimizerGroup); none, with a warning, when an inner optimizer's layout is not known here. */
async function multiOptimizerGroup(optimizer: MultiOptimizer, root: Hdf5WriteGroup, trainable: Variable[]): Promise<void> {
  const parts = kerasInnerOptimizers(optimizer, trainable);
  const entries = await Promise.all(parts.map(({ optimizer: inner, variables }) => optimizerDatasets(inner, variables)));
  const unknown = parts.find((_, i) => !entries[i]);
  if (unknown) {
    console.warn(`saveKerasModel: the state of MultiOptimizer is not written to Keras files, as that of its inner ${unknown.optimizer.className} is not; Keras will start it afresh.`);
    return;
  }
  const group = child(root, 'optimizer');
  setVars(vars(group, optimizer.name), [int64(optimizer.iterations), float32([], Float32Array.of(0)), ...entries.flatMap((datasets) => datasets!)]);
  for (const [i, { name, optimizer: inner }] of parts.entries()) setVars(vars(child(child(group, 'optimizers'), name), inner.name), entries[i]!);
}

/** An optimizer's variables as Keras orders them (see optimizerGroup); null for one whose layout is not known here. */
async function optimizerDatasets(optimizer: Optimizer, trainable: Variable[]): Promise<Hdf5WriteDataset[] | null> {
  const layout = kerasOptimizerSlots(optimizer, trainable);
  if (!layout) return null;
  const entries: Hdf5WriteDataset[] = [int64(optimizer.iterations)];
  const learningRate = optimizer.getConfig().learningRate;
  if (typeof learningRate === 'number') entries.push(float32([], Float32Array.of(learningRate)));
  if (layout.slots.some(([variable, slot]) => !optimizer.getSlot(variable, slot))) optimizer.build(trainable);
  for (const [variable, slot] of layout.slots) {
    const value = optimizer.getSlot(variable, slot)!;
    entries.push(float32(value.shape as number[], Float32Array.from(await value.data())));
  }
  // The product over the updates taken (Keras's `iterations`), fewer than the calls with gradient accumulation.
  if (optimizer instanceof Nadam) entries.push(float32([], Float32Array.of(optimizer.momentumProduct(optimizer.updates))));
  return entries;
}

/** The datasets `0`, `1`, ... of a `vars` group. */
function setVars(group: Hdf5WriteGroup, entries: Hdf5WriteDataset[]): void {
  entries.forEach((dataset, i) => group.members.set(String(i), dataset));
}

function newGroup(): Hdf5WriteGroup {
  return { kind: 'group', members: new Map() };
}

/** The member group `name` of `group`, made when missing. */
function child(group: Hdf5WriteGroup, name: string): Hdf5WriteGroup {
  let member = group.members.get(name);
  if (!member) group.members.set(name, (member = newGroup()));
  return member as Hdf5WriteGroup;
}

/** The `vars` group of a saved object, named as Keras names it (its `name` attribute). */
function vars(group: Hdf5WriteGroup, name: string): Hdf5WriteGroup {
  const made = child(group, 'vars');
  made.attributes = new Map([['name', name]]);
  return made;
}

function float32(shape: number[], values: Float32Array): Hdf5WriteDataset {
  return { kind: 'dataset', shape, dtype: 'float32', values };
}

function int64(value: number): Hdf5WriteDataset {
  return { kind: 'dataset', shape: [], dtype: 'int64', values: BigInt64Array.of(BigInt(value)) };
}

