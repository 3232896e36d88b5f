// `npm run example`: runs the examples on WebGPU (Dawn in Node) and prints their progress: the
// extension patterns (a custom layer, a custom trainStep, a custom focal loss), Sequential + fit,
// and text classification on padded sequences (masking, a Bidirectional LSTM).

import { init } from 'webgpu-keras';
import * as customLayer from './custom-layer';
import * as sequentialFit from './sequential-fit';
import * as customTrainStep from './custom-train-step';
import * as customFocalLoss from './custom-focal-loss';
import * as textClassification from './text-classification';

const { backend, adapter } = await init();
console.log(`backend: ${backend}${adapter ? ` (${adapter.vendor} ${adapter.architecture}${adapter.isFallback ? ', fallback adapter' : ''})` : ''}`);

for (const [title, example] of [
  ['Custom layers: InstanceNormalize + SimpleDense', customLayer],
  ['Sequential + compile + fit (quickstart MLP)', sequentialFit],
  ['Custom trainStep with a GradientTape', customTrainStep],
  ['Custom focal loss', customFocalLoss],
  ['Text classification: Embedding(maskZero) + Bidirectional(LSTM)', textClassification],
] as const) {
  console.log(`\n== ${title} ==`);
  const started = Date.now();
  await example.run();
  console.log(`(${((Date.now() - started) / 1000).toFixed(1)} s)`);
}
