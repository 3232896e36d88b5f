// Mean and population variance over axes in one numerically stable pass. (Being implemented.)
import type { Tensor } from '../tensor/tensor';

export interface MomentsOptions { keepDims?: boolean }

export function moments(_x: Tensor, _axes: number | readonly number[], _options: MomentsOptions = {}): { mean: Tensor; variance: Tensor } {
  throw new Error('moments: not implemented yet');
}
