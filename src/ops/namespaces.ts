// The names of Keras 3's op submodules (keras.ops.nn, keras.ops.numpy, keras.ops.linalg,
// keras.ops.image), as they appear in keras/api/ops/<module>/__init__.py, in camelCase: the public
// `ops` namespace (./public) offers each as a view of its ops, so `ops.nn.sigmoid` is `ops.sigmoid`.

/** keras.ops.nn. */
export const NN_OP_NAMES = [
  'adaptiveAveragePool', 'adaptiveMaxPool', 'averagePool', 'batchNormalization',
  'binaryCrossentropy', 'celu', 'conv', 'convTranspose', 'ctcDecode', 'ctcLoss', 'depthToSpace',
  'depthwiseConv', 'dotProductAttention', 'elu', 'fold', 'gelu', 'glu', 'hardShrink',
  'hardSigmoid', 'hardSilu', 'hardSwish', 'hardTanh', 'layerNormalization', 'leakyRelu',
  'logSigmoid', 'logSoftmax', 'maxPool', 'moments', 'multiHot', 'normalize', 'oneHot', 'polar',
  'psnr', 'relu', 'relu6', 'rmsNormalization', 'selu', 'separableConv', 'sigmoid', 'silu',
  'swish', 'softShrink', 'softmax', 'softplus', 'softsign', 'spaceToDepth', 'sparsePlus',
  'sparseSigmoid', 'sparsemax', 'squareplus', 'tanhShrink', 'threshold', 'unfold',
] as const;

/** keras.ops.numpy. */
export const NUMPY_OP_NAMES = [
  'abs', 'absolute', 'add', 'all', 'allclose', 'amax', 'amin', 'angle', 'any', 'append', 'arange',
  'arccos', 'arccosh', 'arcsin', 'arcsinh', 'arctan', 'arctan2', 'arctanh', 'argmax', 'argmin',
  'argpartition', 'argsort', 'array', 'arraySplit', 'average', 'bartlett', 'bincount',
  'bitwiseAnd', 'bitwiseInvert', 'bitwiseLeftShift', 'bitwiseNot', 'bitwiseOr',
  'bitwiseRightShift', 'bitwiseXor', 'blackman', 'broadcastTo', 'cbrt', 'ceil', 'clip',
  'columnStack', 'concatenate', 'conj', 'conjugate', 'copy', 'corrcoef', 'correlate', 'cos',
  'cosh', 'countNonzero', 'cross', 'cumprod', 'cumsum', 'deg2rad', 'diag', 'diagflat', 'diagonal',
  'diff', 'digitize', 'divide', 'divideNoNan', 'dot', 'dsplit', 'dstack', 'einsum', 'empty',
  'emptyLike', 'equal', 'exp', 'exp2', 'expandDims', 'expm1', 'eye', 'fabs', 'flip', 'fliplr',
  'flipud', 'floor', 'floorDivide', 'fmax', 'fmin', 'fmod', 'full', 'fullLike', 'gcd',
  'geomspace', 'getItem', 'greater', 'greaterEqual', 'hamming', 'hanning', 'heaviside',
  'histogram', 'hsplit', 'hstack', 'hypot', 'i0', 'identity', 'imag', 'inner', 'isclose',
  'isfinite', 'isin', 'isinf', 'isnan', 'isneginf', 'isposinf', 'isreal', 'kaiser', 'kron', 'lcm',
  'ldexp', 'leftShift', 'less', 'lessEqual', 'linspace', 'log', 'log1p', 'log2', 'log10',
  'logaddexp', 'logaddexp2', 'logicalAnd', 'logicalNot', 'logicalOr', 'logicalXor', 'logspace',
  'matmul', 'max', 'maximum', 'mean', 'median', 'meshgrid', 'min', 'minimum', 'mod', 'moveaxis',
  'multiply', 'nanToNum', 'nanargmax', 'nanargmin', 'nancumprod', 'nancumsum', 'nanmax',
  'nanmean', 'nanmedian', 'nanmin', 'nanpercentile', 'nanprod', 'nanquantile', 'nanstd', 'nansum',
  'nanvar', 'ndim', 'negative', 'nextafter', 'nonzero', 'notEqual', 'ones', 'onesLike', 'outer',
  'pad', 'percentile', 'power', 'prod', 'ptp', 'quantile', 'rad2deg', 'ravel', 'real',
  'reciprocal', 'repeat', 'reshape', 'rightShift', 'roll', 'rot90', 'round', 'searchsorted',
  'select', 'sign', 'signbit', 'sin', 'sinc', 'sinh', 'size', 'slogdet', 'sort', 'split', 'sqrt',
  'square', 'squeeze', 'stack', 'std', 'subtract', 'sum', 'swapaxes', 'take', 'takeAlongAxis',
  'tan', 'tanh', 'tensordot', 'tile', 'trace', 'transpose', 'trapezoid', 'tri', 'tril', 'triu',
  'trueDivide', 'trunc', 'unique', 'unravelIndex', 'vander', 'var', 'vdot', 'vectorize', 'view',
  'vsplit', 'vstack', 'where', 'zeros', 'zerosLike',
] as const;

/** keras.ops.linalg. */
export const LINALG_OP_NAMES = [
  'cholesky', 'choleskyInverse', 'det', 'eig', 'eigh', 'inv', 'jvp', 'lstsq', 'luFactor',
  'matrixPower', 'matrixRank', 'norm', 'pinv', 'qr', 'solve', 'solveTriangular', 'svd',
] as const;

/** keras.ops.image. */
export const IMAGE_OP_NAMES = [
  'affineTransform', 'cropImages', 'elasticTransform', 'extractPatches', 'extractPatches3d',
  'gaussianBlur', 'hsvToRgb', 'mapCoordinates', 'padImages', 'perspectiveTransform',
  'reconstructPatches', 'resize', 'rgbToGrayscale', 'rgbToHsv', 'scaleAndTranslate', 'sobelEdges',
  'ssim',
] as const;
