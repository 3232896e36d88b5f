// Adaptive pooling layers (keras/src/layers/pooling/base_adaptive_pooling.py): the output's
// spatial size is fixed by `outputSize` whatever the input's, each output averaging (or taking the
// maximum of) its PyTorch-style bin of the input, on `ops.adaptiveAveragePool` /
// `ops.adaptiveMaxPool`. Channels last by default, or channels first.

import { adaptiveAveragePool, adaptiveMaxPool } from '../ops/adaptive_pooling';
import type { Tensor } from '../tensor/tensor';
import { Layer, type LayerArgs } from './layer';
import { normalizeDataFormat, normalizeTuple, type DataFormat } from './layer_utils';
import type { Shape } from './symbolic';

export interface AdaptivePoolingArgs extends LayerArgs {
  /** The spatial size of the output: one number for every spatial axis or one per axis. Required. */
  outputSize: number | readonly number[];
  /** 'channels_last' ([batch, ...spatial, channels]) or 'channels_first'. Default: config.imageDataFormat(). */
  dataFormat?: DataFormat;
}

type PoolMode = 'max' | 'average';

/** Keras's BaseAdaptivePooling for inputs of `rank` spatial axes (1, 2 or 3). */
abstract class AdaptivePooling extends Layer {
  readonly outputSize: number[];
  readonly dataFormat: DataFormat;

  constructor(
    rank: number,
    args: AdaptivePoolingArgs,
    private readonly mode: PoolMode,
  ) {
    super(args);
    if (args?.outputSize === undefined || args.outputSize === null) {
      throw new Error(`${new.target.name}: the \`outputSize\` argument is required: a positive integer or a list of ${rank} of them.`);
    }
    this.outputSize = normalizeTuple(args.outputSize, rank, 'outputSize');
    this.dataFormat = normalizeDataFormat(args.dataFormat);
    this.inputSpec = { ndim: rank + 2 };
  }

  override call(inputs: Tensor): Tensor {
    const pool = this.mode === 'max' ? adaptiveMaxPool : adaptiveAveragePool;
    return pool(inputs, this.outputSize, { dataFormat: this.dataFormat });
  }

  override computeOutputShape(inputShape: Shape): Shape {
    if (this.dataFormat === 'channels_last') return [inputShape[0], ...this.outputSize, inputShape[inputShape.length - 1]];
    return [inputShape[0], inputShape[1], ...this.outputSize];
  }

  override getConfig(): Record<string, unknown> {
    return { ...super.getConfig(), outputSize: [...this.outputSize], dataFormat: this.dataFormat };
  }
}

/**
 * Adaptive average pooling of sequences: [batch, steps, channels] -> [batch, outputSize,
 * channels] (channels first with `dataFormat: 'channels_first'`), output i averaging steps
 * [floor(i * steps / n), ceil((i + 1) * steps / n)).
 *
 * @example
 * new AdaptiveAveragePooling1D({ outputSize: 4 }).apply(Input({ shape: [10, 3] })).shape;   // [null, 4, 3]
 */
export class AdaptiveAveragePooling1D extends AdaptivePooling {
  constructor(args: AdaptivePoolingArgs) {
    super(1, args, 'average');
  }
}

/**
 * Adaptive average pooling of images: [batch, height, width, channels] -> [batch, outHeight,
 * outWidth, channels] for `outputSize` (one number or [height, width]).
 *
 * @example
 * new AdaptiveAveragePooling2D({ outputSize: 7 }).apply(Input({ shape: [30, 30, 16] })).shape;   // [null, 7, 7, 16]
 */
export class AdaptiveAveragePooling2D extends AdaptivePooling {
  constructor(args: AdaptivePoolingArgs) {
    super(2, args, 'average');
  }
}

/**
 * Adaptive average pooling of volumes: [batch, depth, height, width, channels] -> [batch,
 * outDepth, outHeight, outWidth, channels] for `outputSize` (one number or [depth, height, width]).
 *
 * @example
 * new AdaptiveAveragePooling3D({ outputSize: [2, 4, 4] }).apply(Input({ shape: [5, 9, 9, 2] })).shape;   // [null, 2, 4, 4, 2]
 */
export class AdaptiveAveragePooling3D extends AdaptivePooling {
  constructor(args: AdaptivePoolingArgs) {
    super(3, args, 'average');
  }
}

/**
 * Adaptive max pooling of sequences, as AdaptiveAveragePooling1D with the maximum of each bin.
 *
 * @example
 * new AdaptiveMaxPooling1D({ outputSize: 4 }).apply(Input({ shape: [10, 3] })).shape;   // [null, 4, 3]
 */
export class AdaptiveMaxPooling1D extends AdaptivePooling {
  constructor(args: AdaptivePoolingArgs) {
    super(1, args, 'max');
  }
}

/**
 * Adaptive max pooling of images, as AdaptiveAveragePooling2D with the maximum of each bin.
 *
 * @example
 * new AdaptiveMaxPooling2D({ outputSize: [2, 3] }).apply(Input({ shape: [9, 9, 4] })).shape;   // [null, 2, 3, 4]
 */
export class AdaptiveMaxPooling2D extends AdaptivePooling {
  constructor(args: AdaptivePoolingArgs) {
    super(2, args, 'max');
  }
}

/**
 * Adaptive max pooling of volumes, as AdaptiveAveragePooling3D with the maximum of each bin.
 *
 * @example
 * new AdaptiveMaxPooling3D({ outputSize: 2 }).apply(Input({ shape: [5, 9, 9, 2] })).shape;   // [null, 2, 2, 2, 2]
 */
export class AdaptiveMaxPooling3D extends AdaptivePooling {
  constructor(args: AdaptivePoolingArgs) {
    super(3, args, 'max');
  }
}
