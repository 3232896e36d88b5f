// Geometric image ops, as keras.ops.image: `perspectiveTransform`, the projective warp that takes
// four start points to four end points; `mapCoordinates`, sampling an array of any rank at given
// coordinates; and `elasticTransform`, images resampled along smoothed random displacements (a
// composite of randomNormal, gaussianBlur and mapCoordinates). perspectiveTransform's 8 homography coefficients are solved on the active
// backend (ops.solve of the 8 x 8 system Keras's backends build, no readback), then the images
// are resampled by affineTransform, whose transform rows follow the same convention (output point
// -> source point). mapCoordinates runs shaders/map_coordinates.wgsl on the GPU and the same rule
// in a plain loop on the CPU. None is differentiable; a gradient that reaches them throws.

import { imageDataFormat } from '../backend/config';
import { formatShape } from '../backend/types';
import { gridFor } from '../backend/webgpu/grid';
import { Uniforms } from '../backend/webgpu/uniforms';
import { recordGradient } from '../autograd/tape';
import { tidy } from '../tensor/memory';
import type { Tensor } from '../tensor/tensor';
import { add, cast, mul, neg } from './elementwise';
import { arange, onesLike, zerosLike } from './creation';
import { affineTransform, asChannelsLastBatch, COORDINATE_LIMIT, fillIndex, checkDataFormat, checkImages, type ImageDataFormat, type ImageInterpolation } from './image';
import { gaussianBlur } from './image_filters';
import { randomNormal, type Seed } from './random';
import { runKernel1, type Kernel } from './kernel';
import { solve } from './linalg_solve';
import { broadcastTo, concat, reshape, split, stack } from './shape';
import { checkOptionNames, checkTensor } from './validate';
import fillIndexShader from '../../shaders/fill_index.wgsl?raw';
import mapCoordinatesShader from '../../shaders/map_coordinates.wgsl?raw';

export interface PerspectiveTransformOptions {
  /** 'bilinear' (default) or 'nearest'. */
  interpolation?: ImageInterpolation;
  /** The value of output pixels whose source lies outside the image (default 0). */
  fillValue?: number;
  /** 'channels_last' ([batch, height, width, channels]) or 'channels_first'. Default: config.imageDataFormat(). */
  dataFormat?: ImageDataFormat;
}

const PERSPECTIVE_OPTIONS: Record<keyof PerspectiveTransformOptions, true> = { interpolation: true, fillValue: true, dataFormat: true };

/**
 * Warps images so that each of the four `startPoints` lands on the matching `endPoints`, as
 * keras.ops.image.perspective_transform. Points are (x, y) pairs (x along the width), [4, 2] for
 * all images or [batch, 4, 2] one set per image. Each output pixel (x, y) samples the input at
 * the projective map of the end points onto the start points, with `interpolation`; pixels whose
 * source lies outside the image get `fillValue`. Images [batch, height, width, channels] or
 * [height, width, channels] (channels first with `dataFormat`), float32; the output has their
 * shape. Not differentiable: a gradient that reaches it throws.
 *
 * @example
 * const corners = tensor([[0, 0], [0, 64], [80, 0], [80, 64]]);
 * const tilted = tensor([[3, 5], [7, 64], [76, -10], [84, 61]]);
 * const warped = ops.perspectiveTransform(images, corners, tilted);   // [2, 64, 80, 3] -> same shape
 */
export function perspectiveTransform(images: Tensor, startPoints: Tensor, endPoints: Tensor, options: PerspectiveTransformOptions = {}): Tensor {
  const op = 'perspectiveTransform';
  checkOptionNames(op, options, PERSPECTIVE_OPTIONS);
  checkImages(op, images);
  checkTensor(op, startPoints);
  checkTensor(op, endPoints);
  for (const [name, points] of [['startPoints', startPoints], ['endPoints', endPoints]] as const) {
    if ((points.rank !== 2 && points.rank !== 3) || points.shape.at(-2) !== 4 || points.shape.at(-1) !== 2) {
      throw new Error(`${op}: Invalid ${name} shape: expected [4, 2] for a single image or [N, 4, 2] for a batch. Received: ${name}.shape=${formatShape(points.shape)}`);
    }
  }
  if (startPoints.shape.length !== endPoints.shape.length || startPoints.shape[0] !== endPoints.shape[0]) {
    throw new Error(`${op}: startPoints and endPoints must have the same shape. Received: startPoints.shape=${formatShape(startPoints.shape)}, endPoints.shape=${formatShape(endPoints.shape)}`);
  }
  const batchSize = images.rank === 4 ? images.shape[0] : 1;
  if (startPoints.rank === 3 && startPoints.shape[0] !== batchSize && startPoints.shape[0] !== 1) {
    throw new Error(`${op}: points [N, 4, 2] need N = ${batchSize} (the images' batch) or 1. Received: startPoints.shape=${formatShape(startPoints.shape)}, images.shape=${formatShape(images.shape)}`);
  }
  checkDataFormat(options.dataFormat ?? imageDataFormat());
  return tidy(() => {
    const transform = homography(cast(startPoints, 'float32'), cast(endPoints, 'float32'));
    return affineTransform(images, transform, { interpolation: options.interpolation ?? 'bilinear', fillMode: 'constant', fillValue: options.fillValue ?? 0, dataFormat: options.dataFormat });
  });
}

/**
 * The rows [a0, a1, a2, b0, b1, b2, c0, c1] ([N, 8]) mapping each end point (x, y) to its start
 * point: start x = (a0 x + a1 y + a2) / (c0 x + c1 y + 1), start y likewise with b. Two linear
 * equations per point pair, 8 in all, solved as one batched system.
 */
function homography(startPoints: Tensor, endPoints: Tensor): Tensor {
  const batch = startPoints.rank === 3 ? startPoints : reshape(startPoints, [1, 4, 2]);
  const [startX, startY] = split(batch, 2, -1).map((t) => reshape(t, [batch.shape[0], 4]));
  const [endX, endY] = split(endPoints.rank === 3 ? endPoints : reshape(endPoints, [1, 4, 2]), 2, -1).map((t) => reshape(t, [batch.shape[0], 4]));
  const zeros = zerosLike(endX);
  const ones = onesLike(endX);
  const xRows = stack([endX, endY, ones, zeros, zeros, zeros, neg(mul(startX, endX)), neg(mul(startX, endY))], -1);
  const yRows = stack([zeros, zeros, zeros, endX, endY, ones, neg(mul(startY, endX)), neg(mul(startY, endY))], -1);
  const coefficients = concat([xRows, yRows], 1);
  return solve(coefficients, concat([startX, startY], -1));
}

/** Keras's map_coordinates fill modes; codes match FILL_MODE in fill_index.wgsl. */
const MAP_FILL_MODES = { constant: 0, nearest: 1, reflect: 2, wrap: 3, mirror: 4 } as const;
export type MapCoordinatesFillMode = keyof typeof MAP_FILL_MODES;
/** Matches MAX_RANK in map_coordinates.wgsl. */
const MAX_MAP_RANK = 8;
const WORKGROUP_SIZE = 256;
/** map_coordinates.wgsl with the fill modes it shares with affineTransform. */
const MAP_COORDINATES_SOURCE = `${fillIndexShader}\n${mapCoordinatesShader}`;

export interface MapCoordinatesOptions {
  /**
   * How points outside the input are read: 'constant' (default: `fillValue`), 'nearest'
   * (a a | a b c d | d d), 'wrap' (a b c d | a b c d | a b c d), 'mirror' (c d c b | a b c d | c b a b)
   * or 'reflect' (d c b a | a b c d | d c b a).
   */
  fillMode?: MapCoordinatesFillMode;
  /** The value outside the input when fillMode is 'constant' (default 0). */
  fillValue?: number;
}

const MAP_OPTIONS: Record<keyof MapCoordinatesOptions, true> = { fillMode: true, fillValue: true };

interface MapAttrs {
  order: 0 | 1;
  fillMode: MapCoordinatesFillMode;
  fillValue: number;
}

/**
 * Samples `inputs` at `coordinates`, as keras.ops.image.map_coordinates (scipy / jax
 * map_coordinates with order 0 or 1): `coordinates` is [rank of inputs, ...output shape] (or a
 * list of `rank` tensors of the output shape), its slice d giving each output's position along
 * axis d of `inputs`. `order` 0 takes the nearest element (rounded half away from zero), 1
 * interpolates linearly between the 2^rank neighbours; neighbours outside follow `fillMode`.
 * Inputs float32, rank 1 to 8; the output has the coordinates' trailing shape. Not
 * differentiable: a gradient that reaches it throws.
 *
 * @example
 * const image = tensor([[0, 1], [2, 3]]);
 * ops.mapCoordinates(image, tensor([[0.5], [0.5]]), 1);              // [1.5]
 * ops.mapCoordinates(image, [rows, cols], 0, { fillMode: 'wrap' });  // rows, cols: [h, w] each
 */
export function mapCoordinates(inputs: Tensor, coordinates: Tensor | readonly Tensor[], order: number, options: MapCoordinatesOptions = {}): Tensor {
  const op = 'mapCoordinates';
  checkOptionNames(op, options, MAP_OPTIONS);
  checkTensor(op, inputs);
  if (inputs.dtype !== 'float32') throw new Error(`${op}: inputs must be float32, got ${inputs.dtype} (use ops.cast(inputs, 'float32')).`);
  if (inputs.rank < 1 || inputs.rank > MAX_MAP_RANK) throw new Error(`${op}: inputs must have rank 1 to ${MAX_MAP_RANK}. Received: inputs.shape=${formatShape(inputs.shape)}`);
  if (inputs.size === 0) throw new Error(`${op}: inputs must not be empty. Received: inputs.shape=${formatShape(inputs.shape)}`);
  const list: readonly Tensor[] | null = Array.isArray(coordinates) ? (coordinates as readonly Tensor[]) : null;
  if (list) list.forEach((c) => checkTensor(op, c));
  else checkTensor(op, coordinates as Tensor);
  const leading = list ? list.length : (coordinates as Tensor).shape[0];
  const coordinateShape = list ? [list.length, ...(list[0]?.shape ?? [])] : (coordinates as Tensor).shape;
  if (list && list.some((c) => c.shape.length !== list[0].shape.length || c.shape.some((d, i) => d !== list[0].shape[i]))) {
    throw new Error(`${op}: the coordinate tensors must share one shape. Received shapes: ${list.map((c) => formatShape(c.shape)).join(', ')}`);
  }
  if (coordinateShape.length < 2) throw new Error(`${op}: Invalid coordinates rank: expected at least rank 2. Received: coordinates.shape=${formatShape(coordinateShape)}`);
  if (leading !== inputs.rank) {
    throw new Error(`${op}: First dim of \`coordinates\` must be the same as the rank of \`inputs\`. Received: inputs.shape=${formatShape(inputs.shape)}, coordinates.shape=${formatShape(coordinateShape)}`);
  }
  if (order !== 0 && order !== 1) throw new Error(`${op}: Invalid value for argument \`order\`. Expected one of [0, 1]. Received: order=${String(order)}`);
  const fillMode = options.fillMode ?? 'constant';
  if (!(fillMode in MAP_FILL_MODES)) {
    throw new Error(`${op}: Invalid value for argument \`fillMode\`. Expected one of 'constant', 'nearest', 'wrap', 'mirror', 'reflect'. Received: fillMode=${JSON.stringify(fillMode)}`);
  }
  const fillValue = options.fillValue ?? 0;
  if (typeof fillValue !== 'number' || !Number.isFinite(fillValue)) throw new Error(`${op}: Invalid value for argument \`fillValue\`. Expected a finite number. Received: fillValue=${String(fillValue)}`);
  return tidy(() => {
    const stacked = list ? stack(list.map((c) => cast(c, 'float32')), 0) : cast(coordinates as Tensor, 'float32');
    const y = runKernel1(mapCoordinatesKernel, [inputs, stacked], { shape: coordinateShape.slice(1), dtype: 'float32' }, { order, fillMode, fillValue }, op);
    recordGradient(op, [inputs, stacked], [y], () => () => {
      throw new Error('mapCoordinates is not differentiable: no gradient flows to its inputs or coordinates. Stop the gradient with ops.stopGradient, or resample with ops.resize, which is differentiable.');
    });
    return y;
  });
}

/** Inputs of any rank and coordinates [rank, ...output] to the output. */
const mapCoordinatesKernel: Kernel<MapAttrs> = {
  name: 'mapCoordinates',
  cpu([x, coordinates], [y], { order, fillMode, fillValue }) {
    const rank = x.shape.length;
    const strides = x.shape.map((_, d) => x.shape.slice(d + 1).reduce((a, b) => a * b, 1));
    const size = y.values.length;
    const lower = new Array<number>(rank);
    const upperWeight = new Array<number>(rank);
    for (let i = 0; i < size; i++) {
      for (let d = 0; d < rank; d++) {
        const c = Math.min(Math.max(coordinates.values[d * size + i], -COORDINATE_LIMIT), COORDINATE_LIMIT);
        lower[d] = order === 0 ? Math.sign(c) * Math.floor(Math.abs(c) + 0.5) : Math.floor(c);
        upperWeight[d] = order === 0 ? 0 : c - lower[d];
      }
      let total = 0;
      for (let corner = 0; corner < (order === 0 ? 1 : 2 ** rank); corner++) {
        let weight = 1;
        let offset = 0;
        let outside = false;
        for (let d = 0; d < rank; d++) {
          const upper = (corner >> d) & 1;
          weight *= upper ? upperWeight[d] : 1 - upperWeight[d];
          const index = fillIndex(lower[d] + upper, x.shape[d], fillMode);
          if (index < 0) outside = true;
          else offset += index * strides[d];
        }
        total += weight * (outside ? fillValue : x.values[offset]);
      }
      y.values[i] = total;
    }
  },
  webgpu(gpu, [x, coordinates], [y], { order, fillMode, fillValue }) {
    const strides = x.shape.map((_, d) => x.shape.slice(d + 1).reduce((a, b) => a * b, 1));
    gpu.dispatch({
      shader: MAP_COORDINATES_SOURCE,
      entryPoint: 'map_coordinates',
      constants: { ORDER: order, FILL_MODE: MAP_FILL_MODES[fillMode], RANK: x.shape.length },
      uniforms: new Uniforms().u32(y.size).f32(fillValue).u32(0, 0).u32Array(x.shape, MAX_MAP_RANK).u32Array(strides, MAX_MAP_RANK).finish(),
      buffers: [x.buffer, coordinates.buffer, y.buffer],
      workgroups: gridFor(y.size, WORKGROUP_SIZE),
    });
  },
};

export interface ElasticTransformOptions {
  /** The displacements' scale in pixels (default 20). */
  alpha?: number;
  /** The standard deviation of the random displacements and of the Gaussian that smooths them (default 5). */
  sigma?: number;
  /** 'bilinear' (default) or 'nearest'. */
  interpolation?: ImageInterpolation;
  /** How points outside the image are read, as mapCoordinates (default 'reflect'). */
  fillMode?: MapCoordinatesFillMode;
  /** The value outside the image when fillMode is 'constant' (default 0). */
  fillValue?: number;
  /** An integer (the same seed gives the same result on every backend) or a SeedGenerator; default: a fresh seed. */
  seed?: Seed;
  /** 'channels_last' ([batch, height, width, channels]) or 'channels_first'. Default: config.imageDataFormat(). */
  dataFormat?: ImageDataFormat;
}

const ELASTIC_OPTIONS: Record<keyof ElasticTransformOptions, true> = { alpha: true, sigma: true, interpolation: true, fillMode: true, fillValue: true, seed: true, dataFormat: true };

/**
 * Distorts images elastically, as keras.ops.image.elastic_transform: per image, two fields of
 * normal noise (standard deviation `sigma`, drawn from `seed`) are smoothed by a Gaussian blur of
 * that sigma (kernel size trunc(6 sigma) | 1, as Keras's JAX backend) and scaled by `alpha`; output
 * pixel (y, x) samples the image at (y + alpha dy, x + alpha dx), every channel alike, with
 * `interpolation` and `fillMode`. Keras's backends draw dy and dx from one seed and so get the same
 * field twice (a diagonal distortion); here they are independent. Images [batch, height, width,
 * channels] or one image (channels first with `dataFormat`), float32; the output has their shape.
 * Not differentiable: a gradient that reaches it throws.
 *
 * @example
 * const warped = ops.elasticTransform(images, { alpha: 30, sigma: 4, seed: 7 });   // same shape
 */
export function elasticTransform(images: Tensor, options: ElasticTransformOptions = {}): Tensor {
  const op = 'elasticTransform';
  checkOptionNames(op, options, ELASTIC_OPTIONS);
  checkImages(op, images);
  const { alpha = 20, sigma = 5, fillValue = 0 } = options;
  if (typeof alpha !== 'number' || !Number.isFinite(alpha)) throw new Error(`${op}: Invalid value for argument \`alpha\`. Expected a finite number. Received: alpha=${String(alpha)}`);
  if (typeof sigma !== 'number' || !Number.isFinite(sigma) || sigma <= 0) throw new Error(`${op}: Invalid value for argument \`sigma\`. Expected a positive number. Received: sigma=${String(sigma)}`);
  const interpolation = options.interpolation ?? 'bilinear';
  if (interpolation !== 'bilinear' && interpolation !== 'nearest') {
    throw new Error(`${op}: Invalid value for argument \`interpolation\`. Expected one of 'bilinear', 'nearest'. Received: interpolation=${JSON.stringify(interpolation)}`);
  }
  const fillMode = options.fillMode ?? 'reflect';
  if (!(fillMode in MAP_FILL_MODES)) {
    throw new Error(`${op}: Invalid value for argument \`fillMode\`. Expected one of 'constant', 'nearest', 'wrap', 'mirror', 'reflect'. Received: fillMode=${JSON.stringify(fillMode)}`);
  }
  const dataFormat = checkDataFormat(options.dataFormat ?? imageDataFormat());
  const kernel = Math.trunc(6 * sigma) | 1;
  return asChannelsLastBatch(images, dataFormat, (batch) => {
    const [b, height, width, channels] = batch.shape;
    const noise = randomNormal([b, height, width, 2], { stddev: sigma, seed: options.seed });
    const displacement = mul(gaussianBlur(noise, { kernelSize: [kernel, kernel], sigma: [sigma, sigma], dataFormat: 'channels_last' }), alpha);
    const [dy, dx] = split(displacement, 2, -1);
    const full = [b, height, width, channels];
    const along = (size: number, axis: number) => broadcastTo(reshape(arange(size, undefined, 1, 'float32'), full.map((d, i) => (i === axis ? d : 1))), full);
    const rows = broadcastTo(add(dy, reshape(arange(height, undefined, 1, 'float32'), [1, height, 1, 1])), full);
    const columns = broadcastTo(add(dx, reshape(arange(width, undefined, 1, 'float32'), [1, 1, width, 1])), full);
    return mapCoordinates(batch, stack([along(b, 0), rows, columns, along(channels, 3)], 0), interpolation === 'nearest' ? 0 : 1, { fillMode, fillValue });
  });
}
