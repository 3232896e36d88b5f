// What Dense and the convolution layers share, as in Keras: a kernel and an optional bias made in
// build() with their initializers, regularizers and constraints, an activation on the output, and
// the options and config entries that describe them (Keras's defaults: glorotUniform kernel, zero
// bias).

import type { Variable } from '../autograd/variable';
import { getActivation, serializeActivation, type ActivationFn, type ActivationIdentifier } from './activations';
import type { Constraint, ConstraintIdentifier } from './constraints';
import type { Initializer, InitializerIdentifier } from './initializers';
import { Layer, type LayerArgs } from './layer';
import { constraintConfig, initializerConfig, regularizerConfig, resolveConstraint, resolveInitializer, resolveRegularizer } from './layer_utils';
import type { Regularizer, RegularizerIdentifier } from './regularizers';

/** Options of a layer with a kernel and a bias. */
export interface KernelLayerArgs extends LayerArgs {
  /** Applied to the output; default none (linear). */
  activation?: ActivationIdentifier;
  /** Default true. */
  useBias?: boolean;
  /** Default 'glorotUniform'. */
  kernelInitializer?: InitializerIdentifier;
  /** Default 'zeros'. */
  biasInitializer?: InitializerIdentifier;
  kernelRegularizer?: RegularizerIdentifier | null;
  biasRegularizer?: RegularizerIdentifier | null;
  /** Applied to the kernel after each optimizer update (e.g. 'non_neg', constraints.maxNorm(2)). */
  kernelConstraint?: ConstraintIdentifier | null;
  /** Applied to the bias after each optimizer update. */
  biasConstraint?: ConstraintIdentifier | null;
}

/** The base of Dense and the convolutions: their kernel, bias and activation. */
export abstract class KernelLayer extends Layer {
  private activationFn: ActivationFn;
  readonly useBias: boolean;
  readonly kernelInitializer: Initializer;
  readonly biasInitializer: Initializer;
  readonly kernelRegularizer: Regularizer | null;
  readonly biasRegularizer: Regularizer | null;
  readonly kernelConstraint: Constraint | null;
  readonly biasConstraint: Constraint | null;
  kernel!: Variable;
  bias: Variable | null = null;

  constructor(args: KernelLayerArgs) {
    super(args);
    this.activationFn = getActivation(args?.activation);
    this.useBias = args?.useBias ?? true;
    this.kernelInitializer = resolveInitializer(args?.kernelInitializer ?? 'glorotUniform');
    this.biasInitializer = resolveInitializer(args?.biasInitializer ?? 'zeros');
    this.kernelRegularizer = resolveRegularizer(args?.kernelRegularizer);
    this.biasRegularizer = resolveRegularizer(args?.biasRegularizer);
    this.kernelConstraint = resolveConstraint(args?.kernelConstraint);
    this.biasConstraint = resolveConstraint(args?.biasConstraint);
  }

  /** Applied to the output. */
  get activation(): ActivationFn {
    return this.activationFn;
  }

  /**
   * Replaces the activation, as assigning `layer.activation` in Keras: a name, a function, or
   * null for none (linear).
   *
   * @example
   * (model.layers.at(-1) as Dense).activation = null;   // logits instead of softmax (Grad-CAM)
   */
  set activation(identifier: ActivationIdentifier) {
    this.activationFn = getActivation(identifier);
  }

  /** Makes the kernel of `kernelShape` and, with a bias, the bias of `units` (call from build). */
  protected addKernelAndBias(kernelShape: number[], units: number): void {
    this.kernel = this.addWeight({ name: 'kernel', shape: kernelShape, initializer: this.kernelInitializer, regularizer: this.kernelRegularizer ?? undefined, constraint: this.kernelConstraint });
    if (this.useBias) {
      this.bias = this.addWeight({ name: 'bias', shape: [units], initializer: this.biasInitializer, regularizer: this.biasRegularizer ?? undefined, constraint: this.biasConstraint });
    }
  }

  override getConfig(): Record<string, unknown> {
    return {
      ...super.getConfig(),
      activation: serializeActivation(this.activation),
      useBias: this.useBias,
      kernelInitializer: initializerConfig(this.kernelInitializer),
      biasInitializer: initializerConfig(this.biasInitializer),
      kernelRegularizer: regularizerConfig(this.kernelRegularizer),
      biasRegularizer: regularizerConfig(this.biasRegularizer),
      kernelConstraint: constraintConfig(this.kernelConstraint),
      biasConstraint: constraintConfig(this.biasConstraint),
    };
  }
}
