// What the model has learned, drawn on a canvas: for 2-D points, the decision boundary (the class
// probabilities of a grid of points, one predict and one readback, coloured by class and shaded
// by confidence) under the data; for digits, a gallery of validation glyphs with their predictions.

import { POINT_DOMAIN } from './datasets';

export const CLASS_COLORS = ['#2563eb', '#ea580c', '#059669', '#c026d3', '#ca8a04'];

/** Cells per side of the prediction grid. */
export const GRID_RESOLUTION = 48;

/** Centres of the grid cells, row-major from the top-left, as [x, y] pairs. */
export function gridPoints(resolution = GRID_RESOLUTION): Float32Array {
  const points = new Float32Array(resolution * resolution * 2);
  for (let row = 0; row < resolution; row++) {
    for (let col = 0; col < resolution; col++) {
      const i = (row * resolution + col) * 2;
      points[i] = toDomain((col + 0.5) / resolution);
      points[i + 1] = -toDomain((row + 0.5) / resolution);
    }
  }
  return points;
}

export interface PointsView {
  x: Float32Array;
  labels: Int32Array;
  /** The first trainCount samples are training data, the rest validation. */
  trainCount: number;
}

/**
 * Paints the class probabilities (GRID_RESOLUTION^2 rows of `classes` columns) smoothly scaled to
 * the canvas, then the points: filled for training, hollow for validation.
 */
export function drawBoundary(canvas: HTMLCanvasElement, probabilities: Float32Array, classes: number, data: PointsView): void {
  const g = prepare(canvas);
  const size = canvas.clientWidth;
  const resolution = GRID_RESOLUTION;
  const cells = new ImageData(resolution, resolution);
  const rgb = CLASS_COLORS.map(parseHex);
  for (let cell = 0; cell < resolution * resolution; cell++) {
    const p = probabilities.subarray(cell * classes, (cell + 1) * classes);
    const mix = [0, 0, 0];
    let top = 0;
    p.forEach((pk, k) => {
      for (let c = 0; c < 3; c++) mix[c] += pk * rgb[k][c];
      top = Math.max(top, pk);
    });
    const confidence = (top - 1 / classes) / (1 - 1 / classes);
    const strength = 0.15 + 0.55 * Math.max(0, Math.min(1, confidence));
    for (let c = 0; c < 3; c++) cells.data[cell * 4 + c] = Math.round(255 + (mix[c] - 255) * strength);
    cells.data[cell * 4 + 3] = 255;
  }
  const offscreen = document.createElement('canvas');
  offscreen.width = offscreen.height = resolution;
  offscreen.getContext('2d')!.putImageData(cells, 0, 0);
  g.imageSmoothingEnabled = true;
  g.drawImage(offscreen, 0, 0, size, size);

  const radius = Math.max(2, size / 140);
  for (let i = 0; i < data.labels.length; i++) {
    const cx = fromDomain(data.x[2 * i]) * size;
    const cy = fromDomain(-data.x[2 * i + 1]) * size;
    const color = CLASS_COLORS[data.labels[i] % CLASS_COLORS.length];
    const training = i < data.trainCount;
    g.beginPath();
    g.arc(cx, cy, radius, 0, 2 * Math.PI);
    g.fillStyle = training ? color : '#ffffff';
    g.strokeStyle = training ? '#ffffff' : color;
    g.lineWidth = training ? 1 : 1.5;
    g.fill();
    g.stroke();
  }
}

/** A grid of 8x8 glyphs, each with its predicted digit: green when right, red when wrong. */
export function drawDigits(canvas: HTMLCanvasElement, images: Float32Array, labels: Int32Array, predicted: Int32Array): void {
  const g = prepare(canvas);
  const size = canvas.clientWidth;
  const columns = 6;
  const count = Math.min(labels.length, columns * columns);
  const cell = size / columns;
  const pixel = (cell * 0.62) / 8;
  g.fillStyle = '#f8fafc';
  g.fillRect(0, 0, size, size);
  g.textAlign = 'center';
  g.textBaseline = 'top';
  g.font = `600 ${Math.max(10, cell * 0.18)}px system-ui, sans-serif`;
  for (let i = 0; i < count; i++) {
    const left = (i % columns) * cell + (cell - 8 * pixel) / 2;
    const top = Math.floor(i / columns) * cell + cell * 0.06;
    for (let p = 0; p < 64; p++) {
      const shade = Math.round(255 * (1 - Math.max(0, Math.min(1, images[i * 64 + p]))));
      g.fillStyle = `rgb(${shade},${shade},${shade})`;
      g.fillRect(left + (p % 8) * pixel, top + Math.floor(p / 8) * pixel, pixel + 0.5, pixel + 0.5);
    }
    g.fillStyle = predicted[i] === labels[i] ? '#059669' : '#dc2626';
    g.fillText(String(predicted[i]), left + 4 * pixel, top + 8 * pixel + cell * 0.04);
  }
}

/** Sizes the backing store to the CSS size times the device pixel ratio; returns a context in CSS pixels. */
function prepare(canvas: HTMLCanvasElement): CanvasRenderingContext2D {
  const ratio = window.devicePixelRatio || 1;
  const size = canvas.clientWidth;
  canvas.width = canvas.height = Math.round(size * ratio);
  const g = canvas.getContext('2d')!;
  g.setTransform(ratio, 0, 0, ratio, 0, 0);
  return g;
}

/** [0, 1] across the canvas to data coordinates, and back. */
function toDomain(t: number): number {
  return (t * 2 - 1) * POINT_DOMAIN;
}
function fromDomain(v: number): number {
  return (v / POINT_DOMAIN + 1) / 2;
}

function parseHex(hex: string): [number, number, number] {
  return [1, 3, 5].map((i) => parseInt(hex.slice(i, i + 2), 16)) as [number, number, number];
}
