// Layer classes by Keras class name, for rebuilding layers from `{ className, config }` (model
// loading): the built-in layers and Keras's aliases of them are registered here, in the table of
// class_registry.ts; custom layers with `registerLayer`.

import { Conv1D, Conv1DTranspose, Conv2D, Conv2DTranspose, Conv3D, Conv3DTranspose, DepthwiseConv1D, DepthwiseConv2D, SeparableConv1D, SeparableConv2D } from './convolutional';
import { ELU, LeakyReLU, PReLU, ReLU, Softmax } from './activation_layers';
import { Activation, Dense, Identity, Lambda, RepeatVector } from './core';
import { Operation } from './operation';
import { Embedding } from './embedding';
import { Masking } from './masking';
import { InputLayer } from './input_layer';
import { declareStrictOptions } from './layer';
import { registerLayer, type LayerClass } from './class_registry';
import { Add, Average, Concatenate, Maximum, Minimum, Multiply, Subtract } from './merging';
import { BatchNormalization, GroupNormalization, InstanceNormalization, LayerNormalization, UnitNormalization } from './normalization';
import { Normalization } from './normalization_preprocessing';
import { RMSNormalization } from './rms_normalization';
import { MultiHeadAttention } from './attention';
import { GroupQueryAttention } from './grouped_query_attention';
import {
  AveragePooling1D, AveragePooling2D, AveragePooling3D, GlobalAveragePooling1D, GlobalAveragePooling2D, GlobalAveragePooling3D, GlobalMaxPooling1D, GlobalMaxPooling2D, GlobalMaxPooling3D, MaxPooling1D, MaxPooling2D, MaxPooling3D,
} from './pooling';
import { AdaptiveAveragePooling1D, AdaptiveAveragePooling2D, AdaptiveAveragePooling3D, AdaptiveMaxPooling1D, AdaptiveMaxPooling2D, AdaptiveMaxPooling3D } from './adaptive_pooling';
import { Rescaling } from './preprocessing';
import { CenterCrop, RandomBrightness, RandomContrast, RandomCrop, RandomFlip, RandomRotation, RandomTranslation, RandomZoom, Resizing } from './image_preprocessing';
import { RandomColorJitter, RandomGrayscale, RandomHue, RandomInvert, RandomSaturation, Solarization } from './color_augmentation';
import { RandomErasing, RandomShear } from './spatial_augmentation';
import { RandomElasticTransform, RandomGaussianBlur, RandomPerspective } from './geometric_augmentation';
import { ContrastLimitedAdaptiveHistogramEqualization, Equalization } from './equalization';
import { AugMix, RandAugment } from './policy_augmentation';
import { MelSpectrogram, STFTSpectrogram } from './spectrogram';
import { ReversibleEmbedding } from './reversible_embedding';
import { SpectralNormalization } from './spectral_normalization';
import { TernaryDense } from './ternary_dense';
import { IntegerLookup } from './integer_lookup';
import { StringLookup } from './string_lookup';
import { Hashing } from './hashing';
import { HashedCrossing } from './hashed_crossing';
import { TextVectorization } from './text_vectorization';
import { CutMix, MixUp } from './mix_augmentation';
import { Pipeline } from './pipeline';
import { AutoContrast, RandomColorDegeneration, RandomPosterization, RandomSharpness } from './tone_augmentation';
import { Dropout, GaussianNoise } from './regularization';
import { Dot } from './dot';
import { AdditiveAttention, Attention } from './dense_attention';
import { EinsumDense } from './einsum_dense';
import { ActivityRegularization, AlphaDropout, GaussianDropout, SpatialDropout1D, SpatialDropout2D, SpatialDropout3D } from './noise_regularization';
import { CategoryEncoding, Discretization } from './categorical_preprocessing';
import { GRU, LSTM, RNN, SimpleRNN } from './recurrent';
import { ConvLSTM1D, ConvLSTM2D, ConvLSTM3D } from './conv_lstm';
import { GRUCell, LSTMCell, SimpleRNNCell } from './rnn_cells';
import { StackedRNNCells } from './stacked_rnn_cells';
import { Bidirectional, TimeDistributed } from './wrappers';
import { MaxNumBoundingBoxes } from './max_num_bounding_boxes';
import { Cropping1D, Cropping2D, Cropping3D, Flatten, Permute, Reshape, UpSampling1D, UpSampling2D, UpSampling3D, ZeroPadding1D, ZeroPadding2D, ZeroPadding3D } from './reshaping';

export { registerLayer, getLayerClass, getRegisteredLayerName, deserializeLayer, type LayerClass } from './class_registry';

// Explicit names: bundlers may rename classes, so `cls.name` is not relied upon.
const builtIns: Record<string, LayerClass> = {
  InputLayer,
  Dense,
  Activation,
  Dropout,
  Flatten,
  Reshape,
  Permute,
  BatchNormalization,
  LayerNormalization,
  InstanceNormalization,
  GroupNormalization,
  RMSNormalization,
  Normalization,
  MultiHeadAttention,
  GroupQueryAttention,
  Embedding,
  Masking,
  Conv1D,
  Conv2D,
  Conv1DTranspose,
  Conv2DTranspose,
  Conv3D,
  Conv3DTranspose,
  DepthwiseConv1D,
  DepthwiseConv2D,
  SeparableConv1D,
  SeparableConv2D,
  MaxPooling1D,
  AveragePooling1D,
  MaxPooling2D,
  AveragePooling2D,
  MaxPooling3D,
  AveragePooling3D,
  Add,
  Subtract,
  Multiply,
  Average,
  Maximum,
  Minimum,
  Concatenate,
  GlobalAveragePooling1D,
  GlobalMaxPooling1D,
  GlobalAveragePooling2D,
  GlobalMaxPooling2D,
  GlobalAveragePooling3D,
  GlobalMaxPooling3D,
  AdaptiveAveragePooling1D,
  AdaptiveAveragePooling2D,
  AdaptiveAveragePooling3D,
  AdaptiveMaxPooling1D,
  AdaptiveMaxPooling2D,
  AdaptiveMaxPooling3D,
  Identity,
  Lambda,
  Operation,
  RepeatVector,
  UpSampling1D,
  UpSampling2D,
  UpSampling3D,
  ZeroPadding1D,
  ZeroPadding2D,
  ZeroPadding3D,
  Cropping1D,
  Cropping2D,
  Cropping3D,
  ReLU,
  LeakyReLU,
  ELU,
  Softmax,
  PReLU,
  Rescaling,
  GaussianNoise,
  UnitNormalization,
  SimpleRNN,
  GRU,
  LSTM,
  ConvLSTM1D,
  ConvLSTM2D,
  ConvLSTM3D,
  RNN,
  SimpleRNNCell,
  GRUCell,
  LSTMCell,
  StackedRNNCells,
  Bidirectional,
  TimeDistributed,
  Resizing,
  CenterCrop,
  RandomCrop,
  RandomFlip,
  RandomRotation,
  RandomZoom,
  RandomTranslation,
  RandomContrast,
  RandomBrightness,
  RandomGrayscale,
  RandomInvert,
  Solarization,
  RandomHue,
  RandomSaturation,
  RandomColorJitter,
  RandomShear,
  RandomGaussianBlur,
  RandomPerspective,
  RandomElasticTransform,
  Equalization,
  ContrastLimitedAdaptiveHistogramEqualization,
  RandAugment,
  AugMix,
  STFTSpectrogram,
  MelSpectrogram,
  ReversibleEmbedding,
  SpectralNormalization,
  TernaryDense,
  IntegerLookup,
  StringLookup,
  Hashing,
  HashedCrossing,
  TextVectorization,
  RandomErasing,
  MixUp,
  CutMix,
  Pipeline,
  AutoContrast,
  RandomPosterization,
  RandomSharpness,
  RandomColorDegeneration,
  Dot,
  Attention,
  AdditiveAttention,
  EinsumDense,
  SpatialDropout1D,
  SpatialDropout2D,
  SpatialDropout3D,
  GaussianDropout,
  AlphaDropout,
  ActivityRegularization,
  CategoryEncoding,
  Discretization,
  MaxNumBoundingBoxes,
};
/**
 * Keras's other names of the same classes (keras.layers.MaxPool2D is MaxPooling2D), so a config
 * naming either loads. Registered after the canonical names, so that saving names a class by its
 * canonical name (as Keras's class_name does).
 */
const aliases: Record<string, LayerClass> = {
  Convolution1D: Conv1D,
  Convolution2D: Conv2D,
  Convolution3D: Conv3D,
  Convolution1DTranspose: Conv1DTranspose,
  Convolution2DTranspose: Conv2DTranspose,
  Convolution3DTranspose: Conv3DTranspose,
  SeparableConvolution1D: SeparableConv1D,
  // Keras's class is GroupedQueryAttention, exported as keras.layers.GroupQueryAttention.
  GroupedQueryAttention: GroupQueryAttention,
  SeparableConvolution2D: SeparableConv2D,
  MaxPool1D: MaxPooling1D,
  MaxPool2D: MaxPooling2D,
  MaxPool3D: MaxPooling3D,
  AvgPool1D: AveragePooling1D,
  AvgPool2D: AveragePooling2D,
  AvgPool3D: AveragePooling3D,
  GlobalAvgPool1D: GlobalAveragePooling1D,
  GlobalAvgPool2D: GlobalAveragePooling2D,
  GlobalAvgPool3D: GlobalAveragePooling3D,
  GlobalMaxPool1D: GlobalMaxPooling1D,
  GlobalMaxPool2D: GlobalMaxPooling2D,
  GlobalMaxPool3D: GlobalMaxPooling3D,
};
for (const [name, cls] of Object.entries({ ...builtIns, ...aliases })) registerLayer(cls, name);
// Their getConfig lists every option, so an option it does not list is a typo (InputLayer takes
// shape options that its config holds as batchInputShape).
declareStrictOptions(Object.values(builtIns).filter((cls) => cls !== InputLayer));

/** Whether a layer class is one of this library's built-in layers (Keras's classes), not a custom one. */
export function isBuiltInLayer(cls: unknown): boolean {
  return Object.values(builtIns).includes(cls as LayerClass);
}
