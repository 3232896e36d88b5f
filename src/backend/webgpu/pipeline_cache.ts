// Compute pipelines cached by shader source, entry point and override constants, so a kernel is
// compiled once per specialization. Layouts are derived from the shader ('auto'); each pipeline's
// bind group layout is fetched once, and a small id lets callers key caches on the pipeline.

export type OverrideConstants = Record<string, number | boolean>;

export interface CachedPipeline {
  pipeline: GPUComputePipeline;
  layout: GPUBindGroupLayout;
  id: number;
}

export class PipelineCache {
  private readonly modules = new Map<string, GPUShaderModule>();
  private readonly pipelines = new Map<string, CachedPipeline>();
  private readonly sourceIds = new Map<string, number>();

  constructor(private readonly device: GPUDevice) {}

  get(source: string, entryPoint: string, constants: OverrideConstants = {}): CachedPipeline {
    const key = `${this.sourceId(source)}:${entryPoint}:${constantsKey(constants)}`;
    let cached = this.pipelines.get(key);
    if (!cached) {
      const numeric: Record<string, number> = {};
      for (const [name, value] of Object.entries(constants)) numeric[name] = Number(value);
      const pipeline = this.device.createComputePipeline({
        layout: 'auto',
        compute: { module: this.module(source), entryPoint, constants: numeric },
      });
      cached = { pipeline, layout: pipeline.getBindGroupLayout(0), id: this.pipelines.size };
      this.pipelines.set(key, cached);
    }
    return cached;
  }

  get size(): number {
    return this.pipelines.size;
  }

  private module(source: string): GPUShaderModule {
    let module = this.modules.get(source);
    if (!module) {
      module = this.device.createShaderModule({ code: source });
      this.modules.set(source, module);
    }
    return module;
  }

  private sourceId(source: string): number {
    let id = this.sourceIds.get(source);
    if (id === undefined) this.sourceIds.set(source, (id = this.sourceIds.size));
    return id;
  }
}

/** In the object's own order: a kernel names its constants in one order (another order only costs a second pipeline). */
function constantsKey(constants: OverrideConstants): string {
  let key = '';
  for (const name in constants) key += `${name}=${Number(constants[name])},`;
  return key;
}
