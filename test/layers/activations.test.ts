// getActivation: every name (snake_case and camelCase) against a float64 reference on WebGPU,
// functions passed through, linear for null/undefined, the unknown-name error, serialization.

import { describe, expect, it } from 'vitest';
import { tensor, type Tensor } from '../../src/node';
import { getActivation, serializeActivation } from '../../src/layers/index';
import { useWebGPU } from '../helpers';
import { expectClose } from './layer_helpers';

useWebGPU();

/** erf to ~1e-7 (Abramowitz and Stegun 7.1.26). */
function erf(x: number): number {
  const t = 1 / (1 + 0.3275911 * Math.abs(x));
  const y = 1 - ((((1.061405429 * t - 1.453152027) * t + 1.421413741) * t - 0.284496736) * t + 0.254829592) * t * Math.exp(-x * x);
  return Math.sign(x) * y;
}

const sigmoid = (x: number) => 1 / (1 + Math.exp(-x));
const softplus = (x: number) => Math.log1p(Math.exp(x));
const relu6 = (x: number) => Math.min(Math.max(x, 0), 6);
const SELU_ALPHA = 1.6732632423543772;
const SELU_SCALE = 1.0507009873554805;

const elementwise: Record<string, (x: number) => number> = {
  linear: (x) => x,
  relu: (x) => Math.max(x, 0),
  relu6,
  sigmoid,
  tanh: Math.tanh,
  softplus,
  softsign: (x) => x / (1 + Math.abs(x)),
  elu: (x) => (x > 0 ? x : Math.expm1(x)),
  selu: (x) => SELU_SCALE * (x > 0 ? x : SELU_ALPHA * Math.expm1(x)),
  gelu: (x) => 0.5 * x * (1 + erf(x / Math.SQRT2)),
  swish: (x) => x * sigmoid(x),
  silu: (x) => x * sigmoid(x),
  leaky_relu: (x) => (x > 0 ? x : 0.2 * x),
  exponential: Math.exp,
  hard_sigmoid: (x) => relu6(x + 3) / 6,
  hard_silu: (x) => (x * relu6(x + 3)) / 6,
  hard_swish: (x) => (x * relu6(x + 3)) / 6,
  mish: (x) => x * Math.tanh(softplus(x)),
  log_sigmoid: (x) => -softplus(-x),
  hard_shrink: (x) => (Math.abs(x) > 0.5 ? x : 0),
  soft_shrink: (x) => (x > 0.5 ? x - 0.5 : x < -0.5 ? x + 0.5 : 0),
  tanh_shrink: (x) => x - Math.tanh(x),
  sparse_sigmoid: (x) => (x <= -1 ? 0 : x >= 1 ? 1 : (x + 1) / 2),
};

const camel = (name: string) => name.replace(/_([a-z])/g, (_, c: string) => c.toUpperCase());
const inputs = [-7, -3.5, -1, -0.25, 0, 0.3, 1, 2.5, 4, 8];

describe('getActivation', () => {
  for (const [name, reference] of Object.entries(elementwise)) {
    it(`${name} matches the float64 reference`, async () => {
      const y = getActivation(name)(tensor(inputs));
      expectClose(await y.data(), inputs.map(reference), { atol: 2e-6, rtol: 2e-5 });
    });
  }

  it('accepts camelCase and PascalCase names for the same function', () => {
    for (const name of Object.keys(elementwise)) {
      expect(getActivation(camel(name))).toBe(getActivation(name));
      expect(getActivation(camel(name).charAt(0).toUpperCase() + camel(name).slice(1))).toBe(getActivation(name));
    }
  });

  it('softmax and log_softmax work along the last axis', async () => {
    const rows = [[1, 2, 3], [-1, 0, 5]];
    const expected = rows.flatMap((row) => {
      const m = Math.max(...row);
      const z = row.reduce((s, v) => s + Math.exp(v - m), 0);
      return row.map((v) => Math.exp(v - m) / z);
    });
    expectClose(await getActivation('softmax')(tensor(rows)).data(), expected);
    expectClose(await getActivation('logSoftmax')(tensor(rows)).data(), expected.map(Math.log), { atol: 1e-5, rtol: 1e-5 });
  });

  it('returns linear (the identity) for null and undefined', () => {
    const x = tensor([1, 2]);
    expect(getActivation(null)(x)).toBe(x);
    expect(getActivation(undefined)(x)).toBe(x);
  });

  it('returns a function as given', () => {
    const square = (x: Tensor) => x.square();
    expect(getActivation(square)).toBe(square);
  });

  it('rejects an unknown name, listing the valid ones', () => {
    expect(() => getActivation('relu7')).toThrow(/Unknown activation function: 'relu7'. Expected one of linear, relu, relu6, .*leaky_relu/);
  });
});

describe('serializeActivation', () => {
  it('gives the Keras name, which getActivation resolves back', () => {
    for (const name of [...Object.keys(elementwise), 'softmax', 'log_softmax', 'sparsemax']) {
      const fn = getActivation(camel(name));
      expect(serializeActivation(fn)).toBe(name);
      expect(getActivation(serializeActivation(fn))).toBe(fn);
    }
  });

  it('uses the name of a custom function and rejects an anonymous one', () => {
    function cube(x: Tensor) {
      return x.pow(3);
    }
    expect(serializeActivation(cube)).toBe('cube');
    expect(() => serializeActivation(((f) => f)((x: Tensor) => x))).toThrow(/anonymous/);
  });
});
