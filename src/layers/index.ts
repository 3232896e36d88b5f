// The built-in layers, with Keras names (`layers.Dense`, `layers.BatchNormalization`, ...) and
// Keras's aliases (`layers.MaxPool2D`, `layers.Convolution2D`, ...), the functional merge helpers
// (`layers.add`, `layers.concatenate`, ...), the Layer base and `Input`, and the activation
// functions by name.

export { Layer, type LayerArgs, type CallArgs, InputSpec, type InputSpecArgs, type AddWeightArgs, type InputMask, type OutputMask } from './layer';
export { Input, InputLayer, type InputArgs } from './input_layer';
export type { Shape } from './symbolic';
export type { DataFormat } from './layer_utils';
export { getActivation, serializeActivation, type ActivationFn, type ActivationIdentifier } from './activations';
export { Dense, Activation, Identity, Lambda, RepeatVector, type DenseArgs, type ActivationArgs, type LambdaArgs, type LambdaFunction, type RepeatVectorArgs } from './core';
export { Operation, type OperationArgs } from './operation';
export { ReLU, LeakyReLU, ELU, Softmax, PReLU, type ReLUArgs, type LeakyReLUArgs, type ELUArgs, type SoftmaxArgs, type PReLUArgs } from './activation_layers';
export { Rescaling, type RescalingArgs, type RescalingFactor } from './preprocessing';
export {
  Resizing,
  CenterCrop,
  RandomCrop,
  RandomFlip,
  RandomRotation,
  RandomZoom,
  RandomTranslation,
  RandomContrast,
  RandomBrightness,
  type ResizingArgs,
  type CenterCropArgs,
  type RandomCropArgs,
  type RandomFlipArgs,
  type RandomRotationArgs,
  type RandomZoomArgs,
  type RandomTranslationArgs,
  type RandomContrastArgs,
  type RandomBrightnessArgs,
  type FactorRange,
  type FlipMode,
  type ImagePreprocessingArgs,
  type ImagePreprocessingData,
} from './image_preprocessing';
export {
  RandomGrayscale,
  RandomInvert,
  Solarization,
  RandomHue,
  RandomSaturation,
  RandomColorJitter,
  type RandomGrayscaleArgs,
  type RandomInvertArgs,
  type SolarizationArgs,
  type RandomHueArgs,
  type RandomSaturationArgs,
  type RandomColorJitterArgs,
} from './color_augmentation';
export { RandomShear, RandomErasing, type RandomShearArgs, type RandomErasingArgs } from './spatial_augmentation';
export {
  RandomGaussianBlur,
  RandomPerspective,
  RandomElasticTransform,
  type RandomGaussianBlurArgs,
  type RandomPerspectiveArgs,
  type RandomElasticTransformArgs,
  type GaussianBlurTransformation,
  type PerspectiveTransformation,
  type ElasticTransformation,
  type ElasticFillMode,
} from './geometric_augmentation';
export { Equalization, ContrastLimitedAdaptiveHistogramEqualization, type EqualizationArgs, type ContrastLimitedAdaptiveHistogramEqualizationArgs } from './equalization';
export { RandAugment, AugMix, type RandAugmentArgs, type AugMixArgs } from './policy_augmentation';
export { STFTSpectrogram, MelSpectrogram, type STFTSpectrogramArgs, type MelSpectrogramArgs, type SpectrogramMode, type SpectrogramScaling, type SpectrogramWindow } from './spectrogram';
export { ReversibleEmbedding, type ReversibleEmbeddingArgs, type ReversibleEmbeddingCallArgs } from './reversible_embedding';
export { SpectralNormalization, type SpectralNormalizationArgs } from './spectral_normalization';
export { TernaryDense, type TernaryDenseArgs } from './ternary_dense';
export { IndexLookup, type IndexLookupArgs, type LookupOutputMode, type OovMethod } from './index_lookup';
export { IntegerLookup, type IntegerLookupArgs } from './integer_lookup';
export { StringLookup, type StringLookupArgs, type NestedStrings, type NestedIndices } from './string_lookup';
export { Hashing, type HashingArgs, type HashingOutputMode, type NestedTokens } from './hashing';
export { HashedCrossing, type HashedCrossingArgs, type HashedCrossingOutputMode } from './hashed_crossing';
export { TextVectorization, type TextVectorizationArgs, type TextStandardize, type TextSplit } from './text_vectorization';
export { MixUp, CutMix, type MixUpArgs, type CutMixArgs } from './mix_augmentation';
export { Pipeline, type PipelineArgs } from './pipeline';
export {
  AutoContrast,
  RandomPosterization,
  RandomSharpness,
  RandomColorDegeneration,
  type AutoContrastArgs,
  type RandomPosterizationArgs,
  type RandomSharpnessArgs,
  type RandomColorDegenerationArgs,
} from './tone_augmentation';
export type { KernelLayerArgs } from './kernel_layer';
export { Dropout, GaussianNoise, type DropoutArgs, type GaussianNoiseArgs } from './regularization';
export {
  SpatialDropout1D,
  SpatialDropout2D,
  SpatialDropout3D,
  GaussianDropout,
  AlphaDropout,
  ActivityRegularization,
  type RandomRegularizationArgs,
  type SpatialDropout2DArgs,
  type SpatialDropout3DArgs,
  type AlphaDropoutArgs,
  type ActivityRegularizationArgs,
} from './noise_regularization';
export { Dot, type DotArgs } from './dot';
export { Attention, AdditiveAttention, type AttentionArgs, type AdditiveAttentionArgs, type AttentionCallArgs, type AttentionScoreMode } from './dense_attention';
export { EinsumDense, type EinsumDenseArgs } from './einsum_dense';
export {
  CategoryEncoding,
  Discretization,
  type CategoryEncodingArgs,
  type CategoryEncodingCallArgs,
  type CategoryOutputMode,
  type DiscretizationArgs,
  type DiscretizationOutputMode,
} from './categorical_preprocessing';
export {
  Flatten,
  Reshape,
  Permute,
  UpSampling1D,
  UpSampling2D,
  UpSampling3D,
  ZeroPadding1D,
  ZeroPadding2D,
  ZeroPadding3D,
  Cropping1D,
  Cropping2D,
  Cropping3D,
  type ReshapeArgs,
  type PermuteArgs,
  type UpSampling1DArgs,
  type UpSampling2DArgs,
  type UpSampling3DArgs,
  type ZeroPadding1DArgs,
  type ZeroPadding2DArgs,
  type ZeroPadding3DArgs,
  type Cropping1DArgs,
  type Cropping2DArgs,
  type Cropping3DArgs,
  type FlattenArgs,
} from './reshaping';
export {
  BatchNormalization,
  LayerNormalization,
  InstanceNormalization,
  GroupNormalization,
  UnitNormalization,
  type UnitNormalizationArgs,
  type AffineNormalizationArgs,
  type BatchNormalizationArgs,
  type LayerNormalizationArgs,
  type InstanceNormalizationArgs,
  type GroupNormalizationArgs,
} from './normalization';
export { RMSNormalization, type RMSNormalizationArgs } from './rms_normalization';
export { Normalization, type NormalizationArgs } from './normalization_preprocessing';
export { MultiHeadAttention, type MultiHeadAttentionArgs, type MultiHeadAttentionCallArgs } from './attention';
export { GroupQueryAttention, type GroupQueryAttentionArgs } from './grouped_query_attention';
export { Embedding, type EmbeddingArgs } from './embedding';
export { Masking, type MaskingArgs } from './masking';
export { Merge, Add, Subtract, Multiply, Average, Maximum, Minimum, Concatenate, type ConcatenateArgs } from './merging';
export { add, subtract, multiply, average, maximum, minimum, concatenate, dot } from './merge_functions';
export {
  Conv1D,
  Conv2D,
  Conv3D,
  Conv1DTranspose,
  Conv2DTranspose,
  Conv3DTranspose,
  DepthwiseConv1D,
  DepthwiseConv2D,
  SeparableConv1D,
  SeparableConv2D,
  type ConvArgs,
  type ConvTransposeArgs,
  type DepthwiseConv1DArgs,
  type DepthwiseConv2DArgs,
  type SeparableConv1DArgs,
  type SeparableConv2DArgs,
} from './convolutional';
// Keras's other names for the same classes (saved configs name the class as above).
export {
  Conv1D as Convolution1D,
  Conv2D as Convolution2D,
  Conv3D as Convolution3D,
  Conv1DTranspose as Convolution1DTranspose,
  Conv2DTranspose as Convolution2DTranspose,
  Conv3DTranspose as Convolution3DTranspose,
  SeparableConv1D as SeparableConvolution1D,
  SeparableConv2D as SeparableConvolution2D,
} from './convolutional';
export {
  MaxPooling1D,
  AveragePooling1D,
  MaxPooling2D,
  AveragePooling2D,
  MaxPooling3D,
  AveragePooling3D,
  GlobalAveragePooling1D,
  GlobalMaxPooling1D,
  GlobalAveragePooling2D,
  GlobalMaxPooling2D,
  GlobalAveragePooling3D,
  GlobalMaxPooling3D,
  type PoolingArgs,
  type GlobalPoolingArgs,
} from './pooling';
export {
  MaxPooling1D as MaxPool1D,
  MaxPooling2D as MaxPool2D,
  MaxPooling3D as MaxPool3D,
  AveragePooling1D as AvgPool1D,
  AveragePooling2D as AvgPool2D,
  AveragePooling3D as AvgPool3D,
  GlobalAveragePooling1D as GlobalAvgPool1D,
  GlobalAveragePooling2D as GlobalAvgPool2D,
  GlobalAveragePooling3D as GlobalAvgPool3D,
  GlobalMaxPooling1D as GlobalMaxPool1D,
  GlobalMaxPooling2D as GlobalMaxPool2D,
  GlobalMaxPooling3D as GlobalMaxPool3D,
} from './pooling';
export {
  AdaptiveAveragePooling1D,
  AdaptiveAveragePooling2D,
  AdaptiveAveragePooling3D,
  AdaptiveMaxPooling1D,
  AdaptiveMaxPooling2D,
  AdaptiveMaxPooling3D,
  type AdaptivePoolingArgs,
} from './adaptive_pooling';
export { getLayerClass, deserializeLayer, registerLayer } from './registry';
export { RNN, SimpleRNN, GRU, LSTM, RecurrentLayer, type RNNArgs, type SequenceArgs, type RecurrentArgs, type GatedRecurrentArgs, type SimpleRNNArgs, type GRUArgs, type LSTMArgs, type RecurrentCallArgs } from './recurrent';
export { ConvLSTM1D, ConvLSTM2D, ConvLSTM3D, type ConvLSTMArgs } from './conv_lstm';
export { RNNCell, type RNNCellLike, type CellCallArgs, type CellOutput } from './rnn_cell';
export { SimpleRNNCell, GRUCell, LSTMCell, type RecurrentCellArgs, type GatedCellArgs, type SimpleRNNCellArgs, type GRUCellArgs, type LSTMCellArgs } from './rnn_cells';
export { StackedRNNCells, type StackedRNNCellsArgs } from './stacked_rnn_cells';
export { Bidirectional, TimeDistributed, type BidirectionalArgs, type TimeDistributedArgs, type MergeMode } from './wrappers';
export { MaxNumBoundingBoxes, type MaxNumBoundingBoxesArgs } from './max_num_bounding_boxes';
export { Wrapper, type WrapperArgs } from './wrapper';
export { serialize, deserialize } from './layer_serialization';
