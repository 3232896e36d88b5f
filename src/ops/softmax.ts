// Softmax and log-softmax over an axis. (Being implemented.)
import type { Tensor } from '../tensor/tensor';

export function softmax(_x: Tensor, _axis = -1): Tensor { throw new Error('softmax: not implemented yet'); }
export function logSoftmax(_x: Tensor, _axis = -1): Tensor { throw new Error('logSoftmax: not implemented yet'); }
