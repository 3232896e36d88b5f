// Ops on symbolic tensors (Keras 3's functional style): `ops.concatenate`, `ops.multiply`,
// `ops.moments`, ... between layers record Operation nodes; the model computes what the same ops
// compute on tensors, trains (replayed steps equal to eager ones), saves and loads by op name, and
// says what cannot be saved. Also: the public `ops` namespace keeps every op's types.

import { beforeEach, describe, expect, it } from 'vitest';
import ts from 'typescript';
import { Input, Model, getBackend, layers, loadModel, ops, saveKerasModel, tensor, type Tensor } from '../../src/node';
import { Operation } from '../../src/layers/operation';
import { onBothBackends, useWebGPU } from '../helpers';

useWebGPU();
beforeEach(() => expect(getBackend()).toBe('webgpu'));

/** A model mixing layers and ops: two inputs, a Dense, centering by the mean, the moments' record, a split list. */
function build(): { model: Model; dense: layers.Dense } {
  const a = Input({ shape: [3], name: 'a' });
  const b = Input({ shape: [3], name: 'b' });
  const dense = new layers.Dense({ units: 4, name: 'proj' });
  const h = dense.apply(ops.concatenate([a, ops.multiply(b, 2)], -1));
  const centered = ops.subtract(h, ops.mean(h, -1, true));
  const { variance } = ops.moments(h, [1], { keepDims: true });
  const [left, right] = ops.split(centered, [1], 1);
  const out = ops.concatenate([ops.clip(right, -Infinity, 1), left, ops.sqrt(ops.add(variance, 1e-3))], 1);
  return { model: new Model({ inputs: [a, b], outputs: out }), dense };
}

/** The same computation written with ops on tensors, from the Dense layer's weights. */
function reference(dense: layers.Dense, a: Tensor, b: Tensor): Tensor {
  const [kernel, bias] = dense.getWeights();
  const h = ops.add(ops.matmul(ops.concatenate([a, ops.multiply(b, 2)], -1), kernel), bias);
  const centered = ops.subtract(h, ops.mean(h, -1, true));
  const { variance } = ops.moments(h, [1], { keepDims: true });
  const [left, right] = ops.split(centered, [1], 1);
  return ops.concatenate([ops.clip(right, -Infinity, 1), left, ops.sqrt(ops.add(variance, 1e-3))], 1);
}

const inputs = () => [tensor([[1, 2, 3], [4, -5, 6], [0.5, 0, -1]]), tensor([[1, 0, 1], [0, 1, 0], [2, 2, 2]])];

async function expectClose(actual: Tensor, expected: Tensor, tolerance = 1e-5): Promise<void> {
  expect(actual.shape).toEqual(expected.shape);
  const [x, y] = [await actual.data(), await expected.data()];
  x.forEach((v, i) => expect(Math.abs(v - y[i])).toBeLessThanOrEqual(tolerance));
}

describe('ops on symbolic tensors', () => {
  it(
    'record Operation nodes that compute what the ops compute on tensors',
    onBothBackends(async () => {
      const { model, dense } = build();
      expect(model.layers.filter((l) => l instanceof Operation).map((l) => (l as Operation).op)).toEqual(['multiply', 'concatenate', 'mean', 'subtract', 'moments', 'split', 'add', 'clip', 'sqrt', 'concatenate']);
      expect(model.outputShape).toEqual([null, 5]);
      const [a, b] = inputs();
      await expectClose((await model.predict([a, b])) as Tensor, reference(dense, a, b));
    }),
  );

  it('save and load by op name, with undefined and infinite arguments', async () => {
    const { model } = build();
    const x = Input({ shape: [2, 3] });
    const summed = new Model({ inputs: x, outputs: ops.sum(x, undefined, true) });
    for (const m of [model, summed]) {
      await m.save('memory://ops-model');
      const restored = await loadModel('memory://ops-model');
      const data = m === model ? inputs() : [tensor([[[1, 2, 3], [4, 5, 6]]])];
      await expectClose((await restored.predict(data.length === 1 ? data[0] : data)) as Tensor, (await m.predict(data.length === 1 ? data[0] : data)) as Tensor, 0);
    }
    const config = new Operation({ op: 'clip', args: [{ symbolicInput: 0 }, -Infinity, undefined] }).getConfig();
    expect(JSON.parse(JSON.stringify(config))).toMatchObject({ op: 'clip', args: [{ symbolicInput: 0 }, { number: '-Infinity' }, { undefined: true }] });
  });

  it('train through the ops, replayed steps equal to eager ones', async () => {
    const make = (runEagerly: boolean) => {
      const { model } = build();
      model.compile({ optimizer: 'sgd', loss: 'mse', runEagerly });
      return model;
    };
    const [compiled, eager] = [make(false), make(true)];
    eager.setWeights(compiled.getWeights());
    const [a, b] = inputs();
    const y = ops.randomUniform([3, 5], { seed: 3 });
    const history = await compiled.fit([a, b], y, { epochs: 6, batchSize: 3, verbose: 0, shuffle: false });
    await eager.fit([a, b], y, { epochs: 6, batchSize: 3, verbose: 0, shuffle: false });
    expect(history.history.loss[5]).toBeLessThan(history.history.loss[0]);
    const [w1, w2] = [compiled.getWeights(), eager.getWeights()];
    for (let i = 0; i < w1.length; i++) expect(Array.from(await w1[i].data())).toEqual(Array.from(await w2[i].data()));
  });

  it('run with a tensor constant but say why the model cannot be saved, naming the op and the argument', async () => {
    const x = Input({ shape: [2] });
    const model = new Model({ inputs: x, outputs: ops.add(x, tensor([10, 20])) });
    await expectClose((await model.predict(tensor([[1, 2]]))) as Tensor, tensor([[11, 22]]));
    await expect(model.save('memory://constant')).rejects.toThrow('Cannot serialize the call of ops.add in this model: its argument 1 is a tensor constant (shape [2]), not data.');
    expect(() => new Operation({ op: 'noSuchOp', args: [] })).toThrow("Operation: unknown op 'noSuchOp'; expected the name of a function of ops.");
  });

  it('say which op failed on which symbolic shapes', () => {
    expect(() => ops.add(Input({ shape: [3] }), Input({ shape: [4] }))).toThrow(/^ops\.add on symbolic tensors of shape \(None, 3\), \(None, 4\): add: .*cannot be broadcast/);
  });

  it('leave calls on tensors as they were', async () => {
    expect(ops.add(tensor([1]), 2)).not.toHaveProperty('node');
    expect(Array.from(await ops.add(tensor([1]), 2).data())).toEqual([3]);
  });
});

describe('the public ops namespace', () => {
  it('has every function and every type of the ops module', async () => {
    const all = await import('../../src/ops/index');
    const functions = Object.entries(all).filter(([, v]) => typeof v === 'function').map(([k]) => k);
    expect(functions.filter((name) => typeof (ops as Record<string, unknown>)[name] !== 'function')).toEqual([]);
    const program = ts.createProgram(['src/ops/index.ts', 'src/ops/public.ts'], { target: ts.ScriptTarget.ES2022, module: ts.ModuleKind.ESNext, moduleResolution: ts.ModuleResolutionKind.Bundler, noEmit: true });
    const checker = program.getTypeChecker();
    const typeNames = (file: string, pick: (symbol: ts.Symbol) => ts.Symbol[]) =>
      pick(checker.getSymbolAtLocation(program.getSourceFile(file)!)!).map((s) => s.name);
    const moduleTypes = typeNames('src/ops/index.ts', (m) =>
      checker.getExportsOfModule(m).filter((e) => !((e.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(e) : e).flags & ts.SymbolFlags.Value)),
    );
    const namespaceTypes = typeNames('src/ops/public.ts', (m) => {
      const namespace = checker.getExportsOfModule(m).find((e) => e.name === 'ops')!;
      return [...(namespace.exports?.values() ?? [])];
    });
    expect(moduleTypes.filter((name) => !namespaceTypes.includes(name))).toEqual([]);
  }, 60_000);
});

describe('symbolic outputs of ops', () => {
  it('take the dtype the op gives and trace ops on int32 inputs with int32 zeros', async () => {
    const x = Input({ shape: [4] });
    const ids = Input({ shape: [2], dtype: 'int32' });
    const picked = ops.takeAlongAxis(x, ids, 1);
    const best = ops.argmax(x, -1);
    expect([picked.dtype, best.dtype]).toEqual(['float32', 'int32']);
    const model = new Model({ inputs: [x, ids], outputs: [picked, best] });
    const [values, index] = (await model.predict([tensor([[1, 5, 2, 0]]), tensor([[3, 1]], [1, 2], 'int32')])) as Tensor[];
    expect(Array.from(await values.data())).toEqual([0, 5]);
    expect(Array.from(await index.data())).toEqual([1]);
  });
});

describe('ops with nested results on symbolic tensors', () => {
  /** A model of eig's four tensors, taken from its nested symbolic result, and the eigenvalues' magnitudes computed from two of them. */
  function eigModel(): Model {
    const x = Input({ shape: [3, 3] });
    const [[real, imag], [vectorsReal, vectorsImag]] = ops.eig(x);
    const magnitude = ops.sqrt(ops.add(ops.square(real), ops.square(imag)));
    return new Model({ inputs: x, outputs: [real, imag, vectorsReal, vectorsImag, magnitude] });
  }
  // A rotation by 90 degrees in the first two axes (eigenvalues ±i) and a scaling by 2, then an upper-triangular matrix.
  const matrices = () => tensor([[[0, -1, 0], [1, 0, 0], [0, 0, 2]], [[2, 1, 0], [0, 3, 1], [0, 0, -1]]]);

  it(
    'take the places of the tensors in eig\'s [[real, imag], [vectorsReal, vectorsImag]] and predict what eig gives',
    onBothBackends(async () => {
      const model = eigModel();
      const operation = model.layers.find((l) => l instanceof Operation && l.op === 'eig') as Operation;
      expect(operation.resultStructure).toEqual([[0, 1], [2, 3]]);
      expect(model.outputShape).toEqual([[null, 3], [null, 3], [null, 3, 3], [null, 3, 3], [null, 3]]);
      const x = matrices();
      const predicted = (await model.predict(x)) as Tensor[];
      const [[real, imag], [vectorsReal, vectorsImag]] = ops.eig(x);
      for (const [i, expected] of [real, imag, vectorsReal, vectorsImag].entries()) await expectClose(predicted[i], expected, 0);
      await expectClose(predicted[4], tensor([[1, 1, 2], [2, 3, 1]]), 1e-5);
    }),
  );

  it('keep their structure through saving and loading', async () => {
    const model = eigModel();
    await model.save('memory://eig-model');
    const restored = await loadModel('memory://eig-model');
    const operation = restored.layers.find((l) => l instanceof Operation && l.op === 'eig') as Operation;
    expect(operation.resultStructure).toEqual([[0, 1], [2, 3]]);
    const x = matrices();
    const [expected, actual] = [(await model.predict(x)) as Tensor[], (await restored.predict(x)) as Tensor[]];
    for (let i = 0; i < expected.length; i++) await expectClose(actual[i], expected[i], 0);
    await expect(saveKerasModel(model)).rejects.toThrow(/the op eig applied between layers .* has no Keras op written here yet/);
  });

  it('read a record\'s structure saved as its keys by earlier versions', () => {
    const operation = Operation.fromConfig({ name: 'moments', op: 'moments', args: [{ symbolicInput: 0 }, [1]], resultKeys: ['mean', 'variance'] });
    expect(operation.resultStructure).toEqual({ mean: 0, variance: 1 });
  });
});
