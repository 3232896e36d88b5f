// Size-bucketed pool of GPU buffers. Tensors take storage buffers from here and give them back on
// dispose, so a training loop stops creating GPU buffers after its first step.
//
// A buffer released while commands that use it are still being recorded may be reused at once by
// later kernels of the same recording (they run in order), but never as the target of
// queue.writeBuffer, which would land before those commands run. So released buffers stay
// "pending" until the recording is submitted, and uploads only take "settled" ones.

/** Smallest bucket; also the size given to empty tensors (WebGPU cannot bind zero bytes). */
const MIN_BUCKET_BYTES = 256;

export function bucketBytes(byteSize: number): number {
  if (byteSize <= MIN_BUCKET_BYTES) return MIN_BUCKET_BYTES;
  // Powers of two up to 1 MiB; above that, multiples of 1/8 of the power of two, to waste less.
  const pow = 2 ** Math.ceil(Math.log2(byteSize));
  if (pow <= 1 << 20) return pow;
  const step = pow / 8;
  return Math.ceil(byteSize / step) * step;
}

export class BufferPool {
  private settled = new Map<number, GPUBuffer[]>();
  private pending = new Map<number, GPUBuffer[]>();
  private readonly sizes = new WeakMap<GPUBuffer, number>();
  /** Bytes of buffers currently held by tensors. */
  inUseBytes = 0;
  /** Bytes of buffers waiting in the pool. */
  pooledBytes = 0;

  constructor(private readonly device: GPUDevice) {}

  /** A storage buffer of at least `byteSize` bytes, for kernel outputs. */
  acquire(byteSize: number): GPUBuffer {
    const size = bucketBytes(byteSize);
    return this.take(this.pending.get(size)?.pop() ?? this.settled.get(size)?.pop(), size);
  }

  /** A storage buffer that no recorded-but-unsubmitted command touches, safe for queue.writeBuffer. */
  acquireForUpload(byteSize: number): GPUBuffer {
    const size = bucketBytes(byteSize);
    return this.take(this.settled.get(size)?.pop(), size);
  }

  release(buffer: GPUBuffer): void {
    // GPUBuffer.size is a call into Dawn in Node (about 0.1 us); the pool knows its buffers' sizes.
    const size = this.sizes.get(buffer) ?? buffer.size;
    this.inUseBytes -= size;
    this.pooledBytes += size;
    let list = this.pending.get(size);
    if (!list) this.pending.set(size, (list = []));
    list.push(buffer);
  }

  /** Called after each submit: buffers released before it are now safe for uploads. */
  settle(): void {
    for (const [size, list] of this.pending) {
      let target = this.settled.get(size);
      if (!target) this.settled.set(size, (target = []));
      target.push(...list);
    }
    this.pending.clear();
  }

  /** Destroys every pooled buffer (not the ones tensors hold). */
  trim(): void {
    for (const map of [this.settled, this.pending]) {
      for (const list of map.values()) for (const b of list) b.destroy();
      map.clear();
    }
    this.pooledBytes = 0;
  }

  private take(pooled: GPUBuffer | undefined, size: number): GPUBuffer {
    this.inUseBytes += size;
    if (pooled) {
      this.pooledBytes -= size;
      return pooled;
    }
    // UNIFORM too: a kernel may bind a small tensor as a uniform block (the optimizer's step
    // scalars), which does not count against the device's storage buffers per shader stage.
    const buffer = this.device.createBuffer({ size, usage: GPUBufferUsage.STORAGE | GPUBufferUsage.UNIFORM | GPUBufferUsage.COPY_SRC | GPUBufferUsage.COPY_DST });
    this.sizes.set(buffer, size);
    return buffer;
  }
}
