// Hashing and HashedCrossing (src/layers/hashing.ts, hashed_crossing.ts), and the hashed OOV
// buckets of StringLookup and IntegerLookup. Keras 3.16 computes these with TensorFlow, which the
// reference environment lacks, so the expected bins are the outputs printed in Keras's docstrings
// and tests (keras/src/layers/preprocessing/{hashing,hashed_crossing,string_lookup,
// integer_lookup}.py and hashing_test.py, hashed_crossing_test.py), each noted. Host strings are
// hashed on the CPU; tensors on WebGPU and on the CPU backend.


import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { Input, Model, loadModel, tensor, type SymbolicTensor, type Tensor } from '../../src/node';
import { kerasLayerConfig } from '../../src/io/keras_save';
import { hashBucket } from '../../src/ops/fingerprint';
import { deserializeLayer } from '../../src/layers/index';
import { HashedCrossing } from '../../src/layers/hashed_crossing';
import { Hashing } from '../../src/layers/hashing';
import { IntegerLookup } from '../../src/layers/integer_lookup';
import { StringLookup } from '../../src/layers/string_lookup';
import { onBothBackends, useWebGPU } from '../helpers';
import { makeTempDir } from '../temp_dir';

useWebGPU();

/** The values of a tensor (freed) with its shape and dtype. */
async function read(x: Tensor): Promise<{ shape: number[]; dtype: string; values: number[] }> {
  const result = { shape: [...x.shape], dtype: x.dtype, values: Array.from(await x.data()) };
  x.dispose();
  return result;
}

const ints = (values: number[]) => tensor(values, [values.length], 'int32');
const column = (values: string[]) => values.map((value) => [value]);
const WIRE = ['omar', 'stringer', 'marlo', 'wire', 'skywalker'];

describe('Hashing', () => {
  it('hashes strings on the host: the Keras docstring examples (FarmHash64, mask value, SipHash64 with two salts and one)', onBothBackends(async () => {
    const letters = column(['A', 'B', 'C', 'D', 'E']);
    expect(await read(new Hashing({ numBins: 3 }).apply(letters))).toEqual({ shape: [5, 1], dtype: 'int32', values: [1, 0, 1, 1, 2] });
    expect((await read(new Hashing({ numBins: 3, maskValue: '' }).apply(column(['A', 'B', '', 'C', 'D'])))).values).toEqual([1, 1, 0, 2, 2]);
    expect((await read(new Hashing({ numBins: 3, salt: [133, 137] }).apply(letters))).values).toEqual([1, 2, 1, 0, 2]);
    expect((await read(new Hashing({ numBins: 3, salt: 133 }).apply(letters))).values).toEqual([0, 0, 2, 1, 0]);
  }));

  it("gives hashing_test.py's bins: strings, masks, salts, integer lists, a single bin", onBothBackends(async () => {
    expect((await read(new Hashing({ numBins: 2 }).apply(column(WIRE)))).values).toEqual([0, 0, 1, 0, 0]);
    expect(await read(new Hashing({ numBins: 2 }).apply(WIRE))).toEqual({ shape: [5], dtype: 'int32', values: [0, 0, 1, 0, 0] });
    expect((await read(new Hashing({ numBins: 3, maskValue: '' }).apply(column(WIRE)))).values).toEqual([1, 1, 2, 1, 1]);
    expect((await read(new Hashing({ numBins: 3, maskValue: 'omar' }).apply(column(WIRE)))).values).toEqual([0, 1, 2, 1, 1]);
    expect((await read(new Hashing({ numBins: 2, salt: [133, 137] }).apply(column(WIRE)))).values).toEqual([0, 1, 0, 1, 0]);
    expect((await read(new Hashing({ numBins: 2, salt: [211, 137] }).apply(column(WIRE)))).values).toEqual([1, 0, 1, 0, 1]);
    expect((await read(new Hashing({ numBins: 1 }).apply(column(['A', 'B', 'C'])))).values).toEqual([0, 0, 0]);
    // test_tensor_like_inputs and test_hash_list_input: integers given as host lists.
    expect((await read(new Hashing({ numBins: 3 }).apply([0, 1, 2, 3, 4]))).values).toEqual([1, 0, 1, 0, 2]);
    expect(await read(new Hashing({ numBins: 2 }).apply([[[1], [2]], [[2], [3]], [[3], [4]]]))).toEqual({ shape: [3, 2, 1], dtype: 'int32', values: [1, 1, 1, 1, 1, 1] });
  }));

  it('hashes integer tensors on the device: farmhash, siphash, a numeric mask, float inputs truncated', onBothBackends(async () => {
    // test_hash_dense_int_input_farmhash and _siphash.
    expect(await read(new Hashing({ numBins: 3 }).apply(tensor([[0], [1], [2], [3], [4]], [5, 1], 'int32')))).toEqual({ shape: [5, 1], dtype: 'int32', values: [1, 0, 1, 0, 2] });
    expect((await read(new Hashing({ numBins: 3, salt: [133, 137] }).apply(ints([0, 1, 2, 3, 4])))).values).toEqual([1, 1, 2, 0, 1]);
    // A mask value takes bin 0, the others 1 + hash mod (numBins - 1); the host hashes integers the same way.
    const masked = new Hashing({ numBins: 3, maskValue: 3 });
    const expected = [0, 1, 2, 3, 4].map((value) => (value === 3 ? 0 : 1 + hashBucket(value, 2)));
    expect((await read(masked.apply(ints([0, 1, 2, 3, 4])))).values).toEqual(expected);
    expect((await read(masked.apply([0, 1, 2, 3, 4]))).values).toEqual(expected);
    expect((await read(new Hashing({ numBins: 3 }).apply(tensor([0.5, 1.9, -2.5])))).values).toEqual([0, 1, -2].map((value) => hashBucket(value, 3)));
  }));

  it("encodes the bins: hashing_test.py's one_hot, multi_hot and count outputs, symbolic and eager", onBothBackends(async () => {
    const input = Input({ shape: [1], dtype: 'int32' });
    const oneHot = new Hashing({ numBins: 3, outputMode: 'one_hot' }).apply(input) as SymbolicTensor;
    expect(oneHot.shape).toEqual([null, 3]);
    const model = new Model({ inputs: input, outputs: oneHot });
    expect(await read(model.apply(tensor([[0], [1], [2], [3], [4]], [5, 1], 'int32')) as Tensor)).toEqual({ shape: [5, 3], dtype: 'float32', values: [0, 1, 0, 1, 0, 0, 0, 1, 0, 1, 0, 0, 0, 0, 1] });
    const multiHot = new Hashing({ numBins: 3, outputMode: 'multi_hot' });
    expect((multiHot.apply(Input({ shape: [null], dtype: 'int32' })) as SymbolicTensor).shape).toEqual([null, 3]);
    expect(await read(multiHot.apply(tensor([[0, 1, 2, 3, 4]], [1, 5], 'int32')))).toEqual({ shape: [1, 3], dtype: 'float32', values: [1, 1, 1] });
    const count = new Hashing({ numBins: 3, outputMode: 'count' });
    expect((await read(count.apply(ints([0, 1, 2, 3, 4])))).values).toEqual([2, 2, 1]);
    expect(await read(count.apply([[0, 1, 2, 3, 4]]))).toEqual({ shape: [1, 3], dtype: 'float32', values: [2, 2, 1] });
    // test_compute_output_shape: the shape computed agrees with the symbolic call and the real output.
    for (const mode of ['int', 'one_hot', 'multi_hot', 'count'] as const) {
      for (const shape of [[4], [4, 1], [3, 4]]) {
        const layer = new Hashing({ numBins: 5, outputMode: mode });
        const symbolic = layer.apply(Input({ shape, dtype: 'int32' })) as SymbolicTensor;
        expect(layer.computeOutputShape([null, ...shape])).toEqual(symbolic.shape);
        const out = await read(layer.apply(tensor(new Int32Array(2 * shape.reduce((a, b) => a * b)), [2, ...shape], 'int32')));
        expect(out.shape).toEqual(symbolic.shape.map((d) => d ?? 2));
      }
    }
  }));

  it("round-trips its config in Keras's names, and rejects what Keras rejects", () => {
    const layer = new Hashing({ numBins: 8, salt: 133, maskValue: '', name: 'hasher' });
    const config = layer.getConfig();
    expect(config).toMatchObject({ name: 'hasher', numBins: 8, salt: [133, 133], maskValue: '', outputMode: 'int', sparse: false, dtype: 'int32' });
    expect((deserializeLayer({ className: 'Hashing', config: JSON.parse(JSON.stringify(config)) }) as Hashing).getConfig()).toEqual(config);
    expect(kerasLayerConfig(layer)).toMatchObject({ num_bins: 8, salt: [133, 133], mask_value: '', output_mode: 'int', sparse: false });
    expect(new Hashing({ numBins: 3, outputMode: 'count' }).dtype).toBe('float32');
    for (const numBins of [0, -1, 1.5, undefined]) expect(() => new Hashing({ numBins } as never)).toThrow('The `numBins` for `Hashing` cannot be `None` or non-positive values');
    expect(() => new Hashing({ numBins: 3, outputMode: 'tf_idf' as never })).toThrow("Invalid value for argument `outputMode`. Expected one of 'int', 'one_hot', 'multi_hot', 'count'. Received: outputMode=\"tf_idf\"");
    expect(() => new Hashing({ numBins: 3, dtype: 'float32' })).toThrow('When `outputMode="int"`, `dtype` should be an integer type');
    expect(() => new Hashing({ numBins: 3, sparse: true })).toThrow('`sparse` may only be true if `outputMode` is');
    expect(() => new Hashing({ numBins: 3, outputMode: 'count', sparse: true })).toThrow('`sparse=true` is not supported');
    expect(() => new Hashing({ numBins: 2, salt: [1] as never })).toThrow('The `salt` argument for `Hashing` can only be a tuple of size 2 integers, or a single integer.');
    expect(() => new Hashing({ numBins: 3, maskValue: '' }).apply(ints([1]))).toThrow("maskValue \"\" is a string, but the input is a tensor of numbers");
    expect(() => new Hashing({ numBins: 3 }).apply(['a', 1] as never)).toThrow('takes tokens of one kind, strings or numbers');
  });
});

describe('HashedCrossing', () => {
  const feat1 = ['A', 'B', 'A', 'B', 'A'];
  const feat2 = [101, 101, 101, 102, 102];

  it('crosses host features: the Keras docstring examples (int and one_hot)', onBothBackends(async () => {
    expect(await read(new HashedCrossing({ numBins: 5 }).apply([feat1, feat2]))).toEqual({ shape: [5], dtype: 'int32', values: [1, 4, 1, 1, 3] });
    const oneHot = await read(new HashedCrossing({ numBins: 5, outputMode: 'one_hot' }).apply([feat1, feat2]));
    expect(oneHot).toEqual({ shape: [5, 5], dtype: 'float32', values: [0, 1, 0, 0, 0, 0, 0, 0, 0, 1, 0, 1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 1, 0] });
    // Shapes [batch, 1] and [] keep their shape in 'int' mode; 'one_hot' replaces a last axis of 1.
    expect(await read(new HashedCrossing({ numBins: 5 }).apply([feat1.map((a) => [a]), feat2.map((b) => [b])]))).toEqual({ shape: [5, 1], dtype: 'int32', values: [1, 4, 1, 1, 3] });
    expect(await read(new HashedCrossing({ numBins: 5 }).apply(['B', 101]))).toEqual({ shape: [], dtype: 'int32', values: [4] });
    expect((await read(new HashedCrossing({ numBins: 5, outputMode: 'one_hot' }).apply([[['B']], [[101]]]))).shape).toEqual([1, 5]);
  }));

  it('crosses int32 tensors on the device as the host does, and in a functional model', onBothBackends(async () => {
    const a = [1, 2, -3, 2147483647];
    const b = [4, 5, 6, -2147483648];
    const expected = (await read(new HashedCrossing({ numBins: 1000 }).apply([a, b]))).values;
    expect(await read(new HashedCrossing({ numBins: 1000 }).apply([ints(a), ints(b)]))).toEqual({ shape: [4], dtype: 'int32', values: expected });
    const x1 = Input({ shape: [1], dtype: 'int32' });
    const x2 = Input({ shape: [1], dtype: 'int32' });
    const crossed = new HashedCrossing({ numBins: 1000, outputMode: 'one_hot' }).apply([x1, x2]) as SymbolicTensor;
    expect(crossed.shape).toEqual([null, 1000]);
    const model = new Model({ inputs: [x1, x2], outputs: crossed });
    const out = await read(model.apply([tensor(a, [4, 1], 'int32'), tensor(b, [4, 1], 'int32')]) as Tensor);
    expect(out.shape).toEqual([4, 1000]);
    expect(expected.map((bin, row) => out.values[row * 1000 + bin])).toEqual([1, 1, 1, 1]);
    expect(out.values.reduce((s, v) => s + v, 0)).toBe(4);
  }));

  it('a model of Hashing (int bins: an int32 dtype policy) saves to a Keras file and loads back', async () => {
    const ids = Input({ shape: [2], dtype: 'int32' });
    const model = new Model({ inputs: ids, outputs: new Hashing({ numBins: 7, salt: 3 }).apply(ids) as SymbolicTensor });
    const x = tensor([5, -9, 123456789, 0], [2, 2], 'int32');
    const before = await read((await model.predict(x)) as Tensor);
    const path = join(makeTempDir('hashing-'), 'hashing.keras');
    await model.save(path);
    const restored = await loadModel(path);
    expect(await read((await restored.predict(x)) as Tensor)).toEqual(before);
  });

  it("round-trips its config and rejects Keras's invalid inputs", () => {
    const layer = new HashedCrossing({ numBins: 4, outputMode: 'one_hot', name: 'cross' });
    const config = layer.getConfig();
    expect(config).toMatchObject({ name: 'cross', numBins: 4, outputMode: 'one_hot', sparse: false, dtype: 'float32' });
    expect((deserializeLayer({ className: 'HashedCrossing', config: JSON.parse(JSON.stringify(config)) }) as HashedCrossing).getConfig()).toEqual(config);
    expect(kerasLayerConfig(layer)).toMatchObject({ num_bins: 4, output_mode: 'one_hot', sparse: false });
    const cross = new HashedCrossing({ numBins: 10 });
    expect(() => cross.apply(ints([1]) as never)).toThrow('`HashedCrossing` should be called on a list of inputs.');
    expect(() => cross.apply([ints([1])])).toThrow('`HashedCrossing` should be called on at least two inputs. Received: 1 input');
    expect(() => cross.apply([[[[1]]], [[[1]]]])).toThrow('All `HashedCrossing` inputs should have shape `()`, `(batch_size)` or `(batch_size, 1)`.');
    expect(() => cross.apply([[1, 2], [1]])).toThrow('All `HashedCrossing` inputs should have equal shape. Received shapes [2], [1]');
    expect(() => cross.apply([tensor([1]), tensor([1])])).toThrow('All `HashedCrossing` inputs should have an integer or string dtype: tensors must be int32.');
    expect(() => cross.apply([[1.5], [1]])).toThrow('All `HashedCrossing` inputs should have an integer or string dtype');
    expect(() => cross.apply([['a'], ints([1])] as never)).toThrow('not a mix; read a tensor back with `await t.array()`');
    expect(() => new HashedCrossing({ numBins: 3, outputMode: 'count' as never })).toThrow("Expected one of 'int', 'one_hot'.");
    expect(() => new HashedCrossing({ numBins: 3, sparse: true })).toThrow('`sparse=true` is not supported');
  });
});

describe('hashed OOV buckets of the lookup layers', () => {
  it("StringLookup: FarmHash64 buckets (the Keras docstring's 'm' -> 0, 'z' -> 1), SipHash ones with a salt", onBothBackends(async () => {
    const vocab = ['a', 'b', 'c', 'd'];
    const data = [['a', 'c', 'd'], ['m', 'z', 'b']];
    expect((await read(new StringLookup({ vocabulary: vocab, numOovIndices: 2 }).apply(data))).values).toEqual([2, 4, 5, 0, 1, 3]);
    const oov = ['m', 'z', 'omar', 'wire', 'é'];
    const salted = new StringLookup({ vocabulary: vocab, numOovIndices: 3, salt: [133, 137], maskToken: '' });
    expect((await read(salted.apply(['', ...oov]))).values).toEqual([0, ...oov.map((token) => 1 + hashBucket(token, 3, [133, 137]))]);
    const config = salted.getConfig();
    expect(config).toMatchObject({ salt: [133, 137], oovMethod: 'floormod' });
    expect((StringLookup.fromConfig(config) as StringLookup).getConfig()).toEqual(config);
  }));

  it("IntegerLookup: oovMethod 'farmhash' on the device (the Keras docstring's buckets), SipHash with a salt", onBothBackends(async () => {
    const oov = [100, 300, 700, 1100, 1700, 2000];
    expect((await read(new IntegerLookup({ vocabulary: [10, 20, 30], numOovIndices: 4, oovMethod: 'floormod' }).apply(ints(oov)))).values).toEqual([0, 0, 0, 0, 0, 0]);
    const farmhash = new IntegerLookup({ vocabulary: [10, 20, 30], numOovIndices: 4, oovMethod: 'farmhash' });
    expect((await read(farmhash.apply(ints([...oov, 20])))).values).toEqual([3, 3, 2, 2, 0, 1, 5]);
    const salted = new IntegerLookup({ vocabulary: [10, 20, 30], numOovIndices: 4, oovMethod: 'farmhash', salt: 7, maskToken: 0 });
    expect((await read(salted.apply(ints([0, ...oov])))).values).toEqual([0, ...oov.map((token) => 1 + hashBucket(token, 4, [7, 7]))]);
    const config = salted.getConfig();
    expect(config).toMatchObject({ oovMethod: 'farmhash', salt: [7, 7] });
    expect((IntegerLookup.fromConfig(config) as IntegerLookup).getConfig()).toEqual(config);
    expect(() => new IntegerLookup({ vocabulary: [1], numOovIndices: 2, salt: 7 })).toThrow("`salt` can only be used when `oovMethod='farmhash'`. Received: oovMethod=floormod");
    expect(() => new IntegerLookup({ oovMethod: 'murmur' as never })).toThrow("Expected one of 'floormod', 'farmhash'.");
  }));
});
