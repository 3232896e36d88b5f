// Augmentation policies (keras/src/layers/preprocessing/image_preprocessing): RandAugment, which
// applies `numOps` augmentations picked at random from a fixed list, and AugMix, which blends the
// image with a Dirichlet-weighted mix of several random chains of augmentations. Both are built
// from the library's augmentation layers and act only in training. As in Keras, the choice of
// augmentation is made once per batch; it is drawn on the device and applied with ops.switch
// (every candidate runs and the chosen one is selected), so nothing is read back and a replayed
// training step draws its choices again.

import { add, clip, div, floor, mul, sub } from '../ops/elementwise';
import { switchCase } from '../ops/control_flow';
import { randomBeta, randomGamma } from '../ops/random_distributions';
import { sum } from '../ops/reduce';
import { slice } from '../ops/shape';
import type { Tensor } from '../tensor/tensor';
import { fromZero, Solarization } from './color_augmentation';
import { Equalization } from './equalization';
import {
  checkChoice,
  checkValueRange,
  copyFactor,
  INTERPOLATIONS,
  invalid,
  RandomBrightness,
  RandomContrast,
  RandomImageLayer,
  RandomRotation,
  RandomTranslation,
  type FactorRange,
  type ImageBatch,
  type RandomLayerArgs,
} from './image_preprocessing';
import type { ImageInterpolation } from '../ops/image';
import type { Layer } from './layer';
import { SeedSequence } from './layer_utils';
import { RandomShear } from './spatial_augmentation';
import { AutoContrast, RandomColorDegeneration, RandomPosterization, RandomSharpness } from './tone_augmentation';

/** The sub-augmentations of the policies, by Keras's attribute names. */
type AugmentationName =
  | 'random_shear'
  | 'random_translation'
  | 'random_rotation'
  | 'random_brightness'
  | 'random_color_degeneration'
  | 'random_contrast'
  | 'random_sharpness'
  | 'random_posterization'
  | 'solarization'
  | 'auto_contrast'
  | 'equalization';

/** RandAugment's candidates, in Keras's order (the drawn index picks among them). */
const RAND_AUGMENT_LAYERS: readonly AugmentationName[] = [
  'random_shear',
  'random_translation',
  'random_rotation',
  'random_brightness',
  'random_color_degeneration',
  'random_contrast',
  'random_sharpness',
  'random_posterization',
  'solarization',
  'auto_contrast',
  'equalization',
];

/** AugMix's candidates without `allOps`, in Keras's order. */
const AUG_MIX_LAYERS: readonly AugmentationName[] = ['random_shear', 'random_translation', 'random_rotation', 'random_posterization', 'solarization', 'auto_contrast', 'equalization'];

/** AugMix's candidates with `allOps`, in Keras's order. */
const AUG_MIX_ALL_LAYERS: readonly AugmentationName[] = [...AUG_MIX_LAYERS, 'random_brightness', 'random_color_degeneration', 'random_contrast', 'random_sharpness'];

interface PolicySettings {
  /** The strength range [lower, upper] in [0, 1]. */
  range: [number, number];
  valueRange: [number, number];
  interpolation: ImageInterpolation;
  /** The seed of the i-th sub-augmentation, or undefined for fresh draws. */
  seedFor: (i: number) => number | undefined;
  /** The policy layer's name, which prefixes the sub-layers'. */
  prefix: string;
}

/** A sub-augmentation configured as Keras configures it from the policy's factor and value range. */
function makeAugmentation(name: AugmentationName, i: number, { range, valueRange, interpolation, seedFor, prefix }: PolicySettings): Layer {
  const common = { name: `${prefix}_${name}`, seed: seedFor(i) };
  const tone = { ...common, factor: range, valueRange };
  switch (name) {
    case 'random_shear':
      return new RandomShear({ ...common, xFactor: range, yFactor: range, interpolation });
    case 'random_translation':
      return new RandomTranslation({ ...common, heightFactor: range, widthFactor: range, interpolation });
    case 'random_rotation':
      return new RandomRotation({ ...common, factor: range, interpolation });
    case 'random_brightness':
      return new RandomBrightness(tone);
    case 'random_color_degeneration':
      return new RandomColorDegeneration(tone);
    case 'random_contrast':
      return new RandomContrast(tone);
    case 'random_sharpness':
      return new RandomSharpness(tone);
    case 'random_posterization':
      return new RandomPosterization({ ...common, factor: Math.max(1, Math.trunc(8 * range[1])), valueRange });
    case 'solarization':
      return new Solarization({ ...common, additionFactor: range, thresholdFactor: range, valueRange });
    case 'auto_contrast':
      return new AutoContrast({ name: common.name, valueRange });
    case 'equalization':
      return new Equalization({ name: common.name, valueRange });
  }
}

/** A branch of ops.switch: the augmentation applied in training mode. */
const branchOf =
  (layer: Layer) =>
  (images: Tensor): Tensor =>
    layer.call(images, { training: true }) as Tensor;

interface PolicyArgs extends RandomLayerArgs {
  /** The range of the pixel values, [low, high] (default [0, 255]). */
  valueRange?: readonly [number, number];
  /** How the geometric augmentations resample: 'bilinear' (default) or 'nearest'. */
  interpolation?: ImageInterpolation;
  /** Makes the sequence of draws reproducible. */
  seed?: number;
}

/** What RandAugment and AugMix share: the strength, value range, interpolation and sub-augmentations. */
abstract class PolicyLayer extends RandomImageLayer {
  readonly factor: FactorRange;
  readonly valueRange: [number, number];
  readonly interpolation: ImageInterpolation;
  /** The factor as [lower, upper] in [0, 1] (f means [0, f], as Keras). */
  protected readonly range: [number, number];

  protected constructor(args: PolicyArgs & { factor?: FactorRange }, defaultFactor: number) {
    super(args);
    this.factor = copyFactor(args?.factor ?? defaultFactor);
    this.range = fromZero('factor', this.factor);
    this.valueRange = checkValueRange(args.valueRange ?? [0, 255]);
    this.interpolation = checkChoice('interpolation', args.interpolation ?? 'bilinear', INTERPOLATIONS);
  }

  /** The sub-augmentations named, each with its own seed so that seeded ones do not draw alike. */
  protected augmentations(names: readonly AugmentationName[]): Layer[] {
    const settings: PolicySettings = {
      range: this.range,
      valueRange: this.valueRange,
      interpolation: this.interpolation,
      seedFor: (i) => (this.seed === undefined ? undefined : (this.seed % 2 ** 32) + i + 1),
      prefix: this.name,
    };
    return names.map((name, i) => makeAugmentation(name, i, settings));
  }

  override getConfig(): Record<string, unknown> {
    return { ...super.getConfig(), valueRange: [...this.valueRange], factor: copyFactor(this.factor), interpolation: this.interpolation };
  }

  /** Images only: the branches drawn on the device do not carry boxes or masks through yet. */
  protected override transformBatch(batch: ImageBatch, training: boolean): ImageBatch {
    if (batch.boundingBoxes) throw this.unsupported('bounding_boxes', 'not implemented here yet');
    if (batch.segmentationMasks) throw this.unsupported('segmentation_masks', 'not implemented here yet');
    return super.transformBatch(batch, training);
  }
}

/** Throws unless `value` is an integer of at least `least`. */
function checkCount(name: string, value: unknown, least: number): number {
  if (!Number.isInteger(value) || (value as number) < least) throw invalid(name, `an integer of at least ${least}`, value);
  return value as number;
}

export interface RandAugmentArgs extends PolicyArgs {
  /** How many augmentations are applied in turn (default 2). */
  numOps?: number;
  /** The strength of every augmentation: [lower, upper], or f for [0, f]; each in [0, 1] (default 0.5). */
  factor?: FactorRange;
}

/**
 * RandAugment in training: `numOps` times, applies one augmentation drawn uniformly (once per
 * batch) from RandomShear, RandomTranslation, RandomRotation, RandomBrightness,
 * RandomColorDegeneration, RandomContrast, RandomSharpness, RandomPosterization, Solarization,
 * AutoContrast and Equalization, configured as Keras 3.16 does from `factor` (posterization keeps
 * `max(1, trunc(8 * upper))` bits). Each augmentation draws its own parameters per image. Unlike
 * Keras, an augmentation drawn twice in one call draws fresh parameters the second time.
 *
 * @example
 * new RandAugment({ valueRange: [0, 1], numOps: 2, factor: 0.3, seed: 7 }).apply(images, { training: true });
 */
export class RandAugment extends PolicyLayer {
  readonly numOps: number;
  private readonly candidates: Layer[];

  constructor(args: RandAugmentArgs = {}) {
    super(args, 0.5);
    this.numOps = checkCount('numOps', args.numOps ?? 2, 0);
    this.candidates = this.augmentations(RAND_AUGMENT_LAYERS);
  }

  override getConfig(): Record<string, unknown> {
    return { ...super.getConfig(), numOps: this.numOps };
  }

  protected override augment(images: Tensor): Tensor {
    if (this.numOps === 0) return images;
    const count = this.candidates.length;
    const choices = floor(this.uniform([this.numOps], 0, count));
    const branches = this.candidates.map(branchOf);
    let out = images;
    for (let i = 0; i < this.numOps; i++) out = switchCase(slice(choices, [i], [1]), branches, out);
    return out;
  }
}

export interface AugMixArgs extends PolicyArgs {
  /** How many chains of augmentations are mixed (default 3). */
  numChains?: number;
  /** The most augmentations in a chain: each of its steps applies one or none (default 3). */
  chainDepth?: number;
  /** The strength of every augmentation: [lower, upper], or f for [0, f]; each in [0, 1] (default 0.3). */
  factor?: FactorRange;
  /** The Dirichlet concentration of the chain weights and the Beta(alpha, alpha) parameter of the blend (default 1). */
  alpha?: number;
  /**
   * Whether the candidates include RandomBrightness, RandomColorDegeneration, RandomContrast and
   * RandomSharpness besides the geometric ones, posterization, solarization, AutoContrast and
   * Equalization (default true).
   */
  allOps?: boolean;
}

/**
 * AugMix in training, as Keras 3.16: each of `numChains` chains applies `chainDepth` steps to the
 * images, each step one candidate augmentation or none, drawn uniformly once per batch; the chains
 * are summed with Dirichlet(alpha) weights `w`, and the output is
 * `clip(m * x + (1 - m) * sum(w_c * chain_c(x)), low, high)`, m ~ Beta(alpha, alpha) per batch.
 * Keras draws the steps with Python's unseeded `random`; here they are drawn on the device, from
 * the seed when one is given.
 *
 * @example
 * new AugMix({ valueRange: [0, 1], numChains: 2, chainDepth: 2, seed: 3 }).apply(images, { training: true });
 */
export class AugMix extends PolicyLayer {
  readonly numChains: number;
  readonly chainDepth: number;
  readonly alpha: number;
  readonly allOps: boolean;
  private readonly candidates: Layer[];
  /** The seeds of the chain weights and of the blend weight (the draws of the steps use the layer's). */
  private readonly mixSeeds: SeedSequence;

  constructor(args: AugMixArgs = {}) {
    super(args, 0.3);
    this.numChains = checkCount('numChains', args.numChains ?? 3, 1);
    this.chainDepth = checkCount('chainDepth', args.chainDepth ?? 3, 0);
    const alpha = args.alpha ?? 1;
    if (typeof alpha !== 'number' || !(alpha > 0) || !Number.isFinite(alpha)) throw invalid('alpha', 'a positive number', alpha);
    this.alpha = alpha;
    const allOps = args.allOps ?? true;
    if (typeof allOps !== 'boolean') throw invalid('allOps', 'a boolean', allOps);
    this.allOps = allOps;
    this.candidates = this.augmentations(allOps ? AUG_MIX_ALL_LAYERS : AUG_MIX_LAYERS);
    this.mixSeeds = new SeedSequence(this.seed === undefined ? undefined : (this.seed % 2 ** 32) + AUG_MIX_ALL_LAYERS.length + 1);
  }

  override getConfig(): Record<string, unknown> {
    const { numChains, chainDepth, alpha, allOps } = this;
    return { ...super.getConfig(), numChains, chainDepth, alpha, allOps };
  }

  protected override augment(images: Tensor): Tensor {
    const gamma = randomGamma([this.numChains], this.alpha, { seed: this.mixSeeds.next() });
    const chainWeights = div(gamma, sum(gamma));
    const blend = randomBeta([], this.alpha, this.alpha, { seed: this.mixSeeds.next() });
    // Branch `candidates.length` is the step that applies nothing.
    const branches = [...this.candidates.map(branchOf), (x: Tensor) => x];
    const steps = floor(this.uniform([this.numChains, Math.max(this.chainDepth, 1)], 0, branches.length));
    const chains = Array.from({ length: this.numChains }, (_, c) => {
      let chain = images;
      for (let d = 0; d < this.chainDepth; d++) chain = switchCase(slice(steps, [c, d], [1, 1]), branches, chain);
      return mul(chain, slice(chainWeights, [c], [1]));
    });
    const mixed = chains.reduce((total, chain) => add(total, chain));
    const out = add(mul(blend, images), mul(sub(1, blend), mixed));
    return clip(out, this.valueRange[0], this.valueRange[1]);
  }
}
