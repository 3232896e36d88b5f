// Einstein summation (keras.ops.einsum, NumPy semantics) as a composite of shape ops, sums and
// batched matmuls: no kernel of its own, so it runs on either backend and the tape differentiates
// it through the ops it uses. Each operand first loses its repeated labels (a diagonal, read with
// a strided slice) and the broadcast size-1 dimensions of its '...'; operands then contract
// pairwise from left to right, each pair as one matmul [batch, M, K] x [batch, K, N] after summing
// the labels that neither the other operand nor anything later needs. A transpose that the matmul
// kernel can fold in (transposeA / transposeB) is not materialized.

import { formatShape, sizeOf } from '../backend/types';
import { tidy } from '../tensor/memory';
import type { Tensor } from '../tensor/tensor';
import { matmul } from './matmul';
import { sum } from './reduce';
import { reshape, stridedSlice, transpose } from './shape';
import { checkRank } from './shape_util';
import { checkTensor } from './validate';

/** @internal An operand with one label per dimension; equal labels are summed over together. */
export interface Labeled {
  tensor: Tensor;
  labels: string[];
}

/** Prefix of the labels that stand for the dimensions of '...' (never a letter). */
const ELLIPSIS_LABEL = '...';

/**
 * Einstein summation over the operands, as `numpy.einsum` and `keras.ops.einsum`. `subscripts`
 * labels each operand's dimensions with letters, comma-separated; after '->' come the output's
 * labels. A label shared by operands multiplies them along that dimension; a label missing from
 * the output is summed over; a label repeated within one operand takes its diagonal. Without
 * '->' (implicit mode) the output holds the labels used exactly once, in alphabetical order.
 * '...' stands for the remaining dimensions, which broadcast against each other as in NumPy and
 * come first in an implicit output. Any number of operands (contracted pairwise, left to right);
 * all float32.
 *
 * @example
 * ops.einsum('bij,bjk->bik', a, b);   // batched matrix product
 * ops.einsum('ij->ji', x);            // transpose
 * ops.einsum('ii', m);                // trace
 * ops.einsum('i,j->ij', u, v);        // outer product
 * ops.einsum('...ij,...jk', a, b);    // matmul with broadcast batch dimensions
 */
export function einsum(subscripts: string, ...operands: Tensor[]): Tensor {
  if (operands.length === 0) {
    throw new Error(`einsum: Invalid value for argument operands. Expected at least one tensor after the subscripts. Received: no operands for subscripts=${JSON.stringify(subscripts)}.`);
  }
  operands.forEach((operand, i) => checkFloatOperand('einsum', `operand ${i}`, operand));
  const { inputs, output } = parseSubscripts(subscripts, operands);
  return tidy(() => contract(operands.map((tensor, i) => ({ tensor, labels: inputs[i] })), output));
}

/** @internal Throws unless `x` is a float32 tensor, naming the operand. */
export function checkFloatOperand(op: string, name: string, x: unknown): asserts x is Tensor {
  checkTensor(op, x);
  if (x.dtype !== 'float32') {
    throw new Error(`${op}: ${name} is ${x.dtype} (shape ${formatShape(x.shape)}); ${op} takes float32 tensors. Cast it first: ops.cast(x, 'float32').`);
  }
}

/** The labels of each input and of the output, with '...' expanded; sizes checked. */
function parseSubscripts(subscripts: unknown, operands: readonly Tensor[]): { inputs: string[][]; output: string[] } {
  const invalid = (expected: string) =>
    new Error(`einsum: Invalid value for argument subscripts. ${expected} Received: subscripts=${JSON.stringify(subscripts)}.`);
  if (typeof subscripts !== 'string') throw invalid('Expected a string such as "ij,jk->ik".');
  const compact = subscripts.replace(/\s+/g, '');
  if (!/^[a-zA-Z.,>-]*$/.test(compact)) throw invalid('Expected letters, commas, "..." and at most one "->".');
  const sides = compact.split('->');
  if (sides.length > 2) throw invalid('Expected at most one "->".');
  const terms = sides[0].split(',');
  if (terms.length !== operands.length) {
    throw invalid(`Expected one comma-separated term per operand: the subscripts name ${terms.length}, but ${operands.length} operand(s) were given.`);
  }
  const parsed = terms.map((term) => parseTerm(term, invalid));
  const ellipsisRanks = parsed.map(({ letters, hasEllipsis }, i) => {
    const rank = operands[i].rank;
    const extra = rank - letters.length;
    if (hasEllipsis ? extra < 0 : extra !== 0) {
      throw invalid(`Expected term ${i} ('${terms[i]}') to label every dimension of operand ${i}, of shape ${formatShape(operands[i].shape)} (rank ${rank}); it has ${letters.length} label(s)${hasEllipsis ? ' besides "..."' : ''}.`);
    }
    return extra;
  });
  const broadcastRank = Math.max(0, ...ellipsisRanks);
  const ellipsisLabels = (rank: number) => Array.from({ length: rank }, (_, j) => `${ELLIPSIS_LABEL}${broadcastRank - rank + j}`);
  const inputs = parsed.map(({ letters, hasEllipsis, ellipsisAt }, i) =>
    hasEllipsis ? [...letters.slice(0, ellipsisAt), ...ellipsisLabels(ellipsisRanks[i]), ...letters.slice(ellipsisAt)] : letters,
  );
  checkLabelSizes(inputs, operands);
  let output: string[];
  if (sides.length === 2) {
    const { letters, hasEllipsis, ellipsisAt } = parseTerm(sides[1], invalid);
    const used = new Set(inputs.flat());
    for (const letter of letters) {
      if (!used.has(letter)) throw invalid(`Expected every output label to appear in an input; '${letter}' does not.`);
    }
    if (new Set(letters).size !== letters.length) throw invalid('Expected each output label at most once.');
    output = hasEllipsis ? [...letters.slice(0, ellipsisAt), ...ellipsisLabels(broadcastRank), ...letters.slice(ellipsisAt)] : letters;
  } else {
    const counts = new Map<string, number>();
    for (const letter of parsed.flatMap((p) => p.letters)) counts.set(letter, (counts.get(letter) ?? 0) + 1);
    const once = [...counts].filter(([, count]) => count === 1).map(([letter]) => letter).sort();
    output = [...ellipsisLabels(broadcastRank), ...once];
  }
  checkRank('einsum', output.map(() => 1));
  return { inputs, output };
}

/** The letters of one term, and where its '...' sits among them. */
function parseTerm(term: string, invalid: (expected: string) => Error): { letters: string[]; hasEllipsis: boolean; ellipsisAt: number } {
  const pieces = term.split('...');
  if (pieces.length > 2) throw invalid(`Expected at most one "..." per term; '${term}' has ${pieces.length - 1}.`);
  if (pieces.some((piece) => /[^a-zA-Z]/.test(piece))) throw invalid(`Expected each term to hold letters and at most one "..."; '${term}' does not.`);
  return { letters: [...pieces.join('')], hasEllipsis: pieces.length === 2, ellipsisAt: pieces[0].length };
}

/** Letters must have one size everywhere; the dimensions of '...' broadcast (1 against n). */
function checkLabelSizes(inputs: readonly string[][], operands: readonly Tensor[]): void {
  const seen = new Map<string, { size: number; operand: number }>();
  inputs.forEach((labels, i) =>
    labels.forEach((label, d) => {
      const size = operands[i].shape[d];
      const first = seen.get(label);
      if (!first) {
        seen.set(label, { size, operand: i });
        return;
      }
      const broadcasts = label.startsWith(ELLIPSIS_LABEL) && first.operand !== i && (size === 1 || first.size === 1);
      if (size !== first.size && !broadcasts) {
        const name = label.startsWith(ELLIPSIS_LABEL) ? 'a dimension of "..."' : `label '${label}'`;
        throw new Error(
          `einsum: ${name} has size ${first.size} in operand ${first.operand} (shape ${formatShape(operands[first.operand].shape)}) but ${size} in operand ${i} (shape ${formatShape(operands[i].shape)}).`,
        );
      }
      if (first.size === 1) seen.set(label, { size, operand: i });
    }),
  );
}

/**
 * @internal The contraction of labeled operands (sizes already checked) into `output`'s labels, in
 * that order. Callers hold a tidy scope.
 */
export function contract(operands: readonly Labeled[], output: readonly string[]): Tensor {
  const sizes = new Map<string, number>();
  for (const { tensor, labels } of operands) {
    labels.forEach((label, d) => {
      if (sizes.get(label) === undefined || sizes.get(label) === 1) sizes.set(label, tensor.shape[d]);
    });
  }
  const prepared = operands.map((operand) => dropBroadcastDimensions(diagonal(operand), sizes));
  let result = prepared[0];
  for (let i = 1; i < prepared.length; i++) {
    const neededLater = new Set([...output, ...prepared.slice(i + 1).flatMap((o) => o.labels)]);
    result = multiplyPair(result, prepared[i], neededLater);
  }
  result = sumUnneeded(result, new Set(output));
  return transpose(result.tensor, output.map((label) => result.labels.indexOf(label)));
}

/** Takes the diagonal over each label that repeats within the operand, which then appears once. */
function diagonal(operand: Labeled): Labeled {
  let { tensor, labels } = operand;
  for (let repeated = findRepeat(labels); repeated !== undefined; repeated = findRepeat(labels)) {
    const others = labels.flatMap((label, d) => (label === repeated ? [] : [d]));
    const copies = labels.flatMap((label, d) => (label === repeated ? [d] : []));
    const size = tensor.shape[copies[0]];
    const keptShape = others.map((d) => tensor.shape[d]);
    // The copies' dimensions flattened together: element (i, i, ..., i) sits at i * (1 + n + n^2 ...).
    const flatSize = size ** copies.length;
    const flat = reshape(transpose(tensor, [...others, ...copies]), [...keptShape, flatSize]);
    if (size <= 1) {
      tensor = reshape(flat, [...keptShape, size]);
    } else {
      const step = (flatSize - 1) / (size - 1);
      tensor = stridedSlice(flat, [...others.map(() => 0), 0], [...keptShape, flatSize], [...others.map(() => 1), step]);
    }
    labels = [...others.map((d) => labels[d]), repeated];
  }
  return { tensor, labels };
}

function findRepeat(labels: readonly string[]): string | undefined {
  return labels.find((label, d) => labels.indexOf(label) !== d);
}

/** Removes the size-1 dimensions of '...' that broadcast against a larger size elsewhere. */
function dropBroadcastDimensions(operand: Labeled, sizes: ReadonlyMap<string, number>): Labeled {
  const keep = operand.labels.map((label, d) => !(operand.tensor.shape[d] === 1 && sizes.get(label) !== 1));
  if (keep.every(Boolean)) return operand;
  return {
    tensor: reshape(operand.tensor, operand.tensor.shape.filter((_, d) => keep[d])),
    labels: operand.labels.filter((_, d) => keep[d]),
  };
}

/** Sums over the labels not in `needed`. */
function sumUnneeded(operand: Labeled, needed: ReadonlySet<string>): Labeled {
  const axes = operand.labels.flatMap((label, d) => (needed.has(label) ? [] : [d]));
  if (axes.length === 0) return operand;
  return { tensor: sum(operand.tensor, axes), labels: operand.labels.filter((label) => needed.has(label)) };
}

/**
 * One pairwise contraction as a matmul: labels in both operands are batch dimensions when needed
 * later and summed (the K of the product) otherwise; the rest are a's rows and b's columns.
 */
function multiplyPair(a: Labeled, b: Labeled, neededLater: ReadonlySet<string>): Labeled {
  const left = sumUnneeded(a, new Set([...neededLater, ...b.labels]));
  const right = sumUnneeded(b, new Set([...neededLater, ...left.labels]));
  const shared = left.labels.filter((label) => right.labels.includes(label));
  const batch = shared.filter((label) => neededLater.has(label));
  const summed = shared.filter((label) => !neededLater.has(label));
  const rows = left.labels.filter((label) => !shared.includes(label));
  const columns = right.labels.filter((label) => !shared.includes(label));
  const [leftMatrix, transposeA] = asMatrices(left, batch, rows, summed);
  const [rightMatrix, transposeB] = asMatrices(right, batch, summed, columns);
  const product = matmul(leftMatrix, rightMatrix, { transposeA, transposeB });
  const labels = [...batch, ...rows, ...columns];
  const shape = labels.map((label) => (left.labels.includes(label) ? sizeOfLabels(left, [label]) : sizeOfLabels(right, [label])));
  return { tensor: reshape(product, shape), labels };
}

/**
 * The operand as [batch, rows, columns] matrices (the batch dimension only when it has batch
 * labels), or as [batch, columns, rows] with the transpose flag when that order needs no copy.
 */
function asMatrices(operand: Labeled, batch: string[], rows: string[], columns: string[]): [Tensor, boolean] {
  const straight = [...batch, ...rows, ...columns];
  const swapped = [...batch, ...columns, ...rows];
  const inOrder = (order: string[]) => order.every((label, d) => operand.labels[d] === label);
  const transposed = !inOrder(straight) && inOrder(swapped);
  const order = transposed ? swapped : straight;
  const arranged = transpose(operand.tensor, order.map((label) => operand.labels.indexOf(label)));
  const [first, second] = transposed ? [columns, rows] : [rows, columns];
  const leading = batch.length > 0 ? [sizeOfLabels(operand, batch)] : [];
  return [reshape(arranged, [...leading, sizeOfLabels(operand, first), sizeOfLabels(operand, second)]), transposed];
}

function sizeOfLabels(operand: Labeled, labels: readonly string[]): number {
  return sizeOf(labels.map((label) => operand.tensor.shape[operand.labels.indexOf(label)]));
}
