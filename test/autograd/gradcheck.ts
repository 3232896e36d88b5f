// Gradient checking: the tape's gradient (on the active backend, WebGPU in the suite) against
// central finite differences of the same function evaluated on the CPU backend, accumulated in
// float64. The checked quantity is sum(r * f(x)) for a fixed random r, so every output element
// and every input element is exercised with a distinct weight.

import { GradientTape, getBackend, setBackend, tensor, tidy, type Tensor } from '../../src/node';
import { seededRandom } from '../cases/data';

export interface GradCheckOptions {
  /** Range of the random inputs (default [-1, 1)); a function of the input index allowed. */
  low?: number;
  high?: number;
  /** Finite-difference step (default 1e-2). */
  eps?: number;
  rtol?: number;
  atol?: number;
  /** Fixed input values instead of random ones. */
  values?: number[][];
}

export interface GradCheckResult {
  ok: boolean;
  message: string;
}

/** Checks d sum(r * f(x...)) / dx_i for every input i and element. */
export async function gradCheck(f: (...xs: Tensor[]) => Tensor, shapes: number[][], options: GradCheckOptions = {}): Promise<GradCheckResult> {
  const { low = -1, high = 1, eps = 1e-2, rtol = 2e-2, atol = 2e-3 } = options;
  const next = seededRandom(12345);
  const inputs = shapes.map((shape, i) => options.values?.[i] ?? Array.from({ length: shape.reduce((a, b) => a * b, 1) }, () => low + next() * (high - low)));
  const outputShape = tidy(() => f(...inputs.map((v, i) => tensor(v, shapes[i]))).shape);
  const weights = Array.from({ length: outputShape.reduce((a, b) => a * b, 1) }, () => 0.5 + next());

  // Analytic: gradients from the tape on the active backend.
  const xs = inputs.map((v, i) => tensor(v, shapes[i]));
  const r = tensor(weights, outputShape);
  const tape = new GradientTape();
  tape.watch(xs);
  const target = tape.record(() => f(...xs).mul(r));
  const grads = tape.gradient(target, xs);
  const analytic = await Promise.all(grads.map((g) => g?.data()));

  // Numeric: central differences on the CPU backend, summed in float64.
  const previous = getBackend();
  setBackend('cpu');
  try {
    const objective = async (values: number[][]): Promise<number> => {
      const out = tidy(() => f(...values.map((v, i) => tensor(v, shapes[i]))));
      const data = await out.data();
      out.dispose();
      let total = 0;
      for (let k = 0; k < data.length; k++) total += weights[k] * data[k];
      return total;
    };
    for (let i = 0; i < inputs.length; i++) {
      for (let j = 0; j < inputs[i].length; j++) {
        const plus = inputs.map((v) => [...v]);
        const minus = inputs.map((v) => [...v]);
        plus[i][j] += eps;
        minus[i][j] -= eps;
        const numeric = ((await objective(plus)) - (await objective(minus))) / (2 * eps);
        const got = analytic[i]?.[j] ?? 0;
        if (!(Math.abs(got - numeric) <= atol + rtol * Math.abs(numeric))) {
          return { ok: false, message: `input ${i} [${shapes[i]}] element ${j}: tape ${got} vs finite difference ${numeric}` };
        }
      }
    }
  } finally {
    setBackend(previous);
  }
  return { ok: true, message: 'ok' };
}
