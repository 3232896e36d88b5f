// Runs before each test file. Files share a worker process (vitest.config.ts: isolate false, so
// that each process imports the library and compiles its shaders once rather than once a file),
// so each file starts here from the state a fresh process has: the CPU backend active (init()
// re-activates the WebGPU device), layer names counted from scratch, and no garbage of earlier
// files left to collect (its tensors, finalized in the middle of a file's memory test, would lower
// the live count it compares); and the temporary folders a file made are removed when it ends
// (modules such as test/temp_dir.ts load once a process).
import { afterAll, beforeAll } from 'vitest';
import { config, setBackend, utils } from '../src/node';
import { settleGarbage } from './helpers';
import { removeTempDirs } from './temp_dir';

setBackend('cpu');
utils.clearSession();
beforeAll(settleGarbage);
afterAll(removeTempDirs);

// The global settings (keras.config) at their defaults.
config.setEpsilon(1e-7);
config.setImageDataFormat('channels_last');
config.setMaxEpochs(null);
config.setMaxStepsPerEpoch(null);
config.enableInteractiveLogging();
