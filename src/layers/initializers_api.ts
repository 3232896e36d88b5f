// The public `initializers` namespace (keras.initializers): the initializer classes, Keras's
// lowercase function-style names (initializers.glorotUniform({ seed }) makes a GlorotUniform),
// the STFT kernels of STFTSpectrogram, and get / serialize / deserialize.

import {
  Constant, GlorotNormal, GlorotUniform, HeNormal, HeUniform, Identity, LecunNormal, LecunUniform, Ones, Orthogonal, RandomNormal,
  RandomUniform, TruncatedNormal, VarianceScaling, Zeros, canonicalName, getInitializer, serializeInitializer,
  Initializer, type InitializerIdentifier,
} from './initializers';
import { STFT, type STFTArgs } from './spectrogram';
import { withCustomObjects, type CustomObjects } from '../io/object_registration';

export * from './initializers';
export { Identity as IdentityInitializer, Orthogonal as OrthogonalInitializer } from './initializers';
export { STFT, STFT as STFTInitializer, type STFTArgs } from './spectrogram';

type ArgsOf<C extends abstract new (...args: never[]) => unknown> = ConstructorParameters<C>[0];

/** A Constant initializer (keras.initializers.constant). @example initializers.constant(2).apply([2]) // [2, 2] */
export const constant = (value: ArgsOf<typeof Constant> = 0): Constant => new Constant(value);
/** A Zeros initializer. @example initializers.zeros().apply([2]) // [0, 0] */
export const zeros = (): Zeros => new Zeros();
/** A Ones initializer. @example initializers.ones().apply([2]) // [1, 1] */
export const ones = (): Ones => new Ones();
/** An Identity initializer (`gain` default 1). @example initializers.identity({ gain: 2 }).apply([2, 2]) */
export const identity = (args?: ArgsOf<typeof Identity>): Identity => new Identity(args);
/** A RandomNormal initializer (mean 0, stddev 0.05). @example initializers.randomNormal({ seed: 1 }).apply([3, 3]) */
export const randomNormal = (args?: ArgsOf<typeof RandomNormal>): RandomNormal => new RandomNormal(args);
/** A RandomUniform initializer (±0.05). @example initializers.randomUniform({ seed: 1 }).apply([3, 3]) */
export const randomUniform = (args?: ArgsOf<typeof RandomUniform>): RandomUniform => new RandomUniform(args);
/** A TruncatedNormal initializer (mean 0, stddev 0.05). @example initializers.truncatedNormal({ seed: 1 }).apply([3, 3]) */
export const truncatedNormal = (args?: ArgsOf<typeof TruncatedNormal>): TruncatedNormal => new TruncatedNormal(args);
/** A VarianceScaling initializer. @example initializers.varianceScaling({ scale: 2, mode: 'fan_out', seed: 1 }).apply([3, 3]) */
export const varianceScaling = (args?: ArgsOf<typeof VarianceScaling>): VarianceScaling => new VarianceScaling(args);
/** A GlorotUniform initializer. @example initializers.glorotUniform({ seed: 1 }).apply([3, 3]) */
export const glorotUniform = (args?: ArgsOf<typeof GlorotUniform>) => new GlorotUniform(args);
/** A GlorotNormal initializer. @example initializers.glorotNormal({ seed: 1 }).apply([3, 3]) */
export const glorotNormal = (args?: ArgsOf<typeof GlorotNormal>) => new GlorotNormal(args);
/** A HeNormal initializer. @example initializers.heNormal({ seed: 1 }).apply([3, 3]) */
export const heNormal = (args?: ArgsOf<typeof HeNormal>) => new HeNormal(args);
/** A HeUniform initializer. @example initializers.heUniform({ seed: 1 }).apply([3, 3]) */
export const heUniform = (args?: ArgsOf<typeof HeUniform>) => new HeUniform(args);
/** A LecunNormal initializer. @example initializers.lecunNormal({ seed: 1 }).apply([3, 3]) */
export const lecunNormal = (args?: ArgsOf<typeof LecunNormal>) => new LecunNormal(args);
/** A LecunUniform initializer. @example initializers.lecunUniform({ seed: 1 }).apply([3, 3]) */
export const lecunUniform = (args?: ArgsOf<typeof LecunUniform>) => new LecunUniform(args);
/** An Orthogonal initializer (`gain` default 1). @example initializers.orthogonal({ seed: 1 }).apply([4, 4]) */
export const orthogonal = (args?: ArgsOf<typeof Orthogonal>): Orthogonal => new Orthogonal(args);
/** An STFT initializer (side 'real', window 'hann', scaling 'density'). @example initializers.stft({ side: 'imag' }).apply([16, 1, 9]) */
export const stft = (args?: STFTArgs): STFT => new STFT(args);

const STFT_NAMES = new Set(['stft', 'sTFT', 'sTFTInitializer', 'stftInitializer']);

/**
 * An initializer from a name (Keras's snake_case, camelCase or class name, with Keras's aliases
 * such as 'normal'), a `{ className, config }` record, or an instance (returned as is); null
 * for null or undefined, as Keras's None.
 *
 * @example
 * initializers.get('he_normal');                                          // a HeNormal
 * initializers.get({ className: 'RandomUniform', config: { minval: 0, maxval: 1, seed: 3 } });
 */
export function get(identifier: InitializerIdentifier): Initializer;
export function get(identifier: InitializerIdentifier | null | undefined): Initializer | null;
export function get(identifier: InitializerIdentifier | null | undefined): Initializer | null {
  if (identifier == null) return null;
  if (identifier instanceof Initializer) return identifier;
  if (typeof identifier === 'string' && STFT_NAMES.has(canonicalName(identifier))) return new STFT();
  if (typeof identifier === 'object' && STFT_NAMES.has(canonicalName(identifier.className))) {
    return new STFT((identifier.config ?? {}) as STFTArgs);
  }
  return getInitializer(identifier);
}

/**
 * The `{ className, config }` record of an initializer (a registered class is named 'package>name').
 *
 * @example
 * initializers.serialize(new initializers.Constant(3));   // { className: 'Constant', config: { value: 3 } }
 */
export function serialize(initializer: Initializer): { className: string; config: Record<string, unknown> } {
  return serializeInitializer(initializer);
}

/**
 * The initializer a saved record names, looking custom class names up in `customObjects` and the
 * registered objects.
 *
 * @example
 * initializers.deserialize({ className: 'GlorotUniform', config: { seed: 1 } });
 */
export function deserialize(config: InitializerIdentifier, customObjects: CustomObjects = {}): Initializer {
  return withCustomObjects(customObjects, () => get(config));
}
