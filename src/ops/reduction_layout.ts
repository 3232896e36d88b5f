// How a reduction addresses its input without a transpose copy, shared by reduce, moments and
// softmax. The input's dimensions split into kept ones (one output element per kept coordinate)
// and reduced ones (walked by each output). Adjacent dimensions of the same kind merge into one
// group and size-1 dimensions drop out, so a rank-8 tensor needs at most 4 groups of each kind.
// An output's base offset comes from its kept coordinates, a reduced element's offset from its
// index in row-major order over the reduced groups (so that index is also what argMax returns).
// The uniform block and the CPU walk below follow the same layout as the WGSL kernels.

import type { KernelTuning } from '../backend/webgpu/webgpu_backend';
import { sizeOf, stridesOf, type ConcreteShape } from '../backend/types';
import { gridFor } from '../backend/webgpu/grid';
import { Uniforms } from '../backend/webgpu/uniforms';
import reductionLayoutShader from '../../shaders/reduction_layout.wgsl?raw';

/** Most groups of one kind after merging: kept and reduced groups alternate within MAX_RANK. */
const MAX_GROUPS = 4;

/** Invocations per workgroup of the reduction shaders (their WORKGROUP_SIZE); a small count keeps
 * the tree's barrier rounds few in the per-workgroup entry points. */
const REDUCTION_WORKGROUP_SIZE = 64;

/**
 * Longest reduction that one invocation walks alone; longer ones get a workgroup each. SwiftShader
 * walks 256 elements alone faster than a workgroup's barrier rounds (a batch's mean loss: 0.07
 * against 0.11 ms); the two meet near 1024.
 */
const PER_THREAD_MAX_LENGTH: Record<KernelTuning, number> = { hardware: 128, software: 512 };
/**
 * With at least this many outputs there is parallelism enough without a workgroup per output, and
 * the tree's barriers (very slow on SwiftShader) cost more than walking up to
 * PER_THREAD_MAX_LENGTH_MANY_OUTPUTS elements serially (e.g. the bias gradient, a column sum).
 */
const MANY_OUTPUTS = 32;
const PER_THREAD_MAX_LENGTH_MANY_OUTPUTS = 2048;

interface Groups {
  shape: number[];
  strides: number[];
}

export interface ReductionLayout {
  /** Shape of the output (reduced dimensions removed, or kept as 1 with keepDims). */
  outShape: number[];
  outSize: number;
  /** Elements each output reduces. */
  reducedSize: number;
  kept: Groups;
  reduced: Groups;
}

/** The layout for reducing `shape` over the sorted, normalized `axes`. */
export function reductionLayout(shape: ConcreteShape, axes: readonly number[], keepDims: boolean): ReductionLayout {
  const isReduced = shape.map((_, d) => axes.includes(d));
  const strides = stridesOf(shape);
  const kept: Groups = { shape: [], strides: [] };
  const reduced: Groups = { shape: [], strides: [] };
  let previous: Groups | null = null;
  shape.forEach((extent, d) => {
    if (extent === 1) return;
    const groups = isReduced[d] ? reduced : kept;
    if (groups === previous) {
      // Row-major: the merged group steps by its innermost stride.
      groups.shape[groups.shape.length - 1] *= extent;
      groups.strides[groups.strides.length - 1] = strides[d];
    } else {
      groups.shape.push(extent);
      groups.strides.push(strides[d]);
    }
    previous = groups;
  });
  const outShape = keepDims ? shape.map((d, i) => (isReduced[i] ? 1 : d)) : shape.filter((_, i) => !isReduced[i]);
  return { outShape, outSize: sizeOf(outShape), reducedSize: sizeOf(reduced.shape), kept, reduced };
}

/**
 * The uniform block of shaders/reduction_layout.wgsl's `Params`: the four counts, `scale` (the
 * mean's 1 / reduced size; 0 for kernels without one), then the group shapes and strides.
 */
export function reductionUniforms(layout: ReductionLayout, scale = 0): Uint8Array {
  return new Uniforms()
    .u32(layout.outSize, layout.reducedSize, layout.kept.shape.length, layout.reduced.shape.length)
    .f32(scale)
    .u32Array(layout.kept.shape, MAX_GROUPS)
    .u32Array(layout.kept.strides, MAX_GROUPS)
    .u32Array(layout.reduced.shape, MAX_GROUPS)
    .u32Array(layout.reduced.strides, MAX_GROUPS)
    .finish();
}

/** Which entry point of a reduction shader to run, and its grid. */
export function reductionDispatch(layout: ReductionLayout, tuning: KernelTuning): { entryPoint: string; workgroups: [number, number] } {
  const perThread = layout.reducedSize <= PER_THREAD_MAX_LENGTH[tuning] || (layout.outSize >= MANY_OUTPUTS && layout.reducedSize <= PER_THREAD_MAX_LENGTH_MANY_OUTPUTS);
  if (perThread) {
    return { entryPoint: 'per_thread', workgroups: gridFor(layout.outSize, REDUCTION_WORKGROUP_SIZE) };
  }
  return { entryPoint: 'per_workgroup', workgroups: gridFor(layout.outSize, 1) };
}

/** Input offset of output `o`'s first element (CPU side of the kernels' `kept_offset`). */
export function keptOffset(layout: ReductionLayout, o: number): number {
  return groupOffset(layout.kept, o);
}

/** Offset of the `r`-th reduced element from an output's base (the kernels' `reduced_offset`). */
export function reducedOffset(layout: ReductionLayout, r: number): number {
  return groupOffset(layout.reduced, r);
}

function groupOffset(groups: Groups, index: number): number {
  let rest = index;
  let offset = 0;
  for (let g = groups.shape.length - 1; g >= 0; g--) {
    offset += (rest % groups.shape[g]) * groups.strides[g];
    rest = Math.floor(rest / groups.shape[g]);
  }
  return offset;
}

/** A reduction-family kernel's full WGSL: the shared prelude, then the kernel itself. */
export function withReductionLayout(kernelSource: string): string {
  return `${reductionLayoutShader}\n${kernelSource}`;
}
