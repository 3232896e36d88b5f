// The public `ops` namespace: every op of ./index, each also callable on symbolic tensors (an
// Operation node of a functional model, src/layers/operation.ts), and the ops' option types.
// The library's own code imports the ops directly.

import * as allOps from './index';
import { withSymbolicCalls } from '../layers/operation';
import type { SymbolicTensor } from '../layers/symbolic';
import type { Tensor } from '../tensor/tensor';
import { IMAGE_OP_NAMES, LINALG_OP_NAMES, NN_OP_NAMES, NUMPY_OP_NAMES } from './namespaces';

/** An argument type that takes symbolic tensors wherever it takes tensors (in lists and records too). */
type SymbolicArgument<T> = T extends Tensor
  ? T | SymbolicTensor
  : T extends ArrayBufferView | ((...args: never[]) => unknown)
    ? T
    : T extends readonly unknown[] | Record<string, unknown>
      ? { [K in keyof T]: SymbolicArgument<T[K]> }
      : T;

/** A result type with symbolic tensors in the places of tensors. */
type SymbolicResult<T> = T extends Tensor ? SymbolicTensor : T extends readonly unknown[] | Record<string, unknown> ? { [K in keyof T]: SymbolicResult<T[K]> } : T;

/** Each op keeps its signatures on tensors and gains one on symbolic tensors. */
type WithSymbolicCalls<T> = {
  [K in keyof T]: T[K] extends (...args: infer A) => infer R ? T[K] & ((...args: { [I in keyof A]: SymbolicArgument<A[I]> }) => SymbolicResult<R>) : T[K];
};

/**
 * Ops with no symbolic form: the control-flow ops take functions of tensors, which run eagerly;
 * the queries read a symbolic tensor's shape and dtype directly; the conversions make tensors
 * from host values; convertToNumpy, nonzero and unique read data; vectorize returns a function;
 * jvp differentiates a function of tensors with tapes.
 */
type HostOp =
  | 'cond' | 'switch' | 'whileLoop' | 'foriLoop' | 'scan' | 'map' | 'vectorizedMap' | 'associativeScan' | 'jvp'
  | 'ndim' | 'shape' | 'size' | 'dtype' | 'isTensor' | 'convertToTensor' | 'array' | 'convertToNumpy'
  | 'nonzero' | 'unique' | 'vectorize';
const HOST_OPS: readonly HostOp[] = [
  'cond', 'switch', 'whileLoop', 'foriLoop', 'scan', 'map', 'vectorizedMap', 'associativeScan', 'jvp',
  'ndim', 'shape', 'size', 'dtype', 'isTensor', 'convertToTensor', 'array', 'convertToNumpy',
  'nonzero', 'unique', 'vectorize',
];

type FlatOps = WithSymbolicCalls<Omit<typeof allOps, HostOp>> & Pick<typeof allOps, HostOp>;

/** Keras 3's op submodules, each a view of the same ops: `ops.nn.sigmoid === ops.sigmoid`. */
type OpSubmodules = {
  nn: Pick<FlatOps, (typeof NN_OP_NAMES)[number]>;
  numpy: Pick<FlatOps, (typeof NUMPY_OP_NAMES)[number]>;
  linalg: Pick<FlatOps, (typeof LINALG_OP_NAMES)[number]>;
  image: Pick<FlatOps, (typeof IMAGE_OP_NAMES)[number]>;
};

type PublicOps = FlatOps & OpSubmodules;

const flatOps = { ...withSymbolicCalls(allOps), ...Object.fromEntries(HOST_OPS.map((name) => [name, allOps[name]])) } as FlatOps;
const submodule = (names: readonly (keyof FlatOps)[]) => Object.freeze(Object.fromEntries(names.map((name) => [name, flatOps[name]])));

/**
 * Every op as a function, on tensors and, in Keras 3's functional style, on symbolic tensors from
 * `Input`: `ops.concatenate([a, b], -1)` between layers records the op in the model. Keras's
 * submodules name the same ops: `ops.nn.sigmoid`, `ops.numpy.concatenate`, `ops.linalg.qr`,
 * `ops.image.resize`.
 */
export const ops: PublicOps = Object.freeze({
  ...flatOps,
  nn: submodule(NN_OP_NAMES),
  numpy: submodule(NUMPY_OP_NAMES),
  linalg: submodule(LINALG_OP_NAMES),
  image: submodule(IMAGE_OP_NAMES),
}) as PublicOps;

/** The ops' option and value types, as `ops.MatmulOptions`. */
export declare namespace ops {
  export type AdaptivePoolOptions = allOps.AdaptivePoolOptions;
  export type AffineTransformOptions = allOps.AffineTransformOptions;
  export type AssociativeScanOptions = allOps.AssociativeScanOptions;
  export type BinaryCrossentropyOpOptions = allOps.BinaryCrossentropyOpOptions;
  export type CdistOptions = allOps.CdistOptions;
  export type ColorConversionOptions = allOps.ColorConversionOptions;
  export type GaussianBlurOptions = allOps.GaussianBlurOptions;
  export type ExtractPatches3dOptions = allOps.ExtractPatches3dOptions;
  export type ReconstructPatchesOptions = allOps.ReconstructPatchesOptions;
  export type SobelEdgesOptions = allOps.SobelEdgesOptions;
  export type SsimOptions = allOps.SsimOptions;
  export type PerspectiveTransformOptions = allOps.PerspectiveTransformOptions;
  export type MapCoordinatesOptions = allOps.MapCoordinatesOptions;
  export type MapCoordinatesFillMode = allOps.MapCoordinatesFillMode;
  export type ElasticTransformOptions = allOps.ElasticTransformOptions;
  export type ScaleAndTranslateMethod = allOps.ScaleAndTranslateMethod;
  export type ScaleAndTranslateOptions = allOps.ScaleAndTranslateOptions;
  export type ComplexPair = allOps.ComplexPair;
  export type Conv1dOptions = allOps.Conv1dOptions;
  export type Conv1dTransposeOptions = allOps.Conv1dTransposeOptions;
  export type Conv2dOptions = allOps.Conv2dOptions;
  export type Conv2dTransposeOptions = allOps.Conv2dTransposeOptions;
  export type Conv3dOptions = allOps.Conv3dOptions;
  export type Conv3dTransposeOptions = allOps.Conv3dTransposeOptions;
  export type ConvOptions = allOps.ConvOptions;
  export type ConvTransposeOptions = allOps.ConvTransposeOptions;
  export type CorrelateMode = allOps.CorrelateMode;
  export type CropImagesOptions = allOps.CropImagesOptions;
  export type CrossEntropyOptions = allOps.CrossEntropyOptions;
  export type CrossOptions = allOps.CrossOptions;
  export type CtcDecodeOptions = allOps.CtcDecodeOptions;
  export type DataFormat = allOps.DataFormat;
  export type DepthwiseConv1dOptions = allOps.DepthwiseConv1dOptions;
  export type DotProductAttentionOptions = allOps.DotProductAttentionOptions;
  export type DropoutOptions = allOps.DropoutOptions;
  export type ExtractPatchesOptions = allOps.ExtractPatchesOptions;
  export type FillMode = allOps.FillMode;
  export type FocalLossOptions = allOps.FocalLossOptions;
  export type FusedActivation = allOps.FusedActivation;
  export type GetItemKey = allOps.GetItemKey;
  export type GradientFunction = allOps.GradientFunction;
  export type ImageDataFormat = allOps.ImageDataFormat;
  export type ImageInterpolation = allOps.ImageInterpolation;
  export type IndexEntry = allOps.IndexEntry;
  export type IndexList = allOps.IndexList;
  export type IndexSlice = allOps.IndexSlice;
  export type IndexTuples = allOps.IndexTuples;
  export type IscloseOptions = allOps.IscloseOptions;
  export type IsinOptions = allOps.IsinOptions;
  export type IstftOptions = allOps.IstftOptions;
  export type LinspaceOptions = allOps.LinspaceOptions;
  export type LogspaceOptions = allOps.LogspaceOptions;
  export type MatmulOptions = allOps.MatmulOptions;
  export type MeshgridOptions = allOps.MeshgridOptions;
  export type MomentsOptions = allOps.MomentsOptions;
  export type Moments = allOps.Moments;
  export type NanToNumOptions = allOps.NanToNumOptions;
  export type NormOrder = allOps.NormOrder;
  export type OneHotOptions = allOps.OneHotOptions;
  export type Padding = allOps.Padding;
  export type PadImagesOptions = allOps.PadImagesOptions;
  export type PadMode = allOps.PadMode;
  export type PadWidth = allOps.PadWidth;
  export type Pool2dOptions = allOps.Pool2dOptions;
  export type Pool3dOptions = allOps.Pool3dOptions;
  export type PoolOptions = allOps.PoolOptions;
  export type QrMode = allOps.QrMode;
  export type QuantileMethod = allOps.QuantileMethod;
  export type QuantileOptions = allOps.QuantileOptions;
  export type RandintOptions = allOps.RandintOptions;
  export type RandomCategoricalOptions = allOps.RandomCategoricalOptions;
  export type RandomDistributionOptions = allOps.RandomDistributionOptions;
  export type RandomNormalOptions = allOps.RandomNormalOptions;
  export type RandomUniformOptions = allOps.RandomUniformOptions;
  export type ResizeInterpolation = allOps.ResizeInterpolation;
  export type ResizeOptions = allOps.ResizeOptions;
  export type ScanOptions = allOps.ScanOptions;
  export type ScatterReduction = allOps.ScatterReduction;
  export type SegmentIds = allOps.SegmentIds;
  export type ShuffleOptions = allOps.ShuffleOptions;
  export type SpatialSize = allOps.SpatialSize;
  export type StftOptions = allOps.StftOptions;
  export type StftWindow = allOps.StftWindow;
  export type StridedSliceOptions = allOps.StridedSliceOptions;
  export type SvdOptions = allOps.SvdOptions;
  export type Tensorized<T> = allOps.Tensorized<T>;
  export type TensorTree = allOps.TensorTree;
  export type UnfoldOptions = allOps.UnfoldOptions;
  export type UniqueOptions = allOps.UniqueOptions;
  export type VectorizedResult = allOps.VectorizedResult;
  export type VectorizeOptions = allOps.VectorizeOptions;
  export type VolumeDataFormat = allOps.VolumeDataFormat;
  export type WhileLoopOptions = allOps.WhileLoopOptions;
}
