// The Dice and Tversky losses: Keras 3's docstring and test values, the formulas written out by
// hand, axis and reduction behaviour, sample weights, WebGPU against the CPU backend, gradients
// against finite differences, lookup by name, serialization and errors.

import { afterEach, describe, expect, it } from 'vitest';
import { setBackend, tensor, type Tensor } from '../../src/node';
import * as losses from '../../src/losses/index';
import { gradCheck } from '../autograd/gradcheck';
import { useWebGPU } from '../helpers';

useWebGPU();

afterEach(() => setBackend('webgpu'));

async function values(t: Tensor): Promise<number[]> {
  return Array.from(await t.data());
}

function expectClose(actual: number[], expected: number[], digits = 5): void {
  expect(actual.length).toBe(expected.length);
  expected.forEach((e, i) => expect(actual[i], `element ${i} of [${actual.join(', ')}]`).toBeCloseTo(e, digits));
}

// The Keras docstring batch: two 2x2 single-channel masks.
const masks = () => tensor([1, 1, 0, 0, 1, 1, 0, 0], [2, 2, 2, 1]);
const probabilities = () => tensor([0, 1, 0, 1, 0.4, 0, 0, 0.9], [2, 2, 2, 1]);
// Keras's segmentation test batch.
const segmentationTrue = () => tensor([[1, 0, 1, 0], [0, 1, 0, 1], [1, 0, 1, 0], [0, 1, 0, 1]]);
const segmentationPred = () => tensor([[0, 1, 0, 1], [1, 0, 1, 1], [0, 1, 0, 1], [1, 0, 1, 1]]);

describe('Dice (Keras docstring values)', () => {
  it('per image over axes [1, 2, 3] with no reduction: [0.5, 0.75757575]', async () => {
    expectClose(await values(new losses.Dice({ axis: [1, 2, 3], reduction: 'none' }).apply(masks(), probabilities())), [0.5, 0.75757575]);
    expectClose(await values(losses.dice(masks(), probabilities(), { axis: [1, 2, 3] })), [0.5, 0.75757575]);
  });

  it('over every axis by default: 0.6164384, a scalar', async () => {
    const loss = new losses.Dice().apply(masks(), probabilities());
    expect(loss.shape).toEqual([]);
    expectClose(await values(loss), [0.6164384]);
    // By hand: intersection 1 + 0.4 = 1.4; sums 4 and 3.3.
    expectClose(await values(losses.dice(masks(), probabilities())), [1 - (2 * 1.4) / (4 + 3.3)]);
  });

  it('sample weights weigh the per-image values; reduction sum adds them', async () => {
    const perImage = new losses.Dice({ axis: [1, 2, 3] });
    expectClose(await values(perImage.apply(masks(), probabilities(), tensor([1, 0]))), [0.5 / 2]);
    expectClose(await values(new losses.Dice({ axis: [1, 2, 3], reduction: 'sum' }).apply(masks(), probabilities(), tensor([2, 1]))), [2 * 0.5 + 0.75757575]);
  });
});

describe('Tversky (Keras test values)', () => {
  it('alpha = beta = 0.5 by default: 0.77777779 on the segmentation batch, -0.55555558 on counts', async () => {
    expectClose(await values(new losses.Tversky().apply(segmentationTrue(), segmentationPred())), [0.77777779]);
    expectClose(await values(new losses.Tversky().apply(tensor([[1, 2], [1, 2]]), tensor([[4, 1], [6, 1]]))), [-0.55555558]);
  });

  it('alpha 0.2, beta 0.8: 0.76190472 and -0.94444442', async () => {
    const loss = new losses.Tversky({ alpha: 0.2, beta: 0.8 });
    expectClose(await values(loss.apply(segmentationTrue(), segmentationPred())), [0.76190472]);
    expectClose(await values(loss.apply(tensor([[1, 2], [1, 2]]), tensor([[4, 1], [6, 1]]))), [-0.94444442]);
  });

  it('per image over axes [1, 2, 3]: [0.5, 0.75757575], and [0.5, 0.78494626] with alpha 0.2, beta 0.8', async () => {
    expectClose(await values(new losses.Tversky({ axis: [1, 2, 3], reduction: 'none' }).apply(masks(), probabilities())), [0.5, 0.75757575]);
    expectClose(await values(new losses.Tversky({ alpha: 0.2, beta: 0.8, axis: [1, 2, 3], reduction: 'none' }).apply(masks(), probabilities())), [0.5, 0.78494626]);
  });

  it('the formula by hand: tp 1, fp 1, fn 1 with alpha 0.3, beta 0.7 give 0.5; one axis gives one value per row', async () => {
    const yTrue = () => tensor([[1, 1], [0, 0]]);
    const yPred = () => tensor([[0, 1], [0, 1]]);
    expectClose(await values(losses.tversky(yTrue(), yPred(), { alpha: 0.3, beta: 0.7 })), [1 - 1 / (1 + 0.3 + 0.7)]);
    // Row 0: tp 1, fn 1; row 1: fp 1, tp 0.
    expectClose(await values(losses.tversky(yTrue(), yPred(), { alpha: 0.3, beta: 0.7, axis: -1 })), [1 - 1 / 1.7, 1]);
  });
});

describe('backends and gradients', () => {
  it('WebGPU and the CPU backend agree', async () => {
    const results: number[][] = [];
    for (const backend of ['webgpu', 'cpu'] as const) {
      setBackend(backend);
      const dice = await values(losses.dice(masks(), probabilities(), { axis: [1, 2] }));
      const tversky = await values(losses.tversky(masks(), probabilities(), { alpha: 0.7, beta: 0.2, axis: 0 }));
      results.push([...dice, ...tversky]);
    }
    expectClose(results[0], results[1], 6);
  });

  it('dice: gradients with respect to both inputs match finite differences', async () => {
    const result = await gradCheck((t, p) => losses.dice(t, p, { axis: [1, 2] }), [[2, 3, 2], [2, 3, 2]], { low: 0.1, high: 0.9 });
    expect(result.message).toBe('ok');
    const overAll = await gradCheck((t, p) => losses.dice(t, p), [[3, 4], [3, 4]], { low: 0.1, high: 0.9 });
    expect(overAll.message).toBe('ok');
  });

  it('tversky: gradients with respect to both inputs match finite differences', async () => {
    const result = await gradCheck((t, p) => losses.tversky(t, p, { alpha: 0.3, beta: 0.8, axis: -1 }), [[3, 4], [3, 4]], { low: 0.1, high: 0.9 });
    expect(result.message).toBe('ok');
  });
});

describe('names, configuration and errors', () => {
  it("getLoss knows 'dice' and 'tversky' (and their class names); defaults as Keras", () => {
    expect(losses.getLoss('dice')).toBeInstanceOf(losses.Dice);
    expect(losses.getLoss('Dice')).toBeInstanceOf(losses.Dice);
    expect(losses.getLoss('tversky')).toBeInstanceOf(losses.Tversky);
    expect(losses.getLoss(losses.tversky)).toBeInstanceOf(losses.Tversky);
    expect(new losses.Dice().getConfig()).toEqual({ name: 'dice', reduction: 'sum_over_batch_size', axis: null });
    expect(new losses.Tversky().getConfig()).toEqual({ name: 'tversky', reduction: 'sum_over_batch_size', alpha: 0.5, beta: 0.5, axis: null });
  });

  it('serializes and rebuilds with every option', () => {
    const saved = losses.serializeLoss(new losses.Tversky({ alpha: 0.2, beta: 0.8, axis: [1, 2], reduction: 'sum', name: 'my_tversky' }));
    expect(saved).toEqual({ className: 'Tversky', config: { name: 'my_tversky', reduction: 'sum', alpha: 0.2, beta: 0.8, axis: [1, 2] } });
    const rebuilt = losses.deserializeLoss(JSON.parse(JSON.stringify(saved)));
    expect(rebuilt).toBeInstanceOf(losses.Tversky);
    expect(rebuilt.getConfig()).toEqual(saved.config);
    const dice = losses.deserializeLoss(losses.serializeLoss(new losses.Dice({ axis: -1 })));
    expect(dice.getConfig()).toEqual({ name: 'dice', reduction: 'sum_over_batch_size', axis: -1 });
  });

  it('rejects bad arguments with the loss name', () => {
    expect(() => new losses.Tversky({ alpha: Number.NaN })).toThrow('Tversky: invalid value for argument alpha. Expected a finite number. Received: alpha=NaN.');
    expect(() => losses.dice(masks(), probabilities(), { axis: 4 })).toThrow('dice: axis 4 is out of range for inputs of rank 4');
    expect(() => losses.tversky(tensor([[1, 0]]), tensor([[1, 0, 1]]))).toThrow('tversky: yTrue shape [1,2] and yPred shape [1,3] differ.');
  });
});
