// Optimizers (keras.optimizers): the Optimizer base class, SGD, Adam, AdamW, RMSprop, Adagrad,
// Adamax, Nadam, Adadelta, Lion and Ftrl with fused update kernels, Lamb, Adafactor, Muon and
// ScheduleFreeAdamW written with ops, MultiOptimizer (an optimizer per variable path),
// LossScaleOptimizer (dynamic loss scaling around another), learning rate schedules, and
// `getOptimizer` to resolve a name.

import { Adadelta } from './adadelta';
import { Adagrad } from './adagrad';
import { Adam } from './adam';
import { Adamax } from './adamax';
import { AdamW } from './adamw';
import { Adafactor } from './adafactor';
import { Ftrl } from './ftrl';
import { Lamb } from './lamb';
import { Muon } from './muon';
import { Lion } from './lion';
import { Nadam } from './nadam';
import { Optimizer } from './optimizer';
import { RMSprop } from './rmsprop';
import { ScheduleFreeAdamW } from './schedule_free_adamw';
import { SGD } from './sgd';

export { Optimizer, type OptimizerOptions, type OptimizerDefaults, type UpdateRule } from './optimizer';
export { SGD, type SGDOptions } from './sgd';
export { Adam, type AdamOptions } from './adam';
export { AdamW } from './adamw';
export { RMSprop, type RMSpropOptions } from './rmsprop';
export { Adagrad, type AdagradOptions } from './adagrad';
export { Adamax, type AdamaxOptions } from './adamax';
export { Nadam, type NadamOptions } from './nadam';
export { Adadelta, type AdadeltaOptions } from './adadelta';
export { Lion, type LionOptions } from './lion';
export { Ftrl, type FtrlOptions } from './ftrl';
export { Lamb, type LambOptions } from './lamb';
export { Adafactor, type AdafactorOptions } from './adafactor';
export { Muon, type MuonOptions } from './muon';
export { ScheduleFreeAdamW, type ScheduleFreeAdamWOptions } from './schedule_free_adamw';
export { MultiOptimizer, OptimizerMap, type MultiOptimizerOptions, type OptimizerEntry, type OptimizerResolver, type OptimizerSelector } from './multi_optimizer';
export { LossScaleOptimizer, type LossScaleOptimizerOptions } from './loss_scale_optimizer';
export {
  LearningRateSchedule,
  ExponentialDecay,
  CosineDecay,
  PiecewiseConstantDecay,
  PolynomialDecay,
  InverseTimeDecay,
  CosineDecayRestarts,
  exponentialDecay,
  cosineDecay,
  piecewiseConstant,
  polynomialDecay,
  inverseTimeDecay,
  cosineDecayRestarts,
  scheduleFromConfig,
  type ScheduleConfig,
  type ExponentialDecayOptions,
  type CosineDecayOptions,
  type PiecewiseConstantDecayOptions,
  type PolynomialDecayOptions,
  type InverseTimeDecayOptions,
  type CosineDecayRestartsOptions,
  type ScheduleOptions,
} from './schedules';
/** Keras's keras.optimizers.schedules namespace: `new optimizers.schedules.CosineDecay(...)`, or a subclass of `optimizers.schedules.LearningRateSchedule`. */
export * as schedules from './schedules';
export { optimizerUpdate, type UpdateAlgorithm, type UpdateParams } from './update_kernel';

/** What `getOptimizer` (and `model.compile`) accepts: an optimizer or its name. */
export type OptimizerIdentifier = string | Optimizer;

const BY_NAME: Record<string, () => Optimizer> = {
  sgd: () => new SGD(),
  adam: () => new Adam(),
  adamw: () => new AdamW(),
  rmsprop: () => new RMSprop(),
  adagrad: () => new Adagrad(),
  adamax: () => new Adamax(),
  nadam: () => new Nadam(),
  adadelta: () => new Adadelta(),
  lion: () => new Lion(),
  ftrl: () => new Ftrl(),
  lamb: () => new Lamb(),
  adafactor: () => new Adafactor(),
  muon: () => new Muon(),
  schedule_free_adamw: () => new ScheduleFreeAdamW(),
};

/**
 * An optimizer from its name (any case, Keras defaults) or the optimizer itself.
 *
 * @example
 * const optimizer = getOptimizer('Adam');   // new Adam()
 */
export function getOptimizer(identifier: OptimizerIdentifier): Optimizer {
  if (identifier instanceof Optimizer) return identifier;
  const make = typeof identifier === 'string' && Object.hasOwn(BY_NAME, identifier.toLowerCase()) ? BY_NAME[identifier.toLowerCase()] : undefined;
  if (!make) {
    throw new Error(`Could not interpret optimizer identifier: ${JSON.stringify(identifier) ?? String(identifier)}. Expected an Optimizer or one of ${Object.keys(BY_NAME).map((n) => `'${n}'`).join(', ')}.`);
  }
  return make();
}
