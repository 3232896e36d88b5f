// The audit of Keras 3.16's public names (keras/api/<module>/__init__.py) that the package now
// exports, per namespace, in camelCase: a name dropped from the exports fails here.

import { describe, expect, it } from 'vitest';
import * as wk from '../../src/node';

const camel = (name: string) => (/^[A-Z]/.test(name) ? name : name.replace(/_([a-z0-9])/g, (_, c: string) => c.toUpperCase()));

/** Keras names per namespace; the ones deliberately left out are listed in the test below. */
const KERAS_NAMES: Record<string, string[]> = {
  activations: [
    'celu', 'deserialize', 'elu', 'exponential', 'gelu', 'get', 'glu', 'hard_shrink', 'hard_sigmoid', 'hard_silu', 'hard_swish', 'hard_tanh',
    'leaky_relu', 'linear', 'log_sigmoid', 'log_softmax', 'mish', 'relu', 'relu6', 'selu', 'serialize', 'sigmoid', 'silu', 'soft_shrink',
    'softmax', 'softplus', 'softsign', 'sparse_plus', 'sparse_sigmoid', 'sparsemax', 'squareplus', 'swish', 'tanh', 'tanh_shrink', 'threshold',
  ],
  random: ['SeedGenerator', 'beta', 'binomial', 'categorical', 'dropout', 'gamma', 'normal', 'randint', 'shuffle', 'truncated_normal', 'uniform'],
  initializers: [
    'Constant', 'GlorotNormal', 'GlorotUniform', 'HeNormal', 'HeUniform', 'Identity', 'IdentityInitializer', 'Initializer', 'LecunNormal',
    'LecunUniform', 'Ones', 'Orthogonal', 'OrthogonalInitializer', 'RandomNormal', 'RandomUniform', 'STFT', 'STFTInitializer', 'TruncatedNormal',
    'VarianceScaling', 'Zeros', 'constant', 'deserialize', 'get', 'glorot_normal', 'glorot_uniform', 'he_normal', 'he_uniform', 'identity',
    'lecun_normal', 'lecun_uniform', 'ones', 'orthogonal', 'random_normal', 'random_uniform', 'serialize', 'stft', 'truncated_normal',
    'variance_scaling', 'zeros',
  ],
  regularizers: ['L1', 'L1L2', 'L2', 'OrthogonalRegularizer', 'Regularizer', 'deserialize', 'get', 'l1', 'l1_l2', 'l2', 'orthogonal_regularizer', 'serialize'],
  metrics: [
    'AUC', 'Accuracy', 'BinaryAccuracy', 'BinaryCrossentropy', 'BinaryIoU', 'CategoricalAccuracy', 'CategoricalCrossentropy', 'CategoricalHinge',
    'ConcordanceCorrelation', 'CosineSimilarity', 'F1Score', 'FBetaScore', 'FalseNegatives', 'FalsePositives', 'Hinge', 'IoU', 'KLDivergence',
    'LogCoshError', 'Mean', 'MeanAbsoluteError', 'MeanAbsolutePercentageError', 'MeanIoU', 'MeanMetricWrapper', 'MeanSquaredError',
    'MeanSquaredLogarithmicError', 'Metric', 'OneHotIoU', 'OneHotMeanIoU', 'PearsonCorrelation', 'Poisson', 'Precision', 'PrecisionAtRecall',
    'R2Score', 'Recall', 'RecallAtPrecision', 'RootMeanSquaredError', 'SensitivityAtSpecificity', 'SparseCategoricalAccuracy',
    'SparseCategoricalCrossentropy', 'SparseTopKCategoricalAccuracy', 'SpecificityAtSensitivity', 'SquaredHinge', 'Sum', 'TopKCategoricalAccuracy',
    'TrueNegatives', 'TruePositives', 'binary_accuracy', 'binary_crossentropy', 'binary_focal_crossentropy', 'categorical_accuracy',
    'categorical_crossentropy', 'categorical_focal_crossentropy', 'categorical_hinge', 'concordance_correlation', 'deserialize', 'get', 'hinge',
    'huber', 'kl_divergence', 'log_cosh', 'mean_absolute_error', 'mean_absolute_percentage_error', 'mean_squared_error',
    'mean_squared_logarithmic_error', 'pearson_correlation', 'poisson', 'serialize', 'sparse_categorical_accuracy',
    'sparse_categorical_crossentropy', 'sparse_top_k_categorical_accuracy', 'squared_hinge', 'top_k_categorical_accuracy',
  ],
  callbacks: [
    'BackupAndRestore', 'CSVLogger', 'Callback', 'CallbackList', 'EarlyStopping', 'History', 'LambdaCallback', 'LearningRateScheduler',
    'ModelCheckpoint', 'ProgbarLogger', 'ReduceLROnPlateau', 'RemoteMonitor', 'SwapEMAWeights', 'TensorBoard', 'TerminateOnNaN',
  ],
  utils: [
    'CustomObjectScope', 'Progbar', 'PyDataset', 'Sequence', 'array_to_img', 'bounding_boxes', 'clear_session', 'custom_object_scope',
    'deserialize_keras_object', 'get_custom_objects', 'get_registered_name', 'get_registered_object', 'get_source_inputs', 'img_to_array',
    'is_keras_tensor', 'normalize', 'pack_x_y_sample_weight', 'pad_sequences', 'register_keras_serializable', 'serialize_keras_object',
    'split_dataset', 'standardize_dtype', 'timeseries_dataset_from_array', 'to_categorical', 'unpack_x_y_sample_weight',
  ],
  layers: ['InputSpec', 'Wrapper', 'serialize', 'deserialize'],
};

describe('Keras public names', () => {
  for (const [namespace, names] of Object.entries(KERAS_NAMES)) {
    it(`keras.${namespace}: every name is exported`, () => {
      const exported = (wk as unknown as Record<string, Record<string, unknown>>)[namespace];
      const missing = names.filter((name) => exported[camel(name)] === undefined);
      expect(missing).toEqual([]);
    });
  }

  it('leaves out only what needs files, the network or another backend', () => {
    // keras.callbacks.OrbaxCheckpoint (a JAX library); keras.utils get_file, *_dataset_from_directory,
    // load_img, save_img, plot_model, model_to_dot (files and network), Config, legacy,
    // set_random_seed (top-level setRandomSeed), *_interactive_logging.
    expect((wk.callbacks as Record<string, unknown>).OrbaxCheckpoint).toBeUndefined();
    expect(typeof wk.setRandomSeed).toBe('function');
  });
});
