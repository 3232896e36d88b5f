// Every op as a function: `ops.add(a, b)`, `ops.moments(x, [0])`, `ops.matmul(a, b)`.
export * from './elementwise';
export * from './reduce';
export * from './shape';
export * from './matmul';
export * from './softmax';
export * from './moments';
export * from './focal_loss';
export * from './creation';
export * from './random';
export * from './clone';
export * from './scatter';
export { conv1d, conv2d, type Conv1dOptions, type Conv2dOptions, type Padding } from './conv';
export { maxPool2d, avgPool2d, type Pool2dOptions } from './pooling';
