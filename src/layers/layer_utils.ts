// Argument handling shared by the built-in layers: Keras-style validation of constructor options,
// initializer, regularizer and constraint resolution and serialization, the activity penalty on
// a layer's output, shape arithmetic on
// symbolic shapes (null for unknown), and running a channels-last computation on channels-first
// data.

import { imageDataFormat } from '../backend/config';
import { getConstraint, serializeConstraint, type Constraint, type ConstraintIdentifier } from './constraints';
import { getInitializer, serializeInitializer, type Initializer, type InitializerIdentifier } from './initializers';
import { getRegularizer, type Regularizer, type RegularizerIdentifier } from './regularizers';
import { formatSymbolicShape, type Shape } from './symbolic';
import { cast } from '../ops/elementwise';
import { moveaxis } from '../ops/shape';
import { tidy } from '../tensor/memory';
import type { Tensor } from '../tensor/tensor';

/** Keras's short initializer names that initializers.ts does not list. */
const INITIALIZER_ALIASES: Record<string, string> = { uniform: 'randomUniform', normal: 'randomNormal' };

/** An initializer from any identifier, with Keras's 'uniform' and 'normal' aliases. */
export function resolveInitializer(identifier: InitializerIdentifier): Initializer {
  if (typeof identifier === 'string' && INITIALIZER_ALIASES[identifier]) return getInitializer(INITIALIZER_ALIASES[identifier]);
  return getInitializer(identifier);
}

export function resolveRegularizer(identifier: RegularizerIdentifier | null | undefined): Regularizer | null {
  return identifier ? getRegularizer(identifier) : null;
}

/**
 * Keras 3's activity penalty of one layer output (Layer.__call__): the regularizer's value divided
 * by the batch size (the first dimension; an empty batch gives 0, as divide_no_nan).
 */
export function activityPenalty(regularizer: Regularizer, output: Tensor): Tensor {
  return tidy(() => {
    const x = output.dtype === 'float32' ? output : cast(output, 'float32');
    const penalty = regularizer.apply(x);
    return x.rank > 0 ? penalty.div(Math.max(x.shape[0], 1)) : penalty;
  });
}

export function initializerConfig(init: Initializer): { className: string; config: Record<string, unknown> } {
  return serializeInitializer(init);
}

export function regularizerConfig(regularizer: Regularizer | null): { className: string; config: Record<string, unknown> } | null {
  return regularizer ? { className: regularizer.className, config: regularizer.getConfig() } : null;
}

export function resolveConstraint(identifier: ConstraintIdentifier | null | undefined): Constraint | null {
  return identifier ? getConstraint(identifier) : null;
}

export function constraintConfig(constraint: Constraint | null): { className: string; config: Record<string, unknown> } | null {
  return constraint ? serializeConstraint(constraint) : null;
}

/** Throws Keras's message unless `value` is a positive integer. */
export function checkPositiveInt(name: string, value: unknown): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value <= 0) {
    throw new Error(`Received an invalid value for \`${name}\`, expected a positive integer. Received: ${name}=${String(value)}`);
  }
  return value;
}

/** A number or a tuple of `n` numbers as a tuple of positive integers (kernelSize, strides, ...). */
export function normalizeTuple(value: number | readonly number[], n: number, name: string): number[] {
  const tuple = typeof value === 'number' ? Array<number>(n).fill(value) : [...value];
  if (tuple.length !== n || tuple.some((v) => !Number.isInteger(v) || v <= 0)) {
    throw new Error(`The \`${name}\` argument must be a tuple of ${n} positive integers. Received ${name}=${JSON.stringify(value)}`);
  }
  return tuple;
}

export type Padding = 'valid' | 'same';

export function normalizePadding(value: unknown): Padding {
  const padding = typeof value === 'string' ? value.toLowerCase() : value;
  if (padding !== 'valid' && padding !== 'same') {
    throw new Error(`The \`padding\` argument must be one of "valid", "same". Received: padding=${String(value)}`);
  }
  return padding;
}

/** Output length of a convolution or pooling window along one axis (null stays unknown). */
export function convOutputLength(length: number | null, windowSize: number, padding: Padding, stride: number, dilation = 1): number | null {
  if (length === null) return null;
  const effectiveWindow = (windowSize - 1) * dilation + 1;
  const out = padding === 'same' ? Math.ceil(length / stride) : Math.floor((length - effectiveWindow) / stride) + 1;
  return Math.max(out, 0);
}

/** An axis in [-rank, rank) as a non-negative axis, with Keras's message when out of range. */
export function normalizeLayerAxis(layer: string, axis: number, shape: Shape): number {
  const rank = shape.length;
  if (!Number.isInteger(axis) || axis < -rank || axis >= rank) {
    throw new Error(`Invalid axis for layer "${layer}": ${axis}. Expected an integer in [${-rank}, ${rank}) for an input of shape ${formatSymbolicShape(shape)}.`);
  }
  return axis < 0 ? axis + rank : axis;
}

/** Throws Keras's message unless `value` (argument `name`: a rate, a standard deviation) is a number in [0, 1]. */
export function checkUnitInterval(name: string, value: unknown): number {
  if (typeof value !== 'number' || !(value >= 0 && value <= 1)) {
    throw new Error(`Invalid value received for argument \`${name}\`. Expected a float value between 0 and 1. Received: ${name}=${String(value)}`);
  }
  return value;
}

/** Whether a layer's input shape is a list of shapes (several inputs) rather than one shape. */
export function isShapeList(shape: Shape | Shape[]): shape is Shape[] {
  return shape.length > 0 && Array.isArray(shape[0]);
}

/** Throws Keras's message unless `seed` is undefined, null or an integer; the seed, or undefined. */
export function checkSeed(seed: unknown): number | undefined {
  if (seed !== undefined && seed !== null && !Number.isSafeInteger(seed)) {
    throw new Error(`Invalid value received for argument \`seed\`. Expected an integer. Received: seed=${String(seed)}`);
  }
  return (seed ?? undefined) as number | undefined;
}

/**
 * The seeds of a layer's random draws (dropout masks, noise, augmentations): without a seed,
 * undefined, so each draw takes a fresh seed (replayed training steps too); with one, a sequence
 * derived from it, so each call draws differently and the whole run is reproducible.
 */
export class SeedSequence {
  private draws = 0;

  constructor(readonly seed: number | undefined) {}

  next(): number | undefined {
    return this.seed === undefined ? undefined : ((this.seed % 2 ** 32) + (Math.imul(++this.draws, 0x9e3779b9) >>> 0)) % 2 ** 32;
  }
}

/** Where the channels axis of an image or sequence is: last (Keras's default) or after the batch axis. */
export type DataFormat = 'channels_last' | 'channels_first';

/** Keras's standardize_data_format: undefined gives config.imageDataFormat(); case does not matter. */
export function normalizeDataFormat(value: unknown): DataFormat {
  const format = value === undefined || value === null ? imageDataFormat() : typeof value === 'string' ? value.toLowerCase() : value;
  if (format !== 'channels_last' && format !== 'channels_first') {
    throw new Error(`Invalid value for argument dataFormat. Expected one of 'channels_last', 'channels_first'. Received: dataFormat=${JSON.stringify(value)}`);
  }
  return format;
}

/** The channels axis of an input in `format`: -1, or 1 (after the batch axis). */
export function channelsAxis(format: DataFormat): number {
  return format === 'channels_first' ? 1 : -1;
}

/** [batch, channels, ...spatial] as [batch, ...spatial, channels] for channels-first; else `shape`. */
export function toChannelsLast(shape: Shape, format: DataFormat): Shape {
  return format === 'channels_first' ? [shape[0], ...shape.slice(2), shape[1]] : shape;
}

/** The inverse of toChannelsLast. */
export function fromChannelsLast(shape: Shape, format: DataFormat): Shape {
  return format === 'channels_first' ? [shape[0], shape[shape.length - 1], ...shape.slice(1, -1)] : shape;
}

/**
 * `compute` (written for channels-last tensors) on `x` in `format`: channels-first data is moved
 * to channels-last and the result moved back, two transposes on the device.
 */
export function inChannelsLast(x: Tensor, format: DataFormat, compute: (channelsLast: Tensor) => Tensor): Tensor {
  if (format === 'channels_last') return compute(x);
  return tidy(() => moveaxis(compute(moveaxis(x, 1, -1)), -1, 1));
}

/** An `axis` option (one axis or a non-empty list of them, default -1), checked with Keras's message; lists are copied. */
export function axisOption(value: unknown): number | number[] {
  const axis = value ?? -1;
  const axes = typeof axis === 'number' ? [axis] : axis;
  if (!Array.isArray(axes) || axes.length === 0 || !axes.every((a) => Number.isInteger(a))) {
    throw new Error(`Invalid value for argument axis. Expected an integer or a non-empty list of integers. Received: axis=${JSON.stringify(axis)}`);
  }
  return typeof axis === 'number' ? axis : [...axes];
}

/** The axes of an axis option as non-negative indices without repeats; throws for one out of range of `shape`. */
export function resolveAxisOption(layer: string, axis: number | readonly number[], shape: Shape): number[] {
  const axes = typeof axis === 'number' ? [axis] : axis;
  return [...new Set(axes.map((a) => normalizeLayerAxis(layer, a, shape)))];
}

/** Product of known dimensions, or null when one is unknown. */
export function knownSize(dims: Shape): number | null {
  return dims.some((d) => d === null) ? null : (dims as number[]).reduce((a, b) => a * b, 1);
}
