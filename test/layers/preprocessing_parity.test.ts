// The preprocessing layers against real Keras 3.15.1 (JAX backend): every case of
// test/fixtures/keras/preprocessing_parity.json (written by make_preprocessing_parity.py) on the
// CPU backend, and every sixth on WebGPU. Known differences, left out of the fixture:
// - IntegerLookup, StringLookup, TextVectorization, Hashing, HashedCrossing and
//   Discretization.adapt need TensorFlow in Keras, so they are not compared here (their tests use
//   Keras's docstring values and hand values);
// - Keras's Resizing returns integer images rounded in their dtype; this library's gives float32
//   (documented on Resizing);
// - Keras's RandomCrop returns its input unchanged in inference (against its own docstring and
//   compute_output_shape); this library's takes the centered window of the target aspect ratio and
//   resizes it, so that the output shape is the same in training and inference;
// - Keras's Solarization draws from [factor[0], factor[1] * 255] (the lower bound unscaled), this
//   library's from [factor[0] * 255, factor[1] * 255]; Keras's RandomSaturation with a factor of 1
//   scales saturation by 1e7 and clips it to the value range, not to [0, 1], giving negative pixels;
// - Keras's RandomRotation reads bounding boxes as xyxy whatever the layer's box format (it
//   converts them back to the format after rotating them), so only its xyxy boxes are compared;
// - channels-first images (this library's image layers take channels last only).
import { readFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import { init, tensor, type Layer, type Tensor } from '../../src/node';
import * as layers from '../../src/layers/index';
import { useWebGPU } from '../helpers';

interface Encoded { dtype: 'float32' | 'int32'; shape: number[]; values: Array<number | string> }
interface BoxCase {
  layer: string;
  args: Record<string, unknown>;
  format: string;
  boxes: Encoded;
  labels: Encoded;
  outputBoxes: Encoded;
  outputLabels: Encoded;
  outputImageShape: number[];
}
interface ParityCase {
  name: string;
  layer: string;
  args: Record<string, unknown>;
  input: Encoded;
  output: Encoded;
  adapt?: Encoded;
  training?: boolean;
  call?: Record<string, Encoded>;
  /** 'flip': RandomFlip's draws differ from Keras's, so each output image must be an allowed flip of its input. */
  check?: 'flip';
}

const { cases, boxCases } = JSON.parse(readFileSync(new URL('../fixtures/keras/preprocessing_parity.json', import.meta.url), 'utf8')) as { cases: ParityCase[]; boxCases: BoxCase[] };

const camelCase = (key: string) => key.replace(/_([a-z0-9])/g, (_, c: string) => c.toUpperCase());
const toNumber = (v: number | string) => (typeof v === 'number' ? v : Number(v.replace('inf', 'Infinity')));
const toTensor = (e: Encoded) => tensor(e.values.map(toNumber), e.shape, e.dtype);

/** Whether image b of the output is one of the flips `mode` allows of input image b (channels last). */
function isFlip(got: number[], input: number[], [, height, width, channels]: number[], b: number, mode: string): boolean {
  const flips = mode === 'horizontal' ? ['', 'h'] : mode === 'vertical' ? ['', 'v'] : ['', 'h', 'v', 'hv'];
  const offset = b * height * width * channels;
  return flips.some((flip) => {
    for (let i = 0; i < height; i++) for (let j = 0; j < width; j++) for (let k = 0; k < channels; k++) {
      const si = flip.includes('v') ? height - 1 - i : i;
      const sj = flip.includes('h') ? width - 1 - j : j;
      if (got[offset + (i * width + j) * channels + k] !== input[offset + (si * width + sj) * channels + k]) return false;
    }
    return true;
  });
}

async function runCase(c: ParityCase): Promise<void> {
  const args = Object.fromEntries(Object.entries(c.args).map(([k, v]) => [camelCase(k), v]));
  const LayerClass = (layers as unknown as Record<string, new (a: unknown) => Layer>)[c.layer];
  expect(LayerClass, c.layer).toBeDefined();
  const layer = new LayerClass(args);
  if (c.adapt) await (layer as unknown as { adapt(t: Tensor): Promise<void> }).adapt(toTensor(c.adapt));
  const options: Record<string, unknown> = c.training === undefined ? {} : { training: c.training };
  for (const [k, v] of Object.entries(c.call ?? {})) options[camelCase(k)] = toTensor(v);
  const y = layer.apply(toTensor(c.input), options) as Tensor;
  expect(y.shape, c.name).toEqual(c.output.shape);
  expect(y.dtype === 'int32', `${c.name}: dtype ${y.dtype}`).toBe(c.output.dtype === 'int32');
  const got = Array.from(await y.data(), Number);
  if (c.check === 'flip') {
    const input = c.input.values.map(toNumber);
    for (let b = 0; b < c.input.shape[0]; b++) expect(isFlip(got, input, c.input.shape, b, String(c.args.mode)), `${c.name}: image ${b}`).toBe(true);
    return;
  }
  const want = c.output.values.map(toNumber);
  const angle = c.args.mode === 'angle';
  // float32 rounding differs between the two: an error small against the output's scale (a value
  // near 0 from the cancellation of large terms) passes, and logs and phases of near-zero STFT
  // bins, which magnify it, pass within 1e-3; phases may sit on either side of the branch cut.
  const scale = Math.max(1, ...want.filter(Number.isFinite).map(Math.abs));
  const tolerance = (w: number) => (angle || c.args.mode === 'log' ? 1e-3 : 2e-5 * Math.max(1, Math.abs(w)) + 2e-6 * scale);
  want.forEach((w, i) => {
    if (Number.isNaN(w) && Number.isNaN(got[i])) return;
    const diff = angle ? Math.min(Math.abs(got[i] - w), Math.abs(Math.abs(got[i] - w) - 2 * Math.PI)) : Math.abs(got[i] - w);
    if (!(diff <= tolerance(w))) throw new Error(`${c.name} (${c.layer} ${JSON.stringify(c.args)}), element ${i}: got ${got[i]}, Keras ${w}`);
  });
}

describe('preprocessing layers against Keras (cpu)', () => {
  beforeAll(async () => {
    await init({ backend: 'cpu' });
  });
  it.each(cases.map((c) => [c.name, c] as const))('%s', async (_, c) => {
    await runCase(c);
  });
});

/** Keras's dict through the layer, on zero images [2, 8, 10, 3]: the boxes and their labels as Keras gives them. */
async function runBoxCase(c: BoxCase): Promise<void> {
  const args = Object.fromEntries(Object.entries(c.args).map(([k, v]) => [camelCase(k), v]));
  const LayerClass = (layers as unknown as Record<string, new (a: unknown) => Layer>)[c.layer];
  const layer = new LayerClass({ ...args, boundingBoxFormat: c.format }) as unknown as {
    apply(data: unknown, options: unknown): { images: Tensor; bounding_boxes: { boxes: Tensor; labels: Tensor } };
  };
  const images = tensor(new Array(2 * 8 * 10 * 3).fill(0), [2, 8, 10, 3]);
  const out = layer.apply({ images, bounding_boxes: { boxes: toTensor(c.boxes), labels: toTensor(c.labels) } }, { training: true });
  expect(out.images.shape).toEqual(c.outputImageShape);
  expect(out.bounding_boxes.boxes.shape).toEqual(c.outputBoxes.shape);
  expect(Array.from(await out.bounding_boxes.labels.data(), Number)).toEqual(c.outputLabels.values);
  const got = Array.from(await out.bounding_boxes.boxes.data(), Number);
  c.outputBoxes.values.map(toNumber).forEach((want, i) => {
    if (!(Math.abs(got[i] - want) <= 1e-4 * Math.max(1, Math.abs(want)))) throw new Error(`${c.layer} ${c.format} ${JSON.stringify(c.args)}, box value ${i}: got ${got[i]}, Keras ${want}`);
  });
}

describe('bounding boxes through the image layers against Keras (cpu)', () => {
  beforeAll(async () => {
    await init({ backend: 'cpu' });
  });
  it.each(boxCases.map((c) => [`${c.layer} ${c.format} ${JSON.stringify(c.args)}`, c] as const))('%s', async (_, c) => {
    await runBoxCase(c);
  });
});

describe('preprocessing layers against Keras (webgpu sample)', () => {
  useWebGPU();
  const sample = cases.filter((_, i) => i % 6 === 0);
  it(`match Keras on ${sample.length} sampled cases`, async () => {
    for (const c of sample) await runCase(c);
  });
  it('match Keras on sampled bounding box cases', async () => {
    for (const c of boxCases.filter((_, i) => i % 5 === 0)) await runBoxCase(c);
  });
});
