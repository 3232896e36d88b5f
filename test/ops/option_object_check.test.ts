// An op given a number, string or boolean where its options object belongs throws and names the
// options, instead of ignoring it: Keras's positional `depthwise_conv(x, kernel, 1, "same")`
// written as `ops.depthwiseConv(x, kernel, 1, 'same')` ran with the default padding before.

import { describe, expect, it } from 'vitest';
import { ops } from '../../src/node';

describe('checkOptionNames', () => {
  it('rejects a primitive in place of the options object, and still takes an object or nothing', () => {
    const x = ops.ones([1, 4, 4, 2]);
    const kernel = ops.ones([3, 3, 2, 1]);
    const call = ops.depthwiseConv as unknown as (...args: unknown[]) => unknown;
    expect(() => call(x, kernel, 1, 'same')).toThrow("depthwiseConv: expected an options object { strides, padding, dataFormat, dilationRate } here, got number 1; Keras's positional arguments are named options here.");
    expect(() => (ops.image.resize as unknown as (...args: unknown[]) => unknown)(x, [2, 2], 'nearest')).toThrow(/resize: expected an options object \{ .*interpolation.* \} here, got string "nearest"/);
    expect(ops.depthwiseConv(x, kernel, { padding: 'same' }).shape).toEqual([1, 4, 4, 2]);
    expect(ops.depthwiseConv(x, kernel).shape).toEqual([1, 2, 2, 2]);
  });
});
