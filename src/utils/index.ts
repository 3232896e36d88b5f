// Utilities (keras.utils): padSequences for variable-length sequences, toCategorical and
// normalize for labels and features, imageToTensor for pixels in browsers (and ImageData in Node).

export { padSequences, type PadSequencesOptions } from './sequence';
export { toCategorical, normalize, type Labels } from './numerical';
export { imageToTensor, type ImageDataLike, type DrawableImage, type ImageToTensorOptions } from './images';
