// webgpu-keras: the browser (and default) entry. Nothing imported from here may touch Node-only
// modules; the Node entry (node.ts) adds the Dawn device provider and re-exports this.

export { init, getBackend, setBackend, type InitOptions, type InitResult } from './backend/engine';
export type { AdapterSummary } from './backend/webgpu/webgpu_backend';
export type { BackendName, DType, TypedArray } from './backend/types';
export { Tensor, type TensorLike, type NestedArray } from './tensor/tensor';
export { tensor, scalar, type TensorValues } from './tensor/creation';
export { fill, zeros, ones, zerosLike, onesLike, range, eye, oneHot, type OneHotOptions } from './ops/creation';
export { randomNormal, randomUniform, truncatedNormal, setRandomSeed, SeedGenerator, type Seed, type RandomNormalOptions, type RandomUniformOptions } from './ops/random';
export { randomCategorical, randint, shuffle, type RandomCategoricalOptions, type RandintOptions, type ShuffleOptions } from './ops/random_sampling';
export { randomGamma, randomBeta, randomBinomial, type RandomDistributionOptions } from './ops/random_distributions';
export { tidy, keep, dispose, memory, type MemoryInfo } from './tensor/memory';
export { getMask, setMask } from './tensor/mask';
export { ops } from './ops/public';
export { GradientTape, type GradientTapeOptions } from './autograd/tape';
export type { DisposalHolder } from './tensor/memory';
export { Variable, variable, type VariableOptions, type VariableConstraint } from './autograd/variable';
export { valueAndGrad, grad } from './autograd/functional';
export * as losses from './losses/index';
export * as optimizers from './optimizers/index';
export * as metrics from './metrics/index';
export * as layers from './layers/index';
export { registerLayer } from './layers/registry';
export * as callbacks from './callbacks/index';
export * as utils from './utils/index';
export * as config from './config';
export { Callback, History, EarlyStopping, ReduceLROnPlateau, LearningRateScheduler, LambdaCallback, ModelCheckpoint, BackupAndRestore, TerminateOnNaN, SwapEMAWeights, CSVLogger, RemoteMonitor, TensorBoard, type Logs } from './callbacks/index';
export {
  loadModel, loadKerasModel, loadKerasWeights, saveKerasModel, saveKerasWeights, modelFromJSON, registerKerasSerializable, getRegisteredName, registerModel, listModels, removeModel, memoryHandler, registerIOHandler, encodeSafetensors, decodeSafetensors,
  type IOHandler, type IOTarget, type IORouter, type ModelStore, type ModelInfo, type ModelArtifacts, type LoadOptions, type SaveOptions,
  type CustomObjects, type LoadWeightsOptions, type KerasWeightsSource, type LoadKerasWeightsOptions, type SaveKerasOptions, type ModelFromJSONOptions, type RegisterOptions, type SafetensorsEntry, type DecodedSafetensors, type DecodeOptions,
} from './io/index';
export { Layer, type LayerArgs, type CallArgs, InputSpec, type InputSpecArgs, type AddWeightArgs, type LayerInput, type InputMask, type OutputMask } from './layers/layer';
export { Input, InputLayer, type InputArgs } from './layers/input_layer';
export { SymbolicTensor, Node, type Shape } from './layers/symbolic';
export * as initializers from './layers/initializers_api';
export * as regularizers from './layers/regularizers';
export * as constraints from './layers/constraints';
export * as activations from './layers/activations_api';
export * as random from './ops/random_api';
export * as models from './models/models_api';
export {
  Model, type ModelArgs, type CompileArgs, type StepData, type StepLogs, type CompiledLossFunction, type EvaluateOptions, type PredictOptions, type BatchWeighting, type ModelOutput, type ModelInput, type GraphConfigOptions,
} from './models/model';
export type { TensorRecord, SymbolicRecord } from './models/functional';
export type { LossSpec, MetricSpec, CompiledMetrics } from './models/compile_utils';
export type { DataInput, DataRecord } from './models/data';
export type { Batch, BatchSource } from './models/batch_source';
export { Sequential, type SequentialArgs } from './models/sequential';
export { cloneModel, type CloneOptions } from './models/cloning';
export type { SummaryOptions } from './models/summary';
export type { FitOptions } from './models/training';
export type { ActivationFn, ActivationIdentifier } from './layers/activations';
