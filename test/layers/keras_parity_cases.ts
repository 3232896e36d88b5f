// Runs the cases of test/fixtures/keras/layers_parity.json (written by real Keras,
// test/fixtures/keras/make_layers_parity.py) with this library: each layer rebuilt from Keras's
// config as loadKerasModel reads it, given the fixture's weights in Keras's order, called as Keras
// called it; compared output by output, and for some cases gradient by gradient, with Keras's.

import { readFileSync } from 'node:fs';
import { GradientTape, tensor, type DType, type Tensor } from '../../src/node';
import { deserializeLayer } from '../../src/layers/registry';
import type { Layer } from '../../src/layers/layer';

interface Values { dtype: string; shape: number[]; data: number[] }
interface Output { shape: number[]; data: (number | null)[] }
/** A call argument: the index of an input, or a list of them. */
type Argument = number | number[];
export interface LayerCase {
  note: string;
  className: string;
  config: { class_name: string; config: Record<string, unknown> };
  /** The inputs, by their index in the fixture's tensors. */
  inputs: number[];
  args: Argument[];
  kwargs: Record<string, unknown>;
  weights: { shape: number[]; offset: number; trainable: boolean }[];
  outputs: Output[];
  grads?: { inputs: Record<string, Output>; weights: Record<string, Output> };
  /** Keras's compute_mask of the call, when it gives a mask. */
  masks?: Output[];
  /** After a training call, the non-trainable weights (moving statistics), by index in Keras's weights. */
  updated?: Record<string, Output>;
}

const FIXTURE = JSON.parse(readFileSync('test/fixtures/keras/layers_parity.json', 'utf8')) as { tensors: Values[]; cases: LayerCase[] };
export const LAYER_CASES = FIXTURE.cases;

const camelCase = (key: string) => key.replace(/_([a-z0-9])/g, (_, c: string) => c.toUpperCase());

/** Keras's config as this library's: camelCase keys, `{ className, config }`, a dtype policy as its dtype. */
function translate(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(translate);
  if (!value || typeof value !== 'object') return value;
  const object = value as Record<string, unknown>;
  if (typeof object.class_name === 'string' && 'config' in object) {
    if (object.class_name === 'DTypePolicy') return (object.config as { name: string }).name;
    return { className: object.class_name, config: translate(object.config) };
  }
  const translated: Record<string, unknown> = {};
  for (const [key, item] of Object.entries(object)) {
    if (['module', 'registered_name', 'build_config', 'shared_object_id'].includes(key)) continue;
    // Keras-only options at their inert values, in nested objects too (initializers, a wrapped layer).
    if (item === null && ['seed', 'quantization_config', 'lora_rank', 'lora_alpha'].includes(key)) continue;
    translated[camelCase(key)] = translate(item);
  }
  return translated;
}

/** Options Keras has that change nothing here: null, false, a seed, Keras's defaults. */
const INERT = new Set(['seed', 'synchronized', 'name', 'trainable', 'dtype']);

/** The layer of a case, from Keras's config; an option of Keras this library lacks is dropped only when inert. */
export function layerOf(c: LayerCase): Layer {
  const { className, config } = translate(c.config) as { className: string; config: Record<string, unknown> };
  const first = deserializeLayer({ className, config });
  const known = new Set(Object.keys(first.getConfig()));
  const foreign = Object.keys(config).filter((key) => !known.has(key));
  const active = foreign.filter((key) => !INERT.has(key) && config[key] !== null && config[key] !== false && !(key === 'dataFormat' && config[key] === 'channels_last') && !(key === 'renormMomentum' && config[key] === 0.99));
  if (active.length > 0) throw new Error(`Keras options this library's ${className} lacks: ${active.map((k) => `${k}=${JSON.stringify(config[k])}`).join(', ')}`);
  if (foreign.length === 0) return first;
  for (const key of foreign) delete config[key];
  return deserializeLayer({ className, config });
}

const tensorOf = (v: Values): Tensor => tensor(v.data, v.shape, v.dtype as DType);

/** values(seed, shape)[i] = sin(0.37 * i + seed) / 2, as the Python script. */
function weightValues(seed: number, shape: number[], offset: number): Tensor {
  const size = shape.reduce((a, b) => a * b, 1);
  return tensor(Float32Array.from({ length: size }, (_, i) => Math.sin(0.37 * i + seed) / 2 + offset), shape);
}

function flatOutputs(y: unknown): Tensor[] {
  return Array.isArray(y) ? y.flatMap(flatOutputs) : [y as Tensor];
}

interface CaseResult {
  outputs: Tensor[];
  /** Keyed 'input 0', 'weight 1', as the fixture's grads. */
  grads: Record<string, Tensor | null>;
  masks: Tensor[];
  weights: Tensor[];
}

/** What a case computes here: outputs, gradients when the case has Keras's, masks, the weights after the call. */
export function runCase(c: LayerCase): CaseResult {
  const layer = layerOf(c);
  const inputs = c.inputs.map((i) => tensorOf(FIXTURE.tensors[i]));
  let masks: Tensor[] = [];
  const call = (tensors: Tensor[]) => {
    const argument = (a: Argument) => (Array.isArray(a) ? a.map((i) => tensors[i]) : tensors[a]);
    const value = (v: unknown): unknown => {
      if (v && typeof v === 'object' && !Array.isArray(v) && 'input' in v) return tensors[(v as { input: number }).input];
      return Array.isArray(v) ? v.map(value) : v;
    };
    const options = Object.fromEntries(Object.entries(c.kwargs).map(([k, v]) => [camelCase(k), value(v)]));
    const args = c.args.map(argument);
    const inputsOfCall = (args.length === 1 ? args[0] : args) as Tensor;
    if (c.masks) masks = flatOutputs(layer.computeMask(inputsOfCall, (options.mask ?? null) as Tensor | null)).filter((m) => m !== null);
    return flatOutputs(layer.apply(inputsOfCall, options));
  };
  call(inputs); // builds
  const weights = layer.weights;
  const shapes = weights.map((w) => w.shape.join(','));
  const kerasShapes = c.weights.map((w) => w.shape.join(','));
  if (shapes.join(';') !== kerasShapes.join(';')) throw new Error(`weights [${shapes.join('; ')}], Keras's [${kerasShapes.join('; ')}]`);
  layer.setWeights(c.weights.map((w, k) => weightValues(k, w.shape, w.offset)));
  if (!c.grads) {
    const outputs = call(inputs);
    return { outputs, grads: {}, masks, weights };
  }
  const tape = new GradientTape();
  const sources: Record<string, Tensor> = {};
  for (const key of Object.keys(c.grads.inputs)) {
    tape.watch(inputs[Number(key)]);
    sources[`input ${key}`] = inputs[Number(key)];
  }
  for (const key of Object.keys(c.grads.weights)) sources[`weight ${key}`] = weights[Number(key)];
  let outputs: Tensor[] = [];
  const loss = tape.record(() => {
    outputs = call(inputs);
    return outputs.map((o) => o.square().sum()).reduce((a, b) => a.add(b));
  });
  const grads = tape.gradient(loss, sources) as Record<string, Tensor | null>;
  return { outputs, grads, masks, weights };
}

/** The differences of a case from Keras (empty when it matches within `tolerance`, relative to max(1, |Keras|)). */
export async function differences(c: LayerCase, tolerance = 2e-5): Promise<string[]> {
  const found: string[] = [];
  let result: ReturnType<typeof runCase>;
  try {
    result = runCase(c);
  } catch (e) {
    return [`threw ${(e as Error).message.slice(0, 300)}`];
  }
  const compare = async (what: string, got: Tensor | null | undefined, want: Output) => {
    if (!got) return found.push(`${what}: none, Keras [${want.shape}]`);
    const data = Array.from(await got.data());
    let worst = 0;
    let at = -1;
    data.forEach((g, i) => {
      const w = want.data[i];
      const error = w === null ? (Number.isFinite(g) ? Infinity : 0) : Math.abs(g - w) / Math.max(1, Math.abs(w));
      if (!(error <= worst)) [worst, at] = [error, i];
    });
    if (got.shape.join(',') !== want.shape.join(',') || data.length !== want.data.length) found.push(`${what}: shape [${got.shape}], Keras [${want.shape}]`);
    else if (worst > tolerance) found.push(`${what}: off by ${worst.toExponential(2)} at ${at}: ${data[at]} vs Keras ${want.data[at]}`);
  };
  if (result.outputs.length !== c.outputs.length) found.push(`${result.outputs.length} outputs, Keras ${c.outputs.length}`);
  for (const [k, want] of c.outputs.entries()) await compare(`output ${k}`, result.outputs[k], want);
  for (const [key, want] of Object.entries(c.grads?.inputs ?? {})) await compare(`grad input ${key}`, result.grads[`input ${key}`], want);
  for (const [key, want] of Object.entries(c.grads?.weights ?? {})) await compare(`grad weight ${key}`, result.grads[`weight ${key}`], want);
  for (const [k, want] of (c.masks ?? []).entries()) await compare(`mask ${k}`, result.masks[k], want);
  for (const [key, want] of Object.entries(c.updated ?? {})) await compare(`weight ${key} after the call`, result.weights[Number(key)], want);
  return found;
}

export function label(c: LayerCase, index: number): string {
  const shown = Object.entries(c.config.config).filter(([key, value]) => value !== null && !['name', 'trainable', 'dtype'].includes(key) && !/_(initializer|regularizer|constraint)$/.test(key));
  const options = Object.fromEntries(shown.map(([key, value]) => [key, (value as { class_name?: string })?.class_name ?? value]));
  return `#${index} ${c.className}${c.note ? ` (${c.note})` : ''} ${JSON.stringify(options).slice(0, 160)}`;
}
