// Brute force for the CTC tests: every alignment (a class per step) of a few steps, collapsed to
// its labelling as CTC defines it (repeats merged, blanks dropped), with its probability, in
// float64. The sum over the alignments of a labelling is its exact probability.

/** Calls `visit(labels, probability)` for each of the classes^steps alignments of `logProbs` [steps][classes]. */
export function forEachAlignment(logProbs: number[][], blank: number, visit: (labels: number[], probability: number) => void): void {
  const steps = logProbs.length;
  const classes = logProbs[0].length;
  const path = new Array<number>(steps).fill(0);
  for (let n = 0; n < classes ** steps; n++) {
    let rest = n;
    for (let t = 0; t < steps; t++) {
      path[t] = rest % classes;
      rest = Math.floor(rest / classes);
    }
    const labels = path.filter((c, t) => c !== blank && (t === 0 || c !== path[t - 1]));
    visit(labels, Math.exp(path.reduce((s, c, t) => s + logProbs[t][c], 0)));
  }
}
