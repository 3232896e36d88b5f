// timeseriesDatasetFromArray (keras.utils.timeseries_dataset_from_array): sliding windows over a
// timeseries as a dataset of batches for fit, evaluate and predict. The series is uploaded once;
// each batch is gathered from it on the device by an int32 tensor of window positions, so only
// positions cross to the device per batch, never the data.

import { formatShape } from '../backend/types';
import { fromTypedArray, tensor, type TensorValues } from '../tensor/creation';
import { tidy } from '../tensor/memory';
import { Tensor } from '../tensor/tensor';
import { gather } from '../ops/shape';
import { checkOptionNames } from '../ops/validate';
import { seededPermutations } from './seeded_permutation';

const OP = 'timeseriesDatasetFromArray';

export interface TimeseriesDatasetOptions {
  /** Timesteps in each window. */
  sequenceLength: number;
  /** Timesteps between the starts of successive windows (default 1). */
  sequenceStride?: number;
  /** Timesteps between successive steps inside a window (default 1). */
  samplingRate?: number;
  /** Windows per batch (default 128; the last batch may be smaller); null yields single windows. */
  batchSize?: number | null;
  /** Whether each pass yields the windows in a new random order (default false: chronological). */
  shuffle?: boolean;
  /** Integer seed of the shuffling order (default: drawn from the setRandomSeed sequence). */
  seed?: number;
  /** First timestep windows may use (default 0). */
  startIndex?: number;
  /** Timestep windows end before (exclusive; default: the length of the data). */
  endIndex?: number;
}

const OPTION_NAMES = {
  sequenceLength: true, sequenceStride: true, samplingRate: true, batchSize: true, shuffle: true, seed: true, startIndex: true, endIndex: true,
} as const;

/** One element of a TimeseriesDataset: a batch of windows, with their targets when there are any. */
export type TimeseriesBatch = Tensor | [Tensor, Tensor];

/**
 * Sliding windows over a timeseries, a dataset of batches (made by timeseriesDatasetFromArray).
 * Each pass (`for ... of`, or each epoch of fit) starts over, in a new order when shuffled.
 * It holds the series on the device: call `dispose()` when done, which frees what it uploaded
 * from arrays (tensors passed in stay the caller's).
 */
export class TimeseriesDataset implements Iterable<TimeseriesBatch> {
  private disposed = false;

  /** @internal Made by timeseriesDatasetFromArray. */
  constructor(
    private readonly data: Tensor,
    private readonly targets: Tensor | null,
    private readonly uploaded: Tensor[],
    /** The timestep each window starts at, in chronological order. */
    private readonly windowStarts: Int32Array,
    private readonly sequenceLength: number,
    private readonly samplingRate: number,
    private readonly batchSize: number | null,
    private readonly permutation: ((n: number) => Int32Array) | null,
  ) {}

  /** Windows each pass yields. */
  get windowCount(): number {
    return this.windowStarts.length;
  }

  /** Elements each pass yields: batches, or windows without a batch size. */
  get length(): number {
    return this.batchSize === null ? this.windowCount : Math.ceil(this.windowCount / this.batchSize);
  }

  *[Symbol.iterator](): Iterator<TimeseriesBatch> {
    this.checkUsable();
    const order = this.permutation?.(this.windowCount) ?? null;
    const perBatch = this.batchSize ?? 1;
    for (let first = 0; first < this.windowCount; first += perBatch) {
      this.checkUsable();
      const count = Math.min(perBatch, this.windowCount - first);
      const steps = new Int32Array(count * this.sequenceLength);
      const starts = new Int32Array(count);
      for (let w = 0; w < count; w++) {
        starts[w] = this.windowStarts[order ? order[first + w] : first + w];
        for (let j = 0; j < this.sequenceLength; j++) steps[w * this.sequenceLength + j] = starts[w] + j * this.samplingRate;
      }
      // Unbatched, the positions are a single window's: [sequenceLength] and a scalar.
      const windowShape = this.batchSize === null ? [this.sequenceLength] : [count, this.sequenceLength];
      const startShape = this.batchSize === null ? [] : [count];
      yield tidy((): TimeseriesBatch => {
        const inputs = gather(this.data, fromTypedArray(steps, windowShape, 'int32'), 0);
        return this.targets ? [inputs, gather(this.targets, fromTypedArray(starts, startShape, 'int32'), 0)] : inputs;
      });
    }
  }

  /** Frees the tensors uploaded from arrays; the dataset cannot be iterated afterwards. */
  dispose(): void {
    for (const t of this.uploaded) if (!t.isDisposed) t.dispose();
    this.disposed = true;
  }

  private checkUsable(): void {
    if (this.disposed) throw new Error(`${OP}: this dataset was disposed; make a new one to iterate again.`);
    for (const [name, t] of [['data', this.data], ['targets', this.targets]] as const) {
      if (t?.isDisposed) throw new Error(`${OP}: the ${name} tensor (shape ${formatShape(t.shape)}) was disposed while the dataset still uses it.`);
    }
  }
}

/**
 * Creates a dataset of sliding windows over a timeseries (keras.utils.timeseries_dataset_from_array).
 * `data` holds consecutive timesteps along axis 0 (shape [N, ...features]); window i is timesteps
 * `start_i, start_i + samplingRate, ...` (`sequenceLength` of them), and windows start every
 * `sequenceStride` steps from `startIndex`, as long as they end before `endIndex`. `targets[t]` is
 * the target of the window starting at timestep t; with targets null the dataset yields the
 * windows alone. Batches have shape [batch, sequenceLength, ...features] (targets: [batch, ...]).
 *
 * As in Keras, a window whose target lies past the end of `targets` is left out. Shuffling orders
 * the windows by a seeded generator of this library: reproducible with `seed`, a new order each
 * pass, but not NumPy's order. Unlike Keras, a range that fits no window is an error rather than an
 * empty dataset.
 *
 * @example
 * // Predict the next value from the 10 before it.
 * const series = Array.from({ length: 100 }, (_, i) => Math.sin(i / 5));
 * const dataset = utils.timeseriesDatasetFromArray(series.slice(0, -10).map((v) => [v]), series.slice(10), { sequenceLength: 10, batchSize: 16 });
 * await model.fit(dataset, { epochs: 5 });   // batches of [16, 10, 1] windows and [16] targets
 * dataset.dispose();
 */
export function timeseriesDatasetFromArray(data: Tensor | TensorValues, targets: Tensor | TensorValues | null, options: TimeseriesDatasetOptions): TimeseriesDataset {
  if (options === null || typeof options !== 'object') throw new Error(`${OP}: options with a \`sequenceLength\` are required. Received: ${String(options)}.`);
  checkOptionNames(OP, options, OPTION_NAMES);
  const { sequenceLength, sequenceStride = 1, samplingRate = 1, batchSize = 128, shuffle = false, seed, startIndex, endIndex } = options;
  if (targets === undefined) throw new Error(`${OP}: \`targets\` is missing; pass null for a dataset of inputs only.`);
  const length = timesteps(data, 'data');
  const targetLength = targets === null ? null : timesteps(targets, 'targets');
  checkInteger('sequenceLength', sequenceLength);
  if (sequenceLength <= 0) throw new Error(`${OP}: \`sequenceLength\` must be higher than 0. Received: sequenceLength=${sequenceLength}`);
  for (const [name, value] of [['sequenceStride', sequenceStride], ['samplingRate', samplingRate], ['startIndex', startIndex], ['endIndex', endIndex], ['seed', seed]] as const) {
    if (value !== undefined) checkInteger(name, value);
  }
  if (startIndex !== undefined) {
    if (startIndex < 0) throw new Error(`${OP}: \`startIndex\` must be 0 or greater. Received: startIndex=${startIndex}`);
    if (startIndex >= length) throw new Error(`${OP}: \`startIndex\` must be lower than the length of the data. Received: startIndex=${startIndex}, for data of length ${length}`);
  }
  if (endIndex !== undefined) {
    if (startIndex !== undefined && endIndex <= startIndex) throw new Error(`${OP}: \`endIndex\` must be higher than \`startIndex\`. Received: startIndex=${startIndex}, and endIndex=${endIndex}`);
    if (endIndex >= length) throw new Error(`${OP}: \`endIndex\` must be lower than the length of the data. Received: endIndex=${endIndex}, for data of length ${length}`);
    if (endIndex <= 0) throw new Error(`${OP}: \`endIndex\` must be higher than 0. Received: endIndex=${endIndex}`);
  }
  for (const [name, value] of [['samplingRate', samplingRate], ['sequenceStride', sequenceStride]] as const) {
    if (value <= 0) throw new Error(`${OP}: \`${name}\` must be higher than 0. Received: ${name}=${value}`);
    if (value >= length) throw new Error(`${OP}: \`${name}\` must be lower than the length of the data. Received: ${name}=${value}, for data of length ${length}`);
  }
  if (batchSize !== null) {
    checkInteger('batchSize', batchSize);
    if (batchSize <= 0) throw new Error(`${OP}: \`batchSize\` must be a positive integer or null. Received: batchSize=${batchSize}`);
  }
  if (typeof shuffle !== 'boolean') throw new Error(`${OP}: \`shuffle\` must be a boolean. Received: shuffle=${String(shuffle)}`);

  const start = startIndex ?? 0;
  const end = endIndex ?? length;
  const span = (sequenceLength - 1) * samplingRate + 1;
  // Keras: windows may start at 0 .. end - start - span (relative to start), and only where a target exists.
  let startCount = end - start - span + 1;
  if (targetLength !== null) startCount = Math.min(startCount, targetLength - start);
  if (startCount <= 0) {
    const targetsNote = targetLength === null ? '' : ` (and windows need a target: targets has length ${targetLength})`;
    throw new Error(
      `${OP}: no window fits: a window of sequenceLength=${sequenceLength} at samplingRate=${samplingRate} spans ${span} timesteps, ` +
        `but timesteps [${start}, ${end}) of the data hold ${end - start}${targetsNote}.`,
    );
  }
  const windowStarts = Int32Array.from({ length: Math.ceil(startCount / sequenceStride) }, (_, i) => start + i * sequenceStride);
  const permutation = shuffle ? seededPermutations(OP, seed) : null;

  const uploaded: Tensor[] = [];
  try {
    const series = upload(data, 'data', uploaded);
    const targetSeries = targets === null ? null : upload(targets, 'targets', uploaded);
    return new TimeseriesDataset(series, targetSeries, uploaded, windowStarts, sequenceLength, samplingRate, batchSize, permutation);
  } catch (e) {
    uploaded.forEach((t) => t.dispose());
    throw e;
  }
}

/** The number of timesteps (the length of axis 0), read without uploading anything. */
function timesteps(values: Tensor | TensorValues, name: string): number {
  if (values instanceof Tensor) {
    if (values.isDisposed) throw new Error(`${OP}: \`${name}\` (shape ${formatShape(values.shape)}) was disposed.`);
    if (values.rank === 0) throw new Error(`${OP}: \`${name}\` is a scalar; expected timesteps along axis 0 (shape [timesteps, ...features]).`);
    return values.shape[0];
  }
  if (Array.isArray(values) || (ArrayBuffer.isView(values) && !(values instanceof DataView))) return (values as ArrayLike<unknown>).length;
  throw new Error(`${OP}: \`${name}\` must be a tensor, nested arrays or a typed array of shape [timesteps, ...features]. Received: ${typeof values}.`);
}

function upload(values: Tensor | TensorValues, name: string, uploaded: Tensor[]): Tensor {
  if (values instanceof Tensor) return values;
  let t: Tensor;
  try {
    t = tensor(values);
  } catch (e) {
    throw new Error(`${OP}: \`${name}\` could not be converted to a tensor: ${(e as Error).message}`);
  }
  uploaded.push(t);
  return t;
}

function checkInteger(name: string, value: unknown): asserts value is number {
  if (typeof value !== 'number' || !Number.isInteger(value)) throw new Error(`${OP}: \`${name}\` must be an integer. Received: ${name}=${String(value)}`);
}
