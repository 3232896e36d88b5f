// Saving and loading (keras.saving): model files, weights in safetensors, and where they go.

export { loadModel, type LoadOptions, type LoadWeightsOptions, type SaveOptions, type ModelJSON, type WeightSpec, type OptimizerStateJSON } from './model_io';
export { registerModel, serializeLayer as serializeModelTopology, type LayerJSON, type NodeJSON, type CompileJSON, type CustomObjects } from './topology';
export { listModels, removeModel, memoryHandler, registerIOHandler, type IOHandler, type IOTarget, type IORouter, type ModelArtifacts, type ModelInfo, type ModelStore } from './handlers';
export { modelFromJSON, type ModelFromJSONOptions } from './model_json';
export { loadKerasWeights, type KerasWeightsSource, type LoadKerasWeightsOptions } from './keras_weights';
export { loadKerasModel } from './keras_model';
export { saveKerasModel, saveKerasWeights, type SaveKerasOptions } from './keras_save';
export { registerKerasSerializable, getRegisteredName, type RegisterOptions } from './object_registration';
export { encodeSafetensors, decodeSafetensors, type SafetensorsEntry, type SafetensorsDType, type DecodedSafetensors, type DecodeOptions } from './safetensors';
