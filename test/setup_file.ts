// Runs before each test file. Files share a worker process (vitest.config.ts: isolate false, so
// that each process imports the library and compiles its shaders once rather than once a file),
// so each file starts here from the state a fresh process has: the CPU backend active (init()
// re-activates the WebGPU device) and layer names counted from scratch.
import { setBackend, utils } from '../src/node';

setBackend('cpu');
utils.clearSession();
