// Workgroup counts for one-dimensional work. WebGPU caps each grid dimension (65535 by default),
// so large counts spill into y; kernels fold it back with `gid.x + gid.y * groups.x * size`.

export function gridFor(invocations: number, workgroupSize: number, maxPerDimension = 65535): [number, number] {
  const groups = Math.ceil(invocations / workgroupSize);
  if (groups <= maxPerDimension) return [groups, 1];
  const rows = Math.ceil(groups / maxPerDimension);
  return [Math.ceil(groups / rows), rows];
}
