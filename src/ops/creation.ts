// Tensors made on the device from a rule rather than from values: fill, zeros, ones, range, eye,
// oneHot. (Being implemented.)
import type { DType } from '../backend/types';
import type { Tensor } from '../tensor/tensor';

const todo = (name: string): never => { throw new Error(`${name}: not implemented yet`); };

export function fill(_shape: readonly number[], _value: number, _dtype: DType = 'float32'): Tensor { return todo('fill'); }
export function zeros(_shape: readonly number[], _dtype: DType = 'float32'): Tensor { return todo('zeros'); }
export function ones(_shape: readonly number[], _dtype: DType = 'float32'): Tensor { return todo('ones'); }
export function zerosLike(_x: Tensor): Tensor { return todo('zerosLike'); }
export function onesLike(_x: Tensor): Tensor { return todo('onesLike'); }
export function range(_start: number, _stop?: number, _step = 1, _dtype: DType = 'float32'): Tensor { return todo('range'); }
export function eye(_rows: number, _columns?: number, _dtype: DType = 'float32'): Tensor { return todo('eye'); }
export function oneHot(_indices: Tensor, _depth: number, _onValue = 1, _offValue = 0): Tensor { return todo('oneHot'); }
