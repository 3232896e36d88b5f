// Trains a linear regression on the GPU with hand-written gradients and prints its progress.
// Run with `npm run example` (it builds the package and runs this file against dist/).
//
// The model: y = x w + b, trained by gradient descent on the mean squared error, where
// d(loss)/dw = 2/N x^T (y_pred - y) and d(loss)/db = 2/N sum(y_pred - y).

import { init, memory, ops, randomNormal, randomUniform, tidy, type Tensor } from 'webgpu-keras';

const SAMPLES = 512;
const FEATURES = 8;
const EPOCHS = 60;
const LEARNING_RATE = 0.1;

const { backend, adapter } = await init();
console.log(`backend: ${backend}${adapter ? ` (${adapter.vendor} ${adapter.architecture}${adapter.isFallback ? ', fallback adapter' : ''})` : ''}`);

// Synthetic data: a known linear rule plus a little noise.
const trueW = randomNormal([FEATURES, 1], { seed: 1 });
const x = randomUniform([SAMPLES, FEATURES], { minval: -1, maxval: 1, seed: 2 });
const y = tidy(() => ops.matmul(x, trueW).add(0.5).add(randomNormal([SAMPLES, 1], { stddev: 0.01, seed: 3 })));

let w: Tensor = randomNormal([FEATURES, 1], { stddev: 0.1, seed: 4 });
let b: Tensor = ops.zeros([1]);

for (let epoch = 1; epoch <= EPOCHS; epoch++) {
  const [loss, nextW, nextB] = tidy(() => {
    const error = ops.matmul(x, w).add(b).sub(y);
    const gradW = ops.matmul(x, error, { transposeA: true }).mul(2 / SAMPLES);
    const gradB = error.sum(0).mul(2 / SAMPLES);
    return [error.square().mean(), w.sub(gradW.mul(LEARNING_RATE)), b.sub(gradB.mul(LEARNING_RATE))];
  });
  w.dispose();
  b.dispose();
  w = nextW;
  b = nextB;
  if (epoch % 10 === 0 || epoch === 1) {
    console.log(`epoch ${String(epoch).padStart(3)}  loss ${((await loss.data())[0]).toFixed(6)}  live tensors ${memory().liveTensors}`);
  }
  loss.dispose();
}

const error = tidy(() => w.sub(trueW).abs().max());
console.log(`bias ${(await b.data())[0].toFixed(4)} (true 0.5), largest weight error ${(await error.data())[0].toFixed(4)}`);
