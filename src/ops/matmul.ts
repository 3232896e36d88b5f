// Matrix product with NumPy batch broadcasting. (Being implemented.)
import type { Tensor } from '../tensor/tensor';

export interface MatmulOptions {
  transposeA?: boolean;
  transposeB?: boolean;
}

export function matmul(_a: Tensor, _b: Tensor, _options: MatmulOptions = {}): Tensor {
  throw new Error('matmul: not implemented yet');
}
