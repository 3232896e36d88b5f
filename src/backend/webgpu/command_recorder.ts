// Records kernel dispatches into one command encoder and submits them together: nothing is
// submitted per op. A flush happens only when data is read back, when many dispatches have piled
// up, or when asked. Uniform blocks of all recorded dispatches live in 64 KiB arena chunks that are
// written with one queue.writeBuffer per chunk just before the submit.
// Bind groups are cached by pipeline, buffers and uniform slot: a training step repeats the same
// pool buffers and arena offsets every step, so after the first step its dispatches create no
// bind group (createBindGroup was the largest JavaScript cost of a dispatch).
// A dispatch that will be issued many times (a replayed training step's) can be prepared once: its
// pipeline is looked up, its uniform block gets a buffer of its own, and its bind groups are kept
// with it, keyed by the storage buffers alone; issuing it then costs little more than Dawn's calls.

import { PipelineCache, type CachedPipeline, type OverrideConstants } from './pipeline_cache';
import type { BufferPool } from './buffer_pool';
import { waitForDevice } from './gpu_provider';

export interface Dispatch {
  /** WGSL source; binding 0 is the uniform block when `uniforms` is given, storage buffers follow. */
  shader: string;
  entryPoint?: string;
  constants?: OverrideConstants;
  uniforms?: Uint8Array;
  /** Storage buffers bound in order after the uniform block. */
  buffers: GPUBuffer[];
  workgroups: readonly [number, number?, number?];
}

/**
 * A dispatch prepared to be issued again on other storage buffers (see `prepare`). Holds a GPU
 * buffer for its uniform block until `releasePrepared`.
 */
export interface PreparedDispatch {
  /** What it was prepared from (its buffers are those of that first dispatch). */
  readonly spec: Dispatch;
  readonly pipeline: CachedPipeline;
  readonly uniform: GPUBuffer | null;
  readonly workgroups: readonly [number, number, number];
  /** Bind groups by storage buffers (ids joined), and the last one issued. */
  readonly bindGroups: Map<string, GPUBindGroup>;
  lastBuffers: GPUBuffer[];
  lastGroup: GPUBindGroup | null;
}

/** @internal Timestamps of dispatches, each in a compute pass of its own (CommandRecorder.timer). */
export interface DispatchTimer {
  querySet: GPUQuerySet;
  /** Queries the set holds: two a dispatch (its pass's beginning and end). */
  capacity: number;
  /** The dispatches timed so far, in order. */
  dispatches: Array<{ shader: string; workgroups: readonly number[] }>;
}

/** Bind groups a prepared dispatch keeps; beyond, the oldest go first. */
const MAX_PREPARED_BIND_GROUPS = 512;

const ARENA_CHUNK_BYTES = 64 * 1024;
/** Bind groups kept for reuse; the oldest go first beyond this. */
const MAX_CACHED_BIND_GROUPS = 4096;
/** Submit after this many dispatches even without a readback: the device starts on recorded work while more is recorded (and arena memory stays bounded). */
const MAX_DISPATCHES_PER_SUBMIT = 64;

interface ArenaChunk {
  id: number;
  buffer: GPUBuffer;
  staging: Uint8Array<ArrayBuffer>;
  used: number;
}

interface UniformSlot {
  chunk: ArenaChunk;
  offset: number;
  size: number;
}

export class CommandRecorder {
  readonly pipelines: PipelineCache;
  private encoder: GPUCommandEncoder | null = null;
  private pass: GPUComputePassEncoder | null = null;
  private dispatchCount = 0;
  private chunks: ArenaChunk[] = [];
  private freeChunks: ArenaChunk[] = [];
  private readonly uniformAlignment: number;
  private readonly bindGroups = new Map<string, GPUBindGroup>();
  private readonly bufferIds = new WeakMap<GPUBuffer, number>();
  private nextBufferId = 0;
  private chunkCount = 0;
  /**
   * @internal While set, every dispatch runs in a compute pass of its own whose beginning and end
   * write timestamps into the timer's query set, until it is full: each kernel's GPU time inside
   * real steps, for bench/profile_step.ts (on devices with the 'timestamp-query' feature).
   */
  timer: DispatchTimer | null = null;
  /** Number of submits so far; tests use it to check that ops do not submit on their own. */
  submitCount = 0;
  /** Number of readbacks so far; tests use it to check that training reads back once per epoch. */
  readCount = 0;

  constructor(
    private readonly device: GPUDevice,
    private readonly pool: BufferPool,
  ) {
    this.pipelines = new PipelineCache(device);
    this.uniformAlignment = device.limits.minUniformBufferOffsetAlignment;
  }

  dispatch(spec: Dispatch): void {
    const [x, y = 1, z = 1] = spec.workgroups;
    if (x === 0 || y === 0 || z === 0) return;
    const pipeline = this.pipelines.get(spec.shader, spec.entryPoint ?? 'main', spec.constants);
    const uniform = spec.uniforms ? this.uniformSlot(spec.uniforms) : null;
    const key = uniform ? `${pipeline.id}|${uniform.chunk.id}:${uniform.offset}:${uniform.size}|${this.buffersKey(spec.buffers)}` : `${pipeline.id}||${this.buffersKey(spec.buffers)}`;
    const binding = uniform && { buffer: uniform.chunk.buffer, offset: uniform.offset, size: uniform.size };
    const group = this.cachedBindGroup(this.bindGroups, MAX_CACHED_BIND_GROUPS, key, pipeline, binding, spec.buffers);
    this.record(spec.shader, pipeline, group, x, y, z);
  }

  /**
   * Prepares `spec` to be issued again with `dispatchPrepared` on other storage buffers: the
   * pipeline is looked up once and the uniform block is written once to a buffer of its own.
   */
  prepare(spec: Dispatch): PreparedDispatch {
    const [x, y = 1, z = 1] = spec.workgroups;
    let uniform: GPUBuffer | null = null;
    if (spec.uniforms) {
      uniform = this.device.createBuffer({ size: alignTo(spec.uniforms.byteLength, 16), usage: GPUBufferUsage.UNIFORM, mappedAtCreation: true });
      new Uint8Array(uniform.getMappedRange()).set(spec.uniforms);
      uniform.unmap();
    }
    const pipeline = this.pipelines.get(spec.shader, spec.entryPoint ?? 'main', spec.constants);
    return { spec, pipeline, uniform, workgroups: [x, y, z], bindGroups: new Map(), lastBuffers: [], lastGroup: null };
  }

  /** Issues a prepared dispatch on `buffers` (in the order of its spec's). */
  dispatchPrepared(prepared: PreparedDispatch, buffers: GPUBuffer[]): void {
    const [x, y, z] = prepared.workgroups;
    if (x === 0 || y === 0 || z === 0) return;
    if (!prepared.lastGroup || !sameBuffers(buffers, prepared.lastBuffers)) {
      const binding = prepared.uniform && { buffer: prepared.uniform };
      prepared.lastGroup = this.cachedBindGroup(prepared.bindGroups, MAX_PREPARED_BIND_GROUPS, this.buffersKey(buffers), prepared.pipeline, binding, buffers);
      prepared.lastBuffers = buffers;
    }
    this.record(prepared.spec.shader, prepared.pipeline, prepared.lastGroup, x, y, z);
  }

  /** Frees what `prepare` made (the dispatch must not be issued again). */
  releasePrepared(prepared: PreparedDispatch): void {
    prepared.uniform?.destroy();
    prepared.bindGroups.clear();
    prepared.lastGroup = null;
  }

  /** Forgets cached bind groups (their buffers are about to be destroyed). */
  clearBindGroups(): void {
    this.bindGroups.clear();
  }

  copy(source: GPUBuffer, target: GPUBuffer, byteSize: number, sourceOffset = 0, targetOffset = 0): void {
    if (byteSize === 0) return;
    this.endPass();
    this.commandEncoder().copyBufferToBuffer(source, sourceOffset, target, targetOffset, byteSize);
  }

  /** Dispatches recorded since the last submit. */
  get pendingDispatches(): number {
    return this.dispatchCount;
  }

  /** Submits everything recorded so far. */
  flush(): void {
    if (!this.encoder) return;
    this.endPass();
    for (const chunk of this.chunks) {
      this.device.queue.writeBuffer(chunk.buffer, 0, chunk.staging, 0, alignTo(chunk.used, 4));
    }
    this.device.queue.submit([this.encoder.finish()]);
    this.submitCount++;
    this.encoder = null;
    this.dispatchCount = 0;
    for (const chunk of this.chunks) chunk.used = 0;
    this.freeChunks.push(...this.chunks);
    this.chunks = [];
    this.pool.settle();
  }

  /** Copies `byteSize` bytes of `buffer` back to the CPU after all recorded work has run. */
  async read(buffer: GPUBuffer, byteSize: number): Promise<ArrayBuffer> {
    this.readCount++;
    const size = alignTo(Math.max(byteSize, 4), 4);
    const staging = this.device.createBuffer({ size, usage: GPUBufferUsage.MAP_READ | GPUBufferUsage.COPY_DST });
    this.copy(buffer, staging, size);
    this.flush();
    try {
      await waitForDevice(staging.mapAsync(GPUMapMode.READ));
      return staging.getMappedRange().slice(0, byteSize);
    } finally {
      staging.destroy();
    }
  }

  /** Records one dispatch into the open pass (or a timed one of its own) and submits every MAX_DISPATCHES_PER_SUBMIT. */
  private record(shader: string, pipeline: CachedPipeline, group: GPUBindGroup, x: number, y: number, z: number): void {
    const pass = this.passFor(shader, [x, y, z]);
    pass.setPipeline(pipeline.pipeline);
    pass.setBindGroup(0, group);
    pass.dispatchWorkgroups(x, y, z);
    if (++this.dispatchCount >= MAX_DISPATCHES_PER_SUBMIT) this.flush();
  }

  /** The bind group `key` names in `cache` (uniform block at binding 0, storage buffers after), made when missing; the oldest go first beyond `capacity`. */
  private cachedBindGroup(cache: Map<string, GPUBindGroup>, capacity: number, key: string, pipeline: CachedPipeline, uniform: GPUBufferBinding | null, buffers: GPUBuffer[]): GPUBindGroup {
    let group = cache.get(key);
    if (!group) {
      const entries: GPUBindGroupEntry[] = [];
      if (uniform) entries.push({ binding: 0, resource: uniform });
      const first = uniform ? 1 : 0;
      buffers.forEach((buffer, i) => entries.push({ binding: first + i, resource: { buffer } }));
      group = this.device.createBindGroup({ layout: pipeline.layout, entries });
      if (cache.size >= capacity) cache.delete(cache.keys().next().value!);
      cache.set(key, group);
    }
    return group;
  }

  private buffersKey(buffers: GPUBuffer[]): string {
    let key = '';
    for (const buffer of buffers) key += `${this.bufferId(buffer)},`;
    return key;
  }

  private bufferId(buffer: GPUBuffer): number {
    let id = this.bufferIds.get(buffer);
    if (id === undefined) this.bufferIds.set(buffer, (id = this.nextBufferId++));
    return id;
  }

  private uniformSlot(bytes: Uint8Array): UniformSlot {
    let chunk = this.chunks.at(-1);
    const offset = chunk ? alignTo(chunk.used, this.uniformAlignment) : 0;
    if (!chunk || offset + bytes.byteLength > ARENA_CHUNK_BYTES) {
      chunk = this.freeChunks.pop() ?? {
        id: this.chunkCount++,
        buffer: this.device.createBuffer({ size: ARENA_CHUNK_BYTES, usage: GPUBufferUsage.UNIFORM | GPUBufferUsage.COPY_DST }),
        staging: new Uint8Array(ARENA_CHUNK_BYTES),
        used: 0,
      };
      this.chunks.push(chunk);
      return this.uniformSlot(bytes);
    }
    chunk.staging.set(bytes, offset);
    chunk.used = offset + bytes.byteLength;
    return { chunk, offset, size: bytes.byteLength };
  }

  private commandEncoder(): GPUCommandEncoder {
    return (this.encoder ??= this.device.createCommandEncoder());
  }

  private computePass(): GPUComputePassEncoder {
    return (this.pass ??= this.commandEncoder().beginComputePass());
  }

  /** The pass of the next dispatch: the open one, or a timed one of its own while the timer runs. */
  private passFor(shader: string, workgroups: readonly number[]): GPUComputePassEncoder {
    const timer = this.timer;
    if (!timer || 2 * (timer.dispatches.length + 1) > timer.capacity) return this.computePass();
    this.endPass();
    const at = 2 * timer.dispatches.length;
    timer.dispatches.push({ shader, workgroups });
    const timestampWrites = { querySet: timer.querySet, beginningOfPassWriteIndex: at, endOfPassWriteIndex: at + 1 };
    return (this.pass = this.commandEncoder().beginComputePass({ timestampWrites }));
  }

  private endPass(): void {
    this.pass?.end();
    this.pass = null;
  }
}

function sameBuffers(a: GPUBuffer[], b: GPUBuffer[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

function alignTo(n: number, alignment: number): number {
  return Math.ceil(n / alignment) * alignment;
}
