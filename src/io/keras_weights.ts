// Loading the weights of a model saved by Keras 3 in Python (`model.save('m.keras')`, a zip
// holding model.weights.h5, or `model.save_weights('m.weights.h5')`) into the same architecture
// built here. Keras 3 stores a model's layers under `layers/<name>`, where the name is the
// layer's class in snake case, numbered within its list (`dense`, `dense_1`, ...; not the
// layer's own name), in the order of `model.layers`; a layer's own variables are
// `vars/0`, `vars/1`, ... (its trainable variables, then the others, in the order it made them),
// a recurrent layer's are its cell's (`layers/lstm/cell/vars/...`), a wrapper's layers are under
// their attribute (`forward_layer`, `backward_layer`, `layer`; SpectralNormalization's own
// variables beside them under `vars`), and a nested model's layers are
// under its own `layers`. A subclassed model's own variables are at its `vars` (the file's root
// `vars` for the whole model) and its layers under its attribute names (customLayerParts). Loading matches layers the same way and checks every variable's
// shape before any is assigned, so a mismatch leaves the model as it was.
//
// Layers are supported where this library's variables are Keras's, in Keras's order (the ones in
// KERAS_VARIABLE_ORDER, recurrent layers and weightless layers); `model.layers` is in Keras's
// order already (a functional model's as Keras's map_graph orders them). loadKerasModel also loads the optimizer's state
// of a compiled model (loadKerasOptimizerState).

import { InputLayer } from '../layers/input_layer';
import type { Bidirectional, TimeDistributed } from '../layers/wrappers';
import type { SpectralNormalization } from '../layers/spectral_normalization';
import type { RNN } from '../layers/recurrent';
import type { StackedRNNCells } from '../layers/stacked_rnn_cells';
import { Layer, snakeCase } from '../layers/layer';
import { getRegisteredLayerName, isBuiltInLayer } from '../layers/registry';
import { Model } from '../models/model';
import { Sequential } from '../models/sequential';
import { tensor } from '../tensor/creation';
import type { Variable } from '../autograd/variable';
import { tidy } from '../tensor/memory';
import { LossScaleOptimizer } from '../optimizers/loss_scale_optimizer';
import { MultiOptimizer } from '../optimizers/multi_optimizer';
import type { Optimizer } from '../optimizers/optimizer';
import { readHdf5, isHdf5, type Hdf5Dataset, type Hdf5Group } from './hdf5';
import { isZip, readZipEntry } from './zip';
import { localFileReader } from './local_files';

/** What `loadKerasWeights` reads: a `.keras` archive or a `.weights.h5` file, as bytes, a Blob (a File), or a URL or Node path. */
export type KerasWeightsSource = string | ArrayBuffer | Uint8Array | Blob;

export interface LoadKerasWeightsOptions {
  /** Keep, with a warning, the weights whose shape differs from the file's (a new head); default false. */
  skipMismatch?: boolean;
}

/** Layer classes whose variables this library makes as Keras 3 does: the same ones, in the same order and shapes. */
const KERAS_VARIABLE_ORDER = new Set([
  'Dense', 'EinsumDense', 'Embedding', 'PReLU', 'BatchNormalization', 'LayerNormalization', 'SimpleRNNCell', 'GRUCell', 'LSTMCell',
  'Conv1D', 'Conv2D', 'Conv3D', 'Conv1DTranspose', 'Conv2DTranspose', 'Conv3DTranspose',
  'DepthwiseConv1D', 'DepthwiseConv2D', 'SeparableConv1D', 'SeparableConv2D', 'Normalization',
  'GroupNormalization', 'RMSNormalization', 'Attention', 'AdditiveAttention', 'ReversibleEmbedding', 'TernaryDense', 'STFTSpectrogram',
]);
/** Layers that Keras gives trailing variables this library does not keep: Normalization's int sample count. */
export const KERAS_ONLY_TRAILING: Record<string, number> = { Normalization: 1 };
/** Recurrent layers: Keras keeps their variables in their cell, under `cell`. */
export const RECURRENT = new Set(['SimpleRNN', 'GRU', 'LSTM', 'ConvLSTM1D', 'ConvLSTM2D', 'ConvLSTM3D']);
/**
 * Layers whose variables Keras keeps in inner layers, under these attribute names (Keras 3.16's:
 * MultiHeadAttention's public properties, which Keras reaches before the private attributes that
 * earlier versions stored; loading takes either), in this library's order of the variables.
 */
export const INNER_VARIABLES: Record<string, string[]> = {
  MultiHeadAttention: ['query_dense', 'key_dense', 'value_dense', 'output_dense'],
  GroupQueryAttention: ['_query_dense', '_key_dense', '_value_dense', '_output_dense'],
};
/** Inner layers of Keras's that this library's layers do not have (an attention gate): a file with them is refused. */
const KERAS_ONLY_INNER = ['_gate_dense'];
/**
 * Layers that hold others, and the paths (attribute names, or a list attribute and the class of
 * the item in snake case, numbered as Keras numbers a list's items) Keras keeps those under.
 */
export const WRAPPED: Record<string, (layer: Layer) => Array<[string, Layer]>> = {
  Bidirectional: (layer) => [
    ['forward_layer', (layer as Bidirectional).forwardLayer],
    ['backward_layer', (layer as Bidirectional).backwardLayer],
  ],
  TimeDistributed: (layer) => [['layer', (layer as TimeDistributed).layer]],
  // An RNN of a cell (a layer) or of stacked cells.
  RNN: (layer) => {
    const { cell } = layer as RNN;
    if (!(cell instanceof Layer)) throw new Error(`Keras files: layer '${layer.name}' (RNN) has a cell that is not a layer (an RNNCellLike object); Keras keeps a cell's variables as a layer's.`);
    return [['cell', cell]];
  },
  StackedRNNCells: (layer) => numberedItems((layer as StackedRNNCells).cells as Layer[]).map(([name, cell]) => [`cells/${name}`, cell]),
  SpectralNormalization: (layer) => [['layer', (layer as SpectralNormalization).layer]],
};
/**
 * Wrappers with variables of their own, which Keras keeps under the wrapper's `vars` beside the
 * wrapped layer's, in this order: SpectralNormalization tracks the wrapped kernel as its own too
 * (its files hold the kernel twice), then its vector_u.
 */
export const WRAPPER_VARIABLES: Record<string, (layer: Layer) => Variable[]> = {
  SpectralNormalization: (layer) => [(layer as SpectralNormalization).kernel, (layer as SpectralNormalization).vectorU],
};

/** Items of a list as Keras names them in a weights file: the class in snake case, numbered (`lstm_cell`, `lstm_cell_1`, ...). */
function numberedItems(items: Layer[]): Array<[string, Layer]> {
  return numbered(items, pythonClassName);
}

/** A layer's Python class: a custom class registered as 'Custom>Scale' is Python's Scale. */
function pythonClassName(layer: Layer): string {
  const className = classNameOf(layer);
  return PYTHON_CLASS_NAMES[className] ?? className.slice(className.lastIndexOf('>') + 1);
}

/** Items each named by its Python class in snake case, numbered among those of its class, as Keras names a list's items. */
function numbered<T>(items: T[], pythonClassOf: (item: T) => string): Array<[string, T]> {
  const unique = uniqueNames();
  return items.map((item) => [unique(snakeCase(pythonClassOf(item))), item]);
}

/** Keras's names among siblings: a base name, then `base_1`, `base_2`, ... as it repeats. */
function uniqueNames(): (base: string) => string {
  const used = new Map<string, number>();
  return (base) => {
    const count = used.get(base);
    used.set(base, (count ?? -1) + 1);
    return count === undefined ? base : `${base}_${count + 1}`;
  };
}

/**
 * Loads Keras 3 weights into `model`, built here with the same architecture (layer for layer, as
 * the Python model was defined).
 *
 * @example
 * // Python: model.save('classifier.keras')
 * const model = new Sequential({ layers: [new layers.Dense({ units: 64, activation: 'relu', inputShape: [784] }), new layers.Dense({ units: 10 })] });
 * await loadKerasWeights(model, './classifier.keras');   // or a URL, an ArrayBuffer, a File
 */
export async function loadKerasWeights(model: Model, source: KerasWeightsSource, options: LoadKerasWeightsOptions = {}): Promise<void> {
  await loadKerasWeightsFile(model, source, options);
}

/**
 * @internal loadKerasWeights, returning the file's root group and the model's trainable variables
 * in Keras's order (that of `model.trainable_variables` in Python), for the optimizer's state.
 */
export async function loadKerasWeightsFile(model: Model, source: KerasWeightsSource, { skipMismatch = false }: LoadKerasWeightsOptions = {}): Promise<{ root: Hdf5Group; trainable: Variable[] }> {
  const bytes = await bytesOf(source);
  const weightsFile = isZip(bytes) ? await readZipEntry(bytes, 'model.weights.h5') : bytes;
  if (!isHdf5(weightsFile)) {
    throw new Error(`loadKerasWeights: ${describe(source)} is neither a Keras 3 '.keras' archive nor a '.weights.h5' file (HDF5).`);
  }
  const root = readHdf5(weightsFile);
  if (!root.members.has('layers') && root.members.has('model_weights')) {
    throw new Error("loadKerasWeights: this is a Keras 2 ('legacy') HDF5 file; save it from Keras 3 with model.save('name.keras') or model.save_weights('name.weights.h5').");
  }
  const pairs: Pairs = [];
  const hooks: OwnVariablesHooks = [];
  matchModel(model, root, '', pairs, hooks);
  const kept: string[] = [];
  const loads = pairs.filter(([variable, dataset, path]) => {
    if (!dataset || sameShape(variable.shape, dataset.shape)) return true;
    const what = `${path} has shape [${dataset!.shape.join(',')}], variable '${variable.name}' [${variable.shape.join(',')}]`;
    if (!skipMismatch) throw new Error(`loadKerasWeights: ${what}; the model is not the file's architecture (or pass { skipMismatch: true } to keep the variables that differ).`);
    kept.push(what);
    return false;
  });
  for (const [variable, dataset] of loads) if (dataset) tidy(() => variable.assign(tensor(dataset.values(), variable.shape as number[])));
  for (const [layer, vars] of hooks) {
    tidy(() => {
      const entries = vars ? [...vars.members.entries()].filter((entry): entry is [string, Hdf5Dataset] => entry[1].kind === 'dataset') : [];
      layer.loadOwnVariables(Object.fromEntries(entries.map(([key, dataset]) => [key, tensor(dataset.values(), dataset.shape)])));
    });
  }
  if (kept.length > 0) console.warn(`loadKerasWeights: kept ${kept.length} variable(s) whose shape differs from the file: ${kept.join('; ')}.`);
  // A variable that a wrapper holds as its own too (WRAPPER_VARIABLES) is listed once, where Keras first lists it.
  return { root, trainable: [...new Set(pairs.map(([variable]) => variable).filter((variable) => variable.trainable))] };
}

/**
 * The groups of slots of each optimizer, as Keras 3 lays out its variables after the step count
 * and the learning rate: group by group, and within a group variable by variable, each variable's
 * slots of the group together (one `add_optimizer_variables` call a group). Keras's base optimizer
 * adds the EMA averages and the gradient accumulators first. Read from Keras 3.16's optimizers.
 */
const KERAS_SLOT_GROUPS: Record<string, (config: Record<string, unknown>) => string[][]> = {
  SGD: (c) => (c.momentum ? [['momentum']] : []),
  RMSprop: (c) => [['velocity'], ...(c.momentum ? [['momentum']] : []), ...(c.centered ? [['average_gradient']] : [])],
  Adam: (c) => [['momentum', 'velocity'], ...(c.amsgrad ? [['velocity_hat']] : [])],
  AdamW: (c) => [['momentum', 'velocity'], ...(c.amsgrad ? [['velocity_hat']] : [])],
  Adagrad: () => [['accumulator']],
  Adadelta: () => [['accumulated_grad', 'accumulated_delta_var']],
  Adamax: () => [['momentum', 'norm']],
  Nadam: () => [['momentum', 'velocity']],
  Ftrl: () => [['accumulator', 'linear']],
  Lion: () => [['momentum']],
  Lamb: () => [['momentum', 'velocity']],
  Adafactor: () => [['r', 'c', 'velocity']],
  ScheduleFreeAdamW: () => [['momentum', 'velocity']],
};

/**
 * @internal An optimizer's state in Keras's order of its variables (after the step count and the
 * learning rate): each slot as [variable, slot name], then how many Keras-only values follow
 * (Nadam's momentum product, which this library derives from the step count). Null for an
 * optimizer whose layout is not known here (a custom class).
 */
export function kerasOptimizerSlots(optimizer: Optimizer, trainable: Variable[]): { slots: Array<[Variable, string]>; trailing: number } | null {
  const config = optimizer.getConfig();
  const own = KERAS_SLOT_GROUPS[optimizer.className]?.(config);
  if (!own) return null;
  const groups = [...(config.useEma ? [['average']] : []), ...(config.gradientAccumulationSteps ? [['gradient_accumulator']] : []), ...own];
  const slots = groups.flatMap((group) => trainable.flatMap((variable) => group.map((slot): [Variable, string] => [variable, slot])));
  return { slots, trailing: optimizer.className === 'Nadam' ? 1 : 0 };
}

/**
 * @internal A MultiOptimizer's inner optimizers as Keras keeps them (its `optimizers` list, whose
 * items are saved under `optimizer/optimizers/<class in snake case, numbered>`), each with the
 * trainable variables it updates, in Keras's order: those it builds its slots over.
 */
export function kerasInnerOptimizers(optimizer: MultiOptimizer, trainable: Variable[]): Array<{ name: string; optimizer: Optimizer; variables: Variable[] }> {
  // Selecting each variable's optimizer first lists any that a selector function returns.
  for (const variable of trainable) optimizer.optimizerOf(variable);
  return numbered(optimizer.optimizers, (inner) => inner.className).map(([name, inner]) => ({
    name,
    optimizer: inner,
    variables: trainable.filter((variable) => optimizer.optimizerOf(variable) === inner),
  }));
}

/**
 * @internal The optimizer's state saved with the weights (`optimizer/vars`: the step count, the
 * learning rate unless it was a schedule, then the slots), into the compiled model's optimizer, so
 * that training goes on as it would have in Python. A state this library cannot place is skipped
 * with a warning, as Keras skips an optimizer whose variables differ. A LossScaleOptimizer's
 * `optimizer/vars` start with its own step count, learning rate, step_counter and dynamic_scale;
 * its inner optimizer's state is read from `optimizer/inner_optimizer/vars`. A MultiOptimizer's
 * inner optimizers' states are read from `optimizer/optimizers/<name>/vars`.
 */
export function loadKerasOptimizerState(model: Model, root: Hdf5Group, trainable: Variable[]): void {
  const optimizer = model.optimizer;
  const saved = member(root, 'optimizer', 'vars');
  if (!optimizer || !saved || saved.members.size === 0) return;
  const skip = (why: string) => console.warn(`loadKerasModel: the optimizer's state in the file is not loaded: ${why}; training starts from a fresh ${optimizer.className} state.`);
  if (optimizer instanceof MultiOptimizer) return loadMultiOptimizerState(optimizer, root, saved, trainable, skip);
  if (!(optimizer instanceof LossScaleOptimizer)) {
    readSlots(optimizer, saved, 'optimizer/vars', trainable, skip)?.();
    return;
  }
  // Saved before its first step, a LossScaleOptimizer holds only its step count and learning rate.
  const own = numberedDatasets(saved, 'optimizer/vars', 0);
  if (own.length <= 2) return;
  const inner = member(root, 'optimizer', 'inner_optimizer', 'vars');
  if (!inner) return skip("the file has no 'optimizer/inner_optimizer/vars'");
  const assignInner = readSlots(optimizer.innerOptimizer, inner, 'optimizer/inner_optimizer/vars', trainable, skip);
  if (!assignInner) return;
  assignInner();
  optimizer.build(trainable);
  tidy(() => {
    optimizer.stepCounter.assign(tensor([own[2].values()[0]], [], 'int32'));
    optimizer.dynamicScale.assign(tensor([own[3].values()[0]], []));
  });
  optimizer.iterations = optimizer.innerOptimizer.iterations;
}

/**
 * A MultiOptimizer's state: Keras's `optimizer/vars` hold its step count and learning rate (0),
 * then every inner optimizer's variables in turn, which Keras also saves under
 * `optimizer/optimizers/<name>/vars` (kerasInnerOptimizers); each inner optimizer's state is read
 * from there, all of them checked before any is assigned.
 */
function loadMultiOptimizerState(optimizer: MultiOptimizer, root: Hdf5Group, saved: Hdf5Group, trainable: Variable[], skip: (why: string) => void): void {
  const assigns: Array<() => void> = [];
  for (const { name, optimizer: inner, variables } of kerasInnerOptimizers(optimizer, trainable)) {
    const path = `optimizer/optimizers/${name}/vars`;
    const group = member(root, 'optimizer', 'optimizers', name, 'vars');
    if (!group) return skip(`the file has no '${path}' for the inner ${inner.className} '${inner.name}'`);
    const assign = readSlots(inner, group, path, variables, (why) => skip(`'${path}' (the inner ${inner.className} '${inner.name}'): ${why}`));
    if (!assign) return;
    assigns.push(assign);
  }
  for (const assign of assigns) assign();
  optimizer.iterations = numberedDatasets(saved, 'optimizer/vars', 0)[0].values()[0];
}

/**
 * An optimizer's step count and slots from a `vars` group in Keras's order, checked: what assigns
 * them (the optimizer built over `trainable`), or null when they are skipped.
 */
function readSlots(optimizer: Optimizer, saved: Hdf5Group, path: string, trainable: Variable[], skip: (why: string) => void): (() => void) | null {
  const layout = kerasOptimizerSlots(optimizer, trainable);
  const datasets = numberedDatasets(saved, path, 0);
  if (!layout) {
    skip(`the state of ${optimizer.className} is not placed here`);
    return null;
  }
  // Saved before its first step, an optimizer holds only its step count and learning rate.
  if (datasets.length <= 2 && datasets[0].values()[0] === 0) return () => {};
  const first = datasets.length - layout.slots.length - layout.trailing;
  if (first !== 1 && first !== 2) {
    skip(`it has ${datasets.length} variables, and ${optimizer.className} over ${trainable.length} trainable variables needs ${layout.slots.length} slots after its step count`);
    return null;
  }
  const state = layout.slots.map(([variable, slot], i): [Variable, string, Hdf5Dataset] => [variable, slot, datasets[first + i]]);
  optimizer.build(trainable);
  const wrong = state.find(([variable, slot, dataset]) => !sameShape(optimizer.getSlot(variable, slot)!.shape, dataset.shape));
  if (wrong) {
    skip(`a slot of variable '${wrong[0].name}' has shape [${wrong[2].shape.join(',')}]`);
    return null;
  }
  return () => {
    for (const [variable, slot, dataset] of state) {
      const target = optimizer.getSlot(variable, slot)!;
      tidy(() => target.assign(tensor(dataset.values(), target.shape as number[])));
    }
    optimizer.iterations = datasets[0].values()[0];
  };
}

/** The layers of a model (`group` holds its `layers`) and their variables, paired with the file's datasets. */
function matchModel(model: Model, group: Hdf5Group, path: string, pairs: Pairs, hooks: OwnVariablesHooks): void {
  if (isSubclassedModel(model)) {
    checkSupported(model, classNameOf(model));
    return matchLayer(model, classNameOf(model), group, path.replace(/\/$/, ''), pairs, hooks);
  }
  const container = member(group, 'layers');
  for (const [name, layer] of kerasLayerNames(model)) {
    const className = classNameOf(layer);
    const layerPath = `${path}layers/${name}`;
    checkSupported(layer, className);
    const layerGroup = container ? member(container, name) : null;
    if (!layerGroup) {
      if (layer.weights.length === 0) continue;
      throw new Error(`loadKerasWeights: the file has no '${layerPath}' for layer '${layer.name}' (${className}); the model is not the file's architecture.`);
    }
    matchLayer(layer, className, layerGroup, layerPath, pairs, hooks);
  }
}

/** Keras's Python class where it differs from the exported name that configs and this library use. */
const PYTHON_CLASS_NAMES: Record<string, string> = { GroupQueryAttention: 'GroupedQueryAttention' };

/**
 * @internal A model's layers in Keras's order, each with the name Keras stores it under: its
 * Python class in snake case, numbered among the layers of that class (`dense`, `dense_1`, ...).
 */
export function kerasLayerNames(model: Model): Array<[string, Layer]> {
  return numberedItems(model.layers.filter((layer) => !(layer instanceof InputLayer)));
}

/** @internal Throws for a layer with weights whose Keras layout is not known here (`action` begins the message). */
export function checkSupported(layer: Layer, className: string, action = 'loadKerasWeights: loading Keras weights into'): void {
  const wrapped = innerLayers(layer, className);
  if (wrapped) return wrapped.forEach(([, inner]) => checkSupported(inner, classNameOf(inner), action));
  if (layer instanceof Model || layer.weights.length === 0 || KERAS_VARIABLE_ORDER.has(className) || RECURRENT.has(className) || INNER_VARIABLES[className]) return;
  if (!isBuiltInLayer(layer.constructor)) return;
  throw new Error(
    `${action} layer '${layer.name}' (${className}) is not supported yet (supported: the layers without weights, ${[...KERAS_VARIABLE_ORDER, ...RECURRENT, ...Object.keys(INNER_VARIABLES), ...Object.keys(WRAPPED)].join(', ')}, and custom layers: their weights made by addWeight and the layers they hold in their properties).`,
  );
}

/**
 * @internal The layers a custom layer or a subclassed model holds in its properties (a
 * PatchEncoder's Dense and Embedding), each with the path Keras keeps it under: Keras's
 * _walk_saveable visits the Python attributes in sorted order, private (`_`) ones last, which here
 * are the property names in snake case; a list's (or a record's) layers are below it, each named
 * by its class in snake case and numbered, a nested list or record as `container`, `container_1`,
 * ... (_save_container_state). A subclassed model has one attribute more, Keras's Model.layers:
 * its layers in the order it holds them, visited at its sorted place, so that a layer whose
 * attribute sorts after `layers` (`output_proj`) is kept under `layers/dense_3`. A layer held twice
 * is kept at its first path. Null for a built-in layer, a Sequential or functional model, or a
 * custom layer whose weights are all its own.
 */
export function customLayerParts(layer: Layer): Array<[string, Layer]> | null {
  const subclassed = isSubclassedModel(layer);
  if (!subclassed && (layer instanceof Model || isBuiltInLayer(layer.constructor) || !layer.layers.some((inner) => inner.weights.length > 0))) return null;
  const sortKey = (name: string) => (name.startsWith('_') ? `~${name}` : name);
  const attributes = Object.entries(layer)
    .filter(([key]) => key !== 'ownOptions')
    .map(([key, value]): [string, unknown] => [snakeCase(key), value]);
  if (subclassed) attributes.push(['layers', layer.layers]);
  attributes.sort(([a], [b]) => (sortKey(a) < sortKey(b) ? -1 : sortKey(a) > sortKey(b) ? 1 : 0));
  const parts: Array<[string, Layer]> = [];
  for (const [attribute, value] of attributes) {
    if (value instanceof Layer) {
      if (value !== layer) parts.push([attribute, value]);
    } else if (isContainer(value)) parts.push(...containerParts(attribute, value, layer, new Set()));
  }
  const seen = new Set<Layer>();
  return parts.filter(([, inner]) => !seen.has(inner) && seen.add(inner));
}

/** A list or a record (Keras's list, tuple or dict attributes). */
function isContainer(value: unknown): value is unknown[] | Record<string, unknown> {
  if (Array.isArray(value)) return true;
  if (value === null || typeof value !== 'object') return false;
  const prototype = Object.getPrototypeOf(value);
  return prototype === Object.prototype || prototype === null;
}

/** The layers of a list or record at `path`, named as Keras's _save_container_state names them. */
function containerParts(path: string, container: unknown[] | Record<string, unknown>, owner: Layer, visited: Set<object>): Array<[string, Layer]> {
  if (visited.has(container)) return [];
  visited.add(container);
  const unique = uniqueNames();
  const parts: Array<[string, Layer]> = [];
  for (const item of Array.isArray(container) ? container : Object.values(container)) {
    if (item instanceof Layer) {
      const name = unique(snakeCase(pythonClassName(item)));
      if (item !== owner) parts.push([`${path}/${name}`, item]);
    } else if (isContainer(item)) parts.push(...containerParts(`${path}/${unique('container')}`, item, owner, visited));
  }
  return parts;
}

/** @internal A subclassed model (a Model subclass with its own call): not a Sequential, nor a functional model's graph. */
export function isSubclassedModel(layer: Layer): boolean {
  return layer instanceof Model && !(layer instanceof Sequential) && !layer.savedGraph;
}

/** @internal The layers that `layer` holds and their paths in a Keras file: a wrapper's (WRAPPED) or a custom layer's (customLayerParts). */
export function innerLayers(layer: Layer, className: string): Array<[string, Layer]> | null {
  return WRAPPED[className]?.(layer) ?? customLayerParts(layer);
}

/** @internal The variables a layer that holds others keeps under its own `vars`, beside theirs. */
export function ownVariablesBesideInner(layer: Layer, className: string): Variable[] {
  return WRAPPER_VARIABLES[className]?.(layer) ?? (isBuiltInLayer(layer.constructor) ? [] : layer.ownVariablesInOrder());
}

/** @internal The class name a layer is registered under (Keras's). */
export function classNameOf(layer: Layer): string {
  return getRegisteredLayerName(layer.constructor) ?? layer.constructor.name;
}

function matchLayer(layer: Layer, className: string, group: Hdf5Group, path: string, pairs: Pairs, hooks: OwnVariablesHooks): void {
  if (layer instanceof Model && !isSubclassedModel(layer)) return matchModel(layer, group, `${path}/`, pairs, hooks);
  // A subclassed model's own variables are at the file's root `vars`.
  const inPath = (name: string) => (path ? `${path}/${name}` : name);
  // A custom loadOwnVariables reads the layer's `vars` group itself; its variables keep their place in the order.
  const hooked = overridesHook(layer, 'loadOwnVariables');
  const hook = (variables: Variable[]) => {
    hooks.push([layer, member(group, 'vars')]);
    variables.forEach((variable) => pairs.push([variable, null, inPath('vars')]));
  };
  const wrapped = innerLayers(layer, className);
  if (wrapped) {
    const own = ownVariablesBesideInner(layer, className);
    if (hooked) hook(own);
    else if (own.length > 0) {
      const vars = member(group, 'vars');
      const datasets = vars ? numberedDatasets(vars, inPath('vars')) : [];
      if (datasets.length !== own.length) {
        throw new Error(`loadKerasWeights: '${inPath('vars')}' holds ${datasets.length} variable(s), layer '${layer.name}' (${className}) has ${own.length} of its own; the model is not the file's architecture.`);
      }
      own.forEach((variable, i) => pairs.push([variable, datasets[i], inPath(`vars/${i}`)]));
    }
    const innerPairs: Pairs = [];
    for (const [attribute, inner] of wrapped) {
      const innerGroup = member(group, ...attribute.split('/'));
      if (!innerGroup) {
        if (inner.weights.length === 0) continue;
        throw new Error(`loadKerasWeights: the file has no '${inPath(attribute)}' for layer '${layer.name}' (${className}); the model is not the file's architecture.`);
      }
      matchLayer(inner, classNameOf(inner), innerGroup, inPath(attribute), innerPairs, hooks);
    }
    // A custom layer's trainable variables are Keras's in the order it tracked its layers (`weights`'s), not the file's sorted one.
    const order = layer.weights;
    if (!WRAPPED[className]) innerPairs.sort(([a], [b]) => order.indexOf(a) - order.indexOf(b));
    pairs.push(...innerPairs);
    return;
  }
  const variables = isBuiltInLayer(layer.constructor) ? layer.weights : layer.ownVariablesInOrder();
  if (hooked) return hook(variables);
  const inner = INNER_VARIABLES[className];
  if (inner) {
    const extra = KERAS_ONLY_INNER.find((attribute) => group.members.has(attribute));
    if (extra) throw new Error(`loadKerasWeights: '${path}/${extra}' holds variables of a part of Keras's ${className} that this library's does not have (use_gate); the model is not the file's architecture.`);
    const found: Array<[Hdf5Dataset, string]> = [];
    for (const name of inner) {
      const other = name.startsWith('_') ? name.slice(1) : `_${name}`;
      const attribute = group.members.has(name) ? name : other;
      const vars = member(group, attribute, 'vars');
      const varsPath = `${path}/${attribute}/vars`;
      if (vars) numberedDatasets(vars, varsPath).forEach((dataset, i) => found.push([dataset, `${varsPath}/${i}`]));
    }
    if (found.length !== variables.length) {
      throw new Error(`loadKerasWeights: '${path}' holds ${found.length} variable(s) in ${inner.join(', ')}, layer '${layer.name}' (${className}) has ${variables.length}; the model is not the file's architecture.`);
    }
    variables.forEach((variable, i) => pairs.push([variable, found[i][0], found[i][1]]));
    return;
  }
  // A recurrent layer's variables are its cell's.
  const at = RECURRENT.has(className) ? ['cell', 'vars'] : ['vars'];
  const varsPath = [path, ...at].join('/');
  const vars = member(group, ...at);
  const all = vars ? numberedDatasets(vars, varsPath, variables.length) : [];
  const datasets = all.length === variables.length + (KERAS_ONLY_TRAILING[className] ?? 0) ? all.slice(0, variables.length) : all;
  if (datasets.length !== variables.length) {
    const hint = layer.built ? "the model is not the file's architecture" : 'the layer is not built: give the model its input shape (an Input, or inputShape on its first layer) or call it once first';
    throw new Error(`loadKerasWeights: '${varsPath}' holds ${datasets.length} variable(s), layer '${layer.name}' (${className}) has ${variables.length}; ${hint}.`);
  }
  variables.forEach((variable, i) => pairs.push([variable, datasets[i], `${varsPath}/${i}`]));
}

/** Variables paired with the datasets that load them; a null dataset: the layer's own loadOwnVariables loads it. */
type Pairs = Array<[Variable, Hdf5Dataset | null, string]>;
/** Layers whose custom loadOwnVariables reads their `vars` group (null when the file has none). */
type OwnVariablesHooks = Array<[Layer, Hdf5Group | null]>;

/** @internal Whether a layer's class overrides Layer's `hook` (a custom saveOwnVariables, getBuildConfig, ...). */
export function overridesHook(layer: Layer, hook: 'saveOwnVariables' | 'loadOwnVariables' | 'getBuildConfig' | 'buildFromConfig'): boolean {
  return layer[hook] !== Layer.prototype[hook];
}

/** `vars/0`, `vars/1`, ... in order; those from `floats` on may hold other values (Keras-only counts). */
function numberedDatasets(vars: Hdf5Group, path: string, floats = Infinity): Hdf5Dataset[] {
  const datasets: Hdf5Dataset[] = [];
  for (let i = 0; vars.members.has(String(i)); i++) {
    const entry = vars.members.get(String(i))!;
    if (entry.kind !== 'dataset') throw new Error(`loadKerasWeights: '${path}/${i}' is a group, not a variable.`);
    if (i < floats && !entry.dtype.startsWith('float')) throw new Error(`loadKerasWeights: '${path}/${i}' holds ${entry.dtype} values; weights are floats.`);
    datasets.push(entry);
  }
  return datasets;
}

/** The group at `names` below `group` (a path, one name per level), or null. */
function member(group: Hdf5Group, ...names: string[]): Hdf5Group | null {
  let current: Hdf5Group | null = group;
  for (const name of names) {
    const entry: Hdf5Group | Hdf5Dataset | undefined = current?.members.get(name);
    current = entry && entry.kind === 'group' ? entry : null;
  }
  return current;
}

function sameShape(a: readonly number[], b: readonly number[]): boolean {
  return a.length === b.length && a.every((d, i) => d === b[i]);
}

/** @internal The bytes of a source given to loadKerasWeights or loadKerasModel (`caller`, for errors). */
export async function bytesOf(source: KerasWeightsSource, caller = 'loadKerasWeights'): Promise<Uint8Array> {
  if (source instanceof Uint8Array) return source;
  if (source instanceof ArrayBuffer) return new Uint8Array(source);
  if (typeof Blob !== 'undefined' && source instanceof Blob) return new Uint8Array(await source.arrayBuffer());
  if (typeof source !== 'string') throw new Error(`${caller}: the source must be a URL or path, an ArrayBuffer, a Uint8Array or a Blob; got ${typeof source}.`);
  // Browser bundles have no reader: they fetch every string source.
  const readLocalFile = localFileReader();
  if (readLocalFile && !/^https?:\/\//i.test(source)) return readLocalFile(source);
  const response = await fetch(source);
  if (!response.ok) throw new Error(`${caller}: fetching '${source}' failed: HTTP ${response.status} ${response.statusText}.`);
  return new Uint8Array(await response.arrayBuffer());
}

function describe(source: KerasWeightsSource): string {
  return typeof source === 'string' ? `'${source}'` : 'the data';
}
