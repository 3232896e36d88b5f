// The public `config` namespace (keras.config): global settings, held in backend/config.ts, and
// the active backend (`backend()`, and `setBackend`, the library's switch between an initialized
// WebGPU device and the CPU). Keras's settings that have no meaning here (flash attention,
// traceback filtering, unsafe deserialization, NNX) are left out rather than accepted and ignored.

import { getBackend } from './backend/engine';

export { setBackend } from './backend/engine';
import type { BackendName } from './backend/types';

export {
  floatx, setFloatx, epsilon, setEpsilon, imageDataFormat, setImageDataFormat, maxEpochs, setMaxEpochs, maxStepsPerEpoch, setMaxStepsPerEpoch,
  enableInteractiveLogging, disableInteractiveLogging, isInteractiveLoggingEnabled, dtypePolicy, setDtypePolicy, type ImageDataFormat, type DTypePolicy,
} from './backend/config';

/**
 * The backend that new tensors and ops use: 'webgpu' or 'cpu' (as `getBackend()`; `init` and
 * `setBackend` choose it).
 *
 * @example
 * await init();
 * config.backend();   // 'webgpu' where a GPU adapter was found
 */
export function backend(): BackendName {
  return getBackend();
}
