// Every GPU-versus-CPU op case, for the browser page of the Playwright suite.
import type { OpCase } from './case';
import { elementwiseCases } from './elementwise';
import { shapeCases } from './shape';
import { reduceCases } from './reduce';
import { normalizationCases } from './normalization';
import { matmulCases } from './matmul';
import { creationCases } from './creation';
import { scatterCases } from './scatter';
import { convCases } from './conv';
import { convVariantCases } from './conv_variants';
import { fusedCases } from './fused';
import { scanRearrangeCases } from './scan_rearrange';
import { sortCases } from './sort';
import { compositeActivationCases, linalgCases } from './linalg';
import { imageCases } from './image';
import { takeAlongAxisCases } from './take_along_axis';
import { randomSamplingCases } from './random_sampling';
import { randomDistributionCases } from './random_distributions';
import { attentionCases } from './attention';
import { imageColorCases } from './image_color';
import { imagePatchesCases } from './image_patches';
import { conv3dCases } from './conv3d';
import { kerasOpCases } from './keras_ops';

export const ALL_CASES: OpCase[] = [...elementwiseCases, ...shapeCases, ...reduceCases, ...normalizationCases, ...matmulCases, ...creationCases, ...scatterCases, ...convCases, ...convVariantCases, ...fusedCases, ...scanRearrangeCases, ...sortCases, ...linalgCases, ...compositeActivationCases, ...imageCases, ...takeAlongAxisCases, ...randomSamplingCases, ...randomDistributionCases, ...attentionCases, ...imageColorCases, ...imagePatchesCases, ...conv3dCases, ...kerasOpCases];
