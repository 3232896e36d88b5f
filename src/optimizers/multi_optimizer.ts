// MultiOptimizer and OptimizerMap (keras.optimizers): each variable is updated by the optimizer
// that its path selects (an exact key, else a regular expression matching the whole path, else a
// default), so that, say, an encoder trains with Adam and a head with SGD. The inner optimizers
// keep their own step counts, learning rates and slots; this one only routes gradients.

import { Variable } from '../autograd/variable';
import { scalar } from '../tensor/creation';
import { stepEffect } from '../tensor/trace';
import type { Tensor } from '../tensor/tensor';
import { Adadelta } from './adadelta';
import { Adafactor } from './adafactor';
import { Adagrad } from './adagrad';
import { Adam } from './adam';
import { Adamax } from './adamax';
import { AdamW } from './adamw';
import { Ftrl } from './ftrl';
import { Lamb } from './lamb';
import { Lion } from './lion';
import { Muon } from './muon';
import { Nadam } from './nadam';
import { checkOptionKeys, Optimizer } from './optimizer';
import { RMSprop } from './rmsprop';
import { ScheduleFreeAdamW } from './schedule_free_adamw';
import { SGD } from './sgd';
import type { LearningRateSchedule } from './schedules';

/** A serialized optimizer: its class name and `getConfig()`. */
export interface OptimizerEntry {
  className: string;
  config: Record<string, unknown>;
}

/** Builds an optimizer from its entry (a nested optimizer of a MultiOptimizer's config). */
export type OptimizerResolver = (entry: OptimizerEntry) => Optimizer;

/**
 * Optimizers by the paths of the variables they update, with a default for the others.
 * A variable's path is its `name` ('dense_1/kernel'): Keras's paths start with the model's name
 * ('sequential/dense_1/kernel'), which `loadKerasModel` strips from the keys of a Keras file.
 *
 * @example
 * const map = new OptimizerMap(new SGD({ learningRate: 0.1 }), { 'dense/.*': new Adam() });
 * map.optimizerFor('dense/kernel');    // the Adam
 * map.optimizerFor('dense_1/kernel');  // the SGD (the pattern must match the whole path)
 */
export class OptimizerMap {
  readonly defaultOptimizer: Optimizer;
  private readonly byKey = new Map<string, Optimizer>();

  constructor(defaultOptimizer: Optimizer, optimizerMap: Record<string, Optimizer> = {}) {
    if (!(defaultOptimizer instanceof Optimizer)) throw new TypeError(`OptimizerMap: defaultOptimizer must be an Optimizer. Received: ${describe(defaultOptimizer)}`);
    if (optimizerMap === null || typeof optimizerMap !== 'object' || Array.isArray(optimizerMap)) {
      throw new TypeError(`OptimizerMap: optimizerMap must be an object of optimizers by path or pattern. Received: ${describe(optimizerMap)}`);
    }
    checkInner(defaultOptimizer, 'defaultOptimizer');
    this.defaultOptimizer = defaultOptimizer;
    for (const [key, optimizer] of Object.entries(optimizerMap)) this.set(key, optimizer);
  }

  /** Maps a path or pattern to an optimizer; each key is set once. */
  set(key: string, optimizer: Optimizer): this {
    if (typeof key !== 'string') throw new Error(`OptimizerMap: a key must be a string. Received: ${describe(key)}`);
    if (this.byKey.has(key)) throw new Error(`OptimizerMap: '${key}' already maps to ${this.byKey.get(key)!.className} '${this.byKey.get(key)!.name}'; each key is set once.`);
    checkInner(optimizer, `the optimizer of '${key}'`);
    try {
      new RegExp(key);
    } catch (e) {
      throw new Error(`OptimizerMap: the key '${key}' is not a regular expression: ${(e as Error).message}`);
    }
    this.byKey.set(key, optimizer);
    return this;
  }

  /** Removes a key; true if it was there. */
  delete(key: string): boolean {
    return this.byKey.delete(key);
  }

  /** The number of keys (the default optimizer is not one). */
  get size(): number {
    return this.byKey.size;
  }

  /** The keys, in the order they were set. */
  keys(): string[] {
    return [...this.byKey.keys()];
  }

  /** The mapped optimizers, once each, in the order of their first key. */
  values(): Optimizer[] {
    return [...new Set(this.byKey.values())];
  }

  /**
   * The optimizer of the variable at `path`: the key equal to it, else the one key that matches
   * all of it as a regular expression, else the default. More than one matching key is an error.
   */
  optimizerFor(path: string): Optimizer {
    const exact = this.byKey.get(path);
    if (exact) return exact;
    const matches = [...this.byKey.keys()].filter((key) => new RegExp(`^(?:${key})$`).test(path));
    if (matches.length > 1) throw new Error(`OptimizerMap: multiple optimizers assigned to variable '${path}' (keys ${matches.map((k) => `'${k}'`).join(', ')}).`);
    return matches.length === 1 ? this.byKey.get(matches[0])! : this.defaultOptimizer;
  }

  /** The configuration: the default optimizer and the mapped ones, serialized. */
  getConfig(): { defaultOptimizer: OptimizerEntry; optimizerMap: Record<string, OptimizerEntry> } {
    return { defaultOptimizer: entryOf(this.defaultOptimizer), optimizerMap: Object.fromEntries([...this.byKey].map(([key, optimizer]) => [key, entryOf(optimizer)])) };
  }

  /**
   * An OptimizerMap from `getConfig()`; `resolve` builds the nested optimizers (default: the
   * built-in classes by name).
   */
  static fromConfig(config: Record<string, unknown>, resolve: OptimizerResolver = builtInOptimizer): OptimizerMap {
    const { defaultOptimizer, optimizerMap } = config as { defaultOptimizer?: OptimizerEntry; optimizerMap?: Record<string, OptimizerEntry> | null };
    if (!defaultOptimizer) throw new Error('OptimizerMap.fromConfig: the config has no defaultOptimizer.');
    // One optimizer a distinct config, as Keras shares one instance between keys.
    const made = new Map<string, Optimizer>();
    const build = (entry: OptimizerEntry) => {
      const key = JSON.stringify(entry);
      if (!made.has(key)) made.set(key, resolve(entry));
      return made.get(key)!;
    };
    return new OptimizerMap(build(defaultOptimizer), Object.fromEntries(Object.entries(optimizerMap ?? {}).map(([key, entry]) => [key, build(entry)])));
  }
}

/** How a MultiOptimizer picks each variable's optimizer: a map, or a function of the variable. */
export type OptimizerSelector = OptimizerMap | ((variable: Variable) => Optimizer);

/** Options of MultiOptimizer. */
export interface MultiOptimizerOptions {
  name?: string;
}

/**
 * Updates each variable with its own optimizer (keras.optimizers.MultiOptimizer), chosen by an
 * OptimizerMap on the variable's name or by a function. Each inner optimizer applies its own
 * clipping, weight decay, schedule and slots to its variables; `iterations` counts the calls.
 * The learning rate belongs to the inner optimizers: reading or setting it here is an error, as
 * in Keras. State (`getWeights`): the step count, then each inner optimizer's getWeights in turn
 * (the order of `optimizers`: the map's, then the default, then any a function returns).
 *
 * @example
 * const optimizer = new MultiOptimizer(new OptimizerMap(new SGD({ learningRate: 0.1 }), { 'encoder_.*': new Adam({ learningRate: 1e-3 }) }));
 * model.compile({ optimizer, loss: 'mse' });
 */
export class MultiOptimizer extends Optimizer {
  readonly optimizerMap: OptimizerSelector;
  /** The inner optimizers (an optimizer a function returns is added when it first appears). */
  readonly optimizers: Optimizer[];
  private readonly assigned = new Map<Variable, Optimizer>();

  constructor(optimizerMap: OptimizerSelector, options: MultiOptimizerOptions = {}) {
    checkOptionKeys('MultiOptimizer', options, ['name']);
    super({ name: options.name }, [], { className: 'MultiOptimizer', name: 'multi_optimizer', learningRate: 0 });
    if (!(optimizerMap instanceof OptimizerMap) && typeof optimizerMap !== 'function') {
      throw new TypeError(`MultiOptimizer: optimizerMap must be an OptimizerMap or a function from a variable to an optimizer. Received: ${describe(optimizerMap)}`);
    }
    this.optimizerMap = optimizerMap;
    this.optimizers = optimizerMap instanceof OptimizerMap ? [...new Set([...optimizerMap.values(), optimizerMap.defaultOptimizer])] : [];
  }

  protected slotNames(): string[] {
    return [];
  }

  /** The optimizer that updates `variable` (fixed at its first update or build). */
  optimizerOf(variable: Variable): Optimizer {
    let optimizer = this.assigned.get(variable);
    if (!optimizer) {
      const selector = this.optimizerMap;
      optimizer = selector instanceof OptimizerMap ? selector.optimizerFor(variable.name) : selector(variable);
      checkInner(optimizer, `the optimizer selected for variable '${variable.name}'`);
      if (!this.optimizers.includes(optimizer)) this.optimizers.push(optimizer);
      this.assigned.set(variable, optimizer);
    }
    return optimizer;
  }

  /** Hands each gradient to its variable's optimizer, then counts one iteration. */
  protected override updateVariables(pairs: ReadonlyArray<readonly [Tensor, Variable]>): void {
    const groups = new Map<Optimizer, Array<readonly [Tensor, Variable]>>();
    for (const [gradient, variable] of pairs) {
      const optimizer = this.optimizerOf(variable);
      if (!groups.has(optimizer)) groups.set(optimizer, []);
      groups.get(optimizer)!.push([gradient, variable]);
    }
    for (const optimizer of this.optimizers) if (groups.has(optimizer)) optimizer.applyGradients(groups.get(optimizer)!);
    stepEffect('optimizer step count', () => this.iterations++);
  }

  /** Creates the inner optimizers' slots of these variables, each with its optimizer. */
  override build(variables: readonly Variable[]): void {
    for (const variable of variables) this.optimizerOf(variable);
    for (const optimizer of this.optimizers) optimizer.build(variables.filter((variable) => this.assigned.get(variable) === optimizer));
  }

  override getSlot(variable: Variable, slotName: string): Variable | undefined {
    return this.assigned.get(variable)?.getSlot(variable, slotName);
  }

  override get variables(): Variable[] {
    return this.optimizers.flatMap((optimizer) => optimizer.variables);
  }

  /** The step count, then each inner optimizer's getWeights (its step count and slots). */
  override getWeights(): Tensor[] {
    return [scalar(this.iterations, 'int32'), ...this.optimizers.flatMap((optimizer) => optimizer.getWeights())];
  }

  override async setWeights(weights: readonly Tensor[]): Promise<void> {
    const sizes = this.optimizers.map((optimizer) => optimizer.variables.length + 1);
    const expected = 1 + sizes.reduce((total, n) => total + n, 0);
    if (!Array.isArray(weights) || weights.length !== expected) {
      throw new Error(`MultiOptimizer.setWeights: expected ${expected} tensors (the step count, then each inner optimizer's step count and slots), got ${Array.isArray(weights) ? weights.length : typeof weights}.`);
    }
    let offset = 1;
    for (const [k, optimizer] of this.optimizers.entries()) {
      await optimizer.setWeights(weights.slice(offset, offset + sizes[k]));
      offset += sizes[k];
    }
    const [count] = await weights[0].data();
    this.iterations = count;
  }

  override finalizeVariableValues(varList: readonly Variable[]): void {
    for (const optimizer of this.optimizers) optimizer.finalizeVariableValues(varList.filter((variable) => this.assigned.get(variable) === optimizer));
  }

  override get learningRate(): number | LearningRateSchedule {
    throw new Error('MultiOptimizer: the learning rate cannot be read on a MultiOptimizer; read it on its inner optimizers (`optimizers`).');
  }

  override set learningRate(_value: number | LearningRateSchedule) {
    throw new Error('MultiOptimizer: the learning rate cannot be set on a MultiOptimizer; set it on its inner optimizers (`optimizers`).');
  }

  override get lr(): number {
    throw new Error('MultiOptimizer: the learning rate cannot be read on a MultiOptimizer; read it on its inner optimizers (`optimizers`).');
  }

  /** `{ name, optimizerMap }`, the map serialized; a MultiOptimizer built on a function has no config. */
  override getConfig(): Record<string, unknown> {
    const selector = this.optimizerMap;
    if (!(selector instanceof OptimizerMap)) throw new Error('MultiOptimizer.getConfig: a MultiOptimizer that selects optimizers with a function cannot be serialized; use an OptimizerMap.');
    return { name: this.name, optimizerMap: { className: 'OptimizerMap', config: selector.getConfig() } };
  }

  /**
   * A MultiOptimizer from `getConfig()`; `resolve` builds the nested optimizers (default: the
   * built-in classes by name).
   *
   * @example
   * const copy = MultiOptimizer.fromConfig(multi.getConfig());
   */
  static override fromConfig<T extends Optimizer>(this: new (options: never) => T, config: Record<string, unknown>, resolve: OptimizerResolver = builtInOptimizer): T {
    const map = (config.optimizerMap ?? null) as { className?: string; config?: Record<string, unknown> } | null;
    if (!map || map.className !== 'OptimizerMap' || !map.config) throw new Error(`MultiOptimizer.fromConfig: expected optimizerMap to be a serialized OptimizerMap. Received: ${JSON.stringify(map)}`);
    const { optimizerMap: _map, ...rest } = config;
    checkOptionKeys('MultiOptimizer.fromConfig', rest, ['name']);
    return new MultiOptimizer(OptimizerMap.fromConfig(map.config, resolve), rest as MultiOptimizerOptions) as unknown as T;
  }

  override dispose(): void {
    for (const optimizer of this.optimizers) optimizer.dispose();
    this.assigned.clear();
  }
}

const BUILT_IN: Record<string, { fromConfig(config: Record<string, unknown>): Optimizer }> = {
  SGD, Adam, AdamW, RMSprop, Adagrad, Adamax, Nadam, Adadelta, Lion, Ftrl, Lamb, Adafactor, Muon, ScheduleFreeAdamW,
};

/** @internal A built-in optimizer from its entry (the default resolver of nested optimizers). */
export function builtInOptimizer({ className, config }: OptimizerEntry): Optimizer {
  const cls = Object.hasOwn(BUILT_IN, className) ? BUILT_IN[className] : undefined;
  if (!cls) throw new Error(`MultiOptimizer.fromConfig: unknown optimizer class '${className}'. Built-in optimizers: ${Object.keys(BUILT_IN).join(', ')}.`);
  return cls.fromConfig(config ?? {});
}

function entryOf(optimizer: Optimizer): OptimizerEntry {
  return { className: optimizer.className, config: optimizer.getConfig() };
}

/** An inner optimizer must be an Optimizer, and not a MultiOptimizer (Keras's rule). */
function checkInner(optimizer: unknown, what: string): void {
  if (!(optimizer instanceof Optimizer)) throw new Error(`OptimizerMap: ${what} must be an Optimizer. Received: ${describe(optimizer)}`);
  if (optimizer instanceof MultiOptimizer) throw new Error(`OptimizerMap: ${what} cannot be a MultiOptimizer (MultiOptimizers do not nest).`);
}

function describe(value: unknown): string {
  return value instanceof Optimizer ? `${value.className} '${value.name}'` : value === null ? 'null' : typeof value === 'object' ? JSON.stringify(value) : String(value);
}
