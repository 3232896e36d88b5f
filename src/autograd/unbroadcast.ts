// The gradient of a broadcast operand: sum the output gradient over the dimensions the operand
// was broadcast along, then give it the operand's shape.

import { formatShape, type ConcreteShape } from '../backend/types';
import { sum } from '../ops/reduce';
import { reshape } from '../ops/shape';
import type { Tensor } from '../tensor/tensor';

export function sumToShape(grad: Tensor, shape: ConcreteShape): Tensor {
  if (grad.shape.length === shape.length && grad.shape.every((d, i) => d === shape[i])) return grad;
  const lead = grad.rank - shape.length;
  if (lead < 0) throw new Error(`sumToShape: gradient of shape ${formatShape(grad.shape)} has lower rank than ${formatShape(shape)}.`);
  const axes: number[] = [];
  for (let i = 0; i < grad.rank; i++) {
    if (i < lead || (shape[i - lead] === 1 && grad.shape[i] !== 1)) axes.push(i);
  }
  const summed = axes.length > 0 ? sum(grad, axes, true) : grad;
  return reshape(summed, shape);
}
