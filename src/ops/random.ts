// Seeded random tensors generated on the device. (Being implemented.)
import type { DType } from '../backend/types';
import type { Tensor } from '../tensor/tensor';

export interface RandomNormalOptions { mean?: number; stddev?: number; seed?: number; dtype?: DType }
export interface RandomUniformOptions { minval?: number; maxval?: number; seed?: number; dtype?: DType }

export function randomNormal(_shape: readonly number[], _options: RandomNormalOptions = {}): Tensor { throw new Error('randomNormal: not implemented yet'); }
export function randomUniform(_shape: readonly number[], _options: RandomUniformOptions = {}): Tensor { throw new Error('randomUniform: not implemented yet'); }
export function truncatedNormal(_shape: readonly number[], _options: RandomNormalOptions = {}): Tensor { throw new Error('truncatedNormal: not implemented yet'); }
