// The public `random` namespace (keras.random): the seeded samplers under Keras's names
// (normal, uniform, categorical, gamma, ...). Each is the same function as its top-level or `ops`
// form (random.normal is randomNormal), so one seed gives the same values through either name.
//
// @example
// const x = random.normal([2, 3], { stddev: 0.1, seed: 7 });   // the same values as randomNormal([2, 3], { stddev: 0.1, seed: 7 })
// const gen = new random.SeedGenerator(42);
// const y = random.dropout(x, 0.5, { seed: gen });

export {
  randomNormal as normal, randomUniform as uniform, truncatedNormal, SeedGenerator,
  type Seed, type RandomNormalOptions, type RandomUniformOptions,
} from './random';
export {
  randomCategorical as categorical, randint, shuffle, dropout,
  type RandomCategoricalOptions, type RandintOptions, type ShuffleOptions, type DropoutOptions,
} from './random_sampling';
export { randomGamma as gamma, randomBeta as beta, randomBinomial as binomial, type RandomDistributionOptions } from './random_distributions';
