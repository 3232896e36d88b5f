// The cases of test/cases/keras_ops.ts (the ops added for keras.ops with kernels of their own):
// the GPU matches the CPU backend, as the browser suite checks them in Chromium.

import { describe } from 'vitest';
import { kerasOpCases } from '../cases/keras_ops';
import { checkCases, useWebGPU } from '../helpers';

useWebGPU();

describe('GPU matches CPU', () => checkCases(kerasOpCases));
