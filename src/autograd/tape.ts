// Reverse-mode automatic differentiation. Ops report what they computed through `recordGradient`
// (inputs, outputs and a backward rule that sits beside the op's forward rule); each recording
// GradientTape keeps the entries that depend on what it watches, and `gradient()` walks them in
// reverse, running the backward rules as ordinary ops: GPU work in the same command stream,
// nothing read back.

import { addDisposalHolder, collectTensors, releaseDeferred, removeDisposalHolder, tidy, type DisposalHolder } from '../tensor/memory';
import type { Tensor } from '../tensor/tensor';
import { formatShape } from '../backend/types';
import { onesLike, zerosLike } from '../ops/creation';
import { checkTensor } from '../ops/validate';
import { scalar } from '../tensor/creation';
import { isRecord } from '../tensor/records';

/**
 * Gradients of an op's inputs from the gradients of its outputs (null: no gradient for that input).
 * `needed[k]` says whether input k lies on a path to a requested source: a rule may return null
 * for the others instead of computing them (a layer's input gradient when only weights are asked).
 */
export type BackwardRule = (outputGrads: Tensor[], needed: readonly boolean[]) => Array<Tensor | null>;

interface TapeEntry {
  op: string;
  inputs: Tensor[];
  outputs: Tensor[];
  backward: BackwardRule;
  /** Ids [first, end) of the tensors a custom gradient's forward function made, which its rule may use. */
  made?: readonly [number, number];
}

const recordingTapes: GradientTape[] = [];

/** Whether any tape is recording: ops skip building backward rules when none is. */
export function isRecording(): boolean {
  return recordingTapes.length > 0;
}

/**
 * Called by ops after computing their outputs. `backward` is only invoked by `gradient()`;
 * `makeBackward` is called only when a recording tape depends on one of the inputs. `made` (ids
 * [first, end)) names tensors beyond the inputs and outputs that the rule may use: the tape keeps
 * them alive until it is done (customGradient's forward function made them).
 */
export function recordGradient(op: string, inputs: readonly Tensor[], outputs: readonly Tensor[], makeBackward: () => BackwardRule, made?: readonly [number, number]): void {
  if (observedInputs) for (const t of inputs) observedInputs.add(t);
  if (recordingTapes.length === 0) return;
  let backward: BackwardRule | null = null;
  for (const tape of recordingTapes) {
    if (!tape.dependsOnAny(inputs)) continue;
    backward ??= makeBackward();
    tape.add({ op, inputs: [...inputs], outputs: [...outputs], backward, made });
  }
}

/**
 * Called by a gradient rule after a backward kernel that has no gradient of its own: a tape that
 * differentiates through its outputs (a second-order gradient) throws, naming `op`, instead of
 * silently taking them for constants. Free when no tape records.
 */
export function recordFirstOrderOnly(op: string, inputs: readonly Tensor[], outputs: readonly Tensor[]): void {
  recordGradient(`${op}Gradient`, inputs, outputs, () => () => {
    throw new Error(`GradientTape: the second-order gradient of ${op} is not supported (its gradient is a kernel without a gradient of its own); differentiate ${op} once only, or build it from other ops.`);
  });
}

/** While set, every op's inputs are added to it (see trainableVariablesRead). */
let observedInputs: Set<Tensor> | null = null;

/**
 * Runs `fn` and returns the trainable variables its ops read (customGradient's check that its
 * function takes every variable it reads as an input).
 */
export function trainableVariablesRead<T>(fn: () => T): [T, Tensor[]] {
  const outer = observedInputs;
  const seen = new Set<Tensor>();
  observedInputs = seen;
  try {
    const result = fn();
    return [result, [...seen].filter((t) => isTrainableVariable(t))];
  } finally {
    observedInputs = outer;
    if (outer) for (const t of seen) outer.add(t);
  }
}

/**
 * Runs `fn` with no tape recording its ops (a custom gradient's forward function: its own rule
 * replaces theirs). Tapes still keep what they hold, and tapes made inside `fn` record as usual.
 */
export function withoutRecording<T>(fn: () => T): T {
  const paused = recordingTapes.splice(0);
  try {
    return fn();
  } finally {
    recordingTapes.unshift(...paused);
  }
}

/** Trainable variables are watched automatically; the Variable class registers its test here. */
let isTrainableVariable: (t: Tensor) => boolean = () => false;

export function setTrainableVariableTest(test: (t: Tensor) => boolean): void {
  isTrainableVariable = test;
}

/** What `gradient` differentiates with respect to: a tensor, or lists and records of them, nested. */
export type GradientSources = Tensor | readonly GradientSources[] | { readonly [key: string]: GradientSources };

/** The gradients of `S`, in its structure (null where the target does not depend on the source). */
export type GradientsOf<S> = S extends Tensor ? Tensor | null : { -readonly [K in keyof S]: GradientsOf<S[K]> };

const isSourceRecord = (value: unknown): value is { readonly [key: string]: GradientSources } => isRecord(value);

/** What `gradient` differentiates: a tensor, or lists and records of them, nested (their sum, as tf.GradientTape); a null adds nothing. */
export type GradientTargets = Tensor | null | readonly GradientTargets[] | { readonly [key: string]: GradientTargets };

/** The tensors of nested targets, each checked. */
function flattenTargets(targets: GradientTargets): Tensor[] {
  if (targets === null) return [];
  if (Array.isArray(targets)) return targets.flatMap(flattenTargets);
  if (isSourceRecord(targets)) return Object.values(targets).flatMap(flattenTargets);
  checkTensor('GradientTape.gradient (target)', targets);
  return [targets];
}

/** The tensors of nested sources, depth first, in the order `gradient` packs them back. */
function flattenSources(sources: GradientSources): Tensor[] {
  if (Array.isArray(sources)) return sources.flatMap(flattenSources);
  if (isSourceRecord(sources)) return Object.values(sources).flatMap(flattenSources);
  return [sources as Tensor];
}

export interface GradientTapeOptions {
  /** Allow several `gradient()` calls; call `dispose()` when done. */
  persistent?: boolean;
}

/**
 * Records ops to differentiate them, as tf.GradientTape. Trainable variables are watched
 * automatically; other tensors with `watch`.
 *
 * @example
 * const tape = new GradientTape();
 * const loss = tape.record(() => ops.matmul(x, w).sub(y).square().mean());
 * const [dw] = tape.gradient(loss, [w]);
 */
export class GradientTape implements DisposalHolder {
  private readonly persistent: boolean;
  private readonly entries: TapeEntry[] = [];
  /** Ids of tensors whose value depends on a watched tensor. */
  private readonly tracked = new Set<number>();
  /** Tensors that a tidy wanted to dispose while the tape still needed them. */
  private readonly deferred = new Set<Tensor>();
  /** Ids of tensors that backward rules may use. */
  private readonly needed = new Set<number>();
  /** Id ranges of tensors that custom gradient rules may use (see recordGradient's `made`). */
  private readonly neededRanges: Array<readonly [number, number]> = [];
  private used = false;
  private disposed = false;

  constructor(options: GradientTapeOptions = {}) {
    this.persistent = options.persistent ?? false;
  }

  /** Runs `fn` and records the ops it performs. Returns what `fn` returns. */
  record<T>(fn: () => T): T {
    this.checkAlive('record');
    recordingTapes.push(this);
    // While recording, a tidy inside fn hands the tensors that gradient rules need to the tape.
    addDisposalHolder(this);
    try {
      const result = fn();
      if (result instanceof Promise) throw new Error('GradientTape.record(fn): fn returned a Promise; recording must be synchronous.');
      return result;
    } catch (e) {
      // A failed recording can never be differentiated: free what the tape was holding back.
      this.disposeDeferred();
      throw e;
    } finally {
      recordingTapes.splice(recordingTapes.lastIndexOf(this), 1);
      if (!recordingTapes.includes(this)) removeDisposalHolder(this);
    }
  }

  /** Differentiates with respect to these tensors too (variables are watched already). */
  watch(...tensors: Array<Tensor | Tensor[]>): void {
    for (const t of tensors.flat()) this.tracked.add(t.id);
  }

  /**
   * Gradients of `target` (summed over its elements when not a scalar) with respect to each
   * source, in order; null for a source that `target` does not depend on. Sources in nested lists
   * or records (tf.GradientTape's nested structures) give gradients in the same structure. A
   * target in lists or records is their sum, as in tf.GradientTape (nulls in it add nothing), e.g.
   * first-order gradients differentiated again by an outer tape.
   *
   * @example
   * const [[dw1, db1], [dw2]] = tape.gradient(loss, [first.trainableVariables, second.trainableVariables]);
   * const secondOrder = outerTape.gradient(firstOrderGrads, vars);   // of the sum of the first-order gradients
   */
  gradient(target: GradientTargets, sources: Tensor): Tensor | null;
  gradient(target: GradientTargets, sources: readonly Tensor[]): Array<Tensor | null>;
  gradient<const S extends GradientSources>(target: GradientTargets, sources: S): GradientsOf<S>;
  gradient(target: GradientTargets, sources: GradientSources): unknown {
    this.checkAlive('gradient');
    if (this.used && !this.persistent) {
      throw new Error('GradientTape.gradient: a non-persistent tape can compute gradients once; use new GradientTape({ persistent: true }) for more.');
    }
    if (recordingTapes.includes(this)) throw new Error('GradientTape.gradient: called inside record(); call it after record() returns.');
    this.used = true;
    const targets = flattenTargets(target);
    const list = flattenSources(sources);
    const grads = tidy(() => this.backpropagate(targets, list));
    if (!this.persistent) this.dispose();
    let next = 0;
    const pack = (node: GradientSources): unknown =>
      Array.isArray(node) ? node.map(pack) : isSourceRecord(node) ? Object.fromEntries(Object.entries(node).map(([key, item]) => [key, pack(item)])) : grads[next++];
    return pack(sources);
  }

  /** Frees the tensors the tape kept for its gradient rules. */
  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    this.disposeDeferred();
    this.entries.length = 0;
    this.neededRanges.length = 0;
  }

  private disposeDeferred(): void {
    for (const t of this.deferred) releaseDeferred(t);
    this.deferred.clear();
  }

  /** @internal */
  dependsOnAny(inputs: readonly Tensor[]): boolean {
    return inputs.some((t) => this.tracked.has(t.id) || isTrainableVariable(t));
  }

  /** @internal */
  add(entry: TapeEntry): void {
    this.entries.push(entry);
    for (const t of entry.inputs) {
      if (isTrainableVariable(t)) this.tracked.add(t.id);
      this.needed.add(t.id);
    }
    for (const t of entry.outputs) {
      this.tracked.add(t.id);
      this.needed.add(t.id);
    }
    if (entry.made) this.neededRanges.push(entry.made);
  }

  /** @internal */
  holds(tensor: Tensor): boolean {
    if (this.disposed) return false;
    const id = tensor.id;
    return this.needed.has(id) || this.neededRanges.some(([first, end]) => id >= first && id < end);
  }

  /** @internal */
  defer(tensor: Tensor): void {
    this.deferred.add(tensor);
  }

  private backpropagate(targets: readonly Tensor[], sources: readonly Tensor[]): Array<Tensor | null> {
    const leadsToSource = this.tensorsDependingOn(sources);
    const grads = new Map<number, Tensor>();
    for (const target of targets) {
      // A scalar loss is seeded with an uploaded 1 (no dispatch; a constant of a replayed step).
      const seed = target.rank === 0 && target.dtype === 'float32' ? scalar(1) : onesLike(target);
      const previous = grads.get(target.id);
      grads.set(target.id, previous ? previous.add(seed) : seed);
    }
    for (let i = this.entries.length - 1; i >= 0; i--) {
      const entry = this.entries[i];
      if (!entry.outputs.some((o) => grads.has(o.id))) continue;
      // Only tensors that depend on what the tape watches get gradients (TF returns None otherwise),
      // and only those on a path from a source are worth computing.
      const needed = entry.inputs.map((input) => leadsToSource.has(input.id) && this.tracked.has(input.id));
      if (!needed.includes(true)) continue;
      const outputGrads = entry.outputs.map((o) => grads.get(o.id) ?? zerosLike(o));
      const inputGrads = entry.backward(outputGrads, needed);
      entry.inputs.forEach((input, k) => {
        const g = inputGrads[k];
        if (!g || !needed[k]) return;
        if (g.shape.length !== input.shape.length || g.shape.some((d, j) => d !== input.shape[j])) {
          throw new Error(`GradientTape: the gradient rule of ${entry.op} returned shape ${formatShape(g.shape)} for an input of shape ${formatShape(input.shape)}.`);
        }
        const previous = grads.get(input.id);
        grads.set(input.id, previous ? previous.add(g) : g);
      });
    }
    return sources.map((s) => grads.get(s.id) ?? null);
  }

  /** Ids of the sources and of every recorded tensor computed from one of them. */
  private tensorsDependingOn(sources: readonly Tensor[]): Set<number> {
    const ids = new Set(sources.map((s) => s.id));
    for (const entry of this.entries) {
      if (entry.inputs.some((t) => ids.has(t.id))) for (const o of entry.outputs) ids.add(o.id);
    }
    return ids;
  }

  private checkAlive(method: string): void {
    if (this.disposed) throw new Error(`GradientTape.${method}: the tape was disposed (a non-persistent tape is disposed by its gradient() call).`);
  }
}


/** Finds the tensors a value holds (re-exported for valueAndGrad). */
export function tensorsIn(value: unknown): Tensor[] {
  const found = new Set<Tensor>();
  collectTensors(value, found);
  return [...found];
}
