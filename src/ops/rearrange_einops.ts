// keras.ops.rearrange: einops-style axis rearrangement, 'b h w c -> b (h w) c'. The pattern is
// parsed and checked on the host; the work is at most three existing ops (a reshape that splits
// the input's grouped axes into elementary ones, a transpose into the output's order, a reshape
// that merges the output's groups), so it runs on the device and takes its gradient from them.
// Keras 3.16 parses names and '(...)' groups only; this also accepts einops's ellipsis '...'
// (any number of axes, on both sides), the anonymous axis '1' and the empty group '()'.

import { formatShape } from '../backend/types';
import type { Tensor } from '../tensor/tensor';
import { tidy } from '../tensor/memory';
import { reshape, transpose } from './shape';
import { checkTensor } from './validate';

/** An elementary axis: a name, or the ellipsis standing for the axes it covers. */
type PatternAxis = string;

/** A group of axes merged into one dimension; a bare axis is a group of one, '()' and '1' are empty. */
interface PatternGroup {
  axes: PatternAxis[];
  /** Written in parentheses: a parenthesized '...' merges its axes, a bare one keeps them apart. */
  parenthesized: boolean;
}

/** One side of a pattern. */
interface PatternSide {
  groups: PatternGroup[];
  /** Whether the side holds '...'. */
  hasEllipsis: boolean;
}

const ELLIPSIS = '...';

/**
 * Rearranges the axes of `x` by an einops pattern (keras.ops.rearrange): axes named on the left
 * are reordered, merged with parentheses `(h w)`, or split from one input axis `(b p)` with the
 * sizes of all but one of the parts in `axesLengths`. As in einops (Keras 3.16 accepts only the
 * named forms), `...` stands for any number of axes and must appear on both sides, `1` or `()`
 * is an axis of size 1 (dropped on the left, added on the right), and `(...)` on the right merges
 * the ellipsis axes. Each name appears once per side, and both sides name the same axes.
 *
 * @example
 * rearrange(x, 'b h w c -> b (h w) c');              // [2, 3, 4, 5] -> [2, 12, 5]
 * rearrange(x, '(b p) c -> b p c', { p: 2 });        // [6, 5] -> [3, 2, 5]
 * rearrange(x, 'b c h w -> b h w c');                // channels last
 * rearrange(x, '... c -> c ...');                    // [2, 3, 4] -> [4, 2, 3]
 * rearrange(x, 'b 1 c -> b c');                      // [2, 1, 5] -> [2, 5]
 */
export function rearrange(x: Tensor, pattern: string, axesLengths: Readonly<Record<string, number>> = {}): Tensor {
  checkTensor('rearrange', x);
  const fail = (why: string): never => {
    throw new Error(`rearrange: pattern '${pattern}' with input shape ${formatShape(x.shape)}${Object.keys(axesLengths).length > 0 ? ` and axesLengths ${JSON.stringify(axesLengths)}` : ''}: ${why}`);
  };
  if (typeof pattern !== 'string') throw new Error(`rearrange: pattern must be a string such as 'b h w -> b (h w)', got ${typeof pattern}.`);
  const sides = pattern.split('->');
  if (sides.length !== 2) fail("expected exactly one '->' between the input and the output axes.");
  const left = parseSide(sides[0], 'left', fail);
  const right = parseSide(sides[1], 'right', fail);
  if (left.hasEllipsis !== right.hasEllipsis) fail(`'...' must appear on both sides or on neither.`);
  if (left.groups.some((g) => g.parenthesized && g.axes.includes(ELLIPSIS))) fail(`'...' cannot be inside parentheses on the left.`);
  const leftNames = left.groups.flatMap((g) => g.axes);
  const rightNames = right.groups.flatMap((g) => g.axes);
  for (const name of leftNames) if (!rightNames.includes(name)) fail(`axis '${name}' is on the left only (rearrange keeps every axis; use a reduction to remove one).`);
  for (const name of rightNames) if (!leftNames.includes(name)) fail(`axis '${name}' is on the right only (rearrange cannot create axes; use ops.repeat or broadcastTo).`);
  for (const [name, length] of Object.entries(axesLengths)) {
    if (!leftNames.includes(name)) fail(`axesLengths names '${name}', which is not an axis of the left side.`);
    if (!Number.isInteger(length) || length <= 0) fail(`axesLengths.${name} must be a positive integer, got ${length}.`);
  }

  // The left side's groups, with the ellipsis expanded into one group per axis it covers.
  const fixedGroups = left.groups.length - (left.hasEllipsis ? 1 : 0);
  const ellipsisRank = x.rank - fixedGroups;
  if (ellipsisRank < 0 || (!left.hasEllipsis && ellipsisRank !== 0)) {
    fail(`the left side has ${fixedGroups} axes${left.hasEllipsis ? ' besides ...' : ''}, but the input has rank ${x.rank}.`);
  }
  const ellipsisAxes = Array.from({ length: ellipsisRank }, (_, i) => `${ELLIPSIS}${i}`);
  const expand = (groups: PatternGroup[]) =>
    groups.flatMap((g) => (g.parenthesized ? [g.axes.flatMap((a) => (a === ELLIPSIS ? ellipsisAxes : [a]))] : g.axes[0] === ELLIPSIS ? ellipsisAxes.map((a) => [a]) : [g.axes]));
  const inputGroups = expand(left.groups);
  const outputGroups = expand(right.groups);

  const sizes = new Map<PatternAxis, number>();
  inputGroups.forEach((group, d) => {
    const dim = x.shape[d];
    const unknown = group.filter((a) => axesLengths[a] === undefined);
    if (group.length === 1 && unknown.length === 1) {
      sizes.set(group[0], dim);
      return;
    }
    if (group.length === 0 && dim !== 1) fail(`input dimension ${d} has size ${dim}, but the pattern gives it size 1.`);
    if (unknown.length > 1) fail(`cannot infer the sizes of ${unknown.map((a) => `'${a}'`).join(' and ')} in group (${group.join(' ')}); give all but one in axesLengths.`);
    const known = group.filter((a) => axesLengths[a] !== undefined).reduce((p, a) => p * axesLengths[a], 1);
    if (dim % known !== 0 || (unknown.length === 0 && known !== dim)) {
      fail(`input dimension ${d} has size ${dim}, which ${unknown.length === 0 ? 'differs from' : 'is not a multiple of'} the product ${known} of the known lengths in (${group.join(' ')}).`);
    }
    for (const a of group) sizes.set(a, axesLengths[a] ?? dim / known);
  });

  const elementary = inputGroups.flat();
  const order = outputGroups.flat().map((a) => elementary.indexOf(a));
  const outputShape = outputGroups.map((g) => g.reduce((p, a) => p * sizes.get(a)!, 1));
  return tidy(() => reshape(transpose(reshape(x, elementary.map((a) => sizes.get(a)!)), order), outputShape));
}

/** Parses one side of a pattern into groups of axis names; `fail` reports a malformed side. */
function parseSide(text: string, side: 'left' | 'right', fail: (why: string) => never): PatternSide {
  const tokens = text.match(/\.\.\.|[()]|[^\s().]+|\S/g) ?? [];
  const groups: PatternGroup[] = [];
  const seen = new Set<string>();
  let open: PatternAxis[] | null = null;
  let hasEllipsis = false;
  for (const token of tokens) {
    if (token === '(') {
      if (open) fail(`nested parentheses on the ${side} side.`);
      open = [];
    } else if (token === ')') {
      if (!open) fail(`unmatched ')' on the ${side} side.`);
      groups.push({ axes: open!, parenthesized: true });
      open = null;
    } else if (token === '1') {
      if (!open) groups.push({ axes: [], parenthesized: false });
    } else if (token === ELLIPSIS || /^[A-Za-z_]\w*$/.test(token)) {
      if (seen.has(token)) fail(`axis '${token}' appears twice on the ${side} side.`);
      seen.add(token);
      if (token === ELLIPSIS) hasEllipsis = true;
      if (open) open.push(token);
      else groups.push({ axes: [token], parenthesized: false });
    } else {
      fail(`'${token}' on the ${side} side is not an axis name (letters, digits, _; not starting with a digit), '1', '...', '(' or ')'.`);
    }
  }
  if (open) fail(`unclosed '(' on the ${side} side.`);
  return { groups, hasEllipsis };
}
