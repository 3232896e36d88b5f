// The hooks through which a training step is traced for replay (src/models/step_capture.ts):
// kernels, uploads of CPU data, views, variable assignments and readbacks report themselves to the
// active tracer; objects that keep CPU-side state across steps (the optimizer's step count)
// register the effect to repeat, kernel attributes computed from such state, and the values a
// replay depends on. Nothing here does anything without a tracer.

import type { TypedArray } from '../backend/types';
import type { Tensor } from './tensor';

/** What the library reports while a step is traced. */
export interface StepTracer {
  /** A kernel ran: `kernel` and `attrs` are the arguments of runKernel, with its tensors. */
  kernel(kernel: object, attrs: unknown, inputs: readonly Tensor[], outputs: readonly Tensor[]): void;
  /** CPU data became a GPU tensor. */
  upload(tensor: Tensor, values: TypedArray): void;
  /** CPU data that `compute` makes again at each step became a GPU tensor (stepDependentValues). */
  stepUpload(tensor: Tensor, compute: () => TypedArray): void;
  /**
   * A view (reshape, expandDims, squeeze) of `source` is being made: it will share the source's
   * memory, so a view of a variable is the variable's value.
   */
  view(source: Tensor): void;
  /** A variable took `value` as its new value. */
  assign(variable: Tensor, value: Tensor): void;
  /** GPU data was read back: a step that does so cannot be replayed. */
  read(): void;
  /** `attrs`, about to be given to a kernel, was computed by `compute` from state that changes every step. */
  stepDependent(attrs: object, compute: () => object): void;
  /** `effect` ran on the CPU and must run again at each replay. */
  effect(name: string, effect: () => void): void;
  /** A replay is valid only while `read()` returns what it returns now. */
  guard(name: string, read: () => string): void;
}

let active: StepTracer | null = null;

/** @internal The tracer of the step being traced, if any. */
export function activeTracer(): StepTracer | null {
  return active;
}

/** @internal Runs `fn` with `tracer` receiving what it does. */
export function traced<T>(tracer: StepTracer, fn: () => T): T {
  const previous = active;
  active = tracer;
  try {
    return fn();
  } finally {
    active = previous;
  }
}

/**
 * @internal Runs a CPU-side state change of a step (such as counting optimizer steps) and, while
 * a step is traced, records it so that every replay of the step makes it too.
 */
export function stepEffect(name: string, effect: () => void): void {
  effect();
  active?.effect(name, effect);
}

/**
 * @internal Kernel attributes that follow CPU-side state from step to step (the optimizer's step
 * count in Adam's bias correction, a learning-rate schedule, a fresh random seed): computed now,
 * and computed again by each replay of a traced step instead of being baked into it.
 */
export function stepDependent<T extends object>(compute: () => T): T {
  const attrs = compute();
  active?.stepDependent(attrs, compute);
  return attrs;
}

/** @internal While a step is traced, makes its replays depend on the value `read()` returns. */
export function stepGuard(name: string, read: () => string): void {
  active?.guard(name, read);
}
