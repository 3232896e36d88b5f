// keras.ops.eig (src/ops/linalg_eig.ts) on both backends: eigenvalues against NumPy's (fixtures
// printed by test/fixtures/numpy/make_eig_fixtures.py, compared as multisets, the order being free),
// and for every eigenvector the residual |A v - lambda v| / |A|, its unit 2-norm and its phase
// (largest component real and positive), in float64 complex arithmetic here; hand-computed
// eigenvectors; the GPU against the CPU backend; batches, int32, NaN; memory and errors.

import { describe, expect, it } from 'vitest';
import { GradientTape, memory, ops, setBackend, tensor, tidy } from '../../src/node';
import { seededRandom } from '../cases/data';
import { distance, eigensystemsOf, expectEigenvectors, matchEigenvalues, type Complex, type Eigensystem } from '../cases/eigensystems';
import { onBothBackends, settleGarbage, useWebGPU } from '../helpers';

useWebGPU();

type Matrix = number[][];

/** Random n x n values in [-1, 1) from test/cases/data.ts's generator, as the fixture script draws them. */
function randomMatrix(seed: number, n: number): Matrix {
  const next = seededRandom(seed);
  return Array.from({ length: n }, () => Array.from({ length: n }, () => next() * 2 - 1));
}

const ANGLE = 0.5;
/** The matrices of test/fixtures/numpy/make_eig_fixtures.py. */
const MATRICES = {
  realEigenvalues: [[4, 1, 2], [0.5, 3, 1], [1, 0, 2]],
  complexPairs: [[1, -2, 0, 1], [3, 1, 0, 0], [0, 1, 2, -1], [1, 0, 1, 2]],
  jordanBlock: [[2, 1, 0], [0, 2, 1], [0, 0, 2]],
  repeatedDiagonalizable: [[2, 0, 0], [0, 2, 0], [1, 0, 3]],
  rotation: [[Math.cos(ANGLE), -Math.sin(ANGLE)], [Math.sin(ANGLE), Math.cos(ANGLE)]],
  cyclicPermutation: [[0, 0, 1], [1, 0, 0], [0, 1, 0]],
  diagonal: [[3, 0, 0, 0], [0, -1, 0, 0], [0, 0, 2, 0], [0, 0, 0, 5]],
  upperTriangular: [[1, 2, 3, 4], [0, -2, 1, 0.5], [0, 0, 3, -1], [0, 0, 0, 0.5]],
  random16: randomMatrix(16, 16),
  random64: randomMatrix(64, 64),
} satisfies Record<string, Matrix>;

type MatrixName = keyof typeof MATRICES;

/** numpy.linalg.eigvals of each matrix (rounded to float32), in NumPy's order. */
const NUMPY_EIGENVALUES: Record<MatrixName, Complex[]> = {
  realEigenvalues: [[5.0565453, 0], [1.3990441, 0], [2.5444106, 0]],
  complexPairs: [[0.97967655, 2.3287525], [0.97967655, -2.3287525], [2.0203234, 0.78637437], [2.0203234, -0.78637437]],
  jordanBlock: [[2, 0], [2, 0], [2, 0]],
  repeatedDiagonalizable: [[3, 0], [2, 0], [2, 0]],
  rotation: [[0.87758255, 0.47942555], [0.87758255, -0.47942555]],
  cyclicPermutation: [[-0.5, 0.8660254], [-0.5, -0.8660254], [1, 0]],
  diagonal: [[3, 0], [-1, 0], [2, 0], [5, 0]],
  upperTriangular: [[1, 0], [-2, 0], [3, 0], [0.5, 0]],
  random16: [[2.5522113, 0.42535334], [2.5522113, -0.42535334], [-1.1779195, 1.7135416], [-1.1779195, -1.7135416], [-1.9462244, 0], [-1.629305, 1.0991429], [-1.629305, -1.0991429], [0.15209043, 1.8778348], [0.15209043, -1.8778348], [1.0267694, 1.2115043], [1.0267694, -1.2115043], [0.84882155, 0], [0.40774894, 0.65794924], [0.40774894, -0.65794924], [-0.66214223, 0.10570495], [-0.66214223, -0.10570495]],
  random64: [[4.4201607, 0.96089663], [4.4201607, -0.96089663], [2.8875476, 3.4518431], [2.8875476, -3.4518431], [-4.3350726, 0.68810835], [-4.3350726, -0.68810835], [-2.044081, 3.9323162], [-2.044081, -3.9323162], [-0.50852746, 4.4013617], [-0.50852746, -4.4013617], [1.5188889, 3.9089188], [1.5188889, -3.9089188], [-3.9234267, 1.1494268], [-3.9234267, -1.1494268], [-3.6893486, 1.6253659], [-3.6893486, -1.6253659], [-0.79150461, 4.0699892], [-0.79150461, -4.0699892], [0.36581805, 3.9609104], [0.36581805, -3.9609104], [-2.3264892, 3.1933856], [-2.3264892, -3.1933856], [2.9570883, 2.2927452], [2.9570883, -2.2927452], [3.6089351, 1.0051292], [3.6089351, -1.0051292], [0.87538849, 3.3883833], [0.87538849, -3.3883833], [-3.3838934, 0], [-0.88411864, 3.1126726], [-0.88411864, -3.1126726], [-2.9158611, 0.57263354], [-2.9158611, -0.57263354], [-2.2231863, 1.7623248], [-2.2231863, -1.7623248], [-1.4734653, 2.6385317], [-1.4734653, -2.6385317], [3.0860911, 0.94827012], [3.0860911, -0.94827012], [3.0816226, 0.15790904], [3.0816226, -0.15790904], [2.5258399, 1.5989105], [2.5258399, -1.5989105], [-1.5372594, 1.7041131], [-1.5372594, -1.7041131], [-0.81143497, 2.2694878], [-0.81143497, -2.2694878], [-0.20710986, 2.3689351], [-0.20710986, -2.3689351], [0.77054294, 2.0481332], [0.77054294, -2.0481332], [2.2501113, 0], [1.5713026, 1.5703577], [1.5713026, -1.5703577], [1.2405551, 1.4930305], [1.2405551, -1.4930305], [-2.1394934, 0], [-1.5226845, 0], [1.0558931, 0.27915815], [1.0558931, -0.27915815], [-0.7700735, 0.36602912], [-0.7700735, -0.36602912], [-0.10927233, 0.40877429], [-0.10927233, -0.40877429]],
};

async function eigensystemOf(matrix: Matrix): Promise<Eigensystem> {
  const t = tensor(matrix.flat(), [matrix.length, matrix.length]);
  const [result] = await eigensystemsOf(t);
  t.dispose();
  return result;
}

describe('eig', () => {
  const small: MatrixName[] = ['realEigenvalues', 'complexPairs', 'jordanBlock', 'repeatedDiagonalizable', 'rotation', 'cyclicPermutation', 'diagonal', 'upperTriangular'];
  it('eigenvalues as NumPy (as multisets), each eigenvector with A v = lambda v, unit norm and its largest component real', onBothBackends(async () => {
    for (const name of small) {
      const system = await eigensystemOf(MATRICES[name]);
      matchEigenvalues(system.values, NUMPY_EIGENVALUES[name], 1e-5);
      expectEigenvectors(MATRICES[name].flat(), MATRICES[name].length, system, 1e-6);
    }
  }));

  it('a random 16 x 16 and a random 64 x 64 as NumPy', onBothBackends(async () => {
    for (const name of ['random16', 'random64'] as const) {
      const system = await eigensystemOf(MATRICES[name]);
      matchEigenvalues(system.values, NUMPY_EIGENVALUES[name], 2e-5);
      expectEigenvectors(MATRICES[name].flat(), MATRICES[name].length, system, 5e-6);
    }
  }));

  it('hand-computed: a rotation gives e^(+-i angle) with eigenvectors (1, -+i) / sqrt 2; a diagonal matrix its diagonal and the unit vectors', onBothBackends(async () => {
    const rotation = await eigensystemOf(MATRICES.rotation);
    const [c, s, half] = [Math.cos(ANGLE), Math.sin(ANGLE), Math.SQRT1_2];
    // A conjugate pair: neighbours, positive imaginary part first, conjugate eigenvectors.
    expect(rotation.values.flat().map((x) => Number(x.toFixed(6)))).toEqual([c, s, c, -s].map((x) => Number(x.toFixed(6))));
    rotation.vectors.flat(2).forEach((x, i) => expect(x).toBeCloseTo([half, 0, 0, -half, half, 0, 0, half][i], 6));
    const diagonal = await eigensystemOf(MATRICES.diagonal);
    expect(diagonal.values).toEqual([[3, 0], [-1, 0], [2, 0], [5, 0]]);
    expect(diagonal.vectors).toEqual([0, 1, 2, 3].map((j) => [0, 1, 2, 3].map((i): Complex => [i === j ? 1 : 0, 0])));
  }));

  it('the GPU matches the CPU backend (eigenvalues as multisets, then their eigenvectors)', async () => {
    for (const name of ['complexPairs', 'random16', 'random64'] as const) {
      const gpu = await eigensystemOf(MATRICES[name]);
      setBackend('cpu');
      const cpu = await eigensystemOf(MATRICES[name]).finally(() => setBackend('webgpu'));
      const order = matchEigenvalues(gpu.values, cpu.values, 2e-5);
      cpu.values.forEach((value, j) => {
        // Eigenvectors are compared where the eigenvalue is well separated (so the vector is well conditioned).
        if (cpu.values.some((other, k) => k !== j && distance(other, value) < 0.05)) return;
        gpu.vectors[order[j]].forEach((z, i) => expect(distance(z, cpu.vectors[j][i]), `${name} eigenvector ${j} component ${i}`).toBeLessThanOrEqual(1e-4));
      });
    }
  });

  it('batches: each matrix as alone; int32 input is cast', onBothBackends(async () => {
    const names: MatrixName[] = ['realEigenvalues', 'jordanBlock', 'repeatedDiagonalizable', 'cyclicPermutation'];
    const batch = tensor(names.flatMap((name) => MATRICES[name].flat()), [2, 2, 3, 3]);
    const systems = await eigensystemsOf(batch);
    for (const [b, name] of names.entries()) expect(systems[b]).toEqual(await eigensystemOf(MATRICES[name]));
    const integers = tensor([2, 0, 0, 0, 2, 0, 1, 0, 3], [3, 3], 'int32');
    expect((await eigensystemsOf(integers))[0]).toEqual(await eigensystemOf(MATRICES.repeatedDiagonalizable));
    batch.dispose();
    integers.dispose();
    expect((await eigensystemsOf(ops.zeros([0, 3, 3]))).length).toBe(0);
  }));

  it('a zero matrix: eigenvalues 0, the unit eigenvectors; NaN or Infinity: NaN throughout', onBothBackends(async () => {
    const zero = await eigensystemOf([[0, 0], [0, 0]]);
    expect(zero).toEqual({ values: [[0, 0], [0, 0]], vectors: [[[1, 0], [0, 0]], [[0, 0], [1, 0]]] });
    for (const bad of [NaN, Infinity]) {
      const { values, vectors } = await eigensystemOf([[1, bad], [2, 3]]);
      expect([...values.flat(), ...vectors.flat(2)].every(Number.isNaN)).toBe(true);
    }
  }));
});

describe('memory, gradients and errors', () => {
  it('keeps only the four outputs', onBothBackends(async () => {
    await settleGarbage();
    const x = tensor([[1, 2], [3, 4]]);
    const before = memory().liveTensors;
    const outputs = tidy(() => ops.eig(x).flat());
    expect(memory().liveTensors).toBe(before + 4);
    outputs.forEach((t) => t.dispose());
    x.dispose();
  }));

  it('is not differentiable: a gradient through it says so', () => {
    const x = tensor([[1, 2], [3, 4]]);
    const tape = new GradientTape();
    tape.watch(x);
    const loss = tape.record(() => ops.sum(ops.eig(x)[0][0]));
    expect(() => tape.gradient(loss, x)).toThrow('eig is not differentiable: no gradient flows to its input x (of shape [2,2]). For a symmetric matrix use ops.eigh');
  });

  it('rejects non-square matrices and tensors of rank below 2', () => {
    expect(() => ops.eig(ops.zeros([2, 3]))).toThrow('eig: Invalid value for argument x. Expected square matrices (the last two dimensions equal). Received: x of shape [2,3].');
    expect(() => ops.eig(tensor([1, 2]))).toThrow('eig: Invalid value for argument x. Expected a tensor of rank 2 or more (a matrix or a batch of matrices). Received: x of shape [2].');
  });
});
