// Muon (Jordan et al. 2024, "Muon: MomentUm Orthogonalized by Newton-schulz", with Moonlight's
// learning rate adjustment, arXiv:2502.16982), as keras.optimizers.Muon: the momentum of a matrix
// variable is orthogonalized by a few Newton-Schulz iterations (matmuls) before the step; other
// variables (not of rank 2, embeddings, or matched by `excludeLayers`) take AdamW's step. Written
// with ops (updateStep).

import { matmul } from '../ops/matmul';
import { norm } from '../ops/linalg';
import { pow, sub } from '../ops/elementwise';
import { transpose } from '../ops/shape';
import type { Variable } from '../autograd/variable';
import type { Tensor } from '../tensor/tensor';
import { booleanOption, numberOption, Optimizer, type OptimizerOptions } from './optimizer';

export interface MuonOptions extends OptimizerOptions {
  /** AdamW's first-moment decay for the variables it updates (default 0.9). */
  adamBeta1?: number;
  /** AdamW's second-moment decay (default 0.999). */
  adamBeta2?: number;
  /** The weight decay of the AdamW-updated variables (default 0.004; `weightDecay`, default 0.004 too, is the Muon ones'). */
  adamWeightDecay?: number | null;
  /** AdamW's epsilon (default 1e-7). */
  epsilon?: number;
  /** Regular expressions: variables whose name matches one take AdamW's step (default none). */
  excludeLayers?: readonly string[];
  /** Variables whose name contains 'embedding' take AdamW's step (default true). */
  excludeEmbeddings?: boolean;
  /** The Newton-Schulz quintic's coefficients (defaults 3.4445, -4.7750, 2.0315). */
  muonA?: number;
  muonB?: number;
  muonC?: number;
  /** AdamW's learning rate as a multiple of the learning rate (default 1). */
  adamLrRatio?: number;
  /** Momentum of the Muon-updated variables (default 0.95). */
  momentum?: number;
  /** Newton-Schulz iterations (default 5). */
  nsSteps?: number;
  /** Orthogonalize the Nesterov look-ahead `g + momentum * m` rather than `m` (default true). */
  nesterov?: boolean;
  /** The step of an m x n matrix is scaled by `sqrt(max(m, n)) * rmsRate` (default 0.2; null: not scaled). */
  rmsRate?: number | null;
}

/**
 * Muon. Defaults as Keras: learning rate 0.001, weight decay 0.004 (both kinds), momentum 0.95,
 * Nesterov, 5 Newton-Schulz steps, rmsRate 0.2. For a matrix variable W (m x n):
 * `M = momentum M + G; U = NS5(nesterov ? G + momentum M : M); W -= lr sqrt(max(m, n)) rmsRate U`,
 * NS5 iterating `X = a X + (b A + c A A) X` with `A = X X^T` from `X = M / (||M||_F + 1e-7)` (on the
 * transpose when m > n). Other variables take AdamW's step with `lr * adamLrRatio`. Slots:
 * 'momentum', and 'velocity' (AdamW's; a scalar placeholder for the Muon-updated variables).
 *
 * @example
 * model.compile({ optimizer: new Muon({ learningRate: 0.02 }), loss: 'sparse_categorical_crossentropy' });
 */
export class Muon extends Optimizer {
  readonly adamBeta1: number;
  readonly adamBeta2: number;
  readonly adamWeightDecay: number | null;
  readonly epsilon: number;
  readonly excludeLayers: readonly string[];
  readonly excludeEmbeddings: boolean;
  readonly muonA: number;
  readonly muonB: number;
  readonly muonC: number;
  readonly adamLrRatio: number;
  readonly momentum: number;
  readonly nsSteps: number;
  readonly nesterov: boolean;
  readonly rmsRate: number | null;
  private readonly excluded: RegExp[];

  constructor(options: MuonOptions = {}) {
    super(
      options,
      ['adamBeta1', 'adamBeta2', 'adamWeightDecay', 'epsilon', 'excludeLayers', 'excludeEmbeddings', 'muonA', 'muonB', 'muonC', 'adamLrRatio', 'momentum', 'nsSteps', 'nesterov', 'rmsRate'],
      { className: 'Muon', name: 'muon', learningRate: 0.001, weightDecay: 0.004 },
    );
    this.adamBeta1 = numberOption('Muon', 'adamBeta1', options.adamBeta1 ?? 0.9, 0, 1);
    this.adamBeta2 = numberOption('Muon', 'adamBeta2', options.adamBeta2 ?? 0.999, 0, 1);
    this.adamWeightDecay = options.adamWeightDecay === null ? null : numberOption('Muon', 'adamWeightDecay', options.adamWeightDecay ?? 0.004, 0);
    this.epsilon = numberOption('Muon', 'epsilon', options.epsilon ?? 1e-7, 0);
    const excludeLayers = options.excludeLayers ?? [];
    if (!Array.isArray(excludeLayers) || excludeLayers.some((pattern) => typeof pattern !== 'string')) {
      throw new Error(`Muon: argument \`excludeLayers\` must be a list of regular expressions (strings). Received: excludeLayers=${JSON.stringify(options.excludeLayers)}`);
    }
    this.excludeLayers = [...excludeLayers];
    this.excluded = excludeLayers.map((pattern) => new RegExp(pattern));
    this.excludeEmbeddings = booleanOption('Muon', 'excludeEmbeddings', options.excludeEmbeddings ?? true);
    this.muonA = numberOption('Muon', 'muonA', options.muonA ?? 3.4445);
    this.muonB = numberOption('Muon', 'muonB', options.muonB ?? -4.775);
    this.muonC = numberOption('Muon', 'muonC', options.muonC ?? 2.0315);
    this.adamLrRatio = numberOption('Muon', 'adamLrRatio', options.adamLrRatio ?? 1, 0);
    this.momentum = numberOption('Muon', 'momentum', options.momentum ?? 0.95, 0, 1);
    const nsSteps = options.nsSteps ?? 5;
    if (!Number.isInteger(nsSteps) || nsSteps < 0) throw new Error(`Muon: argument \`nsSteps\` must be an integer >= 0. Received: nsSteps=${String(nsSteps)}`);
    this.nsSteps = nsSteps;
    this.nesterov = booleanOption('Muon', 'nesterov', options.nesterov ?? true);
    this.rmsRate = options.rmsRate === null ? null : numberOption('Muon', 'rmsRate', options.rmsRate ?? 0.2, 0);
  }

  /** Whether AdamW updates `variable` (Keras's `_should_use_adamw`): not a matrix, an embedding, or excluded by name. */
  usesAdam(variable: Variable): boolean {
    if (variable.rank !== 2) return true;
    if (this.excludeEmbeddings && variable.name.toLowerCase().includes('embedding')) return true;
    return this.excluded.some((pattern) => pattern.test(variable.name));
  }

  protected slotNames(): string[] {
    return ['momentum', 'velocity'];
  }

  protected override slotShape(slotName: string, variable: Variable): readonly number[] {
    return slotName === 'velocity' && !this.usesAdam(variable) ? [] : variable.shape;
  }

  protected override weightDecayOf(variable: Variable): number | null {
    return this.usesAdam(variable) ? this.adamWeightDecay : this.weightDecay;
  }

  override updateStep(gradient: Tensor, variable: Variable, learningRate: Tensor): void {
    const momentum = this.getSlot(variable, 'momentum')!;
    if (this.usesAdam(variable)) {
      const step = this.stepScalar(() => this.updates + 1);
      const velocity = this.getSlot(variable, 'velocity')!;
      const stepSize = learningRate.mul(this.adamLrRatio).mul(sub(1, pow(this.adamBeta2, step)).sqrt()).div(sub(1, pow(this.adamBeta1, step)));
      momentum.assign(momentum.add(gradient.sub(momentum).mul(1 - this.adamBeta1)));
      velocity.assign(velocity.add(gradient.square().sub(velocity).mul(1 - this.adamBeta2)));
      variable.assign(variable.sub(momentum.mul(stepSize).div(velocity.sqrt().add(this.epsilon))));
      return;
    }
    momentum.assign(momentum.mul(this.momentum).add(gradient));
    const direction = this.nesterov ? gradient.add(momentum.mul(this.momentum)) : momentum;
    let update = this.orthogonalized(direction).mul(learningRate);
    if (this.rmsRate !== null) update = update.mul(Math.sqrt(Math.max(variable.shape[0], variable.shape[1])) * this.rmsRate);
    variable.assign(variable.sub(update));
  }

  /** The quintic Newton-Schulz iteration towards U V^T of the matrix's SVD, as Keras's `zeropower_via_newtonschulz5`. */
  private orthogonalized(matrix: Tensor): Tensor {
    const tall = matrix.shape[0] > matrix.shape[1];
    let x = tall ? transpose(matrix) : matrix;
    x = x.div(norm(x, 'fro').add(1e-7));
    for (let i = 0; i < this.nsSteps; i++) {
      const gram = matmul(x, x, { transposeB: true });
      const polynomial = gram.mul(this.muonB).add(matmul(gram, gram).mul(this.muonC));
      x = x.mul(this.muonA).add(matmul(polynomial, x));
    }
    return tall ? transpose(x) : x;
  }

  override getConfig(): Record<string, unknown> {
    return {
      ...super.getConfig(),
      adamBeta1: this.adamBeta1,
      adamBeta2: this.adamBeta2,
      epsilon: this.epsilon,
      excludeLayers: [...this.excludeLayers],
      muonA: this.muonA,
      muonB: this.muonB,
      muonC: this.muonC,
      adamLrRatio: this.adamLrRatio,
      momentum: this.momentum,
      nsSteps: this.nsSteps,
      nesterov: this.nesterov,
      excludeEmbeddings: this.excludeEmbeddings,
      adamWeightDecay: this.adamWeightDecay,
      rmsRate: this.rmsRate,
    };
  }
}
