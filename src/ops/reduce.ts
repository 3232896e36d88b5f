// Reductions over any axes with keepDims. (Being implemented.)
import type { Tensor } from '../tensor/tensor';

type Axes = number | number[] | readonly number[];
const todo = (name: string): never => { throw new Error(`${name}: not implemented yet`); };

export function sum(_x: Tensor, _axis?: Axes, _keepDims = false): Tensor { return todo('sum'); }
export function mean(_x: Tensor, _axis?: Axes, _keepDims = false): Tensor { return todo('mean'); }
export function max(_x: Tensor, _axis?: Axes, _keepDims = false): Tensor { return todo('max'); }
export function min(_x: Tensor, _axis?: Axes, _keepDims = false): Tensor { return todo('min'); }
export function prod(_x: Tensor, _axis?: Axes, _keepDims = false): Tensor { return todo('prod'); }
export function logSumExp(_x: Tensor, _axis?: Axes, _keepDims = false): Tensor { return todo('logSumExp'); }
export function all(_x: Tensor, _axis?: Axes, _keepDims = false): Tensor { return todo('all'); }
export function any(_x: Tensor, _axis?: Axes, _keepDims = false): Tensor { return todo('any'); }
export function argMax(_x: Tensor, _axis?: number, _keepDims = false): Tensor { return todo('argMax'); }
export function argMin(_x: Tensor, _axis?: number, _keepDims = false): Tensor { return todo('argMin'); }
