// Short-time Fourier transforms (keras.ops.stft, keras.ops.istft) along the last axis. Framing is
// a gather with an index list computed from shapes; the transforms are ops.rfft / ops.irfft; the
// inverse's overlap-add is reshapes, pads and a sum. All of it runs as existing GPU kernels and
// is differentiable through its parts. The inverse follows Keras's NumPy backend (SciPy's istft):
// the overlap-added windowed frames are divided by the overlap-added squared window.

import { formatShape, sizeOf } from '../backend/types';
import { tensor } from '../tensor/creation';
import { tidy } from '../tensor/memory';
import type { Tensor } from '../tensor/tensor';
import { ones } from './creation';
import { divide, greater, mul, square, where } from './elementwise';
import { checkComplexPair, irfft, rfft } from './fft';
import { sum } from './reduce';
import { broadcastTo, gather, moveaxis, pad, reshape, slice } from './shape';
import { checkOptionNames, checkTensor } from './validate';

/** A window by name (SciPy's periodic windows, as Keras), as a tensor of `sequenceLength` values, or none. */
export type StftWindow = 'hann' | 'hamming' | Tensor | null;

export interface StftOptions {
  /** The window applied to each sequence (default 'hann'); null: none. */
  window?: StftWindow;
  /** Whether `x` is reflect-padded by `fftLength / 2` on both sides so that frame t is centred at t·stride (default true). */
  center?: boolean;
}

export interface IstftOptions extends StftOptions {
  /** The exact length of the output (default: every sample the frames cover, less the centring padding). */
  length?: number;
}

/** Below this the overlap-added squared window does not divide the signal, as SciPy. */
const ENVELOPE_FLOOR = 1e-10;

/**
 * The short-time Fourier transform of `x` along its last axis, as `keras.ops.stft`: frames of
 * `fftLength` samples every `sequenceStride` samples (after reflect-padding by `fftLength / 2`
 * when `center`, the default), each multiplied by the window (`sequenceLength` values, centred
 * in the frame with zeros around it) and transformed by rfft. Returns [real, imag] of shape
 * `[...x.shape[:-1], frames, fftLength / 2 + 1]`. float32 input only, as Keras.
 *
 * @example
 * ops.stft(tensor([0, 1, 2, 3, 4]), 3, 2, 3);   // real [[0.75, -0.375], [3.75, -1.875], [5.25, -2.625]]
 */
export function stft(x: Tensor, sequenceLength: number, sequenceStride: number, fftLength: number, options: StftOptions = {}): [Tensor, Tensor] {
  checkTensor('stft', x);
  checkOptionNames('stft', options, { window: true, center: true } satisfies Record<keyof StftOptions, true>);
  const { window = 'hann', center = true } = options;
  checkFrameArguments('stft', sequenceLength, sequenceStride, fftLength, window);
  if (x.dtype !== 'float32') throw new Error(`stft: expected a float32 tensor, got ${x.dtype}.`);
  if (x.rank < 1) throw new Error(`stft: expected a tensor of rank >= 1, got shape ${formatShape(x.shape)}.`);
  const half = Math.floor(fftLength / 2);
  const samples = x.shape[x.rank - 1];
  if (center && samples < 2 && half > 0) {
    throw new Error(`stft: center=true reflect-pads the last axis, which needs at least 2 samples; got shape ${formatShape(x.shape)}.`);
  }
  const padded = samples + (center ? 2 * half : 0);
  const frames = 1 + Math.floor((padded - fftLength) / sequenceStride);
  if (padded < fftLength) {
    throw new Error(`stft: the signal (${padded} samples${center ? ' after centring' : ''}) is shorter than fftLength ${fftLength}; got shape ${formatShape(x.shape)}.`);
  }
  return tidy(() => {
    const signal = center ? pad(x, x.shape.map((_, axis) => [axis === x.rank - 1 ? half : 0, axis === x.rank - 1 ? half : 0] as const), 'reflect') : x;
    const positions = Array.from({ length: frames }, (_, f) => Array.from({ length: fftLength }, (_, t) => f * sequenceStride + t));
    const framed = gather(signal, positions, x.rank - 1);
    return rfft(mul(framed, frameWindow(window, sequenceLength, fftLength)), fftLength);
  });
}

/**
 * The inverse of `stft`, as `keras.ops.istft`: each frame of `x = [real, imag]` (shape
 * `[..., frames, bins]`) is transformed back by irfft to `fftLength` samples, multiplied by the
 * window, overlap-added every `sequenceStride` samples, and divided by the overlap-added squared
 * window (where that exceeds 1e-10); without a window the sum is scaled by
 * fftLength / (sequenceStride · frame count), as Keras's NumPy backend. With `center` the
 * `fftLength / 2` padding samples are dropped at the start and, unless `length` is given, at the end;
 * `length` crops the result (it is never padded).
 *
 * @example
 * ops.istft(ops.stft(x, 8, 2, 8), 8, 2, 8);   // x, for a signal of 8 samples or more
 */
export function istft(x: readonly [Tensor, Tensor], sequenceLength: number, sequenceStride: number, fftLength: number, options: IstftOptions = {}): Tensor {
  const [real] = checkComplexPair('istft', x, 2);
  checkOptionNames('istft', options, { window: true, center: true, length: true } satisfies Record<keyof IstftOptions, true>);
  const { window = 'hann', center = true, length } = options;
  checkFrameArguments('istft', sequenceLength, sequenceStride, fftLength, window);
  if (length !== undefined && (!Number.isInteger(length) || length < 0)) {
    throw new Error(`istft: length must be a non-negative integer, got ${String(length)}.`);
  }
  const frames = real.shape[real.rank - 2];
  if (frames < 1) throw new Error(`istft: expected at least one frame, got shape ${formatShape(real.shape)}.`);
  const covered = fftLength + sequenceStride * (frames - 1);
  const start = center ? Math.floor(fftLength / 2) : 0;
  const end = Math.min(covered, length !== undefined ? start + length : center ? covered - Math.floor(fftLength / 2) : covered);
  return tidy(() => {
    const signals = irfft(x, fftLength);
    let result: Tensor;
    if (window === null) {
      const coverage = overlapAdd(ones([frames, fftLength]), sequenceStride);
      result = mul(overlapAdd(signals, sequenceStride), divide(fftLength / sequenceStride, coverage));
    } else {
      const weights = frameWindow(window, sequenceLength, fftLength);
      const envelope = overlapAdd(broadcastTo(square(weights), [frames, fftLength]), sequenceStride);
      const divisor = where(greater(envelope, ENVELOPE_FLOOR), envelope, 1);
      result = divide(overlapAdd(mul(signals, weights), sequenceStride), divisor);
    }
    const begin = new Array<number>(result.rank).fill(0);
    begin[result.rank - 1] = start;
    return slice(result, begin, [...result.shape.slice(0, -1), Math.max(end - start, 0)]);
  });
}

/**
 * Sums frames `[..., F, n]` placed every `stride` samples into `[..., (F - 1)·stride + n]`. Each
 * frame is cut into S = ceil(n / stride) blocks of `stride` samples; output block b is the sum of
 * block s of frame b - s over s. Laying the blocks out as [S, F + S] (frames padded by S) and
 * re-reading that memory as [S, F + S - 1] shifts row s right by s, so a sum over S finishes it.
 */
function overlapAdd(frames: Tensor, stride: number): Tensor {
  const batch = frames.shape.slice(0, -2);
  const [count, n] = frames.shape.slice(-2);
  const batchSize = sizeOf(batch);
  const blocks = Math.ceil(n / stride);
  const flat = reshape(frames, [batchSize, count, n]);
  const blocked = reshape(pad(flat, [[0, 0], [0, 0], [0, blocks * stride - n]]), [batchSize, count, blocks, stride]);
  const byBlock = pad(moveaxis(blocked, 2, 1), [[0, 0], [0, 0], [0, blocks], [0, 0]]);
  const rows = reshape(byBlock, [batchSize, blocks * (count + blocks), stride]);
  const shifted = reshape(slice(rows, [0, 0, 0], [batchSize, blocks * (count + blocks - 1), stride]), [batchSize, blocks, count + blocks - 1, stride]);
  const summed = reshape(sum(shifted, 1), [batchSize, (count + blocks - 1) * stride]);
  const total = (count - 1) * stride + n;
  return reshape(slice(summed, [0, 0], [batchSize, total]), [...batch, total]);
}

/** The window of one frame: `sequenceLength` values centred in `fftLength` with zeros around them. */
function frameWindow(window: StftWindow, sequenceLength: number, fftLength: number): Tensor {
  const before = Math.floor((fftLength - sequenceLength) / 2);
  const after = fftLength - sequenceLength - before;
  if (window === null) return ones([fftLength]);
  if (typeof window !== 'string') return pad(window, [[before, after]]);
  const [a0, a1] = window === 'hann' ? [0.5, 0.5] : [0.54, 0.46];
  // SciPy's get_window gives periodic windows; a window of one sample is [1].
  const values = sequenceLength === 1 ? [1] : Array.from({ length: sequenceLength }, (_, k) => a0 - a1 * Math.cos((2 * Math.PI * k) / sequenceLength));
  return tensor([...new Array<number>(before).fill(0), ...values, ...new Array<number>(after).fill(0)]);
}

/** Checks the framing arguments shared by stft and istft. */
function checkFrameArguments(op: string, sequenceLength: number, sequenceStride: number, fftLength: number, window: StftWindow): void {
  for (const [name, value] of [['sequenceLength', sequenceLength], ['sequenceStride', sequenceStride], ['fftLength', fftLength]] as const) {
    if (!Number.isInteger(value) || value < 1) throw new Error(`${op}: ${name} must be a positive integer, got ${String(value)}.`);
  }
  if (fftLength < sequenceLength) {
    throw new Error(`${op}: fftLength must be >= sequenceLength, got sequenceLength=${sequenceLength}, fftLength=${fftLength}.`);
  }
  if (typeof window === 'string') {
    if (window !== 'hann' && window !== 'hamming') throw new Error(`${op}: window must be 'hann', 'hamming', a tensor or null, got '${window}'.`);
    return;
  }
  if (window === null) return;
  checkTensor(op, window);
  if (window.rank !== 1 || window.shape[0] !== sequenceLength || window.dtype !== 'float32') {
    throw new Error(`${op}: a window tensor must be float32 of shape [${sequenceLength}] (sequenceLength), got ${window.dtype} of shape ${formatShape(window.shape)}.`);
  }
}
