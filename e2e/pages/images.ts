// Runs utils.imageToTensor on WebGPU over each image source of the web (ImageData, a canvas, an
// OffscreenCanvas, an ImageBitmap, an <img> loaded from a PNG) painted with known opaque pixels,
// and publishes, per source, the tensor's shape and whether its values equal the pixels, for
// e2e/images.spec.ts.

import { getBackend, init, utils } from 'webgpu-keras';

export interface ImagesReport {
  backend?: string;
  results?: { source: string; shape: number[]; channels: number; matches: boolean }[];
  error?: string;
}

declare global {
  interface Window {
    imagesReport?: ImagesReport;
  }
}

const [WIDTH, HEIGHT] = [7, 5];

/** Opaque pixels (premultiplied alpha changes nothing) whose colour follows the position. */
function paint(): HTMLCanvasElement {
  const canvas = document.createElement('canvas');
  [canvas.width, canvas.height] = [WIDTH, HEIGHT];
  const pixels = new ImageData(WIDTH, HEIGHT);
  for (let p = 0; p < WIDTH * HEIGHT; p++) pixels.data.set([(p * 37) % 256, (p * 11 + 50) % 256, 255 - p, 255], p * 4);
  canvas.getContext('2d')!.putImageData(pixels, 0, 0);
  return canvas;
}

async function run(): Promise<ImagesReport> {
  await init({ backend: 'webgpu' });
  const canvas = paint();
  const expected = canvas.getContext('2d')!.getImageData(0, 0, WIDTH, HEIGHT).data;
  const offscreen = new OffscreenCanvas(WIDTH, HEIGHT);
  offscreen.getContext('2d')!.drawImage(canvas, 0, 0);
  const img = new Image();
  img.src = canvas.toDataURL('image/png');
  await img.decode();
  const sources: [string, Parameters<typeof utils.imageToTensor>[0]][] = [
    ['ImageData', canvas.getContext('2d')!.getImageData(0, 0, WIDTH, HEIGHT)],
    ['HTMLCanvasElement', canvas],
    ['OffscreenCanvas', offscreen],
    ['ImageBitmap', await createImageBitmap(canvas)],
    ['HTMLImageElement', img],
  ];
  const results = [];
  for (const [source, image] of sources) {
    for (const channels of [3, 4] as const) {
      const x = utils.imageToTensor(image, { channels });
      const values = await x.data();
      x.dispose();
      let matches = values.length === WIDTH * HEIGHT * channels;
      for (let i = 0; matches && i < values.length; i++) matches = values[i] === expected[Math.floor(i / channels) * 4 + (i % channels)];
      results.push({ source, shape: x.shape.slice(), channels, matches });
    }
  }
  return { backend: getBackend(), results };
}

const status = document.getElementById('status')!;
run()
  .catch((error: unknown) => ({ error: error instanceof Error ? (error.stack ?? error.message) : String(error) }))
  .then((report) => {
    window.imagesReport = report;
    status.textContent = JSON.stringify(report, null, 2);
  });
