// cloneModel (keras.models.clone_model): the same architecture with new layers and fresh weights.
// A Sequential gets its layers cloned in order; a functional model has its graph replayed with
// the cloned layers (a shared layer is cloned once and shared again), from new Inputs or the
// caller's; a subclassed model is rebuilt from its config.

import { Lambda } from '../layers/core';
import { Input, InputLayer } from '../layers/input_layer';
import { Layer } from '../layers/layer';
import { Operation } from '../layers/operation';
import { SymbolicTensor } from '../layers/symbolic';
import { checkOptionNames } from '../ops/validate';
import { Model } from './model';
import { Sequential } from './sequential';
import { flattenStructure, packStructure, type Structured } from './functional';

export interface CloneOptions {
  /**
   * Makes the new layer for each layer of the model (default: a layer of the same class from its
   * config, `cls.fromConfig(layer.getConfig())`). Return the layer itself to share it between the
   * models, or a changed one (another config, another class).
   */
  cloneFunction?: (layer: Layer) => Layer;
  /** The inputs of the clone, instead of new Inputs of the same shapes (one per model input). */
  inputTensors?: SymbolicTensor | SymbolicTensor[];
}

const CLONE_OPTIONS: Record<keyof CloneOptions, true> = { cloneFunction: true, inputTensors: true };

/**
 * A new model with the same architecture as `model` and new, freshly initialized weights; not
 * compiled. Nested models are cloned as layers (through cloneFunction).
 *
 * @example
 * const fresh = cloneModel(model);
 * const frozen = cloneModel(model, { cloneFunction: (layer) => (layer.constructor as typeof Layer).fromConfig({ ...layer.getConfig(), trainable: false }) });
 */
export function cloneModel(model: Model, options: CloneOptions = {}): Model {
  checkOptionNames('cloneModel', options, CLONE_OPTIONS);
  if (!(model instanceof Model)) throw new Error(`cloneModel: expected a Model, got ${model === null ? 'null' : typeof model}.`);
  const { cloneFunction = cloneLayer, inputTensors } = options;
  const cloned = new Map<Layer, Layer>();
  const cloneOf = (layer: Layer): Layer => {
    let copy = cloned.get(layer);
    if (!copy) {
      copy = cloneFunction(layer);
      if (!(copy instanceof Layer)) throw new Error(`cloneModel: cloneFunction must return a Layer, got ${copy === null ? 'null' : typeof copy} for layer '${layer.name}'.`);
      cloned.set(layer, copy);
    }
    return copy;
  };
  if (model instanceof Sequential) return cloneSequential(model, cloneOf, inputTensors);
  if (model.savedGraph) return cloneFunctional(model, cloneOf, inputTensors);
  if (options.cloneFunction || inputTensors) {
    throw new Error(`cloneModel: model '${model.name}' is subclassed (no graph of layers), so it is cloned from its config; cloneFunction and inputTensors apply only to Sequential and functional models.`);
  }
  return cloneLayer(model) as Model;
}

/**
 * The default cloneFunction: a layer of the same class from the layer's config; a nested model is
 * cloned as a model (its graph with new layers), an op node takes the same op and arguments
 * (a tensor constant among them is shared, not serialized), and a Lambda the same function.
 */
function cloneLayer(layer: Layer): Layer {
  if (layer instanceof Model) return cloneModel(layer);
  if (layer instanceof Operation) return new Operation({ op: layer.op, args: layer.args, resultStructure: layer.resultStructure });
  // A Lambda's function is code, which its config cannot hold (Keras's refers to a named function): the clone shares it.
  if (layer instanceof Lambda) return new Lambda({ name: layer.name, trainable: layer.trainable, dtype: layer.dtype, function: layer.function, outputShape: layer.outputShape ?? undefined });
  const cls = layer.constructor as unknown as { fromConfig(config: Record<string, unknown>): Layer };
  return cls.fromConfig(layer.getConfig());
}

function inputList(inputTensors: SymbolicTensor | SymbolicTensor[], expected: number, name: string): SymbolicTensor[] {
  const list = [inputTensors].flat();
  if (list.length !== expected || list.some((t) => !(t instanceof SymbolicTensor))) {
    throw new Error(`cloneModel: model '${name}' has ${expected} input(s), so inputTensors must be ${expected === 1 ? 'one symbolic tensor (from Input)' : `a list of ${expected} symbolic tensors`}; got ${list.length} value(s).`);
  }
  return list;
}

function cloneSequential(model: Sequential, cloneOf: (layer: Layer) => Layer, inputTensors: CloneOptions['inputTensors']): Sequential {
  const clone = new Sequential({ name: model.name, trainable: model.trainable });
  const input = inputTensors !== undefined ? inputList(inputTensors, 1, model.name)[0] : model.inputs[0] ? Input({ batchShape: [...model.inputs[0].shape], dtype: model.inputs[0].dtype }) : null;
  if (input) clone.add(input);
  for (const layer of model.layers) clone.add(cloneOf(layer));
  return clone;
}

function cloneFunctional(model: Model, cloneOf: (layer: Layer) => Layer, inputTensors: CloneOptions['inputTensors']): Model {
  const { graph, inputStructure, outputStructure } = model.savedGraph!;
  const inputs =
    inputTensors !== undefined
      ? inputList(inputTensors, graph.inputs.length, model.name)
      : graph.inputs.map((t) => Input({ batchShape: [...t.shape], dtype: t.dtype, name: (t.node.layer as InputLayer).name }));
  const mapped = new Map<SymbolicTensor, SymbolicTensor>(graph.inputs.map((t, i) => [t, inputs[i]]));
  for (const node of graph.nodes) {
    const ins = node.inputs.map((t) => mapped.get(t)!);
    const out = cloneOf(node.layer).apply(node.packInputs(ins) as SymbolicTensor | SymbolicTensor[], { ...node.callArgs });
    const outs = flattenStructure(out as Structured<SymbolicTensor>);
    node.outputs.forEach((t, k) => mapped.set(t, outs[k]));
  }
  const outputs = graph.outputs.map((t) => mapped.get(t)!);
  return new Model({ name: model.name, trainable: model.trainable, inputs: packStructure(inputs, inputStructure), outputs: packStructure(outputs, outputStructure) });
}
