// Compiled training steps: what `fit` runs unless the model was compiled with `runEagerly: true`,
// as Keras runs train_step as a compiled function by default. A step program is trainStep on a
// batch (fit's program also gathers the batch from the data set and counts finite losses; the
// on-batch methods' is trainStep alone). For each program and argument shapes, the first step runs
// eagerly (layers build, optimizer slots appear), the next two are traced, and when both traces
// agree the step is replayed from then on: the recorded kernels are dispatched again with the new
// arguments, the variables' current values and the recorded attributes, without running layers,
// the tape, tidy scopes or op checks, so the JavaScript cost of a step no longer grows with the
// number of ops. From the second replay on, a kernel's dispatches are issued as prepared at the
// first (DispatchMemo), on the replay's buffers.
//
// A trace is a program over values: the arguments, variables' values at the start of the step,
// tensors that outlive steps (constants), CPU data uploaded during the step (constant, or computed
// again by each replay: stepDependentValues), and kernel outputs. Its results
// are the variable assignments, the step's logs, CPU-side effects to repeat (the optimizer's step
// count) and guards (the optimizer's configuration, which a callback may change). Attributes that
// follow CPU-side state (Adam's bias correction, a learning-rate schedule, a fresh dropout seed)
// are marked stepDependent and computed again by each replay, in the eager order. Traces that
// differ otherwise (other attributes, uploaded data, a readback inside the step) keep the step
// eager, so a replay computes exactly what the eager step would: the same kernels in the same
// order on the same values. Side effects of a custom trainStep other than through
// tensors, variables and stepEffect run only on the eager and traced steps, as with tf.function.

import { Variable } from '../autograd/variable';
import { activeGpu, getBackend } from '../backend/engine';
import { Storage } from '../backend/storage';
import { sizeOf, type ConcreteShape, type DType, type TypedArray } from '../backend/types';
import { bucketBytes } from '../backend/webgpu/buffer_pool';
import type { Dispatch, PreparedDispatch } from '../backend/webgpu/command_recorder';
import type { Scratch, WebGPUBackend } from '../backend/webgpu/webgpu_backend';
import type { GpuTensor, Kernel } from '../ops/kernel';
import { Tensor } from '../tensor/tensor';
import { traced, type StepTracer } from '../tensor/trace';
import type { Model, StepData, StepLogs } from './model';

type ValueSource =
  | { kind: 'argument'; index: number }
  | { kind: 'variable'; variable: Variable }
  | { kind: 'constant'; storage: Storage }
  | { kind: 'upload'; values: TypedArray; shape: ConcreteShape; dtype: DType }
  | { kind: 'stepUpload'; compute: () => TypedArray; shape: ConcreteShape; dtype: DType }
  | { kind: 'kernel' };

interface ValueUse {
  value: number;
  shape: ConcreteShape;
  dtype: DType;
}

interface TracedKernel {
  kernel: Kernel<unknown>;
  attrs: unknown;
  /** For attributes that follow the step (stepDependent): how a replay computes them. */
  computeAttrs: (() => unknown) | undefined;
  inputs: ValueUse[];
  outputs: ValueUse[];
}

type TracedResult = { key: string; number: number } | { key: string; tensor: ValueUse };

/** One traced execution of a step: a program over values, and what it leaves behind. */
class StepTrace implements StepTracer {
  readonly kernels: TracedKernel[] = [];
  readonly sources: ValueSource[] = [];
  readonly assignments: Array<{ variable: Variable; value: number }> = [];
  readonly effects: Array<{ name: string; effect: () => void }> = [];
  readonly guards: Array<{ name: string; read: () => string; value: string }> = [];
  results: TracedResult[] = [];
  /** Why the step cannot be replayed, once known. */
  unreplayable: string | null = null;
  private readonly valueOf = new Map<Storage, number>();
  private readonly attrsComputedBy = new WeakMap<object, () => unknown>();
  /** Storages of the constants, kept alive until the trace is released. */
  private readonly retained: Storage[] = [];

  constructor(args: readonly Tensor[]) {
    for (const [index, t] of args.entries()) {
      if (this.valueOf.has(t.storage)) this.unreplayable = 'two batch tensors share memory';
      else this.define(t.storage, { kind: 'argument', index });
    }
  }

  kernel(kernel: object, attrs: unknown, inputs: readonly Tensor[], outputs: readonly Tensor[]): void {
    const inputUses = inputs.map((t) => this.use(t));
    const outputUses = outputs.map((t) => ({ value: this.define(t.storage, { kind: 'kernel' }), shape: t.shape, dtype: t.dtype }));
    const computeAttrs = typeof attrs === 'object' && attrs !== null ? this.attrsComputedBy.get(attrs) : undefined;
    this.kernels.push({ kernel: kernel as Kernel<unknown>, attrs, computeAttrs, inputs: inputUses, outputs: outputUses });
  }

  stepDependent(attrs: object, compute: () => object): void {
    this.attrsComputedBy.set(attrs, compute);
  }

  upload(tensor: Tensor, values: TypedArray): void {
    this.define(tensor.storage, { kind: 'upload', values: values.slice(), shape: tensor.shape, dtype: tensor.dtype });
  }

  stepUpload(tensor: Tensor, compute: () => TypedArray): void {
    this.define(tensor.storage, { kind: 'stepUpload', compute, shape: tensor.shape, dtype: tensor.dtype });
  }

  assign(variable: Tensor, value: Tensor): void {
    this.assignments.push({ variable: variable as Variable, value: this.use(value).value });
  }

  view(source: Tensor): void {
    this.use(source);
  }

  read(): void {
    this.unreplayable ??= 'the step reads GPU data back';
  }

  effect(name: string, effect: () => void): void {
    this.effects.push({ name, effect });
  }

  guard(name: string, read: () => string): void {
    this.guards.push({ name, read, value: read() });
  }

  /** Records the step's logs. */
  finish(logs: StepLogs): void {
    this.results = Object.entries(logs).map(([key, v]): TracedResult => (typeof v === 'number' ? { key, number: v } : { key, tensor: this.use(v) }));
  }

  /** Whether `other` is the same program: same kernels and attributes over the same values. */
  sameAs(other: StepTrace): boolean {
    return (
      this.unreplayable === null &&
      other.unreplayable === null &&
      sameList(this.kernels, other.kernels, (a, b) => a.kernel === b.kernel && sameAttrs(a, b) && sameList(a.inputs, b.inputs, sameUse) && sameList(a.outputs, b.outputs, sameUse)) &&
      sameList(this.sources, other.sources, sameSource) &&
      sameList(this.assignments, other.assignments, (a, b) => a.variable === b.variable && a.value === b.value) &&
      sameList(this.effects, other.effects, (a, b) => a.name === b.name) &&
      sameList(this.guards, other.guards, (a, b) => a.name === b.name && a.value === b.value) &&
      sameList(this.results, other.results, (a, b) => a.key === b.key && ('number' in a ? 'number' in b && Object.is(a.number, b.number) : 'tensor' in b && sameUse(a.tensor, b.tensor)))
    );
  }

  release(): void {
    for (const storage of this.retained) storage.release();
    this.retained.length = 0;
  }

  private use(t: Tensor): ValueUse {
    let value = this.valueOf.get(t.storage);
    if (value === undefined) {
      // A tensor from before the step: a variable's current value, or a constant. (A view of a
      // variable made in the step was defined as the variable when it was made: see view().)
      value = t instanceof Variable ? this.define(t.storage, { kind: 'variable', variable: t }) : this.define(this.retain(t.storage), { kind: 'constant', storage: t.storage });
    }
    return { value, shape: t.shape, dtype: t.dtype };
  }

  private define(storage: Storage, source: ValueSource): number {
    const value = this.sources.length;
    this.sources.push(source);
    this.valueOf.set(storage, value);
    return value;
  }

  private retain(storage: Storage): Storage {
    this.retained.push(storage.retain());
    return storage;
  }
}

/**
 * A trace turned into a replayable step. Kernels whose inputs are all constants of the step
 * (uploads, tensors from outside, outputs of other such kernels) and whose attributes are fixed
 * are run once here and their outputs kept: the gradient seed of a mean loss, say, is the same
 * every step. The values a replay hands out (variable assignments, logs) get fresh buffers from
 * the pool at each replay; the step's other kernel outputs live in buffers of its own, planned
 * here once (a buffer serves several values whose lifetimes do not overlap), so every replay
 * binds the same buffers and the recorded dispatches find their bind groups.
 */
class CompiledStep {
  /** Uses of each value by live kernels, assignments and logs. */
  private readonly useCounts: number[];
  /** Values that are the same at every replay: the step's uploads and the folded kernels' outputs. */
  private readonly constants = new Map<number, Storage>();
  /** Kernels a replay runs (the others were folded, or nothing used their outputs). */
  private readonly live: TracedKernel[];
  /** The recorded dispatches of each live kernel (see DispatchMemo). */
  private readonly memos: DispatchMemo[];
  /** Kernel outputs that a replay hands out: assigned to variables or returned as logs. */
  private readonly handedOut = new Set<number>();
  /** The step's own buffer of each other kernel output. */
  private readonly bufferOf = new Map<number, GPUBuffer>();
  /** The step's own buffers (released by dispose). */
  private readonly ownBuffers: GPUBuffer[] = [];

  /** The device the step was compiled on. */
  private readonly gpu = activeGpu();

  constructor(private readonly trace: StepTrace) {
    const { gpu } = this;
    trace.sources.forEach((source, value) => {
      if (source.kind === 'upload') this.constants.set(value, Storage.webgpu(gpu, gpu.upload(source.values)));
      if (source.kind === 'constant') this.constants.set(value, source.storage.retain());
    });
    this.live = trace.kernels.filter((node) => {
      if (node.computeAttrs || !node.inputs.every((u) => this.constants.has(u.value))) return true;
      const outputs = node.outputs.map((u) => Storage.webgpu(gpu, gpu.allocate(sizeOf(u.shape) * 4)));
      runTraced(gpu, node, node.inputs.map((u) => this.constants.get(u.value)!.buffer!), outputs.map((o) => o.buffer!));
      node.outputs.forEach((u, k) => this.constants.set(u.value, outputs[k]));
      return false;
    });
    this.useCounts = trace.sources.map(() => 0);
    for (const k of this.live) for (const input of k.inputs) this.useCounts[input.value]++;
    for (const a of trace.assignments) this.useCounts[a.value]++;
    for (const r of trace.results) if ('tensor' in r) this.useCounts[r.tensor.value]++;
    // Kernels whose outputs nothing uses are dropped (kernels only write their outputs): the
    // softmax of a model's output when no metric reads it, since the loss is taken from the logits.
    // Last first, so that what only a dropped kernel used goes too.
    for (let i = this.live.length - 1; i >= 0; i--) {
      const node = this.live[i];
      if (node.outputs.some((u) => this.useCounts[u.value] > 0)) continue;
      for (const input of node.inputs) this.useCounts[input.value]--;
      this.live.splice(i, 1);
    }
    this.memos = this.live.map(() => new DispatchMemo());
    for (const a of trace.assignments) this.handedOut.add(a.value);
    for (const r of trace.results) if ('tensor' in r) this.handedOut.add(r.tensor.value);
    this.planBuffers();
  }

  /**
   * Gives each kernel output that is not handed out a buffer of the step's own, walking the live
   * kernels in order: an output takes a free buffer of its size bucket or a new one, and a value's
   * buffer is free again after the kernel that uses it last.
   */
  private planBuffers(): void {
    const remaining = [...this.useCounts];
    const free = new Map<number, GPUBuffer[]>();
    const done = (value: number) => {
      const buffer = this.bufferOf.get(value);
      if (!buffer) return;
      const bucket = bucketBytes(buffer.size);
      if (!free.has(bucket)) free.set(bucket, []);
      free.get(bucket)!.push(buffer);
    };
    for (const node of this.live) {
      for (const u of node.outputs) {
        if (this.handedOut.has(u.value)) continue;
        const bytes = sizeOf(u.shape) * 4;
        let buffer = free.get(bucketBytes(bytes))?.pop();
        if (!buffer) this.ownBuffers.push((buffer = this.gpu.allocate(bytes)));
        this.bufferOf.set(u.value, buffer);
      }
      for (const u of node.outputs) if (remaining[u.value] === 0) done(u.value);
      for (const u of node.inputs) if (--remaining[u.value] === 0) done(u.value);
    }
  }

  /** Runs the step on new arguments; null when a guard changed (the step must run eagerly). */
  replay(args: readonly Tensor[]): StepLogs | null {
    const { trace, gpu } = this;
    if (trace.guards.some((g) => g.read() !== g.value)) return null;
    // Storages of the sources and of the values handed out; buffers of every value.
    const storages: Array<Storage | null> = new Array(trace.sources.length).fill(null);
    const buffers: GPUBuffer[] = new Array(trace.sources.length);
    // What this replay made (handed-out outputs, step-dependent uploads): one reference each,
    // released at the end.
    const made: Storage[] = [];
    trace.sources.forEach((source, value) => {
      let storage: Storage | null;
      switch (source.kind) {
        case 'argument': storage = args[source.index].storage; break;
        case 'variable': storage = source.variable.storage; break;
        case 'stepUpload':
          // Computed from CPU-side state before this replay's effects, as in the eager step.
          made.push((storage = Storage.webgpu(gpu, gpu.upload(source.compute()))));
          break;
        default: storage = this.constants.get(value) ?? null;
      }
      storages[value] = storage;
      if (storage) buffers[value] = storage.buffer!;
    });
    try {
      for (const [i, node] of this.live.entries()) {
        const outputs = node.outputs.map((u) => {
          const own = this.bufferOf.get(u.value);
          if (own) return own;
          const storage = Storage.webgpu(gpu, gpu.allocate(sizeOf(u.shape) * 4));
          made.push(storage);
          storages[u.value] = storage;
          return storage.buffer!;
        });
        runTraced(gpu, node, node.inputs.map((u) => buffers[u.value]), outputs, this.memos[i]);
        node.outputs.forEach((u, k) => (buffers[u.value] = outputs[k]));
      }
      // A variable assigned twice may end on its own value from before the step: every assigned
      // storage is held until all are adopted, so no adoption frees one that a later one takes.
      const assigned = trace.assignments.map(({ value }) => storages[value]!.retain());
      try {
        for (const { variable, value } of trace.assignments) variable.adoptStorage(storages[value]!);
      } finally {
        for (const storage of assigned) storage.release();
      }
      const logs: StepLogs = {};
      for (const r of trace.results) logs[r.key] = 'number' in r ? r.number : new Tensor(storages[r.tensor.value]!.retain(), r.tensor.shape, r.tensor.dtype);
      for (const { effect } of trace.effects) effect();
      return logs;
    } finally {
      for (const storage of made) storage.release();
    }
  }

  dispose(): void {
    for (const memo of this.memos) memo.release(this.gpu);
    for (const buffer of this.ownBuffers) this.gpu.release(buffer);
    this.ownBuffers.length = 0;
    this.trace.release();
    for (const storage of this.constants.values()) storage.release();
    this.constants.clear();
  }
}

/** Runs a traced kernel on input buffers into output buffers. */
function runTraced(gpu: WebGPUBackend, node: TracedKernel, inputBuffers: GPUBuffer[], outputBuffers: GPUBuffer[], memo?: DispatchMemo): void {
  const outputSizes = node.outputs.map((u) => sizeOf(u.shape));
  if (!outputSizes.some((size) => size > 0)) return;
  const attrs = node.computeAttrs ? node.computeAttrs() : node.attrs;
  if (memo?.recordedWith(attrs)) {
    memo.issue(gpu, inputBuffers, outputBuffers);
    return;
  }
  const record = () => {
    const gpuInputs = node.inputs.map((u, i): GpuTensor => ({ buffer: inputBuffers[i], shape: u.shape, dtype: u.dtype, size: sizeOf(u.shape) }));
    const gpuOutputs = node.outputs.map((u, k): GpuTensor => ({ buffer: outputBuffers[k], shape: u.shape, dtype: u.dtype, size: outputSizes[k] }));
    node.kernel.webgpu(gpu, gpuInputs, gpuOutputs, attrs);
  };
  if (memo?.worthTrying) memo.remember(gpu, gpu.captureDispatches(record), attrs, inputBuffers, outputBuffers);
  else record();
}

/** Where a recorded dispatch's buffer comes from at a replay. */
type BufferSlot = { input: number } | { output: number } | { scratch: number } | { fixed: GPUBuffer };

/**
 * A replayed kernel's dispatches, recorded once with its buffers replaced by slots (the kernel's
 * k-th input or output, or a buffer the kernel itself holds), prepared (pipeline looked up,
 * uniforms in a buffer of their own) and issued again at later replays with that replay's buffers
 * instead of calling the kernel: a kernel makes the same dispatches every step for the same
 * attributes, only on other buffers. A kernel whose attributes follow the step is issued from the
 * memo when they came out the same as when recorded, and called otherwise (a dropout mask's
 * fresh seed). A scratch buffer the kernel allocated and
 * released (split-K's partial products) is allocated and released again around the issued
 * dispatches. Kernels that did more than dispatch (an upload, a copy) are called every time.
 */
class DispatchMemo {
  private dispatches: Array<{ prepared: PreparedDispatch; slots: BufferSlot[] }> | null = null;
  private scratchBytes: number[] = [];
  private attrs: unknown;
  worthTrying = true;

  remember(gpu: WebGPUBackend, captured: { dispatches: Dispatch[]; scratch: Scratch[] } | null, attrs: unknown, inputs: GPUBuffer[], outputs: GPUBuffer[]): void {
    this.worthTrying = false;
    // An input given twice (a linear layer's gradient as both operands) is one value of the
    // trace, so it is the same buffer at every replay; its first slot stands for both.
    if (!captured || outputs.some((buffer) => inputs.includes(buffer))) return;
    const scratch = captured.scratch.map((s) => s.buffer);
    const slotOf = (buffer: GPUBuffer): BufferSlot => {
      for (const [kind, buffers] of [['input', inputs], ['output', outputs], ['scratch', scratch]] as const) {
        const index = buffers.indexOf(buffer);
        if (index >= 0) return { [kind]: index } as BufferSlot;
      }
      return { fixed: buffer };
    };
    this.attrs = attrs;
    this.scratchBytes = captured.scratch.map((s) => s.byteSize);
    this.dispatches = captured.dispatches.map((spec) => ({ prepared: gpu.prepareDispatch(spec), slots: spec.buffers.map(slotOf) }));
  }

  /** Whether the kernel's dispatches were recorded with these attributes. */
  recordedWith(attrs: unknown): boolean {
    return this.dispatches !== null && (attrs === this.attrs || sameValue(attrs, this.attrs));
  }

  issue(gpu: WebGPUBackend, inputs: GPUBuffer[], outputs: GPUBuffer[]): void {
    const scratch = this.scratchBytes.map((bytes) => gpu.allocate(bytes));
    for (const { prepared, slots } of this.dispatches!) {
      const buffers = slots.map((slot) => ('input' in slot ? inputs[slot.input] : 'output' in slot ? outputs[slot.output] : 'scratch' in slot ? scratch[slot.scratch] : slot.fixed));
      gpu.dispatchPrepared(prepared, buffers);
    }
    for (const buffer of scratch) gpu.release(buffer);
  }

  release(gpu: WebGPUBackend): void {
    for (const { prepared } of this.dispatches ?? []) gpu.releasePrepared(prepared);
    this.dispatches = null;
  }
}

type Phase =
  | { kind: 'eager once' }
  | { kind: 'trace' }
  | { kind: 'compare'; first: StepTrace }
  | { kind: 'compiled'; step: CompiledStep; trainable: Variable[] }
  | { kind: 'eager' };

/**
 * Step programs a model keeps compiled (fit makes one per data set shape and batch size, the
 * last partial batch included); beyond, the oldest is dropped (fit called on data of ever new
 * sizes would otherwise keep one each).
 */
const MAX_PROGRAMS = 8;

/**
 * The compiled steps of a model: one state per step program (its key), kept across fit calls
 * until the model is compiled again or disposed (`dispose()` frees what the traces keep alive).
 */
export class StepCompiler {
  private readonly phases = new Map<string, Phase>();
  /** The device the phases were recorded on: after init() makes a new one, they start over. */
  private device: WebGPUBackend | null = null;

  constructor(private readonly model: Model) {}

  /** trainStep(data), compiled (trainOnBatch). */
  run(data: StepData): StepLogs {
    return this.runProgram(signature(data), data.flat().filter((t): t is Tensor => t instanceof Tensor), () => this.model.trainStep(data));
  }

  /**
   * A step program, compiled: `body` runs trainStep on tensors made from `args` (fit gathers the
   * batch from its data set in it, and counts finite losses after it). `args` are the only tensors
   * from outside the step that the program may take as data (the model's variables are read at
   * each replay, other tensors are kept as constants), each in its own memory; `key` names the
   * program's structure and its arguments' shapes and dtypes.
   */
  runProgram(key: string, args: readonly Tensor[], body: () => StepLogs): StepLogs {
    if (getBackend() !== 'webgpu') return body();
    const device = activeGpu();
    if (device !== this.device) {
      this.dispose();
      this.device = device;
    }
    let phase = this.phases.get(key);
    if (!phase) {
      if (this.phases.size >= MAX_PROGRAMS) this.forget(this.phases.keys().next().value!);
      phase = { kind: 'eager once' };
    }
    switch (phase.kind) {
      case 'compiled': {
        // Which weights train is decided by JavaScript the replay skips (Keras asks for a new
        // compile() after changing `trainable`; here the step is traced again).
        const logs = sameList(phase.trainable, this.model.trainableWeights, (a, b) => a === b) ? phase.step.replay(args) : null;
        if (logs) return logs;
        // A guard changed (say, the optimizer's momentum): trace again from the next step.
        phase.step.dispose();
        this.phases.set(key, { kind: 'trace' });
        return body();
      }
      case 'eager once':
        this.phases.set(key, { kind: 'trace' });
        return body();
      case 'trace': {
        const [logs, trace] = this.traceStep(body, args);
        this.phases.set(key, { kind: 'compare', first: trace });
        return logs;
      }
      case 'compare': {
        const [logs, trace] = this.traceStep(body, args);
        const same = phase.first.sameAs(trace);
        phase.first.release();
        if (same) {
          this.phases.set(key, { kind: 'compiled', step: new CompiledStep(trace), trainable: this.model.trainableWeights });
        } else {
          trace.release();
          this.phases.set(key, { kind: 'eager' });
        }
        return logs;
      }
      case 'eager':
        return body();
    }
  }

  /** Step programs known (compiled or on their way), for tests. */
  get programCount(): number {
    return this.phases.size;
  }

  dispose(): void {
    for (const key of [...this.phases.keys()]) this.forget(key);
  }

  private forget(key: string): void {
    const phase = this.phases.get(key);
    if (phase?.kind === 'compiled') phase.step.dispose();
    if (phase?.kind === 'compare') phase.first.release();
    this.phases.delete(key);
  }

  private traceStep(body: () => StepLogs, args: readonly Tensor[]): [StepLogs, StepTrace] {
    const trace = new StepTrace(args);
    try {
      const logs = traced(trace, body);
      trace.finish(logs);
      return [logs, trace];
    } catch (e) {
      trace.release();
      throw e;
    }
  }
}

/** The structure, shapes and dtypes of a step's data (a record's keys too). */
function signature(data: StepData): string {
  const describe = (t: Tensor) => `${t.dtype}[${t.shape.join(',')}]`;
  return data
    .map((part) => {
      if (part === undefined) return '-';
      if (part instanceof Tensor) return describe(part);
      if (Array.isArray(part)) return part.map(describe).join(';');
      return Object.entries(part).map(([key, t]) => `${JSON.stringify(key)}:${describe(t)}`).join(';');
    })
    .join('|');
}

/** Attributes that follow the step must be so in both traces; the others must be equal. */
function sameAttrs(a: TracedKernel, b: TracedKernel): boolean {
  return a.computeAttrs || b.computeAttrs ? Boolean(a.computeAttrs && b.computeAttrs) : sameValue(a.attrs, b.attrs);
}

function sameUse(a: ValueUse, b: ValueUse): boolean {
  return a.value === b.value && a.dtype === b.dtype && sameValue(a.shape, b.shape);
}

function sameSource(a: ValueSource, b: ValueSource): boolean {
  switch (a.kind) {
    case 'argument': return b.kind === 'argument' && a.index === b.index;
    case 'variable': return b.kind === 'variable' && a.variable === b.variable;
    case 'constant': return b.kind === 'constant' && a.storage === b.storage;
    case 'upload': return b.kind === 'upload' && a.dtype === b.dtype && sameValue(a.shape, b.shape) && sameValue(a.values, b.values);
    case 'stepUpload': return b.kind === 'stepUpload' && a.dtype === b.dtype && sameValue(a.shape, b.shape);
    case 'kernel': return b.kind === 'kernel';
  }
}

function sameList<T>(a: readonly T[], b: readonly T[], same: (x: T, y: T) => boolean): boolean {
  return a.length === b.length && a.every((x, i) => same(x, b[i]));
}

/** Structural equality of kernel attributes: numbers (NaN equals NaN), arrays, plain objects; anything else by identity. */
function sameValue(a: unknown, b: unknown): boolean {
  if (Object.is(a, b)) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (ArrayBuffer.isView(a) || Array.isArray(a)) {
    const x = a as ArrayLike<unknown>;
    const y = b as ArrayLike<unknown>;
    if (!(ArrayBuffer.isView(b) || Array.isArray(b)) || x.length !== y.length || a.constructor !== b.constructor) return false;
    for (let i = 0; i < x.length; i++) if (!sameValue(x[i], y[i])) return false;
    return true;
  }
  const plain = (o: object) => Object.getPrototypeOf(o) === Object.prototype || Object.getPrototypeOf(o) === null;
  if (!plain(a) || !plain(b)) return false;
  const keys = Object.keys(a);
  if (keys.length !== Object.keys(b).length) return false;
  return keys.every((k) => Object.hasOwn(b, k) && sameValue((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k]));
}
