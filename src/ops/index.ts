// Every op as a function: `ops.add(a, b)`, `ops.moments(x, [0])`, `ops.matmul(a, b)`. Modules
// with internal helpers are listed name by name, so only ops reach the public `ops` namespace.
export * from './elementwise';
export * from './reduce';
export * from './shape';
export { matmul, type MatmulOptions, type FusedActivation } from './matmul';
export { dense } from './dense';
export * from './cross_entropy';
export * from './softmax';
export * from './moments';
// `var` is a reserved word in JavaScript: it can be an export name but not a declaration.
export { variance as var } from './moments';
export * from './focal_loss';
export * from './creation';
export { randomNormal, randomUniform, truncatedNormal, setRandomSeed, type RandomNormalOptions, type RandomUniformOptions } from './random';
export { randomCategorical, randint, shuffle, type RandomCategoricalOptions, type RandintOptions, type ShuffleOptions } from './random_sampling';
export { randomGamma, randomBeta, randomBinomial, type RandomDistributionOptions } from './random_distributions';
export * from './clone';
export * from './scatter';
export { conv1d, conv2d, conv1dTranspose, conv2dTranspose, type Conv1dOptions, type Conv2dOptions, type Conv1dTransposeOptions, type Conv2dTransposeOptions, type DataFormat, type Padding } from './conv';
export { depthwiseConv1d, depthwiseConv2d, type DepthwiseConv1dOptions } from './depthwise_conv';
export { conv3d, conv3dTranspose, type Conv3dOptions, type Conv3dTransposeOptions, type VolumeDataFormat } from './conv3d';
export { maxPool2d, avgPool2d, maxPool3d, avgPool3d, type Pool2dOptions, type Pool3dOptions } from './pooling';
export { cumsum, cumprod } from './scan';
export { takeAlongAxis } from './take_along_axis';
export { flip, roll, repeat, tril, triu } from './rearrange';
export { sort, argsort, topK, inTopK } from './sort';
export { einsum } from './einsum';
export { resize, affineTransform, type ResizeOptions, type AffineTransformOptions, type ImageInterpolation, type FillMode, type ImageDataFormat } from './image';
export { rgbToGrayscale, rgbToHsv, hsvToRgb, type ColorConversionOptions } from './image_color';
export { extractPatches, padImages, cropImages, type ExtractPatchesOptions, type PadImagesOptions, type CropImagesOptions } from './image_patches';
export { tensordot, dot, inner, outer, vdot, norm, normalize, type NormOrder } from './linalg';
export { rmsNormalization } from './rms_normalization';
export { dotProductAttention, type DotProductAttentionOptions } from './attention';
export * from './composite_activations';
export * from './numpy_extras';
// Not an op itself: wraps a function of ops with its own gradient rule (keras.ops.custom_gradient).
export { customGradient, type GradientFunction } from '../autograd/custom_gradient';
export { amax, amin, nansum, nanprod, nanmean, nanvar, nanstd, nanmax, nanmin, nanargmax, nanargmin, nancumsum, nancumprod, nanquantile, nanpercentile, nanmedian, percentile } from './nan_reductions';
export { corrcoef, correlate, cdist, trapezoid, histogram, bincount, searchsorted, digitize, isin, allclose, type CorrelateMode, type CdistOptions, type IsinOptions } from './statistics';
export { append, arraySplit, hsplit, vsplit, dsplit, hstack, vstack, dstack, columnStack, unstack } from './stacking';
export { fliplr, flipud, rot90, ravel, copy, ndim, shape, size, select, argpartition, unravelIndex } from './array_extras';
export { fullLike, empty, emptyLike, geomspace, vander, diagflat } from './array_construction';
export { diff, cross, kron, type CrossOptions } from './array_math';
export { bartlett, blackman, hamming, hanning, kaiser } from './windows';
export { segmentSum, segmentMax, segmentMin, segmentProd, type SegmentIds } from './segment';
export { scatter, scatterUpdate, sliceUpdate, type IndexTuples, type ScatterReduction } from './scatter_nd';
