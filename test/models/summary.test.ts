// model.summary against Keras's layout: the column widths Keras's print_summary gives rich
// (positions of the line length, then rich's collapsing of the padded columns), worked out by
// hand below, and its options (printFn, lineLength, positions, expandNested, showTrainable,
// layerRange).

import { describe, expect, it } from 'vitest';
import { Input, Model, Sequential, layers } from '../../src/node';
import { useWebGPU } from '../helpers';

useWebGPU();

function quickstart(): Sequential {
  const model = new Sequential({ name: 'quickstart' });
  model.add(new layers.Dense({ units: 64, inputDim: 100, name: 'd1' }));
  model.add(new layers.Dense({ units: 10, name: 'd2' }));
  return model;
}

describe('summary', () => {
  it("prints a chain with Keras's default widths", () => {
    // Line length 88, positions [0.45, 0.80, 1]: columns 39, 31, 18; with one space of padding on
    // each side 41 + 33 + 20 = 94 > 88 - 4 borders = 84, so rich narrows the widest: 41 -> 33
    // (the next widest), then both 33s by 1: 32, 32, 20 (cells of 30, 30, 18 characters).
    // Params: 100 * 64 + 64 = 6,464 and 64 * 10 + 10 = 650; 7,114 * 4 bytes = 27.79 KB.
    const expected = [
      'Model: "quickstart"',
      '┏━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━┳━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━┳━━━━━━━━━━━━━━━━━━━━┓',
      '┃ Layer (type)                   ┃ Output Shape                   ┃            Param # ┃',
      '┡━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━╇━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━╇━━━━━━━━━━━━━━━━━━━━┩',
      '│ d1 (Dense)                     │ (None, 64)                     │              6,464 │',
      '├────────────────────────────────┼────────────────────────────────┼────────────────────┤',
      '│ d2 (Dense)                     │ (None, 10)                     │                650 │',
      '└────────────────────────────────┴────────────────────────────────┴────────────────────┘',
      ' Total params: 7,114 (27.79 KB)',
      ' Trainable params: 7,114 (27.79 KB)',
      ' Non-trainable params: 0 (0.00 B)',
    ].join('\n');
    const printed: string[] = [];
    expect(quickstart().summary({ printFn: (text) => printed.push(text) })).toBe(expected);
    expect(printed).toEqual([expected]);
    // The old form, summary(printFn), still works.
    const old: string[] = [];
    expect(quickstart().summary((text) => old.push(text))).toBe(expected);
    expect(expected.split('\n')[1].length).toBe(88);
  });

  it('adds "Connected to" for a graph that is not a chain', () => {
    const a = Input({ shape: [3], name: 'in_a' });
    const b = Input({ shape: [2], name: 'in_b' });
    const merged = new layers.Concatenate({ name: 'merge' }).apply([a, b]);
    const model = new Model({ inputs: [a, b], outputs: new layers.Dense({ units: 1, name: 'out' }).apply(merged), name: 'branches' });
    const lines = model.summary({ printFn: () => {} }).split('\n');
    // Line length 108, positions [0.3, 0.56, 0.74, 1]: columns 32, 28, 19, 29, padded 34, 30, 21, 31
    // = 116 > 103. Narrowed: 34 -> 31; the two 31s -> 30; the three 30s lose 8 (3, 2, 3: Python's
    // rounding of 2.5 is 2): 27, 28, 21, 27 (cells of 25, 26, 19, 25).
    expect(lines[1]).toBe('┏' + '━'.repeat(27) + '┳' + '━'.repeat(28) + '┳' + '━'.repeat(21) + '┳' + '━'.repeat(27) + '┓');
    expect(lines[2]).toBe('┃ Layer (type)              ┃ Output Shape               ┃             Param # ┃ Connected to              ┃');
    expect(lines).toContain('│ in_a (InputLayer)         │ (None, 3)                  │                   0 │ -                         │');
    expect(lines).toContain('│ merge (Concatenate)       │ (None, 5)                  │                   0 │ in_a[0][0], in_b[0][0]    │');
    expect(lines).toContain('│ out (Dense)               │ (None, 1)                  │                   6 │ merge[0][0]               │');
  });

  it('takes lineLength, positions, showTrainable, expandNested and layerRange', () => {
    // head: 10 * 1 + 1 = 11 parameters, frozen.
    const outer = new Sequential([Input({ shape: [100] }), quickstart(), new layers.Dense({ units: 1, name: 'head', trainable: false })], { name: 'outer' });
    const lines = outer.summary({ printFn: () => {}, lineLength: 60, positions: [0.4, 0.7, 1], showTrainable: true }).split('\n');
    // showTrainable scales the positions by 0.9 and adds the line's end: [0.36, 0.63, 0.9, 1] of 60
    // give columns 21, 16, 17, 6, padded 23, 18, 19, 8 = 68 > 55: 23 -> 19; both 19s -> 18; the
    // three 18s lose 7 (2, 2, 3): 16, 16, 15, 8 (cells 14, 14, 13, 6; 'Trainable' folds).
    expect(lines.slice(1, 5)).toEqual([
      '┏━━━━━━━━━━━━━━━━┳━━━━━━━━━━━━━━━━┳━━━━━━━━━━━━━━━┳━━━━━━━━┓',
      '┃ Layer (type)   ┃ Output Shape   ┃       Param # ┃ Traina ┃',
      '┃                ┃                ┃               ┃  ble   ┃',
      '┡━━━━━━━━━━━━━━━━╇━━━━━━━━━━━━━━━━╇━━━━━━━━━━━━━━━╇━━━━━━━━┩',
    ]);
    expect(lines).toContain('│ head (Dense)   │ (None, 1)      │            11 │   N    │');
    expect(lines).toContain('│ quickstart     │ (None, 10)     │         7,114 │   Y    │');
    expect(lines).toContain('│ (Sequential)   │                │               │        │');
    // expandNested lists the nested model's layers under it; layerRange keeps the layers from the first match to the last.
    const nested = outer.summary({ printFn: () => {}, expandNested: true }).split('\n');
    expect(nested).toContain('│    └ d1 (Dense)                │ (None, 64)                     │              6,464 │');
    const ranged = outer.summary({ printFn: () => {}, layerRange: ['he', 'head'] });
    expect(ranged).toContain('head (Dense)');
    expect(ranged).not.toContain('quickstart (Sequential)');
    expect(ranged).toContain(' Total params: 7,125 (27.83 KB)');
    expect(ranged).toContain(' Non-trainable params: 11 (44.00 B)');
  });

  it('rejects bad options', () => {
    expect(() => quickstart().summary({ positions: [0.5, 1] })).toThrow('summary: positions must give 3 column edges (Layer (type), Output Shape, Param #), got 2.');
    expect(() => quickstart().summary({ lineLength: 10 })).toThrow(/summary: insufficient width/);
    expect(() => quickstart().summary({ layerRange: ['nope', 'd2'] })).toThrow(/summary: layerRange \[nope, d2\] does not match the layer names \(d1, d2\)/);
    expect(() => quickstart().summary({ line_length: 80 } as never)).toThrow(/lineLength/);
  });

  it("names a nested functional model's class 'Functional', as Keras 3", () => {
    const inner = Input({ shape: [4] });
    const base = new Model({ inputs: inner, outputs: new layers.Dense({ units: 2 }).apply(inner), name: 'base' });
    const input = Input({ shape: [4] });
    const outer = new Model({ inputs: input, outputs: base.apply(input) });
    expect(outer.summary({ printFn: () => {} })).toContain('│ base (Functional) ');
  });
});
