// keras.constraints.get / serialize / deserialize: the same names as initializers and regularizers,
// so a custom layer's getConfig can write any of the three the Keras way.

import { describe, expect, it } from 'vitest';
import { constraints } from '../../src/node';

describe('constraints.get, serialize and deserialize', () => {
  it('gets a constraint by name, record or instance', () => {
    expect(constraints.get('non_neg')).toBeInstanceOf(constraints.NonNeg);
    const unit = new constraints.UnitNorm({ axis: 1 });
    expect(constraints.get(unit)).toBe(unit);
    expect(constraints.get({ className: 'MaxNorm', config: { maxValue: 3, axis: 1 } }).getConfig()).toEqual({ maxValue: 3, axis: 1 });
  });

  it('serializes to { className, config } and deserializes back', () => {
    const record = constraints.serialize(new constraints.MaxNorm({ maxValue: 3 }));
    expect(record).toEqual({ className: 'MaxNorm', config: { maxValue: 3, axis: 0 } });
    expect(constraints.deserialize(record).getConfig()).toEqual({ maxValue: 3, axis: 0 });
  });

  it('deserializes a custom class given in customObjects', () => {
    class Halve extends constraints.Constraint {}
    expect(constraints.deserialize({ className: 'Halve', config: {} }, { Halve })).toBeInstanceOf(Halve);
  });

  it('names the accepted identifiers for an unknown name', () => {
    expect(() => constraints.get('nonnegative')).toThrow("Unknown constraint: 'nonnegative'. Expected one of maxNorm, minMaxNorm, nonNeg, unitNorm");
  });
});
