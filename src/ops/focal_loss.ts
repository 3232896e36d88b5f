// Fused sigmoid focal loss and its gradient with respect to the logits. (Being implemented.)
import type { Tensor } from '../tensor/tensor';

export interface FocalLossOptions { alpha?: number; gamma?: number }

export function sigmoidFocalLoss(_labels: Tensor, _logits: Tensor, _options: FocalLossOptions = {}): Tensor {
  throw new Error('sigmoidFocalLoss: not implemented yet');
}

export function sigmoidFocalLossGrad(_labels: Tensor, _logits: Tensor, _options: FocalLossOptions = {}): Tensor {
  throw new Error('sigmoidFocalLossGrad: not implemented yet');
}
