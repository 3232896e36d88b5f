// padSequences (keras.utils.pad_sequences): variable-length sequences of ids as one rectangular
// tensor, padded and truncated at the start or the end. Built on the CPU in one typed array and
// uploaded once; runs in browsers and Node alike.

import type { DType, TypedArray } from '../backend/types';
import { fromTypedArray } from '../tensor/creation';
import type { Tensor } from '../tensor/tensor';
import { checkDtype, checkOptionNames } from '../ops/validate';

export interface PadSequencesOptions {
  /** Length of every output row (default: the longest sequence's length). */
  maxlen?: number;
  /** Default 'int32'. */
  dtype?: DType;
  /** Where a short sequence is padded: 'pre' (default) or 'post'. */
  padding?: 'pre' | 'post';
  /** Where a long sequence loses values: 'pre' (default, keeps its last maxlen) or 'post'. */
  truncating?: 'pre' | 'post';
  /** The padding value (default 0). */
  value?: number;
}

const OPTION_NAMES = { maxlen: true, dtype: true, padding: true, truncating: true, value: true } as const;

/**
 * Pads sequences to the same length (keras.utils.pad_sequences): a tensor of shape
 * `[sequences.length, maxlen]`. Shorter sequences are padded with `value`, longer ones truncated,
 * at the start ('pre', the default) or the end ('post'). With dtype 'int32', values are truncated
 * toward zero, as NumPy's cast does.
 *
 * @example
 * utils.padSequences([[1], [2, 3], [4, 5, 6]]);                       // [[0, 0, 1], [0, 2, 3], [4, 5, 6]]
 * utils.padSequences([[1], [2, 3], [4, 5, 6]], { padding: 'post' });  // [[1, 0, 0], [2, 3, 0], [4, 5, 6]]
 * utils.padSequences([[1], [2, 3], [4, 5, 6]], { maxlen: 2 });        // [[0, 1], [2, 3], [5, 6]]
 */
export function padSequences(sequences: ReadonlyArray<ArrayLike<number>>, options: PadSequencesOptions = {}): Tensor {
  checkOptionNames('padSequences', options, OPTION_NAMES);
  const { dtype = 'int32', padding = 'pre', truncating = 'pre', value = 0 } = options;
  if (!Array.isArray(sequences)) throw new Error(`padSequences: \`sequences\` must be an array of sequences (arrays of numbers). Received: ${typeof sequences}.`);
  sequences.forEach(checkSequence);
  checkDtype('padSequences', dtype);
  for (const [name, side] of [['padding', padding], ['truncating', truncating]] as const) {
    if (side !== 'pre' && side !== 'post') throw new Error(`padSequences: Invalid value for argument ${name}. Expected 'pre' or 'post'. Received: ${name}=${JSON.stringify(side)}.`);
  }
  if (typeof value !== 'number' || (dtype === 'int32' && !Number.isFinite(value))) {
    throw new Error(`padSequences: \`value\` must be a ${dtype === 'int32' ? 'finite ' : ''}number for dtype ${dtype}. Received: value=${String(value)}.`);
  }
  const maxlen = options.maxlen ?? longest(sequences);
  if (!Number.isInteger(maxlen) || maxlen < 0) throw new Error(`padSequences: \`maxlen\` must be a non-negative integer. Received: maxlen=${String(options.maxlen)}.`);

  const rows: TypedArray = dtype === 'int32' ? new Int32Array(sequences.length * maxlen) : new Float32Array(sequences.length * maxlen);
  rows.fill(value);
  sequences.forEach((sequence, row) => {
    const kept = Math.min(sequence.length, maxlen);
    const from = truncating === 'pre' ? sequence.length - kept : 0;
    const to = row * maxlen + (padding === 'pre' ? maxlen - kept : 0);
    for (let i = 0; i < kept; i++) rows[to + i] = sequence[from + i];
  });
  return fromTypedArray(rows, [sequences.length, maxlen], dtype);
}

function checkSequence(sequence: unknown, index: number): void {
  if (ArrayBuffer.isView(sequence) && !(sequence instanceof DataView)) return;
  if (!Array.isArray(sequence)) throw new Error(`padSequences: \`sequences\` must be an array of sequences (arrays of numbers). Found at position ${index}: ${String(sequence)}.`);
  const wrong = sequence.findIndex((v) => typeof v !== 'number');
  if (wrong !== -1) {
    const got = Array.isArray(sequence[wrong]) ? 'an array' : typeof sequence[wrong];
    throw new Error(`padSequences: the sequence at position ${index} holds ${got} at ${wrong}; expected numbers (sequences of ids).`);
  }
}

function longest(sequences: ReadonlyArray<ArrayLike<number>>): number {
  if (sequences.length === 0) throw new Error('padSequences: cannot infer maxlen from no sequences; pass `maxlen`.');
  return sequences.reduce((length, s) => Math.max(length, s.length), 0);
}
