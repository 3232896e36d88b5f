// Audio preprocessing layers (keras/src/layers/preprocessing/stft_spectrogram.py and
// mel_spectrogram.py): STFTSpectrogram, a strided 1-D convolution with DFT kernels (weights, as
// Keras, so Keras files load and the transform can be fine-tuned), and MelSpectrogram, ops.stft
// followed by a mel filterbank and a decibel scale. Computation through ops only.

import { epsilon } from '../backend/config';
import type { DType } from '../backend/types';
import { Variable } from '../autograd/variable';
import { conv1d } from '../ops/conv';
import { add, arctan2, cast, log, log10, maximum, mul, pow, sqrt, square, sub } from '../ops/elementwise';
import { tensordot } from '../ops/linalg';
import { max } from '../ops/reduce';
import { concat, reshape, swapaxes, transpose } from '../ops/shape';
import { stft } from '../ops/stft';
import { tensor } from '../tensor/creation';
import { tidy } from '../tensor/memory';
import type { Tensor } from '../tensor/tensor';
import { Initializer } from './initializers';
import { Layer, type LayerArgs } from './layer';
import { convOutputLength, normalizeDataFormat, type DataFormat } from './layer_utils';
import { formatSymbolicShape, type Shape } from './symbolic';

/** What STFTSpectrogram outputs: log magnitude, magnitude, power spectral density, a part of the transform, its phase, or real and imaginary parts side by side. */
export type SpectrogramMode = 'log' | 'magnitude' | 'psd' | 'real' | 'imag' | 'angle' | 'stft';

/** How the window is normalized: by its L2 norm ('density'), its L1 norm ('spectrum'), or not at all (null). */
export type SpectrogramScaling = 'density' | 'spectrum' | null;

/** A window by SciPy name, the window's values (one per frame sample), or none. */
export type SpectrogramWindow = 'hann' | 'hamming' | 'blackman' | 'bartlett' | 'boxcar' | readonly number[] | null;

const MODES: readonly SpectrogramMode[] = ['log', 'magnitude', 'psd', 'real', 'imag', 'angle', 'stft'];
const NAMED_WINDOWS = ['hann', 'hamming', 'blackman', 'bartlett', 'boxcar'] as const;

export interface STFTSpectrogramArgs extends LayerArgs {
  /** Default 'log'. */
  mode?: SpectrogramMode;
  /** Samples per frame (default 256). */
  frameLength?: number;
  /** Samples between frames, 1 to frameLength (default null: frameLength / 2, rounded down). */
  frameStep?: number | null;
  /** DFT size, at least frameLength (default null: the smallest power of two >= frameLength). */
  fftLength?: number | null;
  /** Default 'hann'. */
  window?: SpectrogramWindow;
  /** Whether a named window is periodic (SciPy's fftbins) rather than symmetric (default false). */
  periodic?: boolean;
  /** Default 'density'. */
  scaling?: SpectrogramScaling;
  /** 'valid' (default) or 'same' (ceil(length / frameStep) frames), as the convolution's. */
  padding?: 'valid' | 'same';
  /** Whether the frequencies get their own axis, the channels staying separate (default false). */
  expandDims?: boolean;
  /** 'channels_last' or 'channels_first'. Default: config.imageDataFormat(). */
  dataFormat?: DataFormat;
}

/**
 * The short-time Fourier transform of each channel of a batch of signals, as a strided 1-D
 * convolution with the DFT kernels `real_kernel` and `imag_kernel` ([frameLength, 1,
 * fftLength / 2 + 1]: cos and sin of -2πtk/N times the window over its scaling; weights that train
 * with the model unless the layer is made with `trainable: false`, as Keras). Input [batch, time,
 * channels] (channels-last) or [batch, channels, time]; output [batch, frames, channels · bins]
 * (frequencies of each channel together) or, with `expandDims`, [batch, frames, bins, channels]
 * (channels-first: [batch, channels · bins, frames] and [batch, channels, frames, bins]). 'stft'
 * doubles the bins (real parts, then imaginary parts); 'psd' doubles the power of every bin but
 * the first and last; 'magnitude' is sqrt(max(power, epsilon)) and 'log' its logarithm (config.epsilon()).
 *
 * @example
 * const spectrogram = new STFTSpectrogram({ mode: 'log', frameLength: 256, frameStep: 128, fftLength: 512, trainable: false });
 * spectrogram.apply(audio);   // [3, 160000, 1] -> [3, 1249, 257]
 */
export class STFTSpectrogram extends Layer {
  readonly mode: SpectrogramMode;
  readonly frameLength: number;
  readonly frameStep: number | null;
  readonly fftLength: number | null;
  readonly window: SpectrogramWindow;
  readonly periodic: boolean;
  readonly scaling: SpectrogramScaling;
  readonly padding: 'valid' | 'same';
  readonly expandDims: boolean;
  readonly dataFormat: DataFormat;
  /** The DFT kernels, once built; none for the part the mode does not use ('real' has no imag_kernel). */
  realKernel: Variable | null = null;
  imagKernel: Variable | null = null;

  constructor(args: STFTSpectrogramArgs = {}) {
    super(args);
    const label = `STFTSpectrogram '${this.name}'`;
    this.frameLength = positiveInteger(label, 'frameLength', args.frameLength ?? 256);
    this.frameStep = args.frameStep ?? null;
    if (this.frameStep !== null && (!Number.isInteger(this.frameStep) || this.frameStep < 1 || this.frameStep > this.frameLength)) {
      throw new Error(`${label}: frameStep should be a positive integer not greater than frameLength. Received: frameStep=${JSON.stringify(args.frameStep)}, frameLength=${this.frameLength}`);
    }
    this.fftLength = args.fftLength ?? null;
    if (this.fftLength !== null && (!Number.isInteger(this.fftLength) || this.fftLength < this.frameLength)) {
      throw new Error(`${label}: fftLength should be an integer not less than frameLength. Received: fftLength=${JSON.stringify(args.fftLength)}, frameLength=${this.frameLength}`);
    }
    this.mode = oneOf(label, 'mode', args.mode ?? 'log', MODES);
    this.scaling = args.scaling === null ? null : oneOf(label, 'scaling', args.scaling ?? 'density', ['density', 'spectrum'] as const);
    this.padding = oneOf(label, 'padding', args.padding ?? 'valid', ['valid', 'same'] as const);
    this.window = checkWindow(label, args.window === undefined ? 'hann' : args.window, this.frameLength, [...NAMED_WINDOWS]);
    this.periodic = flag(label, 'periodic', args.periodic ?? false);
    this.expandDims = flag(label, 'expandDims', args.expandDims ?? false);
    this.dataFormat = normalizeDataFormat(args.dataFormat);
    this.inputSpec = { ndim: 3 };
  }

  /** The step between frames in use: frameStep, or frameLength / 2 rounded down. */
  get effectiveFrameStep(): number {
    return this.frameStep ?? Math.max(Math.floor(this.frameLength / 2), 1);
  }

  /** The DFT size in use: fftLength, or the smallest power of two >= frameLength. */
  get effectiveFftLength(): number {
    return this.fftLength ?? 2 ** Math.ceil(Math.log2(this.frameLength));
  }

  override build(): void {
    const shape = [this.frameLength, 1, Math.floor(this.effectiveFftLength / 2) + 1];
    const kernel = (side: 'real' | 'imag') => this.addWeight({ name: `${side}_kernel`, shape, initializer: new STFT({ side, window: this.window, scaling: this.scaling, periodic: this.periodic }) });
    if (this.mode !== 'imag') this.realKernel = kernel('real');
    if (this.mode !== 'real') this.imagKernel = kernel('imag');
  }

  override call(inputs: Tensor): Tensor {
    if (inputs.dtype !== 'float32') {
      throw new Error(`STFTSpectrogram '${this.name}': expected float32 inputs. Received: dtype=${inputs.dtype}`);
    }
    const [batch, channels, time] = this.dataFormat === 'channels_last' ? [inputs.shape[0], inputs.shape[2], inputs.shape[1]] : inputs.shape;
    if (this.padding === 'valid' && time < this.frameLength) {
      throw new Error(`STFTSpectrogram '${this.name}': with padding 'valid' the signal needs at least frameLength=${this.frameLength} samples. Received: input_shape=${formatSymbolicShape([...inputs.shape])}`);
    }
    return tidy(() => {
      const signals = reshape(this.dataFormat === 'channels_last' ? transpose(inputs, [0, 2, 1]) : inputs, [batch * channels, time, 1]);
      // Each kernel gives [batch, channels, frames, bins].
      const transform = (kernel: Variable | null) => {
        const y = conv1d(signals, kernel!, { strides: this.effectiveFrameStep, padding: this.padding });
        return reshape(y, [batch, channels, y.shape[1], y.shape[2]]);
      };
      const real = this.mode === 'imag' ? null : transform(this.realKernel);
      const imag = this.mode === 'real' ? null : transform(this.imagKernel);
      return this.arrange(this.combine(real, imag));
    });
  }

  override computeOutputShape(inputShape: Shape): Shape {
    if (inputShape.length !== 3) {
      throw new Error(`STFTSpectrogram '${this.name}': expected an input of rank 3 ([batch, time, channels] or [batch, channels, time]). Received: input_shape=${formatSymbolicShape(inputShape)}`);
    }
    const [batch, time, channels] = this.dataFormat === 'channels_last' ? inputShape : [inputShape[0], inputShape[2], inputShape[1]];
    const frames = convOutputLength(time, this.frameLength, this.padding, this.effectiveFrameStep);
    const bins = (Math.floor(this.effectiveFftLength / 2) + 1) * (this.mode === 'stft' ? 2 : 1);
    if (this.expandDims) return this.dataFormat === 'channels_last' ? [batch, frames, bins, channels] : [batch, channels, frames, bins];
    const features = channels === null ? null : channels * bins;
    return this.dataFormat === 'channels_last' ? [batch, frames, features] : [batch, features, frames];
  }

  override getConfig(): Record<string, unknown> {
    return {
      ...super.getConfig(),
      mode: this.mode,
      frameLength: this.frameLength,
      frameStep: this.frameStep,
      fftLength: this.fftLength,
      window: Array.isArray(this.window) ? [...this.window] : this.window,
      periodic: this.periodic,
      scaling: this.scaling,
      padding: this.padding,
      expandDims: this.expandDims,
      dataFormat: this.dataFormat,
    };
  }

  /** The mode's output from the real and imaginary parts, [batch, channels, frames, bins]. */
  private combine(real: Tensor | null, imag: Tensor | null): Tensor {
    if (this.mode === 'real') return real!;
    if (this.mode === 'imag') return imag!;
    if (this.mode === 'angle') return arctan2(imag!, real!);
    if (this.mode === 'stft') return concat([real!, imag!], 3);
    const power = add(square(real!), square(imag!));
    if (this.mode === 'psd') {
      // The bins strictly between DC and Nyquist hold the power of their negative twins too.
      const bins = power.shape[3];
      return mul(power, tensor(Array.from({ length: bins }, (_, k) => (k === 0 || k === bins - 1 ? 1 : 2))));
    }
    const magnitude = sqrt(maximum(power, epsilon()));
    return this.mode === 'magnitude' ? magnitude : log(maximum(magnitude, epsilon()));
  }

  /** [batch, channels, frames, bins] in the layout of dataFormat and expandDims. */
  private arrange(y: Tensor): Tensor {
    const [batch, channels, frames, bins] = y.shape;
    if (this.dataFormat === 'channels_last') {
      return this.expandDims ? transpose(y, [0, 2, 3, 1]) : reshape(transpose(y, [0, 2, 1, 3]), [batch, frames, channels * bins]);
    }
    return this.expandDims ? y : reshape(transpose(y, [0, 1, 3, 2]), [batch, channels * bins, frames]);
  }
}

/** Options of the STFT initializer (keras.initializers.STFT), with Keras's defaults. */
export interface STFTArgs {
  /** 'real' (default) for the cosine kernel, 'imag' for the sine kernel. */
  side?: 'real' | 'imag';
  /** 'hann' (default), 'hamming', 'blackman', 'bartlett', 'boxcar', the window's values, or null (none). */
  window?: SpectrogramWindow;
  /** 'density' (default: the window over its L2 norm), 'spectrum' (its L1 norm) or null. */
  scaling?: SpectrogramScaling;
  /** Whether a named window is periodic (default false: symmetric). */
  periodic?: boolean;
}

/**
 * The DFT kernels of STFTSpectrogram (keras.initializers.STFT, also named STFTInitializer), of
 * shape [frameLength, 1, bins]: cos (real side) or sin (imaginary side) of -2πtk/N with
 * N = 2 (bins - 1), times the window over its scaling. Computed in float64 with the angle reduced
 * exactly (tk mod N): WGSL's cos and sin promise only about 2^-11 of absolute accuracy, too coarse
 * for a transform's cancellations.
 *
 * @example
 * const kernel = new initializers.STFT({ side: 'real', window: 'hann', scaling: 'density' }).apply([128, 1, 65]);
 */
export class STFT extends Initializer {
  readonly className = 'STFT';
  readonly side: 'real' | 'imag';
  readonly window: SpectrogramWindow;
  readonly scaling: SpectrogramScaling;
  readonly periodic: boolean;

  constructor({ side = 'real', window = 'hann', scaling = 'density', periodic = false }: STFTArgs = {}) {
    super();
    this.side = oneOf('STFT', 'side', side, ['real', 'imag'] as const);
    this.window = typeof window === 'string' ? oneOf('STFT', 'window', window, NAMED_WINDOWS) : window;
    this.scaling = scaling === null ? null : oneOf('STFT', 'scaling', scaling, ['density', 'spectrum'] as const);
    this.periodic = flag('STFT', 'periodic', periodic);
  }

  apply(shape: readonly number[], dtype: DType = 'float32'): Tensor {
    if (shape.length !== 3) throw new Error(`STFT: expected a kernel shape [frameLength, 1, bins]. Received: shape=[${shape.join(', ')}].`);
    const [frameLength, , bins] = shape;
    if (Array.isArray(this.window) && this.window.length !== frameLength) {
      throw new Error(`STFT: the window must have frameLength=${frameLength} values. Received: a window of ${this.window.length} values.`);
    }
    const period = Math.max(2 * (bins - 1), 1);
    const window = this.window === null ? new Array<number>(frameLength).fill(1) : windowValues(this.window, frameLength, this.periodic);
    const scale = this.window === null || this.scaling === null ? 1 : this.scaling === 'density' ? Math.sqrt(window.reduce((total, w) => total + w * w, 0)) : window.reduce((total, w) => total + Math.abs(w), 0);
    const wave = this.side === 'real' ? Math.cos : Math.sin;
    const values = window.flatMap((w, t) => Array.from({ length: bins }, (_, k) => (wave((-2 * Math.PI * ((t * k) % period)) / period) * w) / scale));
    return tensor(values, shape, dtype);
  }

  override getConfig(): Record<string, unknown> {
    return { side: this.side, window: Array.isArray(this.window) ? [...this.window] : this.window, periodic: this.periodic, scaling: this.scaling };
  }
}

/** SciPy's windows as sums of cosines of 2πn / (M - 1): hann, hamming, blackman. */
const COSINE_WINDOWS = { hann: [0.5, 0.5], hamming: [0.54, 0.46], blackman: [0.42, 0.5, 0.08] } as const;

/** A window's `length` values, as SciPy's get_window(name, length, fftbins=periodic) or the given list, in float64. */
function windowValues(window: Exclude<SpectrogramWindow, null>, length: number, periodic: boolean): number[] {
  if (typeof window !== 'string') return [...window];
  if (window === 'boxcar' || length === 1) return new Array<number>(length).fill(1);
  // A periodic window is the symmetric window one sample longer, without its last sample.
  const span = periodic ? length : length - 1;
  return Array.from({ length }, (_, n) => {
    if (window === 'bartlett') return 1 - Math.abs((2 * n) / span - 1);
    return COSINE_WINDOWS[window].reduce((total, a, j) => total + (j % 2 === 0 ? a : -a) * Math.cos((2 * Math.PI * j * n) / span), 0);
  });
}

export interface MelSpectrogramArgs extends LayerArgs {
  /** Samples per FFT frame (default 2048). */
  fftLength?: number;
  /** Samples between frames (default 512). */
  sequenceStride?: number;
  /** Length of the window, centred in each frame (default null: fftLength). */
  sequenceLength?: number | null;
  /** 'hann' (default), 'hamming', the window's values (sequenceLength of them), or null (none). */
  window?: 'hann' | 'hamming' | readonly number[] | null;
  /** Samples per second of the signal (default 16000). */
  samplingRate?: number;
  /** Default 128. */
  numMelBins?: number;
  /** Lower edge of the lowest mel band, in Hz (default 20). */
  minFreq?: number;
  /** Upper edge of the highest mel band, in Hz (default null: samplingRate / 2, rounded down). */
  maxFreq?: number | null;
  /** Whether the output is in decibels (default true). */
  powerToDb?: boolean;
  /** Decibel outputs are at least the largest output (over the whole batch) less topDb (default 80). */
  topDb?: number;
  /** Exponent of the magnitude: 1 magnitude, 2 power (default 2). */
  magExp?: number;
  /** Floor of the spectrogram and of refPower before the logarithm (default 1e-10). */
  minPower?: number;
  /** Decibels are relative to this power (default 1). */
  refPower?: number;
}

/** HTK's mel scale: 1127 ln(1 + f / 700). */
const hertzToMel = (hertz: number) => 1127 * Math.log(1 + hertz / 700);

/**
 * Mel spectrograms of audio signals [samples] or [batch, samples]: ops.stft (centred frames of
 * fftLength every sequenceStride samples, reflect-padded), the magnitude to the power magExp, the
 * HTK mel filterbank (triangles of peak 1 between minFreq and maxFreq, built once), and with
 * powerToDb `10 log10(max(S, minPower) / max(|refPower|, minPower))` floored at its maximum (over
 * the whole input, as Keras) less topDb. Output [..., numMelBins, frames], frames =
 * 1 + floor((samples + 2·floor(fftLength / 2) - fftLength) / sequenceStride). Integer inputs are
 * cast to float32.
 *
 * @example
 * const mel = new MelSpectrogram({ numMelBins: 80, samplingRate: 8000, sequenceStride: 128, fftLength: 2048 });
 * mel.apply(audio);   // [2, 16000] -> [2, 80, 126]
 */
export class MelSpectrogram extends Layer {
  readonly fftLength: number;
  readonly sequenceStride: number;
  readonly sequenceLength: number;
  readonly window: 'hann' | 'hamming' | readonly number[] | null;
  readonly samplingRate: number;
  readonly numMelBins: number;
  readonly minFreq: number;
  readonly maxFreq: number;
  readonly powerToDb: boolean;
  readonly topDb: number;
  readonly magExp: number;
  readonly minPower: number;
  readonly refPower: number;
  /** The filterbank [fftLength / 2 + 1, numMelBins], made by the first call; not a saved weight (Keras's layer has none). */
  private melMatrix: Variable | null = null;

  constructor(args: MelSpectrogramArgs = {}) {
    super(args);
    const label = `MelSpectrogram '${this.name}'`;
    this.fftLength = positiveInteger(label, 'fftLength', args.fftLength ?? 2048);
    this.sequenceStride = positiveInteger(label, 'sequenceStride', args.sequenceStride ?? 512);
    this.sequenceLength = positiveInteger(label, 'sequenceLength', args.sequenceLength ?? this.fftLength);
    if (this.fftLength < this.sequenceLength) {
      throw new Error(`${label}: fftLength must be greater than or equal to sequenceLength. Received: sequenceLength=${this.sequenceLength}, fftLength=${this.fftLength}`);
    }
    this.window = checkWindow(label, args.window === undefined ? 'hann' : args.window, this.sequenceLength, ['hann', 'hamming']) as MelSpectrogram['window'];
    this.samplingRate = positiveNumber(label, 'samplingRate', args.samplingRate ?? 16000);
    this.numMelBins = positiveInteger(label, 'numMelBins', args.numMelBins ?? 128);
    this.minFreq = nonNegativeNumber(label, 'minFreq', args.minFreq ?? 20);
    this.maxFreq = positiveNumber(label, 'maxFreq', args.maxFreq ?? Math.trunc(this.samplingRate / 2));
    if (this.maxFreq <= this.minFreq) throw new Error(`${label}: maxFreq must be greater than minFreq. Received: minFreq=${this.minFreq}, maxFreq=${this.maxFreq}`);
    this.powerToDb = flag(label, 'powerToDb', args.powerToDb ?? true);
    this.topDb = nonNegativeNumber(label, 'topDb', args.topDb ?? 80);
    this.magExp = positiveNumber(label, 'magExp', args.magExp ?? 2);
    this.minPower = positiveNumber(label, 'minPower', args.minPower ?? 1e-10);
    this.refPower = finiteNumber(label, 'refPower', args.refPower ?? 1);
  }

  override build(): void {
    const matrix = this.linearToMelWeightMatrix(this.numMelBins, Math.floor(this.fftLength / 2) + 1, this.samplingRate, this.minFreq, this.maxFreq);
    this.melMatrix = new Variable(matrix, { trainable: false, name: `${this.name}/mel_matrix` });
    matrix.dispose();
  }

  override get keptVariables(): readonly Variable[] {
    return this.melMatrix ? [this.melMatrix] : [];
  }

  override call(inputs: Tensor): Tensor {
    this.checkRank(inputs.shape);
    return tidy(() => {
      const signal = inputs.dtype === 'float32' ? inputs : cast(inputs, 'float32');
      const window = Array.isArray(this.window) ? tensor([...this.window]) : (this.window as 'hann' | 'hamming' | null);
      const [real, imag] = stft(signal, this.sequenceLength, this.sequenceStride, this.fftLength, { window, center: true });
      // |X|^magExp as (|X|^2)^(magExp / 2): no square root, whose gradient is infinite at silence.
      const power = add(square(real), square(imag));
      const spectrum = this.magExp === 2 ? power : pow(power, this.magExp / 2);
      const mel = tensordot(spectrum, this.melMatrix!, 1);
      return swapaxes(this.powerToDb ? this.decibels(mel) : mel, -1, -2);
    });
  }

  override computeOutputShape(inputShape: Shape): Shape {
    this.checkRank(inputShape);
    const samples = inputShape[inputShape.length - 1];
    const half = Math.floor(this.fftLength / 2);
    const frames = samples === null ? null : 1 + Math.floor((samples + 2 * half - this.fftLength) / this.sequenceStride);
    return [...inputShape.slice(0, -1), this.numMelBins, frames];
  }

  override getConfig(): Record<string, unknown> {
    return {
      ...super.getConfig(),
      fftLength: this.fftLength,
      sequenceStride: this.sequenceStride,
      sequenceLength: this.sequenceLength,
      window: Array.isArray(this.window) ? [...this.window] : this.window,
      samplingRate: this.samplingRate,
      numMelBins: this.numMelBins,
      minFreq: this.minFreq,
      maxFreq: this.maxFreq,
      powerToDb: this.powerToDb,
      topDb: this.topDb,
      magExp: this.magExp,
      minPower: this.minPower,
      refPower: this.refPower,
    };
  }

  /**
   * The matrix [numSpectrogramBins, numMelBins] taking a linear spectrum (bins evenly spaced from
   * 0 to samplingRate / 2) to the mel scale, as Keras's linear_to_mel_weight_matrix (HTK: mel(f)
   * = 1127 ln(1 + f / 700), triangles of peak 1 whose edges are evenly spaced in mels between
   * lowerEdgeHertz and upperEdgeHertz, the DC bin left out). Computed in float64.
   *
   * @example
   * layer.linearToMelWeightMatrix(3, 9, 8000, 100, 3000);   // [9, 3]
   */
  linearToMelWeightMatrix(numMelBins = 20, numSpectrogramBins = 129, samplingRate = 8000, lowerEdgeHertz = 125, upperEdgeHertz = 3800): Tensor {
    const edge = (i: number) => hertzToMel(lowerEdgeHertz) + ((hertzToMel(upperEdgeHertz) - hertzToMel(lowerEdgeHertz)) * i) / (numMelBins + 1);
    const weights = Array.from({ length: numSpectrogramBins }, (_, bin) =>
      Array.from({ length: numMelBins }, (_, band) => {
        if (bin === 0) return 0;
        const mel = hertzToMel(((samplingRate / 2) * bin) / (numSpectrogramBins - 1));
        const [lower, center, upper] = [edge(band), edge(band + 1), edge(band + 2)];
        return Math.max(0, Math.min((mel - lower) / (center - lower), (upper - mel) / (upper - center)));
      }),
    );
    return tensor(weights, [numSpectrogramBins, numMelBins]);
  }

  private decibels(mel: Tensor): Tensor {
    const reference = 10 * Math.log10(Math.max(Math.abs(this.refPower), this.minPower));
    const db = sub(mul(log10(maximum(mel, this.minPower)), 10), reference);
    return maximum(db, sub(max(db), this.topDb));
  }

  private checkRank(shape: Shape | readonly number[]): void {
    if (shape.length !== 1 && shape.length !== 2) {
      throw new Error(`MelSpectrogram '${this.name}': expected audio of shape [samples] or [batch, samples]. Received: input_shape=${formatSymbolicShape(shape as Shape)}`);
    }
  }
}

/** A window option: one of `names`, a list of `length` finite numbers, or null. */
function checkWindow(label: string, window: unknown, length: number, names: readonly string[]): SpectrogramWindow {
  if (window === null) return null;
  if (typeof window === 'string') {
    if (names.includes(window)) return window as SpectrogramWindow;
    throw new Error(`${label}: window must be one of ${names.map((n) => `'${n}'`).join(', ')}, a list of ${length} numbers, or null. Received: window='${window}'`);
  }
  if (Array.isArray(window) && window.every((v) => typeof v === 'number' && Number.isFinite(v))) {
    if (window.length !== length) throw new Error(`${label}: a window list must hold ${length} values (one per frame sample). Received: ${window.length} values`);
    return [...(window as number[])];
  }
  throw new Error(`${label}: window must be one of ${names.map((n) => `'${n}'`).join(', ')}, a list of ${length} numbers, or null. Received: window=${JSON.stringify(window)}`);
}

function oneOf<T extends string>(label: string, name: string, value: unknown, allowed: readonly T[]): T {
  if (allowed.includes(value as T)) return value as T;
  throw new Error(`${label}: invalid value for argument ${name}. Expected one of ${allowed.map((v) => `'${v}'`).join(', ')}${name === 'scaling' ? ', null' : ''}. Received: ${name}=${JSON.stringify(value)}`);
}

function positiveInteger(label: string, name: string, value: unknown): number {
  if (typeof value === 'number' && Number.isInteger(value) && value > 0) return value;
  throw new Error(`${label}: ${name} must be a positive integer. Received: ${name}=${JSON.stringify(value)}`);
}

function finiteNumber(label: string, name: string, value: unknown): number {
  if (typeof value === 'number' && Number.isFinite(value)) return value;
  throw new Error(`${label}: ${name} must be a finite number. Received: ${name}=${JSON.stringify(value)}`);
}

function positiveNumber(label: string, name: string, value: unknown): number {
  if (finiteNumber(label, name, value) > 0) return value as number;
  throw new Error(`${label}: ${name} must be positive. Received: ${name}=${JSON.stringify(value)}`);
}

function nonNegativeNumber(label: string, name: string, value: unknown): number {
  if (finiteNumber(label, name, value) >= 0) return value as number;
  throw new Error(`${label}: ${name} must be non-negative. Received: ${name}=${JSON.stringify(value)}`);
}

function flag(label: string, name: string, value: unknown): boolean {
  if (typeof value === 'boolean') return value;
  throw new Error(`${label}: ${name} must be a boolean. Received: ${name}=${JSON.stringify(value)}`);
}
