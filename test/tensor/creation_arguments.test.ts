// tensor(): a dtype given where the shape goes is refused with an error that names the right call.
import { describe, expect, it } from 'vitest';
import { tensor } from '../../src/tensor/creation';

describe('tensor arguments', () => {
  it('refuses a shape that is not an array, and says how to give a dtype alone', () => {
    expect(() => tensor([[1, 2], [3, 4]], 'int32' as never)).toThrow("tensor: shape must be an array of non-negative integers, got \"int32\". For a dtype alone, pass tensor(values, undefined, 'int32').");
    expect(() => tensor([1, 2], 2 as never)).toThrow('tensor: shape must be an array of non-negative integers, got 2.');
    expect(tensor([[1, 2], [3, 4]], undefined, 'int32').dtype).toBe('int32');
  });
});
