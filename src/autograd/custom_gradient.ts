// Custom gradients (keras.ops.custom_gradient): a function of tensors whose gradient rule the user
// writes instead of the tape deriving it from the function's ops: straight-through estimators,
// gradient clipping, numerically stable rules. The forward ops are not recorded; one tape entry
// with the user's rule stands for them, so GradientTape, fit and replayed steps all use it (the
// rule's ops run, and are traced, when the gradient is computed).

import { nextTensorId, Tensor } from '../tensor/tensor';
import { stopGradient } from '../ops/shape';
import { isRecording, recordGradient, trainableVariablesRead, withoutRecording } from './tape';

/**
 * The gradient rule of a custom-gradient function: from the gradient of its result (`upstream`,
 * the result's shape), the gradient of each input, in order: one tensor (or null) for a function
 * of one input, a list of them for several. null means no gradient for that input.
 */
export type GradientFunction = (upstream: Tensor) => Tensor | null | Array<Tensor | null>;

/**
 * Wraps `f`, which returns `[value, grad]`, into a function of the same inputs that returns
 * `value` and whose gradient is `grad(upstream)` (Keras's `ops.custom_gradient`, with the
 * JavaScript form `[value, grad]` for Python's `(value, grad)` tuple). Tensors that `f` makes stay
 * alive while a tape may still call `grad`.
 *
 * @example
 * // A straight-through estimator: rounds in the forward pass, passes the gradient through unchanged.
 * const roundStraightThrough = ops.customGradient((x: Tensor) => [ops.round(x), (upstream) => upstream]);
 * // Gradient clipping: the identity forward, the gradient clipped to [-1, 1].
 * const clipGradient = ops.customGradient((x: Tensor) => [x, (upstream) => ops.clip(upstream, -1, 1)]);
 */
export function customGradient<Args extends Tensor[]>(f: (...args: Args) => [Tensor, GradientFunction]): (...args: Args) => Tensor {
  if (typeof f !== 'function') throw new Error(`customGradient: expected a function (...inputs) => [value, grad], got ${describe(f)}.`);
  const name = f.name || 'customGradient';
  return (...args: Args) => {
    args.forEach((arg, i) => {
      if (!(arg instanceof Tensor)) {
        throw new Error(
          `customGradient (${name}): input ${i} is ${describe(arg)}; the function takes tensors (on symbolic tensors of a functional model, call it in a custom layer's call()). ` +
            'Capture other values in the function instead of passing them.',
        );
      }
    });
    if (!isRecording()) return checkResult(name, f(...args))[0];
    const first = nextTensorId();
    const [[value, grad], variables] = trainableVariablesRead(() =>
      withoutRecording(() => {
        const [result, rule] = checkResult(name, f(...args));
        // The tape entry needs an output of its own: a result that is an input (an identity forward) becomes a view.
        return [args.includes(result) ? stopGradient(result) : result, rule] as const;
      }),
    );
    // The rule gives gradients for the inputs only: a variable read inside would silently get none (TensorFlow refuses it too).
    const captured = variables.find((v) => !args.includes(v));
    if (captured) {
      throw new Error(
        `customGradient (${name}): the function reads the trainable variable '${(captured as Tensor & { name?: string }).name ?? 'unnamed'}', which is not one of its inputs, so no gradient would reach it. ` +
          'Pass it as an input (f(x, kernel)) and return its gradient from grad.',
      );
    }
    recordGradient(name, args, [value], () => ([upstream]) => inputGradients(name, grad(upstream), args.length), [first, nextTensorId()]);
    return value;
  };
}

function checkResult(name: string, result: unknown): [Tensor, GradientFunction] {
  if (!Array.isArray(result) || result.length !== 2 || !(result[0] instanceof Tensor) || typeof result[1] !== 'function') {
    throw new Error(`customGradient (${name}): the function must return [value, grad], a tensor and its gradient function; got ${describe(result)}.`);
  }
  return result as [Tensor, GradientFunction];
}

/** The gradient rule's result as one entry (or null) per input. */
function inputGradients(name: string, grads: unknown, inputs: number): Array<Tensor | null> {
  const list = Array.isArray(grads) ? grads : [grads];
  if (list.length !== inputs || !list.every((g) => g === null || g instanceof Tensor)) {
    throw new Error(`customGradient (${name}): the gradient function must return one tensor (or null) per input, ${inputs} in all${inputs > 1 ? ', as a list' : ''}; got ${describe(grads)}.`);
  }
  return list as Array<Tensor | null>;
}

function describe(value: unknown): string {
  if (value instanceof Tensor) return `a tensor of shape [${value.shape.join(', ')}]`;
  if (Array.isArray(value)) return `a list of ${value.length} (${value.map(describe).join(', ')})`;
  if (value === null) return 'null';
  if (typeof value === 'object') return value.constructor?.name ?? 'an object';
  return typeof value;
}
