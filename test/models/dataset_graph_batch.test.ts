// A dataset batch whose inputs differ in size, as keras.io's MPNN merges a batch of molecules into
// one graph (atoms, bonds and pair indices of different lengths, one target per molecule): Keras
// checks no sample counts of a dataset's batch, so the default step, evaluate and predict run it,
// and y is checked against the outputs by the loss.

import { describe, expect, it } from 'vitest';
import { Model, layers, ops, type Batch, type SymbolicTensor, type Tensor } from '../../src/node';

class SumPerGraph extends layers.Layer {
  override call([nodes, graphIds]: Tensor[]): Tensor {
    return ops.segmentSum(nodes, graphIds, 2);
  }
}

function* graphBatches(): Generator<Batch> {
  // Graph 0 holds nodes 0-2, graph 1 nodes 3-4; 4 edges carry a feature each.
  const x = { nodes: ops.convertToTensor([[1], [2], [3], [4], [5]]), edges: ops.ones([4, 1]), graph_ids: ops.convertToTensor([0, 0, 0, 1, 1], 'int32') };
  yield [x, ops.convertToTensor([[1], [0]])];
}

describe('a dataset batch of graphs', () => {
  it('trains, evaluates and predicts one row per graph', async () => {
    const nodes = layers.Input({ shape: [1], batchSize: 5, name: 'nodes' });
    const edges = layers.Input({ shape: [1], batchSize: 4, name: 'edges' });
    const graphIds = layers.Input({ shape: [], batchSize: 5, dtype: 'int32', name: 'graph_ids' });
    const pooled = new SumPerGraph().apply([nodes, graphIds]) as SymbolicTensor;
    const edgeCount = ops.sum(edges) as unknown as SymbolicTensor;
    const outputs = new layers.Dense({ units: 1, kernelInitializer: 'ones' }).apply(pooled.add(edgeCount.mul(0))) as SymbolicTensor;
    const model = new Model({ inputs: [nodes, edges, graphIds], outputs });
    model.compile({ optimizer: 'sgd', loss: 'mse' });

    const history = await model.fit(graphBatches(), undefined, { epochs: 1, verbose: 0 });
    // Sums per graph 6 and 9 against targets 1 and 0: mse = (25 + 81) / 2 before the step.
    expect(history.history.loss[0]).toBeCloseTo(53, 4);
    const loss = (await model.evaluate(graphBatches(), undefined, { verbose: 0, returnDict: false })) as number;
    expect(loss).toBeLessThan(53);
    expect(((await model.predict(graphBatches())) as Tensor).shape).toEqual([2, 1]);
  });
});
