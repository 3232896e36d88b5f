// Two non-persistent tapes recording the same ops at once, as keras.io's GANs open a generator
// tape and a discriminator tape together: each keeps what its gradient rules need until its own
// gradient() call, so the second tape's gradient still works after the first tape's.

import { describe, expect, it } from 'vitest';
import { GradientTape, Variable, ops, tensor, tidy, type Tensor } from '../../src/node';
import { valuesOf } from '../helpers';

describe('two tapes recording together', () => {
  it('each computes its gradients after the other has been used', async () => {
    const w = new Variable(tensor([[1, 2], [3, 4]]), { name: 'w' });
    const v = new Variable(tensor([[0.5], [-1]]), { name: 'v' });
    const x = tensor([[1, 1], [2, -1]]);
    const outer = new GradientTape();
    const inner = new GradientTape();
    const [lossW, lossV] = outer.record(() =>
      inner.record(() =>
        // The tidy frees its intermediates (the matmul's), which both tapes' rules need.
        tidy(() => {
          const hidden = ops.tanh(ops.matmul(x, w as unknown as Tensor));
          const out = ops.matmul(hidden, v as unknown as Tensor);
          return [ops.sum(ops.square(hidden)), ops.sum(out)] as [Tensor, Tensor];
        }),
      ),
    );
    const [dw] = outer.gradient(lossW, [w as unknown as Tensor]);
    const [dv] = inner.gradient(lossV, [v as unknown as Tensor]);
    // hidden = tanh(x·w); d(sum hidden²)/dw = xᵀ(2·hidden·(1 − hidden²)); d(sum hidden·v)/dv = column sums of hidden.
    const xs = [[1, 1], [2, -1]], ws = [[1, 2], [3, 4]];
    const hidden = xs.map((row) => [0, 1].map((j) => Math.tanh(row[0] * ws[0][j] + row[1] * ws[1][j])));
    const dHidden = hidden.map((row) => row.map((h) => 2 * h * (1 - h * h)));
    const expectedDw = [0, 1].flatMap((i) => [0, 1].map((j) => xs[0][i] * dHidden[0][j] + xs[1][i] * dHidden[1][j]));
    const expectedDv = [0, 1].map((j) => hidden[0][j] + hidden[1][j]);
    (await valuesOf(dw!)).forEach((g, k) => expect(g).toBeCloseTo(expectedDw[k], 5));
    (await valuesOf(dv!)).forEach((g, k) => expect(g).toBeCloseTo(expectedDv[k], 5));
  });
});
