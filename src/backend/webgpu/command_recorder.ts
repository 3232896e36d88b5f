// Records kernel dispatches into one command encoder and submits them together: nothing is
// submitted per op. A flush happens only when data is read back, when many dispatches have piled
// up, or when asked. Uniform blocks of all recorded dispatches live in 64 KiB arena chunks that are
// written with one queue.writeBuffer per chunk just before the submit.

import { PipelineCache, type OverrideConstants } from './pipeline_cache';
import type { BufferPool } from './buffer_pool';

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

const ARENA_CHUNK_BYTES = 64 * 1024;
/** Submit after this many dispatches even without a readback: the device starts on recorded work while more is recorded (and arena memory stays bounded). */
const MAX_DISPATCHES_PER_SUBMIT = 64;

interface ArenaChunk {
  buffer: GPUBuffer;
  staging: Uint8Array<ArrayBuffer>;
  used: number;
}

export class CommandRecorder {
  readonly pipelines: PipelineCache;
  private encoder: GPUCommandEncoder | null = null;
  private pass: GPUComputePassEncoder | null = null;
  private dispatchCount = 0;
  private chunks: ArenaChunk[] = [];
  private freeChunks: ArenaChunk[] = [];
  private readonly uniformAlignment: number;
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
    const entries: GPUBindGroupEntry[] = [];
    if (spec.uniforms) entries.push({ binding: 0, resource: this.uniformSlot(spec.uniforms) });
    const first = spec.uniforms ? 1 : 0;
    spec.buffers.forEach((buffer, i) => entries.push({ binding: first + i, resource: { buffer } }));
    const bindGroup = this.device.createBindGroup({ layout: pipeline.getBindGroupLayout(0), entries });
    const pass = this.computePass();
    pass.setPipeline(pipeline);
    pass.setBindGroup(0, bindGroup);
    pass.dispatchWorkgroups(x, y, z);
    if (++this.dispatchCount >= MAX_DISPATCHES_PER_SUBMIT) this.flush();
  }

  copy(source: GPUBuffer, target: GPUBuffer, byteSize: number, sourceOffset = 0, targetOffset = 0): void {
    if (byteSize === 0) return;
    this.endPass();
    this.commandEncoder().copyBufferToBuffer(source, sourceOffset, target, targetOffset, byteSize);
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
      await staging.mapAsync(GPUMapMode.READ);
      return staging.getMappedRange().slice(0, byteSize);
    } finally {
      staging.destroy();
    }
  }

  private uniformSlot(bytes: Uint8Array): GPUBufferBinding {
    let chunk = this.chunks.at(-1);
    const offset = chunk ? alignTo(chunk.used, this.uniformAlignment) : 0;
    if (!chunk || offset + bytes.byteLength > ARENA_CHUNK_BYTES) {
      chunk = this.freeChunks.pop() ?? {
        buffer: this.device.createBuffer({ size: ARENA_CHUNK_BYTES, usage: GPUBufferUsage.UNIFORM | GPUBufferUsage.COPY_DST }),
        staging: new Uint8Array(ARENA_CHUNK_BYTES),
        used: 0,
      };
      this.chunks.push(chunk);
      return this.uniformSlot(bytes);
    }
    chunk.staging.set(bytes, offset);
    chunk.used = offset + bytes.byteLength;
    return { buffer: chunk.buffer, offset, size: bytes.byteLength };
  }

  private commandEncoder(): GPUCommandEncoder {
    return (this.encoder ??= this.device.createCommandEncoder());
  }

  private computePass(): GPUComputePassEncoder {
    return (this.pass ??= this.commandEncoder().beginComputePass());
  }

  private endPass(): void {
    this.pass?.end();
    this.pass = null;
  }
}

function alignTo(n: number, alignment: number): number {
  return Math.ceil(n / alignment) * alignment;
}
