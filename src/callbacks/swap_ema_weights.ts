// SwapEMAWeights: evaluates (and predicts) with the optimizer's moving average of the weights, as
// Keras's callback: the weights and their averages swap values before evaluation and swap back
// after it. A swap exchanges the variables' storages (no copy, no readback).

import type { Variable } from '../autograd/variable';
import { reshape } from '../ops/shape';
import { checkOptionNames } from '../ops/validate';
import { tidy } from '../tensor/memory';
import { Callback } from './callback';

export interface SwapEMAWeightsArgs {
  /** Also swap at each epoch's end and back at the next one's start, so that the other callbacks' onEpochEnd (ModelCheckpoint after this one) see the averages (default false). */
  swapOnEpoch?: boolean;
}

/**
 * Swaps the model's weights with the optimizer's moving averages (`useEma: true`) for evaluation,
 * fit's validation and predict, and back afterwards.
 *
 * @example
 * model.compile({ optimizer: new SGD({ useEma: true }), loss: 'mse' });
 * await model.fit(x, y, { validationSplit: 0.2, callbacks: [new SwapEMAWeights()] });
 */
export class SwapEMAWeights extends Callback {
  readonly swapOnEpoch: boolean;
  private averagesInModel = false;

  constructor(args: SwapEMAWeightsArgs = {}) {
    super();
    checkOptionNames('SwapEMAWeights', args, { swapOnEpoch: true });
    const swapOnEpoch = args.swapOnEpoch ?? false;
    if (typeof swapOnEpoch !== 'boolean') throw new Error(`SwapEMAWeights: swapOnEpoch must be a boolean, got ${typeof swapOnEpoch}.`);
    this.swapOnEpoch = swapOnEpoch;
  }

  override onEpochBegin(): void {
    if (this.swapOnEpoch && this.averagesInModel) this.swap();
  }

  override onEpochEnd(epoch: number): void {
    if (!this.swapOnEpoch || this.averagesInModel) return;
    this.swap();
    // fit ends by setting the weights to their averages (finalizeVariableValues): the averages,
    // now in the model, go back to the optimizer as well.
    if (epoch === (this.params.epochs as number) - 1) for (const [weight, average] of this.pairs()) average.assign(weight);
  }

  override onTestBegin(): void {
    if (!this.averagesInModel) this.swap();
  }

  override onTestEnd(): void {
    if (this.averagesInModel) this.swap();
  }

  override onPredictBegin(): void {
    if (!this.averagesInModel) this.swap();
  }

  override onPredictEnd(): void {
    if (this.averagesInModel) this.swap();
  }

  /** The model's trainable weights that have an average, with it. */
  private pairs(): Array<[Variable, Variable]> {
    const optimizer = this.model.optimizer;
    if (!optimizer?.useEma) {
      throw new Error(`SwapEMAWeights must be used with an optimizer that sets useEma: true. Received: useEma=${optimizer ? optimizer.useEma : 'no optimizer (compile the model first)'}.`);
    }
    return this.model.trainableWeights.flatMap((weight): Array<[Variable, Variable]> => {
      const average = optimizer.getSlot(weight, 'average');
      return average ? [[weight, average]] : [];
    });
  }

  private swap(): void {
    const pairs = this.pairs();
    tidy(() => {
      for (const [weight, average] of pairs) {
        const value = reshape(weight, weight.shape);
        weight.assign(average);
        average.assign(value);
      }
    });
    this.averagesInModel = !this.averagesInModel;
  }
}
