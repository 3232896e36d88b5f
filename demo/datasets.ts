// The demo's datasets, generated in the page from a seed (nothing to download): five 2-D point
// sets for the decision-boundary view and a small set of 8x8 digit glyphs for the CNN. Plain
// arrays only; main.ts turns them into tensors.

export type PointsKind = 'spirals' | 'moons' | 'circles' | 'xor' | 'blobs';
export type DatasetKind = PointsKind | 'digits';

export interface DatasetOptions {
  kind: DatasetKind;
  /** Number of classes; moons and XOR always have 2, digits 10. */
  classes: number;
  /** 0 (clean) to 1 (very noisy). */
  noise: number;
  samples: number;
  seed: number;
}

export interface Dataset {
  kind: DatasetKind;
  classes: number;
  /** Shape of one sample: [2] for points, [8, 8, 1] for digits. */
  sampleShape: number[];
  /** Samples, row-major, already shuffled. */
  x: Float32Array;
  labels: Int32Array;
  count: number;
}

/** Datasets whose class count is fixed, whatever the class slider says. */
export const FIXED_CLASSES: Partial<Record<DatasetKind, number>> = { moons: 2, xor: 2, digits: 10 };

/** The square every point set lies in (and the decision boundary is drawn over). */
export const POINT_DOMAIN = 1.25;

export function classCount(options: Pick<DatasetOptions, 'kind' | 'classes'>): number {
  return FIXED_CLASSES[options.kind] ?? options.classes;
}

export function makeDataset(options: DatasetOptions): Dataset {
  const random = seededRandom(options.seed);
  const classes = classCount(options);
  const samples = options.kind === 'digits' ? makeDigits(options.samples, options.noise, random) : makePoints(options.kind, options.samples, classes, options.noise, random);
  const order = shuffled(samples.length, random);
  const width = samples[0].x.length;
  const x = new Float32Array(samples.length * width);
  const labels = new Int32Array(samples.length);
  order.forEach((from, to) => {
    x.set(samples[from].x, to * width);
    labels[to] = samples[from].label;
  });
  return { kind: options.kind, classes, sampleShape: options.kind === 'digits' ? [8, 8, 1] : [2], x, labels, count: samples.length };
}

interface Sample {
  x: number[];
  label: number;
}

function makePoints(kind: PointsKind, count: number, classes: number, noise: number, random: Random): Sample[] {
  const gauss = () => gaussian(random);
  const out: Sample[] = [];
  for (let i = 0; i < count; i++) {
    const label = i % classes;
    const t = random();
    let x: number;
    let y: number;
    switch (kind) {
      case 'spirals': {
        // Arms start near the centre and wind 1.25 turns outwards, evenly rotated per class.
        const radius = 0.1 + 0.9 * t;
        const angle = (2 * Math.PI * label) / classes + t * 2.5 * Math.PI;
        x = radius * Math.cos(angle) + gauss() * noise * 0.12;
        y = radius * Math.sin(angle) + gauss() * noise * 0.12;
        break;
      }
      case 'moons': {
        // scikit-learn's two interleaving half circles, centred and scaled into the domain.
        const angle = Math.PI * t;
        const [mx, my] = label === 0 ? [Math.cos(angle), Math.sin(angle)] : [1 - Math.cos(angle), 0.5 - Math.sin(angle)];
        x = (mx - 0.5) / 1.5 + gauss() * noise * 0.2;
        y = (my - 0.25) / 1.5 + gauss() * noise * 0.2;
        break;
      }
      case 'circles': {
        const angle = 2 * Math.PI * t;
        const radius = (0.95 * (label + 1)) / classes - 0.4 / classes + gauss() * noise * 0.12;
        x = radius * Math.cos(angle);
        y = radius * Math.sin(angle);
        break;
      }
      case 'xor': {
        // Uniform in the square, away from the axes; the label is the sign of x*y.
        const side = () => (random() < 0.5 ? -1 : 1) * (0.05 + 0.95 * random());
        let sx = side();
        const sy = side();
        if ((sx * sy > 0 ? 0 : 1) !== label) sx = -sx;
        x = sx + gauss() * noise * 0.2;
        y = sy + gauss() * noise * 0.2;
        break;
      }
      case 'blobs': {
        const angle = (2 * Math.PI * label) / classes + 0.4;
        const spread = 0.08 + noise * 0.3;
        x = 0.65 * Math.cos(angle) + gauss() * spread;
        y = 0.65 * Math.sin(angle) + gauss() * spread;
        break;
      }
    }
    out.push({ x: [clamp(x, POINT_DOMAIN), clamp(y, POINT_DOMAIN)], label });
  }
  return out;
}

/** 5x7 bitmaps of the digits 0-9, one string per row. */
const GLYPHS = [
  ['01110', '10001', '10011', '10101', '11001', '10001', '01110'],
  ['00100', '01100', '00100', '00100', '00100', '00100', '01110'],
  ['01110', '10001', '00001', '00010', '00100', '01000', '11111'],
  ['11111', '00010', '00100', '00010', '00001', '10001', '01110'],
  ['00010', '00110', '01010', '10010', '11111', '00010', '00010'],
  ['11111', '10000', '11110', '00001', '00001', '10001', '01110'],
  ['00110', '01000', '10000', '11110', '10001', '10001', '01110'],
  ['11111', '00001', '00010', '00100', '01000', '01000', '01000'],
  ['01110', '10001', '10001', '01110', '10001', '10001', '01110'],
  ['01110', '10001', '10001', '01111', '00001', '00010', '01100'],
];

/**
 * Digit glyphs on an 8x8 canvas, shifted by up to 3 columns and 1 row, with random ink strength,
 * a few missing stroke pixels and Gaussian noise: "handwritten" enough that a CNN has to learn.
 */
function makeDigits(count: number, noise: number, random: Random): Sample[] {
  const out: Sample[] = [];
  for (let i = 0; i < count; i++) {
    const label = i % 10;
    const image = new Array<number>(64).fill(0);
    const dx = Math.floor(random() * 4);
    const dy = Math.floor(random() * 2);
    const ink = 0.6 + 0.4 * random();
    GLYPHS[label].forEach((row, r) => {
      for (let c = 0; c < 5; c++) {
        if (row[c] === '1' && random() > 0.08 * (0.5 + noise)) image[(r + dy) * 8 + c + dx] = ink;
      }
    });
    out.push({ x: image.map((v) => Math.min(1, Math.max(0, v + gaussian(random) * noise * 0.35))), label });
  }
  return out;
}

type Random = () => number;

/** mulberry32: a small seeded generator, so a dataset is the same on every visit. */
function seededRandom(seed: number): Random {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = Math.imul(s ^ (s >>> 15), s | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function gaussian(random: Random): number {
  return Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random());
}

function shuffled(n: number, random: Random): number[] {
  const order = Array.from({ length: n }, (_, i) => i);
  for (let i = n - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [order[i], order[j]] = [order[j], order[i]];
  }
  return order;
}

function clamp(v: number, limit: number): number {
  return Math.max(-limit, Math.min(limit, v));
}
