// isKerasTensor (keras.utils.is_keras_tensor): whether a value is a symbolic tensor, a placeholder
// of a functional model under construction, rather than a tensor holding values.

import { isSymbolic, type SymbolicTensor } from '../layers/symbolic';

/**
 * Whether `x` is a Keras tensor: a symbolic tensor, such as `Input(...)` gives and layers applied
 * to it return. It has a shape and dtype but no values; it builds functional models.
 *
 * @example
 * const inputs = Input({ shape: [4] });
 * utils.isKerasTensor(inputs);                                // true
 * utils.isKerasTensor(new layers.Dense({ units: 2 }).apply(inputs));  // true
 * utils.isKerasTensor(tensor([1, 2]));                        // false
 */
export function isKerasTensor(x: unknown): x is SymbolicTensor {
  return isSymbolic(x);
}
