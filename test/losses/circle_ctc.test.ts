// The CTC and Circle losses as a specification: Keras 3.16's values (NumPy backend) for the
// functions and the classes under their reductions and sample weights, the torch backend's
// gradient of the Circle loss, a float64 Circle reference with reference embeddings, the mask of
// zero Circle losses, gradients against finite differences, lookup by Keras's names,
// serialization, training through fit, and the errors users meet; on WebGPU and the CPU backend.

import { afterEach, describe, expect, it } from 'vitest';
import { GradientTape, Input, Sequential, getMask, layers, loadModel, ops, removeModel, setBackend, tensor } from '../../src/node';
import * as losses from '../../src/losses/index';
import { gradCheck } from '../autograd/gradcheck';
import { seededRandom } from '../cases/data';
import { expectNumbersClose, onBothBackends, useWebGPU, valuesOf } from '../helpers';

useWebGPU();
afterEach(() => setBackend('webgpu'));

const ints = (v: number[], shape: number[]) => tensor(v, shape, 'int32');

// ---- CTC ----

// The data of the Keras runs: x_i = ((37 i + 3) mod 17) / 8 - 1, shape [2, 5, 4]; labels padded with 0.
const ctcLogits = () => tensor(Array.from({ length: 40 }, (_, i) => ((i * 37 + 3) % 17) / 8 - 1), [2, 5, 4]);
const ctcLabels = () => ints([1, 2, 0, 3, 0, 0], [2, 3]);

describe('CTC', () => {
  it("gives Keras 3.16's values", onBothBackends(async () => {
    // keras.losses.ctc(y_true, logits) -> [3.8985558, 3.9881022]; keras.losses.CTC()(...) -> 3.9433289
    expectNumbersClose(await valuesOf(losses.ctc(ctcLabels(), ctcLogits())), [3.8985558, 3.9881022]);
    expectNumbersClose(await valuesOf(new losses.CTC().apply(ctcLabels(), ctcLogits())), [3.9433289]);
    // keras.losses.CTC(reduction='sum')(y_true, logits, sample_weight=[2, 0.5]) -> 9.7911625
    expectNumbersClose(await valuesOf(new losses.CTC({ reduction: 'sum' }).apply(ctcLabels(), ctcLogits(), tensor([2, 0.5]))), [9.7911625]);
    // Labels as float32, as fit may pass them, are the same labels.
    expectNumbersClose(await valuesOf(losses.ctc(tensor([1, 2, 0, 3, 0, 0], [2, 3]), ctcLogits())), [3.8985558, 3.9881022]);
  }));

  it('is ops.ctcLoss with every step and the nonzero labels counted', onBothBackends(async () => {
    const expected = await valuesOf(ops.ctcLoss(ctcLabels(), ctcLogits(), ints([2, 1], [2]), ints([5, 5], [2])));
    expectNumbersClose(await valuesOf(losses.ctc(ctcLabels(), ctcLogits())), expected);
  }));

  it("is found by Keras's names and round-trips through its config", () => {
    for (const name of ['ctc', 'CTC']) expect(losses.getLoss(name)).toBeInstanceOf(losses.CTC);
    expect(losses.getLoss(losses.ctc)).toBeInstanceOf(losses.CTC);
    const loss = new losses.CTC({ reduction: 'sum', name: 'speech' });
    expect(loss.getConfig()).toEqual({ name: 'speech', reduction: 'sum' });
    expect(losses.deserializeLoss(losses.serializeLoss(loss)).getConfig()).toEqual(loss.getConfig());
    expect(new losses.CTC().name).toBe('ctc');
  });

  it('trains a small model through fit, and saves and loads with it', async () => {
    const [samples, steps, features, classes] = [8, 6, 3, 4];
    const next = seededRandom(21);
    const x = tensor(Array.from({ length: samples * steps * features }, () => 2 * next() - 1), [samples, steps, features]);
    const y = ints(Array.from({ length: samples * 2 }, (_, i) => 1 + ((i * 5 + Math.floor(i / 2)) % (classes - 1))), [samples, 2]);
    const model = new Sequential([Input({ shape: [steps, features] }), new layers.Dense({ units: 16, activation: 'tanh' }), new layers.Dense({ units: classes })]);
    model.compile({ optimizer: 'adam', loss: 'ctc' });
    const history = await model.fit(x, y, { epochs: 6, batchSize: 4, verbose: 0 });
    const trained = history.history.loss as number[];
    trained.forEach((v) => expect(Number.isFinite(v)).toBe(true));
    expect(trained.at(-1)!).toBeLessThan(trained[0]);
    const before = (await model.evaluate(x, y, { verbose: 0 })).loss;
    await model.save('memory://ctc-loss');
    const restored = await loadModel('memory://ctc-loss');
    expect((await restored.evaluate(x, y, { verbose: 0 })).loss).toBeCloseTo(before, 5);
    await removeModel('memory://ctc-loss');
  });

  it('explains wrong shapes', () => {
    expect(() => losses.ctc(ints([1, 2], [2]), ctcLogits())).toThrow('ctc: targets yTrue are expected to be a tensor of shape [batchSize, maxLength] in integer format. Received: yTrue.shape=[2]');
    expect(() => losses.ctc(ctcLabels(), tensor([1, 2, 3, 4], [2, 2]))).toThrow('ctc: logits yPred are expected to be a tensor of shape [batchSize, maxLength, numClasses]. Received: yPred.shape=[2,2]');
    expect(() => new losses.CTC({ blank: 0 } as never)).toThrow("CTC: unknown option 'blank'. Its options: name, reduction.");
  });
});

// ---- Circle ----

// The data of the Keras runs: x_i = ((37 i + 5) mod 17) / 8 - 1 + 0.1, shape [6, 3], rows L2-normalized (as printed by Keras).
const EMBEDDINGS = [
  -0.49292176961898804, 0.1792442798614502, 0.8514103293418884, 0.6321275234222412, -0.6693114638328552, -0.390431672334671, -0.22792115807533264, 0.3418816924095154,
  0.9116846323013306, 0.7453287839889526, -0.5924407839775085, -0.305775910615921, -0.031038539484143257, 0.4345395863056183, 0.9001177549362183, 0.8416526317596436,
  -0.4973401725292206, -0.2104131579399109,
];
const embeddings = () => tensor(EMBEDDINGS, [6, 3]);
const LABELS = [0, 1, 0, 1, 2, 0];
const circleLabels = () => ints(LABELS, [6]);

/** keras.losses.circle in float64, written from its formula. */
function circleReference(labels: number[], queries: number[][], refLabels: number[], refs: number[][], gamma: number, margin: number, removeDiagonal: boolean): number[] {
  return queries.map((q, i) => {
    const positives: number[] = [];
    const negatives: number[] = [];
    refs.forEach((r, j) => {
      const d = Math.max(1 - q.reduce((s, v, k) => s + v * r[k], 0), 0);
      if (labels[i] !== refLabels[j]) negatives.push(gamma * Math.max(1 + margin - d, 0) * (1 - margin - d));
      else if (!(removeDiagonal && i === j)) positives.push(-gamma * Math.max(margin + d, 0) * (margin - d));
    });
    const logSumExp = (xs: number[]) => (xs.length === 0 ? -Infinity : Math.max(...xs) + Math.log(xs.reduce((s, x) => s + Math.exp(x - Math.max(...xs)), 0)));
    const z = logSumExp(positives) + logSumExp(negatives);
    return z === -Infinity ? 0 : Math.max(z, 0) + Math.log1p(Math.exp(-Math.abs(z)));
  });
}

const rows = (flat: number[], width: number) => Array.from({ length: flat.length / width }, (_, i) => flat.slice(i * width, (i + 1) * width));

describe('Circle', () => {
  it("gives Keras 3.16's values and masks the zero losses", onBothBackends(async () => {
    // keras.losses.circle(labels, embeddings) -> [260.15, 46.167103, 243.76332, 52.235126, 0, 278.86685]
    const perSample = losses.circle(circleLabels(), embeddings());
    expectNumbersClose(await valuesOf(perSample), [260.15, 46.167103, 243.76332, 52.235126, 0, 278.86685]);
    expect(await valuesOf(getMask(perSample)!)).toEqual([1, 1, 1, 1, 0, 1]);
    // keras.losses.Circle()(labels, embeddings) -> 176.23647: the mean over the 5 nonzero losses
    expectNumbersClose(await valuesOf(new losses.Circle().apply(circleLabels(), embeddings())), [176.23647]);
    expectNumbersClose(await valuesOf(new losses.Circle({ reduction: 'none' }).apply(circleLabels(), embeddings())), [260.15, 46.167103, 243.76332, 52.235126, 0, 278.86685]);
    // circle(..., gamma=10, margin=0.25, remove_diagonal=False) and Circle(gamma=10, reduction='sum')
    expectNumbersClose(await valuesOf(losses.circle(circleLabels(), embeddings(), { gamma: 10, margin: 0.25, removeDiagonal: false })), [34.471058, 8.414132, 32.420685, 9.172139, 8.392386, 37.207314]);
    expectNumbersClose(await valuesOf(new losses.Circle({ gamma: 10, reduction: 'sum' }).apply(circleLabels(), embeddings())), [110.56105]);
    // Labels of shape [6, 1] are the same labels.
    expectNumbersClose(await valuesOf(new losses.Circle().apply(ints(LABELS, [6, 1]), embeddings())), [176.23647]);
  }));

  it("gives Keras's values against reference embeddings, and the float64 formula", onBothBackends(async () => {
    // ref = embeddings[[1, 4, 5, 2]][:, [2, 0, 1]], renormalized; ref_labels [1, 2, 0, 1]; gamma 10
    const ref = [
      -0.3904317021369934, 0.632127583026886, -0.6693115234375, 0.9001177549362183, -0.031038539484143257, 0.4345395863056183, -0.2104131579399109, 0.8416526317596436,
      -0.4973401725292206, 0.9116846323013306, -0.22792115807533264, 0.3418816924095154,
    ];
    const got = await valuesOf(losses.circle(circleLabels(), embeddings(), { refLabels: ints([1, 2, 0, 1], [4]), refEmbeddings: tensor(ref, [4, 3]), gamma: 10 }));
    expectNumbersClose(got, [11.979803, 19.019749, 0, 21.438492, 2.735152, 25.71871]);
    expectNumbersClose(got, circleReference(LABELS, rows(EMBEDDINGS, 3), [1, 2, 0, 1], rows(ref, 3), 10, 0.4, true), 1e-4);
    const next = seededRandom(3);
    const random = rows(Array.from({ length: 24 }, () => 2 * next() - 1), 4).map((r) => r.map((v) => v / Math.hypot(...r)));
    const labels = [2, 0, 2, 1, 0, 2];
    const expected = circleReference(labels, random, labels, random, 4, 0.3, true);
    expectNumbersClose(await valuesOf(losses.circle(ints(labels, [6]), tensor(random.flat(), [6, 4]), { gamma: 4, margin: 0.3 })), expected, 1e-4);
  }));

  it("has the torch backend's gradient", onBothBackends(async () => {
    // torch: keras.losses.circle(labels, embeddings, gamma=10, margin=0.25).sum().backward(); embeddings.grad
    const expected = [
      -56.775436, 40.687561, 29.499163, 20.622278, -12.107201, -5.093741, -27.149179, 24.166849, 24.20603, 27.571899, -16.139378, -6.772676, -12.903358, 9.747808,
      32.398975, 80.611664, -59.104485, -105.52829,
    ];
    const x = embeddings();
    const tape = new GradientTape();
    tape.watch([x]);
    const total = tape.record(() => losses.circle(circleLabels(), x, { gamma: 10, margin: 0.25 }).sum());
    expectNumbersClose(await valuesOf(total), [34.471058 + 7.7220435 + 32.420685 + 8.479934 + 37.207314]);
    const [gradient] = tape.gradient(total, [x]);
    expectNumbersClose(await valuesOf(gradient!), expected, 1e-4);
  }));

  it('differentiates as finite differences do, through the normalization too', async () => {
    const labels = () => ints([0, 1, 0, 1, 2], [5]);
    const result = await gradCheck((x) => losses.circle(labels(), ops.normalize(x), { gamma: 4, margin: 0.25 }), [[5, 3]], { eps: 1e-3, rtol: 2e-2, atol: 5e-3 });
    expect(result.message).toBe('ok');
  });

  it("is found by Keras's names and round-trips through its config", () => {
    expect(losses.getLoss('circle')).toBeInstanceOf(losses.Circle);
    expect(losses.getLoss('Circle')).toBeInstanceOf(losses.Circle);
    const loss = new losses.Circle({ gamma: 64, margin: 0.25, removeDiagonal: false, reduction: 'sum' });
    expect(loss.getConfig()).toEqual({ name: 'circle', reduction: 'sum', gamma: 64, margin: 0.25, removeDiagonal: false });
    const copy = losses.deserializeLoss(losses.serializeLoss(loss)) as losses.Circle;
    expect(copy).toBeInstanceOf(losses.Circle);
    expect([copy.gamma, copy.margin, copy.removeDiagonal]).toEqual([64, 0.25, false]);
  });

  it('trains normalized embeddings through fit', async () => {
    const next = seededRandom(5);
    const x = tensor(Array.from({ length: 16 * 4 }, () => 2 * next() - 1), [16, 4]);
    const y = ints(Array.from({ length: 16 }, (_, i) => i % 3), [16]);
    const model = new Sequential([Input({ shape: [4] }), new layers.Dense({ units: 3 }), new layers.UnitNormalization()]);
    model.compile({ optimizer: 'adam', loss: new losses.Circle({ gamma: 16 }) });
    const history = await model.fit(x, y, { epochs: 6, batchSize: 8, verbose: 0, shuffle: false });
    const trained = history.history.loss as number[];
    trained.forEach((v) => expect(Number.isFinite(v)).toBe(true));
    expect(trained.at(-1)!).toBeLessThan(trained[0]);
  });

  it('explains wrong options and shapes', () => {
    expect(() => new losses.Circle({ remove_diagonal: false } as never)).toThrow("Circle: unknown option 'remove_diagonal' (did you mean 'removeDiagonal'?). Its options: name, reduction, gamma, margin, removeDiagonal.");
    expect(() => new losses.Circle({ gamma: Number.NaN })).toThrow('Circle: gamma must be a finite number. Received: gamma=NaN');
    expect(() => losses.circle(circleLabels(), embeddings(), { removeDiagonal: 1 as never })).toThrow('circle: removeDiagonal must be a boolean. Received: removeDiagonal=1');
    expect(() => losses.circle(ints([0, 1], [2]), embeddings())).toThrow('circle: yTrue must hold one integer label for each row of yPred [6,3], shape [6] or [6, 1]. Received: yTrue.shape=[2]');
    expect(() => losses.circle(circleLabels(), tensor(EMBEDDINGS, [6, 3, 1]))).toThrow('circle: yPred must be embeddings of shape [batch, dim]. Received: yPred.shape=[6,3,1]');
    expect(() => losses.circle(circleLabels(), embeddings(), { refEmbeddings: tensor([1, 0], [1, 2]) })).toThrow(
      'circle: refEmbeddings must have shape [references, 3] (the embedding size of yPred). Received: refEmbeddings.shape=[1,2]',
    );
    expect(() => losses.circle(circleLabels(), embeddings(), { refLabels: ints([0, 1], [2]), refEmbeddings: embeddings() })).toThrow(
      'circle: refLabels must hold one integer label for each row of the reference embeddings, shape [6] or [6, 1]. Received: refLabels.shape=[2]',
    );
  });
});
