// Constant given a Tensor: refused (a bare one used to pass for an empty options record and fill
// zeros), with a short message naming its shape and how to pass its values (the message used to
// print the tensor's JSON: its whole device state).

import { describe, expect, it } from 'vitest';
import { initializers, tensor } from '../../src/node';

describe('Constant given a Tensor', () => {
  it('says what it received and how to give the values, in a short message', () => {
    const value = tensor([1, 2, 3, 4, 5, 6], [2, 3]);
    const expected = 'Constant: Invalid value for argument value. Expected a number or nested arrays of numbers (or { value }). Received: value=a Tensor of shape [2,3] (give its values as nested arrays: await t.array()).';
    expect(() => new initializers.Constant(value as never)).toThrow(expected);
    expect(() => new initializers.Constant({ value } as never)).toThrow(expected);
    expect(() => new initializers.Constant('3' as never)).toThrow('Received: value="3".');
  });
});
