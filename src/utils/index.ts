// Utilities (keras.utils): padSequences for variable-length sequences, toCategorical and
// normalize for labels and features, imageToTensor for pixels in browsers (and ImageData in Node),
// timeseriesDatasetFromArray and splitDataset for data pipelines, packXYSampleWeight,
// unpackXYSampleWeight and isKerasTensor for custom train steps and functional models, PyDataset
// for datasets made batch by batch (Sequence is Keras's other name for it), boundingBoxes for the
// boxes of object detection, FeatureSpace for preprocessing and encoding structured data, Progbar
// for custom loops, arrayToImg / imgToArray for pixels, and the custom-object and serialization
// helpers (customObjectScope, getRegisteredObject, serializeKerasObject, getSourceInputs,
// standardizeDtype, clearSession), and setRandomSeed (keras.utils.set_random_seed).

export { padSequences, type PadSequencesOptions } from './sequence';
export { toCategorical, normalize, type Labels } from './numerical';
export { imageToTensor, type ImageDataLike, type DrawableImage, type ImageToTensorOptions } from './images';
export { timeseriesDatasetFromArray, TimeseriesDataset, type TimeseriesDatasetOptions, type TimeseriesBatch } from './timeseries';
export { splitDataset, type SplitDatasetOptions, type SplittableDataset, type SplittableArray } from './dataset_split';
export { packXYSampleWeight, unpackXYSampleWeight } from './data_tuples';
export { isKerasTensor } from './keras_tensor';
export { PyDataset, type PyDatasetOptions } from './py_dataset';
export * as boundingBoxes from './bounding_boxes';
export { FeatureSpace, Feature, Cross, type FeatureSpaceArgs, type FeatureSpaceConfig, type FeatureSpaceDataset, type FeatureRecord, type FeatureValue, type FeatureType, type FeatureDtype, type FeatureOutputMode } from './feature_space';
export { PyDataset as Sequence } from './py_dataset';
export { Progbar, type ProgbarOptions, type ProgbarValues } from './progbar';
export { arrayToImg, imgToArray, type ArrayToImgOptions } from './image_arrays';
export {
  customObjectScope, CustomObjectScope, getCustomObjects, getRegisteredObject, getRegisteredName, serializeKerasObject, deserializeKerasObject,
  getSourceInputs, standardizeDtype, clearSession, type SerializedKerasObject,
} from './object_utils';
export { registerKerasSerializable } from '../io/object_registration';
export { setRandomSeed } from '../ops/random';
