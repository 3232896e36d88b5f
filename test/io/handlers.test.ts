// The save targets that need a platform: localstorage:// (here with an in-memory Storage in place
// of the browser's) and http(s):// loading (from a local HTTP server serving files saved by the
// Node file handler). IndexedDB and downloads need a browser and are left to the e2e suite.

import { createServer } from 'node:http';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Sequential, layers, ops, type Tensor } from '../../src/node';
import { listModels, loadModel, removeModel } from '../../src/io/index';
import { useWebGPU } from '../helpers';
import { makeTempDir } from '../temp_dir';

useWebGPU();

/** window.localStorage as an in-memory Map, with a quota to exercise the error path. */
class MemoryStorage {
  private readonly items = new Map<string, string>();
  constructor(private readonly quota = Infinity) {}
  get length() {
    return this.items.size;
  }
  key(i: number) {
    return [...this.items.keys()][i] ?? null;
  }
  getItem(k: string) {
    return this.items.get(k) ?? null;
  }
  setItem(k: string, v: string) {
    const used = [...this.items].reduce((n, [key, value]) => n + (key === k ? 0 : value.length), 0);
    if (used + v.length > this.quota) throw new Error('QuotaExceededError');
    this.items.set(k, v);
  }
  removeItem(k: string) {
    this.items.delete(k);
  }
}

function trained(): Sequential {
  const model = new Sequential();
  model.add(new layers.Dense({ units: 5, inputShape: [3], activation: 'relu' }));
  model.add(new layers.Dense({ units: 2 }));
  model.compile({ optimizer: 'adam', loss: 'mse' });
  return model;
}

const predictions = async (model: Sequential | Awaited<ReturnType<typeof loadModel>>, x: Tensor) => Array.from(await ((await model.predict(x)) as Tensor).data());

describe('localstorage://', () => {
  afterAll(() => void delete (globalThis as { localStorage?: unknown }).localStorage);

  it('saves, lists, loads and removes a model', async () => {
    (globalThis as { localStorage?: unknown }).localStorage = new MemoryStorage();
    const model = trained();
    const x = ops.randomUniform([4, 3], { seed: 1 });
    await model.fit(x, ops.randomUniform([4, 2], { seed: 2 }), { epochs: 2, verbose: 0 });
    await model.save('localstorage://small');
    expect(Object.keys(await listModels())).toContain('localstorage://small');
    const restored = await loadModel('localstorage://small');
    expect(await predictions(restored, x)).toEqual(await predictions(model, x));
    expect(restored.optimizer.iterations).toBe(2);
    await removeModel('localstorage://small');
    await expect(loadModel('localstorage://small')).rejects.toThrow("No model saved at 'localstorage://small'.");
  });

  it('explains a full localStorage and leaves nothing half-written', async () => {
    const storage = new MemoryStorage(500);
    (globalThis as { localStorage?: unknown }).localStorage = storage;
    await expect(trained().save('localstorage://big')).rejects.toThrow("Saving to 'localstorage://big' failed (QuotaExceededError); localStorage holds a few MB per origin, use 'indexeddb://big' for larger models.");
    expect(storage.length).toBe(0);
  });
});

describe('http(s):// loading', () => {
  let base = '';
  const server = createServer();

  beforeAll(async () => {
    const dir = makeTempDir('wgk-http-');
    const model = trained();
    await model.save(join(dir, 'mnist.json'));
    server.on('request', (request, response) => {
      try {
        const body = readFileSync(join(dir, request.url!.replace(/^\/models\//, '')));
        response.writeHead(200).end(body);
      } catch {
        response.writeHead(404, 'Not Found').end();
      }
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}/models/`;
  });

  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  it('fetches the model JSON and the weights file it names beside it', async () => {
    const restored = await loadModel(`${base}mnist.json`);
    expect(restored.layers.map((l) => l.constructor.name)).toEqual(['Dense', 'Dense']);
    expect(restored.weights[0].shape).toEqual([3, 5]);
  });

  it('reports HTTP errors with the address', async () => {
    await expect(loadModel(`${base}missing.json`)).rejects.toThrow(`Loading the model JSON from ${base}missing.json failed: HTTP 404 Not Found.`);
    await expect(trained().save(`${base}upload.json`)).rejects.toThrow("Cannot save with 'http://127.0.0.1:");
  });
});
