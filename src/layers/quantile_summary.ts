// The approximate quantiles behind Discretization.adapt, as Keras 3 computes them
// (keras/src/layers/preprocessing/discretization.py): each batch becomes a summary (its sorted
// values taken every 1/epsilon-th of the way, each weighted by the values it stands for), summaries
// merge by a weighted merge, and compression interpolates the cumulative weights at even fractions.
// The bin boundaries are the summary compressed to numBins fractions, its last value dropped. The
// arithmetic follows Keras's float32 and float64 steps, so the boundaries come out as Keras's.

/** Values and their weights, both float32 as Keras keeps them. */
export interface QuantileSummary {
  values: Float32Array;
  weights: Float32Array;
}

export function emptySummary(): QuantileSummary {
  return { values: new Float32Array(0), weights: new Float32Array(0) };
}

/** A batch's summary: its sorted values taken every max(n epsilon, 1)-th, from that step's position. */
export function summarize(data: Float32Array, epsilon: number): QuantileSummary {
  const sorted = Float32Array.from(data).sort();
  const step = Math.max(sorted.length / (1 / epsilon), 1);
  const stride = Math.trunc(step);
  const values: number[] = [];
  for (let i = Math.trunc(step - 1); i < sorted.length; i += stride) values.push(sorted[i]);
  return { values: Float32Array.from(values), weights: new Float32Array(values.length).fill(Math.fround(step)) };
}

/** Two summaries as one, sorted by value, compressed to epsilon. */
export function mergeSummaries(a: QuantileSummary, b: QuantileSummary, epsilon: number): QuantileSummary {
  const order = [...a.values, ...b.values].map((value, i) => ({ value, weight: i < a.values.length ? a.weights[i] : b.weights[i - a.values.length] }));
  order.sort((x, y) => x.value - y.value);
  return compress({ values: Float32Array.from(order, (e) => e.value), weights: Float32Array.from(order, (e) => e.weight) }, epsilon);
}

/** The boundaries of numBins buckets of about equal weight. */
export function binBoundaries(summary: QuantileSummary, numBins: number): number[] {
  return Array.from(compress(summary, 1 / numBins).values.subarray(0, -1));
}

/**
 * The summary at the fractions epsilon, 2 epsilon, ..., 1 of its cumulative weight (values and
 * cumulative weights interpolated linearly); unchanged when it has fewer than 1/epsilon entries.
 */
function compress(summary: QuantileSummary, epsilon: number): QuantileSummary {
  const n = summary.values.length;
  if (n * epsilon < 1) return summary;
  // float32 cumulative weights and fractions, as NumPy's cumsum and division of float32 arrays.
  const cumulative = new Float32Array(n);
  summary.weights.forEach((w, i) => (cumulative[i] = Math.fround((i > 0 ? cumulative[i - 1] : 0) + w)));
  const fractions = cumulative.map((c) => Math.fround(c / cumulative[n - 1]));
  const count = Math.ceil(1 / epsilon);
  const percents = Array.from({ length: count }, (_, i) => epsilon + i * epsilon);
  const newValues = percents.map((p) => interpolate(p, fractions, summary.values));
  const newCumulative = percents.map((p) => interpolate(p, fractions, cumulative));
  return {
    values: Float32Array.from(newValues),
    weights: Float32Array.from(newCumulative, (c, i) => c - (i > 0 ? newCumulative[i - 1] : 0)),
  };
}

/** NumPy's interp: linear between the points (xs increasing), the end values beyond them. */
function interpolate(x: number, xs: ArrayLike<number>, ys: ArrayLike<number>): number {
  const last = xs.length - 1;
  if (x <= xs[0]) return ys[0];
  if (x >= xs[last]) return ys[last];
  let low = 0;
  let high = last;
  // The last j with xs[j] <= x.
  while (high - low > 1) {
    const mid = (low + high) >> 1;
    if (xs[mid] <= x) low = mid;
    else high = mid;
  }
  return ((ys[low + 1] - ys[low]) / (xs[low + 1] - xs[low])) * (x - xs[low]) + ys[low];
}
