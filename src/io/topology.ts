// Model topology and compile configuration as plain JSON, and back. Keras 3's layout: each layer is
// `{ class_name, config }` (config from `getConfig()`); a functional model lists its layers with
// `inbound_nodes` (each node's inputs as [layer name, node index, tensor index]) and its
// `input_layers` / `output_layers` (lists, or records by key for a model built from records); a
// Sequential model lists its layers in order.
//
// Rebuilding only ever looks classes up in registries (built-in layers, `registerLayer`,
// `registerModel`, built-in optimizers, losses and metrics, and the caller's `customObjects`) and
// calls their `fromConfig` or constructor with plain data: nothing in a file is evaluated as code.

import { Input, InputLayer } from '../layers/input_layer';
import { Layer, type CallArgs } from '../layers/layer';
import { Operation } from '../layers/operation';
import { getLayerClass, getRegisteredLayerName, registerLayer, type LayerClass } from '../layers/registry';
import type { Shape, SymbolicTensor } from '../layers/symbolic';
import { Loss, LossFunctionWrapper, deserializeLoss, getLoss, serializeLoss, type LossFunction } from '../losses/index';
import * as metricsModule from '../metrics/index';
import { Metric, MeanMetricWrapper, type MetricFunction } from '../metrics/index';
import * as optimizersModule from '../optimizers/index';
import { Optimizer } from '../optimizers/index';
import { zeros } from '../ops/creation';
import { tidy } from '../tensor/memory';
import { Model, type CompileArgs, type ModelArgs } from '../models/model';
import { Sequential, type SequentialArgs } from '../models/sequential';
import { flattenStructure, packStructure, type Structured } from '../models/functional';
import { isRecord } from '../tensor/records';
import type { LossSpec, MetricSpec } from '../models/compile_utils';
import { getCustomObject, type CustomObjects } from './object_registration';

/** A layer or model as the model JSON holds it. */
export interface LayerJSON {
  class_name: string;
  config: Record<string, unknown>;
  /** The layer's name in `inbound_nodes` references (functional models). */
  name?: string;
  inbound_nodes?: NodeJSON[];
  /** The input shape a subclassed model was built with (it is called on zeros of it to make its weights). */
  build_input_shape?: Shape | Shape[] | null;
}

/** One application of a layer: its inputs as [layer name, node index, tensor index]. */
export interface NodeJSON {
  args: Array<[string, number, number]>;
  /** Whether the layer was applied to a list of tensors (merge layers) rather than one tensor. */
  list: boolean;
  /** The record's keys, in the order of `args`, when the layer was applied to a record of tensors. */
  keys?: string[];
  /** The call options (training, and a layer's own such as MultiHeadAttention's useCausalMask). */
  kwargs: Record<string, CallOptionJSON>;
}

/** A call option as saved: options holding tensors are inputs instead (see serializeCallArgs). */
type CallOptionJSON = boolean | number | string | null;

/** A loss, metric or optimizer entry: a name, a `{ className, config }`, or a custom function by name. */
export type ObjectJSON = string | { className: string; config: Record<string, unknown> } | { function: string };

export interface CompileJSON {
  optimizer: { className: string; config: Record<string, unknown> };
  /** null for a model compiled without a loss. */
  loss: ObjectJSON | ObjectJSON[] | Record<string, ObjectJSON> | null;
  metrics: ObjectJSON[] | Record<string, ObjectJSON | ObjectJSON[]> | null;
  /** Absent in files saved before weighted metrics existed. */
  weightedMetrics?: ObjectJSON[] | Record<string, ObjectJSON | ObjectJSON[]> | null;
  lossWeights: number[] | Record<string, number> | null;
}

export type { CustomObjects } from './object_registration';

registerLayer(Sequential as never, 'Sequential');
registerLayer(Model as never, 'Functional');

/**
 * Registers a custom Model subclass so that saved models naming it can be loaded (the same
 * registry as `registerLayer`).
 *
 * @example
 * class TwoTower extends Model { ... getConfig() { return { ...super.getConfig(), units: this.units }; } }
 * registerModel(TwoTower);
 * const restored = await loadModel('indexeddb://two-tower');
 */
export function registerModel(cls: { readonly name: string; fromConfig(config: Record<string, unknown>): Layer }, name: string = cls.name): void {
  registerLayer(cls, name);
}

// ---- topology -------------------------------------------------------------------------------

/**
 * A layer or (nested) model as JSON. `opsUnwritten`: an op applied between layers gets its node
 * without its arguments (the Keras writer takes them from the Operation itself, tensor constants
 * included, which this format cannot hold).
 */
export function serializeLayer(layer: Layer, opsUnwritten = false): LayerJSON {
  if (opsUnwritten && layer instanceof Operation) return { class_name: 'Operation', config: { name: layer.name } };
  if (layer instanceof Sequential) {
    // Subclasses of Sequential (a custom trainStep, say) are saved as their layer list too.
    const model = layer;
    const className = layer.constructor === Sequential ? 'Sequential' : getRegisteredLayerName(layer.constructor);
    if (!className) throw unregistered(layer);
    return {
      class_name: className,
      config: { name: model.name, trainable: model.trainable, layers: model.layers.map((inner) => serializeLayer(inner, opsUnwritten)) },
      build_input_shape: model.inputs[0] ? [...model.inputs[0].shape] : null,
    };
  }
  if (layer.constructor === Model) return { class_name: 'Functional', config: serializeFunctional(layer as Model, opsUnwritten) };
  const className = getRegisteredLayerName(layer.constructor);
  if (!className) throw unregistered(layer);
  // A subclass of a functional model (a custom trainStep, say): its graph, with its own options.
  if (layer instanceof Model && layer.savedGraph) return { class_name: className, config: { ...layer.getConfig(), ...serializeFunctional(layer, opsUnwritten) } };
  const entry: LayerJSON = { class_name: className, config: layer.getConfig() };
  if (layer instanceof Model) entry.build_input_shape = layer.buildInputShape;
  return entry;
}

function unregistered(layer: Layer): Error {
  const kind = layer instanceof Model ? 'Model' : 'Layer';
  const cls = layer.constructor.name || 'MyLayer';
  return new Error(`Cannot save ${kind.toLowerCase()} '${layer.name}': its class ${cls} is not registered. Call register${kind}(${cls}) (once, before saving and before loading) so that the file can name it.`);
}

function serializeFunctional(model: Model, opsUnwritten: boolean): Record<string, unknown> {
  const { graph, inputStructure, outputStructure } = model.savedGraph!;
  const nodeIndex = new Map<unknown, number>();
  const layerNodes = new Map<Layer, number>();
  for (const node of graph.nodes) {
    const count = layerNodes.get(node.layer) ?? 0;
    nodeIndex.set(node, count);
    layerNodes.set(node.layer, count + 1);
  }
  const ref = (t: SymbolicTensor): [string, number, number] => [t.node.layer.name, nodeIndex.get(t.node) ?? 0, t.node.outputs.indexOf(t)];
  const inputLayers = model.inputs.map((t) => t.node.layer);
  const names = new Set<string>();
  const layers = [...inputLayers, ...graph.layers].map((layer) => {
    if (names.has(layer.name)) throw new Error(`Cannot save model '${model.name}': two of its layers are named '${layer.name}'; layer names must be unique within a model.`);
    names.add(layer.name);
    const entry = serializeLayer(layer, opsUnwritten);
    entry.name = layer.name;
    entry.inbound_nodes = graph.nodes
      .filter((n) => n.layer === layer)
      .map((n) => ({ args: n.inputs.map(ref), list: n.listInput, ...(n.inputKeys ? { keys: [...n.inputKeys] } : {}), kwargs: serializeCallArgs(model, layer, n.callArgs) }));
    return entry;
  });
  // A record is saved as one (Keras's layout); a single tensor or a list as a list.
  const refs = (tensors: SymbolicTensor[], structure: typeof inputStructure) => (typeof structure === 'string' ? tensors.map(ref) : packStructure(tensors.map(ref), structure));
  return {
    name: model.name,
    trainable: model.trainable,
    layers,
    input_layers: refs(model.inputs, inputStructure),
    output_layers: refs(model.outputs, outputStructure),
    single_output: outputStructure === 'single',
  };
}

/** A node's call options as JSON: plain values kept, unset ones dropped, anything else an error. */
function serializeCallArgs(model: Model, layer: Layer, callArgs: CallArgs): Record<string, CallOptionJSON> {
  const saved: Record<string, CallOptionJSON> = {};
  for (const [key, value] of Object.entries(callArgs)) {
    if (value === undefined) continue;
    if (value !== null && !['boolean', 'number', 'string'].includes(typeof value)) {
      throw new Error(
        `Cannot save model '${model.name}': layer '${layer.name}' was applied with the call option '${key}' holding ${value instanceof Object ? value.constructor.name : typeof value}, ` +
          'which cannot be saved; only booleans, numbers and strings can (pass tensors as inputs of the layer).',
      );
    }
    saved[key] = value as CallOptionJSON;
  }
  return saved;
}

/**
 * Throws for the first class name in a topology (nested models included) that is not registered,
 * before anything is built or allocated.
 */
export function checkClassNames(entry: unknown): void {
  if (entry === null || typeof entry !== 'object') return;
  const { class_name: className, config } = entry as LayerJSON;
  if (typeof className !== 'string') return;
  const cls = className === 'Sequential' || className === 'Functional' ? null : layerClass(className);
  const nested = config && typeof config === 'object' ? (config as { layers?: unknown }).layers : undefined;
  const holdsLayers = cls === null || (cls as { prototype?: unknown }).prototype instanceof Sequential || isFunctionalSubclass(cls, config);
  if (holdsLayers && Array.isArray(nested)) for (const item of nested) checkClassNames(item);
}

/** Frees what a layer or model made (weights, a model's loss tracker), after a failed load. */
export function releaseLayer(layer: Layer): void {
  for (const w of layer.weights) w.dispose();
  if (layer instanceof Model) for (const m of layer.metrics) m.dispose();
}

/** Rebuilds a layer or model from its JSON; only registered classes are built. */
export function deserializeLayer(entry: unknown, where = 'the model topology'): Layer {
  if (entry === null || typeof entry !== 'object') throw new Error(`Invalid model JSON: ${where} must be an object { class_name, config }, got ${entry === null ? 'null' : typeof entry}.`);
  const { class_name: className, config } = entry as LayerJSON;
  if (typeof className !== 'string') throw new Error(`Invalid model JSON: ${where} has no class_name string.`);
  if (config === null || typeof config !== 'object' || Array.isArray(config)) throw new Error(`Invalid model JSON: ${where} (${className}) has no config object.`);
  if (className === 'Functional') return deserializeFunctional(Model, config);
  const cls: LayerClass = className === 'Sequential' ? Sequential : layerClass(className);
  if (isFunctionalSubclass(cls, config)) return deserializeFunctional(cls as unknown as FunctionalClass, config);
  if (cls === Sequential || (cls as { prototype?: unknown }).prototype instanceof Sequential) {
    return deserializeSequential(cls as unknown as new (args: SequentialArgs) => Sequential, config, (entry as LayerJSON).build_input_shape);
  }
  const layer = cls.fromConfig(config);
  const buildShape = (entry as LayerJSON).build_input_shape;
  if (layer instanceof Model && !layer.built && Array.isArray(buildShape)) buildByCalling(layer, buildShape);
  return layer;
}

/** A layer class by name: a Layer class among the load's customObjects, else the registry's. */
function layerClass(className: string): LayerClass {
  const custom = getCustomObject(className) as { prototype?: unknown } | undefined;
  if (typeof custom === 'function' && custom.prototype instanceof Layer) return custom as unknown as LayerClass;
  return getLayerClass(className);
}

/** @internal A subclassed model makes its weights in call(): call it once on zeros of the saved shape. */
export function buildByCalling(model: Model, shape: Shape | Shape[]): void {
  const concrete = (s: Shape) => s.map((d) => d ?? 1);
  const isList = shape.length > 0 && Array.isArray(shape[0]);
  tidy(() => {
    const inputs = isList ? (shape as Shape[]).map((s) => zeros(concrete(s))) : zeros(concrete(shape as Shape));
    model.apply(inputs, { training: false });
  });
}

function deserializeSequential(cls: new (args: SequentialArgs) => Sequential, config: Record<string, unknown>, buildShape: unknown): Sequential {
  const list = config.layers;
  if (!Array.isArray(list)) throw new Error('Invalid model JSON: a Sequential config needs a `layers` list.');
  const model = new cls({ name: typeof config.name === 'string' ? config.name : undefined, trainable: config.trainable !== false });
  try {
    // A known batch size is kept, as Keras's InputLayer(batch_shape): a stateful RNN needs it.
    if (Array.isArray(buildShape) && typeof buildShape[0] === 'number' && list.length > 0) model.add(Input({ batchShape: buildShape as Shape }));
    list.forEach((item, i) => model.add(deserializeLayer(item, `layer ${i} of Sequential '${model.name}'`)));
    if (!model.built && Array.isArray(buildShape) && list.length > 0) model.build(buildShape as Shape);
  } catch (e) {
    releaseLayer(model);
    throw e;
  }
  return model;
}

/** A Model class built from { inputs, outputs } (Model itself, or a registered subclass of a functional model). */
type FunctionalClass = new (args: ModelArgs & Record<string, unknown>) => Model;

/** Whether `config` is the saved graph of a subclass of a functional model (see serializeLayer). */
function isFunctionalSubclass(cls: unknown, config: unknown): boolean {
  const inputRefs = (config as { input_layers?: unknown } | null)?.input_layers;
  return (cls as { prototype?: unknown } | null)?.prototype instanceof Model && !((cls as { prototype?: unknown }).prototype instanceof Sequential) && (Array.isArray(inputRefs) || isRecord(inputRefs));
}

function deserializeFunctional(cls: FunctionalClass, config: Record<string, unknown>): Model {
  const { layers, input_layers: inputRefs, output_layers: outputRefs } = config as { layers: unknown; input_layers: unknown; output_layers: unknown };
  const name = typeof config.name === 'string' ? config.name : 'model';
  const refsOk = (refs: unknown): refs is unknown[] | Record<string, unknown> => Array.isArray(refs) || (isRecord(refs) && Object.keys(refs).length > 0);
  if (!Array.isArray(layers) || !refsOk(inputRefs) || !refsOk(outputRefs)) {
    throw new Error(`Invalid model JSON: the functional model '${name}' needs a \`layers\` list, and \`input_layers\` and \`output_layers\` lists (or records by key).`);
  }
  const byName = new Map<string, { layer: Layer; nodes: NodeJSON[]; outputs: SymbolicTensor[][] }>();
  try {
    return buildFunctional(cls, name, config, layers, inputRefs, outputRefs, byName);
  } catch (e) {
    for (const { layer } of byName.values()) releaseLayer(layer);
    throw e;
  }
}

function buildFunctional(
  cls: FunctionalClass,
  name: string,
  config: Record<string, unknown>,
  layers: unknown[],
  inputRefs: unknown[] | Record<string, unknown>,
  outputRefs: unknown[] | Record<string, unknown>,
  byName: Map<string, { layer: Layer; nodes: NodeJSON[]; outputs: SymbolicTensor[][] }>,
): Model {
  for (const [i, item] of layers.entries()) {
    const entry = item as LayerJSON;
    const layer = deserializeLayer(entry, `layer ${i} of model '${name}'`);
    const layerName = typeof entry.name === 'string' ? entry.name : layer.name;
    if (byName.has(layerName)) throw new Error(`Invalid model JSON: model '${name}' lists layer '${layerName}' twice.`);
    const nodes = Array.isArray(entry.inbound_nodes) ? entry.inbound_nodes : [];
    byName.set(layerName, { layer, nodes, outputs: layer instanceof InputLayer ? [[layer.output]] : [] });
  }
  const resolve = (ref: unknown): SymbolicTensor | undefined => {
    if (!Array.isArray(ref) || ref.length !== 3) throw new Error(`Invalid model JSON: a tensor reference in model '${name}' must be [layer name, node index, tensor index], got ${JSON.stringify(ref)}.`);
    const [layerName, node, tensor] = ref as [string, number, number];
    const target = byName.get(layerName);
    if (!target) throw new Error(`Invalid model JSON: model '${name}' refers to layer '${layerName}', which it does not list.`);
    return target.outputs[node]?.[tensor];
  };
  // Apply each layer's nodes in order once their inputs exist; a pass without progress means a
  // reference that can never be satisfied.
  let pending = [...byName.values()].reduce((n, e) => n + e.nodes.length, 0);
  while (pending > 0) {
    let progressed = false;
    for (const entry of byName.values()) {
      while (entry.outputs.length - (entry.layer instanceof InputLayer ? 1 : 0) < entry.nodes.length) {
        const node = entry.nodes[entry.outputs.length - (entry.layer instanceof InputLayer ? 1 : 0)];
        if (!node || !Array.isArray(node.args)) throw new Error(`Invalid model JSON: a node of layer '${entry.layer.name}' has no \`args\` list.`);
        const inputs = node.args.map(resolve);
        if (inputs.some((t) => t === undefined)) break;
        const args: CallArgs = node.kwargs !== null && typeof node.kwargs === 'object' ? { ...node.kwargs } : {};
        const keys = Array.isArray(node.keys) ? node.keys : null;
        const given = keys ? Object.fromEntries(keys.map((key, i) => [key, inputs[i]])) : node.list ? inputs : inputs[0];
        const out = entry.layer.apply(given as SymbolicTensor | SymbolicTensor[], args);
        entry.outputs.push(flattenStructure(out as Structured<SymbolicTensor>));
        pending--;
        progressed = true;
      }
    }
    if (!progressed) throw new Error(`Invalid model JSON: the graph of model '${name}' cannot be rebuilt; some layer inputs refer to nodes that never exist (or form a cycle).`);
  }
  const tensorAt = (what: string) => (ref: unknown) => {
    const t = resolve(ref);
    if (!t) throw new Error(`Invalid model JSON: ${what} ${JSON.stringify(ref)} of model '${name}' does not exist.`);
    return t;
  };
  // Lists as before records existed; a record keeps its keys.
  const lookup = (refs: unknown[] | Record<string, unknown>, what: string): SymbolicTensor[] | Record<string, SymbolicTensor> =>
    Array.isArray(refs) ? refs.map(tensorAt(what)) : Object.fromEntries(Object.entries(refs).map(([key, ref]) => [key, tensorAt(what)(ref)]));
  const inputs = lookup(inputRefs, 'input');
  const outputs = lookup(outputRefs, 'output');
  const unlist = (tensors: SymbolicTensor[] | Record<string, SymbolicTensor>, single: boolean) => (Array.isArray(tensors) && tensors.length === 1 && single ? tensors[0] : tensors);
  // A subclass gets its own options back beside the graph.
  const { layers: _layers, input_layers: _inputLayers, output_layers: _outputLayers, single_output: _single, dtype: _dtype, ...own } = config;
  return new cls({ ...own, name, trainable: config.trainable !== false, inputs: unlist(inputs, true), outputs: unlist(outputs, config.single_output !== false) });
}

// ---- compile config -------------------------------------------------------------------------

const OPTIMIZERS = classesIn(optimizersModule, Optimizer);
const METRICS = classesIn(metricsModule, Metric);

/** The exported classes of a module that extend `base`, by export name (minification-safe). */
function classesIn(module: Record<string, unknown>, base: { prototype: object }): Map<string, new (config: never) => unknown> {
  const out = new Map<string, new (config: never) => unknown>();
  for (const [name, value] of Object.entries(module)) {
    if (typeof value === 'function' && (value.prototype as object) instanceof (base as unknown as new () => object)) out.set(name, value as new (config: never) => unknown);
  }
  return out;
}

/** The compile() arguments as JSON. Custom functions are written by their name. */
export function serializeCompileConfig(model: Model): CompileJSON | null {
  const args = model.compileArgs;
  if (!args || !model.optimizer) return null;
  const optimizer = model.optimizer;
  return {
    optimizer: { className: optimizer.className, config: optimizer.getConfig() },
    loss: args.loss === undefined ? null : (mapSpec(args.loss, serializeLossEntry) as CompileJSON['loss']),
    metrics: args.metrics === undefined ? null : (mapSpec(args.metrics, serializeMetricEntry) as CompileJSON['metrics']),
    weightedMetrics: args.weightedMetrics === undefined ? null : (mapSpec(args.weightedMetrics, serializeMetricEntry) as CompileJSON['metrics']),
    lossWeights: args.lossWeights ?? null,
  };
}

function deserializeMetricSpec(json: CompileJSON['metrics'] | undefined, customObjects: CustomObjects): MetricSpec | undefined {
  return json === null || json === undefined ? undefined : (mapSpec(json, (entry) => deserializeMetricEntry(entry, customObjects)) as MetricSpec);
}

/** compile() arguments rebuilt from JSON. */
export function deserializeCompileConfig(json: CompileJSON, customObjects: CustomObjects): CompileArgs {
  if (json === null || typeof json !== 'object' || !json.optimizer) throw new Error('Invalid model JSON: compileConfig must hold an optimizer, a loss and metrics.');
  return {
    optimizer: deserializeOptimizer(json.optimizer, customObjects),
    loss: json.loss === null ? undefined : (mapSpec(json.loss, (entry) => deserializeLossEntry(entry, customObjects)) as LossSpec),
    metrics: deserializeMetricSpec(json.metrics, customObjects),
    weightedMetrics: deserializeMetricSpec(json.weightedMetrics, customObjects),
    lossWeights: json.lossWeights ?? undefined,
  };
}

/** An optimizer from its class name (custom or built-in) and config; a MultiOptimizer's nested optimizers resolve the same way. */
function deserializeOptimizer({ className, config }: optimizersModule.OptimizerEntry, customObjects: CustomObjects): Optimizer {
  const cls = (getCustomObject(className, customObjects) as (new (config: never) => unknown) | undefined) ?? OPTIMIZERS.get(className);
  if (!cls || !(cls.prototype instanceof Optimizer)) {
    throw new Error(`loadModel: the saved optimizer class '${className}' is unknown. Built-in optimizers: ${[...OPTIMIZERS.keys()].join(', ')}. Pass a custom one as loadModel(source, { customObjects: { ${className} } }), or load with { compile: false }.`);
  }
  return (cls as unknown as typeof optimizersModule.MultiOptimizer).fromConfig(config ?? {}, (entry) => deserializeOptimizer(entry, customObjects));
}

/** Applies `fn` to each entry of a spec: one entry, a list, or a record of entries or lists. */
function mapSpec(spec: unknown, fn: (entry: unknown) => unknown): unknown {
  if (Array.isArray(spec)) return spec.map((e) => (Array.isArray(e) ? e.map(fn) : fn(e)));
  if (isRecordSpec(spec)) return Object.fromEntries(Object.entries(spec).map(([k, v]) => [k, Array.isArray(v) ? v.map(fn) : fn(v)]));
  return fn(spec);
}

/** A record by output name, as opposed to one entry in object form. */
function isRecordSpec(spec: unknown): spec is Record<string, unknown> {
  return isRecord(spec) && !('className' in spec) && !('function' in spec);
}

function serializeLossEntry(entry: unknown): ObjectJSON | null {
  // An output without a loss (a null entry of a list, a key missing from a record) stays so.
  if (entry === null || entry === undefined) return null;
  if (typeof entry === 'string') return entry;
  const builtIn = (fn: unknown) => typeof fn === 'function' && getLoss(fn as LossFunction).constructor !== LossFunctionWrapper;
  if (typeof entry === 'function') return builtIn(entry) ? serializeLoss(getLoss(entry as LossFunction)) : { function: entry.name };
  if (entry instanceof Loss) {
    // A wrapper around a custom function is saved as the function's name (its options are not kept).
    if (entry.constructor === LossFunctionWrapper && !builtIn((entry as LossFunctionWrapper).fn)) return { function: (entry as LossFunctionWrapper).fn.name };
    return serializeLoss(entry);
  }
  // A loss given to compile in its saved form, { className, config }, is saved as given.
  if (entry !== null && typeof entry === 'object' && typeof (entry as { className?: unknown }).className === 'string') {
    const { className, config = {} } = entry as { className: string; config?: Record<string, unknown> };
    return { className, config: { ...config } } as ObjectJSON;
  }
  throw new Error(`Cannot save the compile config: unsupported loss ${entry === null ? 'null' : typeof entry}; give compile a loss name, function or Loss object.`);
}

function deserializeLossEntry(entry: unknown, customObjects: CustomObjects): unknown {
  if (entry === null) return null;
  if (typeof entry === 'string') return getCustomObject(entry, customObjects) ?? entry;
  if (entry !== null && typeof entry === 'object' && 'function' in entry) return customFunction(String((entry as { function: unknown }).function), 'loss', customObjects);
  if (entry !== null && typeof entry === 'object' && typeof (entry as { className?: unknown }).className === 'string') {
    const { className, config } = entry as { className: string; config: Record<string, unknown> };
    const custom = getCustomObject(className, customObjects);
    if (typeof custom === 'function' && custom.prototype instanceof Loss) return new (custom as new (c: unknown) => Loss)(config);
    return deserializeLoss(entry as never);
  }
  throw new Error(`Invalid model JSON: a loss entry must be a name, { className, config } or { function }, got ${JSON.stringify(entry)}.`);
}

function serializeMetricEntry(entry: unknown): ObjectJSON {
  if (typeof entry === 'string') return entry;
  if (typeof entry === 'function') return { function: entry.name };
  if (entry instanceof MeanMetricWrapper && entry.constructor === MeanMetricWrapper) return { function: String(entry.getConfig().fn) };
  if (entry instanceof Metric) {
    const className = [...METRICS].find(([, cls]) => cls === entry.constructor)?.[0];
    if (className) return { className, config: { ...entry.getConfig() } };
    return { className: entry.constructor.name, config: { ...entry.getConfig() } };
  }
  throw new Error(`Cannot save the compile config: unsupported metric ${typeof entry}.`);
}

function deserializeMetricEntry(entry: unknown, customObjects: CustomObjects): unknown {
  if (typeof entry === 'string') return getCustomObject(entry, customObjects) ?? entry;
  if (entry !== null && typeof entry === 'object' && 'function' in entry) return customFunction(String((entry as { function: unknown }).function), 'metric', customObjects) as MetricFunction;
  if (entry !== null && typeof entry === 'object' && typeof (entry as { className?: unknown }).className === 'string') {
    const { className, config } = entry as { className: string; config: Record<string, unknown> };
    const cls = (getCustomObject(className, customObjects) as (new (c: never) => unknown) | undefined) ?? METRICS.get(className);
    if (!cls || !(cls.prototype instanceof Metric) || cls === (MeanMetricWrapper as unknown)) {
      throw new Error(`loadModel: the saved metric class '${className}' is unknown. Built-in metrics: ${[...METRICS.keys()].join(', ')}. Pass a custom one as loadModel(source, { customObjects: { ${className} } }), or load with { compile: false }.`);
    }
    return new cls(config as never);
  }
  throw new Error(`Invalid model JSON: a metric entry must be a name, { className, config } or { function }, got ${JSON.stringify(entry)}.`);
}

function customFunction(name: string, kind: string, customObjects: CustomObjects): unknown {
  if (!name) {
    throw new Error(`loadModel: the model was compiled with an anonymous custom ${kind} function, which cannot be restored by name. Load with { compile: false } and call compile() yourself, or give the function a name and pass it in customObjects.`);
  }
  const fn = getCustomObject(name, customObjects);
  if (typeof fn !== 'function') {
    throw new Error(`loadModel: the model was compiled with the custom ${kind} function '${name}'. Pass it as loadModel(source, { customObjects: { ${name} } }), or load with { compile: false } and call compile() yourself.`);
  }
  return fn;
}
