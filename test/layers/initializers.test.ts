// Initializers and regularizers: Keras's fans and scales checked through the statistics of the
// generated weights, orthogonality, the identity matrix, seeds, names in both spellings and
// Keras's aliases, saving and loading, the penalties against their formulas, and the errors for an
// unknown name or a bad shape.

import { describe, expect, it } from 'vitest';
import { Input, Sequential, initializers, layers, loadKerasModel, loadModel, regularizers, removeModel, saveKerasModel, tensor } from '../../src/node';
import { onBothBackends, useWebGPU } from '../helpers';

useWebGPU();

async function stats(t: { data(): Promise<ArrayLike<number>> }) {
  const v = Array.from(await t.data());
  const mean = v.reduce((a, b) => a + b, 0) / v.length;
  const std = Math.sqrt(v.reduce((a, b) => a + (b - mean) ** 2, 0) / v.length);
  return { mean, std, min: Math.min(...v), max: Math.max(...v) };
}

describe('initializers', () => {
  it('computes fans as Keras does', () => {
    expect(initializers.computeFans([3, 4])).toEqual({ fanIn: 3, fanOut: 4 });
    expect(initializers.computeFans([3, 3, 16, 32])).toEqual({ fanIn: 144, fanOut: 288 });
    expect(initializers.computeFans([7])).toEqual({ fanIn: 7, fanOut: 7 });
  });

  it('glorotUniform stays within sqrt(6 / (fanIn + fanOut)) with the uniform variance', async () => {
    const s = await stats(initializers.getInitializer('glorot_uniform').apply([200, 300]));
    const limit = Math.sqrt(6 / 500);
    expect(s.max).toBeLessThanOrEqual(limit);
    expect(s.min).toBeGreaterThanOrEqual(-limit);
    expect(s.std).toBeCloseTo(limit / Math.sqrt(3), 2);
  });

  it('heNormal is a truncated normal with standard deviation sqrt(2 / fanIn)', async () => {
    const s = await stats(initializers.getInitializer('heNormal').apply([400, 100]));
    expect(Math.abs(s.mean)).toBeLessThan(0.005);
    expect(s.std).toBeCloseTo(Math.sqrt(2 / 400), 2);
    expect(s.max).toBeLessThanOrEqual((2 * Math.sqrt(2 / 400)) / 0.87962566103423978 + 1e-6);
  });

  it('constant, zeros, ones and the Keras defaults of randomNormal', async () => {
    expect(Array.from(await initializers.getInitializer({ className: 'Constant', config: { value: 0.5 } }).apply([3]).data())).toEqual([0.5, 0.5, 0.5]);
    expect(Array.from(await initializers.getInitializer('ones').apply([2]).data())).toEqual([1, 1]);
    const s = await stats(initializers.getInitializer('randomNormal').apply([100, 100]));
    expect(s.std).toBeCloseTo(0.05, 2);
  });

  it('orthogonal gives orthonormal columns (or rows, for wide shapes)', async () => {
    for (const [rows, cols] of [[8, 5], [4, 9]]) {
      const q = Array.from(await new initializers.Orthogonal({ seed: 3 }).apply([rows, cols]).data());
      const [n, stride, count] = rows >= cols ? [rows, cols, cols] : [cols, 1, rows];
      const at = (vec: number, i: number) => (rows >= cols ? q[i * stride + vec] : q[vec * cols + i]);
      for (let a = 0; a < count; a++) {
        for (let b = 0; b < count; b++) {
          let dot = 0;
          for (let i = 0; i < n; i++) dot += at(a, i) * at(b, i);
          expect(dot).toBeCloseTo(a === b ? 1 : 0, 5);
        }
      }
    }
  });

  it("VarianceScaling takes Keras's spellings of its mode and distribution (a Keras file holds them so), and refuses others", async () => {
    // fan_out with an untruncated normal: standard deviation sqrt(scale / fanOut) = sqrt(2 / 100).
    const keras = await stats(new initializers.VarianceScaling({ scale: 2, mode: 'fan_out', distribution: 'untruncated_normal', seed: 3 }).apply([400, 100]));
    expect(keras.std).toBeCloseTo(Math.sqrt(2 / 100), 2);
    const camel = new initializers.VarianceScaling({ scale: 2, mode: 'fanOut', distribution: 'untruncatedNormal', seed: 3 });
    expect(Array.from(await camel.apply([400, 100]).data()).slice(0, 5)).toEqual(
      Array.from(await new initializers.VarianceScaling({ scale: 2, mode: 'fan_out', distribution: 'untruncated_normal', seed: 3 }).apply([400, 100]).data()).slice(0, 5),
    );
    // fan_avg with Keras's 'normal' (its truncated normal): sqrt(1 / 250) before truncation.
    const normal = await stats(initializers.getInitializer({ className: 'VarianceScaling', config: { mode: 'fan_avg', distribution: 'normal' } }).apply([400, 100]));
    expect(normal.std).toBeCloseTo(Math.sqrt(1 / 250), 2);
    expect(() => new initializers.VarianceScaling({ mode: 'fan-in' as never })).toThrow(`VarianceScaling: invalid mode "fan-in"; expected one of 'fanIn', 'fanOut', 'fanAvg' (or Keras's 'fan_in', 'fan_out', 'fan_avg').`);
    expect(() => new initializers.VarianceScaling({ distribution: 'gaussian' as never })).toThrow(
      `VarianceScaling: invalid distribution "gaussian"; expected one of 'truncatedNormal', 'untruncatedNormal', 'uniform' (or Keras's 'truncated_normal', 'untruncated_normal', 'normal').`,
    );
  });

  it('a seed gives the same weights every time', async () => {
    const a = await new initializers.GlorotNormal({ seed: 9 }).apply([4, 4]).data();
    const b = await new initializers.GlorotNormal({ seed: 9 }).apply([4, 4]).data();
    expect(Array.from(a)).toEqual(Array.from(b));
  });

  it(
    'Identity is gain times the identity matrix, rectangular shapes included (Keras 3.16: Identity(gain=2)((2, 3)) = [[2, 0, 0], [0, 2, 0]])',
    onBothBackends(async () => {
      expect(Array.from(await new initializers.Identity({ gain: 2 }).apply([2, 3]).data())).toEqual([2, 0, 0, 0, 2, 0]);
      const square = initializers.getInitializer('identity').apply([3, 2]);
      expect(square.shape).toEqual([3, 2]);
      expect(Array.from(await square.data())).toEqual([1, 0, 0, 1, 0, 0]);
      const ints = new initializers.Identity({ gain: 3 }).apply([2, 2], 'int32');
      expect(ints.dtype).toBe('int32');
      expect(Array.from(await ints.data())).toEqual([3, 0, 0, 3]);
    }),
  );

  it('Identity: its names, config, and the errors for a shape that is not 2-D and a bad gain', () => {
    for (const name of ['identity', 'Identity', 'IdentityInitializer']) expect(initializers.getInitializer(name)).toBeInstanceOf(initializers.Identity);
    const init = initializers.getInitializer({ className: 'Identity', config: { gain: 0.5 } });
    expect(initializers.serializeInitializer(init)).toEqual({ className: 'Identity', config: { gain: 0.5 } });
    // Keras 3.16's Identity writes an empty config: loading it gives gain 1.
    expect((initializers.getInitializer({ className: 'Identity', config: {} }) as InstanceType<typeof initializers.Identity>).gain).toBe(1);
    expect(() => new initializers.Identity().apply([3])).toThrow('Identity matrix initializer can only be used for 2D matrices. Received: shape=[3] of rank 1.');
    expect(() => new initializers.Identity().apply([2, 2, 2])).toThrow('Received: shape=[2, 2, 2] of rank 3.');
    expect(() => new initializers.Identity({ gain: Number.NaN })).toThrow('Identity: Invalid value for argument gain. Expected a finite number. Received: gain=NaN.');
  });

  it("Keras's aliases: 'normal', 'uniform', 'one', 'zero', 'OrthogonalInitializer' (keras/src/initializers/__init__.py)", async () => {
    const normal = initializers.getInitializer('normal');
    expect(normal).toBeInstanceOf(initializers.RandomNormal);
    expect(initializers.serializeInitializer(normal).className).toBe('RandomNormal');
    expect(initializers.getInitializer('uniform')).toBeInstanceOf(initializers.RandomUniform);
    expect(initializers.getInitializer('OrthogonalInitializer')).toBeInstanceOf(initializers.Orthogonal);
    expect(Array.from(await initializers.getInitializer('one').apply([2]).data())).toEqual([1, 1]);
    expect(Array.from(await initializers.getInitializer('zero').apply([2]).data())).toEqual([0, 0]);
  });

  it('a Dense kernel initialized by Identity saves and loads with its gain, in both formats', async () => {
    const model = new Sequential([Input({ shape: [3] }), new layers.Dense({ units: 3, useBias: false, kernelInitializer: new initializers.Identity({ gain: 2 }) })]);
    expect(Array.from(await model.layers[0].weights[0].data())).toEqual([2, 0, 0, 0, 2, 0, 0, 0, 2]);
    await model.save('memory://identity-init');
    const restored = await loadModel('memory://identity-init');
    expect(restored.layers[0].getConfig().kernelInitializer).toEqual({ className: 'Identity', config: { gain: 2 } });
    await removeModel('memory://identity-init');
    const fromKeras = await loadKerasModel(await saveKerasModel(model));
    expect(fromKeras.layers[0].getConfig().kernelInitializer).toEqual({ className: 'Identity', config: { gain: 2 } });
    const aliased = new Sequential([Input({ shape: [2] }), new layers.Dense({ units: 2, kernelInitializer: 'normal', biasInitializer: 'one' })]);
    expect(aliased.layers[0].getConfig().kernelInitializer).toMatchObject({ className: 'RandomNormal' });
    expect(Array.from(await aliased.layers[0].weights[1].data())).toEqual([1, 1]);
  });

  it("random initializers take Keras's dtype argument: float32 draws, an integer dtype is an error naming the initializers that make one", async () => {
    const drawn = new initializers.RandomNormal({ seed: 3 }).apply([4], 'float32');
    expect(drawn.dtype).toBe('float32');
    expect(await drawn.data()).toEqual(await new initializers.RandomNormal({ seed: 3 }).apply([4]).data());
    for (const init of [new initializers.RandomNormal(), new initializers.RandomUniform(), new initializers.TruncatedNormal(), new initializers.GlorotUniform(), new initializers.Orthogonal()]) {
      expect(() => init.apply([2, 2], 'int32')).toThrow(`${init.className}: draws float32 values; got dtype 'int32'. Use Zeros, Ones or Constant for an integer tensor.`);
    }
    expect(() => new layers.Dense({ units: 2 }).addWeight({ shape: [2], dtype: 'int32', initializer: 'glorotUniform' })).toThrow("GlorotUniform: draws float32 values; got dtype 'int32'.");
  });

  it('names an unknown initializer and lists the valid ones', () => {
    expect(() => initializers.getInitializer('glorot')).toThrow("Unknown initializer: 'glorot'. Expected one of zeros, ones, constant, randomNormal");
  });
});

describe('regularizers', () => {
  it('compute l1 * sum|w| + l2 * sum w^2', async () => {
    const w = tensor([1, -2, 3]);
    expect((await regularizers.l1(0.1).apply(w).data())[0]).toBeCloseTo(0.6, 6);
    expect((await regularizers.l2(0.01).apply(w).data())[0]).toBeCloseTo(0.14, 6);
    expect((await regularizers.l1l2({ l1: 0.1, l2: 0.01 }).apply(w).data())[0]).toBeCloseTo(0.74, 6);
    expect((await regularizers.getRegularizer('l1_l2').apply(w).data())[0]).toBe(0);
  });

  it('rejects unknown names and negative factors', () => {
    expect(() => regularizers.getRegularizer('l3' as never)).toThrow("Unknown regularizer: 'l3'. Expected one of l1, l2, l1l2");
    expect(() => regularizers.l2(-1)).toThrow('Regularizer: l1 and l2 must be non-negative, got l1=0, l2=-1.');
  });
});
