// The public `models` namespace (keras.models): the model classes and the functions that make,
// copy and load models, under the names Keras code reaches for (`keras.models.Model`,
// `keras.models.load_model`). Everything here is also exported at the top level.

export { Model } from './model';
export { Sequential } from './sequential';
export { cloneModel } from './cloning';
export { loadModel, modelFromJSON } from '../io/index';
