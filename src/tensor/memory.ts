// Tensor lifetime: `tidy` scopes that dispose what they do not return, `keep`, `dispose`, the
// count of live tensors behind `memory()`, and a FinalizationRegistry that returns the storage of
// tensors that became unreachable without being disposed.

import type { Storage } from '../backend/storage';
import { currentGpu } from '../backend/engine';
import type { Tensor } from './tensor';

export interface MemoryInfo {
  /** Tensors created and not yet disposed (or collected). */
  liveTensors: number;
  /** Bytes of GPU buffers held by live tensors. */
  gpuBytes: number;
  /** Bytes of GPU buffers waiting in the pool for reuse. */
  pooledBytes: number;
}

let liveTensors = 0;
const scopes: Set<Tensor>[] = [];
const keptTensors = new WeakSet<Tensor>();

/**
 * Takes over the disposal of tensors it still needs: a recording GradientTape holds the tensors
 * its gradient rules use, so a `tidy` inside `tape.record` cannot free them before `gradient()`.
 */
export interface DisposalHolder {
  holds(tensor: Tensor): boolean;
  defer(tensor: Tensor): void;
}

const holders = new Set<DisposalHolder>();

export function addDisposalHolder(holder: DisposalHolder): void {
  holders.add(holder);
}

export function removeDisposalHolder(holder: DisposalHolder): void {
  holders.delete(holder);
}

/** How many holders a deferred tensor still waits for (see releaseDeferred). */
const deferredHolds = new WeakMap<Tensor, number>();

/**
 * How a scope ends a tensor's life: disposed now, or later by the holders that still need it
 * (two tapes recording at once, as a GAN's generator and discriminator tapes, each hold it).
 */
function disposeFromScope(tensor: Tensor): void {
  if (keptTensors.has(tensor)) return;
  if (holders.size === 0) return tensor.dispose();
  const holding = [...holders].filter((holder) => holder.holds(tensor));
  if (holding.length === 0) return tensor.dispose();
  deferredHolds.set(tensor, holding.length);
  for (const holder of holding) holder.defer(tensor);
}

/** Called by a holder done with a tensor it took over: disposes it once every holder that took it is done. */
export function releaseDeferred(tensor: Tensor): void {
  const left = (deferredHolds.get(tensor) ?? 1) - 1;
  if (left > 0) {
    deferredHolds.set(tensor, left);
    return;
  }
  deferredHolds.delete(tensor);
  tensor.dispose();
}

const collector = new FinalizationRegistry<Storage>((storage) => {
  liveTensors--;
  storage.release();
});

/** Called by the Tensor constructor. */
export function trackTensor(tensor: Tensor, storage: Storage): void {
  liveTensors++;
  collector.register(tensor, storage, tensor);
  scopes.at(-1)?.add(tensor);
}

/** Called when a tensor's storage is replaced (Variable.assign), so finalization frees the new one. */
export function retrackTensor(tensor: Tensor, storage: Storage): void {
  collector.unregister(tensor);
  collector.register(tensor, storage, tensor);
}

/**
 * Tensors that live as long as another, by kind: the mask a layer output carries (mask.ts), the
 * logits a softmax output remembers (ops/softmax.ts). Keras attaches both to its tensors.
 */
const companions = new WeakMap<Tensor, Map<string, Tensor>>();

/**
 * @internal Makes `companion` (a tensor just made; null removes it) the `kind` companion of
 * `owner`: out of the tidy scope that tracks it, disposed with `owner` (or when replaced), and
 * kept by a recording tape that still needs it. An owner collected without dispose lets its
 * companion be collected too.
 */
export function setCompanion(owner: Tensor, kind: string, companion: Tensor | null): void {
  const own = companions.get(owner);
  const previous = own?.get(kind);
  if (previous) {
    own!.delete(kind);
    disposeFromScope(previous);
  }
  if (companion === null) return;
  scopes.at(-1)?.delete(companion);
  if (own) own.set(kind, companion);
  else companions.set(owner, new Map([[kind, companion]]));
}

/** @internal The `kind` companion of `owner`, or undefined. */
export function getCompanion(owner: Tensor, kind: string): Tensor | undefined {
  return companions.get(owner)?.get(kind);
}

/** @internal Called by Tensor.dispose: the companions go with their owner. */
export function disposeCompanions(owner: Tensor): void {
  const own = companions.get(owner);
  if (!own) return;
  companions.delete(owner);
  for (const companion of own.values()) disposeFromScope(companion);
}

/** Called by Tensor.dispose(). */
export function untrackTensor(tensor: Tensor): void {
  liveTensors--;
  collector.unregister(tensor);
}

/**
 * Runs `fn` and disposes every tensor created inside it except those it returns (found in arrays
 * and plain objects) and those passed to `keep`. `fn` must be synchronous.
 *
 * @example
 * const y = tidy(() => x.mul(2).add(1).relu());   // the two intermediates are disposed
 */
export function tidy<T>(fn: () => T): T {
  const scope = new Set<Tensor>();
  scopes.push(scope);
  let result: T;
  try {
    result = fn();
  } catch (e) {
    scopes.pop();
    for (const t of scope) disposeFromScope(t);
    throw e;
  }
  scopes.pop();
  if (result instanceof Promise) {
    throw new Error('tidy(fn): fn returned a Promise; tidy scopes must be synchronous (await outside of tidy).');
  }
  const returned = new Set<Tensor>();
  collectTensors(result, returned);
  const parent = scopes.at(-1);
  for (const t of scope) {
    if (returned.has(t)) parent?.add(t);
    else disposeFromScope(t);
  }
  return result;
}

/** Keeps a tensor created inside `tidy` alive after the scope ends. Returns it. */
export function keep<T extends Tensor>(tensor: T): T {
  keptTensors.add(tensor);
  return tensor;
}

/** Disposes a tensor, or every tensor found in an array or plain object. */
export function dispose(container: unknown): void {
  const found = new Set<Tensor>();
  collectTensors(container, found);
  for (const t of found) t.dispose();
}

/** Live tensors and GPU bytes, to check that a loop does not leak. */
export function memory(): MemoryInfo {
  const gpu = currentGpu();
  return {
    liveTensors,
    gpuBytes: gpu?.pool.inUseBytes ?? 0,
    pooledBytes: gpu?.pool.pooledBytes ?? 0,
  };
}

/** Finds the tensors in a value, arrays and plain objects (and Maps) included. */
export function collectTensors(value: unknown, into: Set<Tensor>, depth = 0): void {
  if (value === null || typeof value !== 'object' || depth > 8) return;
  if (isTensor(value)) {
    into.add(value);
    return;
  }
  if (Array.isArray(value)) {
    for (const v of value) collectTensors(v, into, depth + 1);
  } else if (Object.getPrototypeOf(value) === Object.prototype || value instanceof Map) {
    const values = value instanceof Map ? [...value.values()] : Object.values(value);
    for (const v of values) collectTensors(v, into, depth + 1);
  }
}

function isTensor(value: object): value is Tensor {
  return (value as { isTensorInstance?: boolean }).isTensorInstance === true;
}
