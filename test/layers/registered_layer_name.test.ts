// A registered layer or model class's automatic name: Keras names an instance after its class
// (`auto_name(cls.__name__)`), so the package of its registered name 'package>Name' is no part of it.

import { describe, expect, it } from 'vitest';
import { Input, Layer, Model, layers, registerKerasSerializable, type SymbolicTensor, type Tensor } from '../../src/node';

class RegisteredNamingProbe extends Layer {
  override call(inputs: Tensor): Tensor {
    return inputs;
  }
}

class RegisteredNamingModel extends Model {
  constructor() {
    const inputs = Input({ shape: [2] });
    super({ inputs, outputs: new layers.Dense({ units: 1 }).apply(inputs) as SymbolicTensor });
  }
}

describe('registered class names', () => {
  it('name instances after the class, without the package', () => {
    registerKerasSerializable(RegisteredNamingProbe, { package: 'naming_tests' });
    registerKerasSerializable(RegisteredNamingModel);
    expect(new RegisteredNamingProbe().name).toBe('registered_naming_probe');
    expect(new RegisteredNamingProbe().name).toBe('registered_naming_probe_1');
    expect(new RegisteredNamingModel().name).toBe('registered_naming_model');
  });
});
