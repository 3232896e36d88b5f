// Functional differentiation: `valueAndGrad(f)` and `grad(f)` wrap a function of tensors into one
// that also returns the gradients of its (scalar) result with respect to each argument.

import type { Tensor } from '../tensor/tensor';
import { GradientTape } from './tape';

/**
 * Wraps `f` so that it returns its value and the gradient of that value (summed over elements
 * when not a scalar) with respect to each tensor argument.
 *
 * @example
 * const f = (x: Tensor) => x.square().sum();
 * const { value, grads: [dx] } = valueAndGrad(f)(tensor([1, 2]));   // dx = [2, 4]
 */
export function valueAndGrad<Args extends Tensor[]>(f: (...args: Args) => Tensor): (...args: Args) => { value: Tensor; grads: Tensor[] } {
  return (...args: Args) => {
    const tape = new GradientTape();
    tape.watch(args);
    const value = tape.record(() => f(...args));
    const grads = tape.gradient(value, args).map((g, i) => g ?? args[i].mul(0));
    return { value, grads };
  };
}

/**
 * Wraps `f` so that it returns the gradients of its result with respect to each argument.
 *
 * @example
 * const [dx] = grad((x: Tensor) => x.square().sum())(tensor([1, 2]));   // [2, 4]
 */
export function grad<Args extends Tensor[]>(f: (...args: Args) => Tensor): (...args: Args) => Tensor[] {
  const withValue = valueAndGrad(f);
  return (...args: Args) => {
    const { value, grads } = withValue(...args);
    value.dispose();
    return grads;
  };
}
