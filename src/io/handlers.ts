// Where saved models go, chosen by the target's URL scheme: `memory://` (tests, any platform),
// `localstorage://` and `indexeddb://` (browsers), `downloads://` (a browser download, save only),
// `http(s)://` (load only, with fetch). The Node file handler lives in node_file_handler.ts and is
// registered by the Node entry, so nothing here touches Node-only modules.
//
// A handler moves two artifacts: the model JSON (text) and the weights (safetensors bytes). It
// never interprets them; model_io.ts does.

import { inBrowser } from '../backend/environment';

/** What a save writes and a load returns. */
export interface ModelArtifacts {
  /** The model JSON (topology, compile config, weight manifest), as text. */
  modelJson: string;
  /** The weights, in safetensors format. */
  weights: Uint8Array;
}

/** Sizes and date of a stored model, as `listModels` reports them. */
export interface ModelInfo {
  dateSaved: string;
  modelJsonBytes: number;
  weightBytes: number;
}

/** Moves artifacts to and from one place. Either method may be missing (downloads cannot load). */
export interface IOHandler {
  save?(artifacts: ModelArtifacts): Promise<ModelInfo>;
  load?(): Promise<ModelArtifacts>;
  /** Deletes what was saved there, if anything (BackupAndRestore's cleanup); optional. */
  remove?(): Promise<void>;
}

/** A place that holds many models by name, for `listModels` and `removeModel`. */
export interface ModelStore {
  list(): Promise<Record<string, ModelInfo>>;
  remove(name: string): Promise<ModelInfo>;
}

/** Turns a target string into a handler, or null when the string is not for it. */
export type IORouter = (url: string) => IOHandler | null;

/** A save target or load source: a URL string ('indexeddb://my-model', a Node path) or a handler. */
export type IOTarget = string | IOHandler;

const routers: Array<{ name: string; route: IORouter }> = [];
const stores = new Map<string, ModelStore>();

/**
 * Adds a way to save and load models: `route` returns a handler for the strings it understands.
 * `store` (optional) lets `listModels` and `removeModel` see the models under `scheme`.
 *
 * @example
 * registerIOHandler('s3://', (url) => (url.startsWith('s3://') ? new MyS3Handler(url) : null));
 */
export function registerIOHandler(scheme: string, route: IORouter, store?: ModelStore): void {
  const existing = routers.findIndex((r) => r.name === scheme);
  if (existing !== -1) routers.splice(existing, 1);
  routers.push({ name: scheme, route });
  if (store) stores.set(scheme, store);
}

/** @internal The handler for a target; `purpose` names the operation in errors. */
export function resolveHandler(target: IOTarget, purpose: 'save' | 'load'): IOHandler {
  if (target !== null && typeof target === 'object') {
    if (typeof target[purpose] !== 'function') throw new Error(`The IOHandler given cannot ${purpose} (it has no ${purpose}() method).`);
    return target;
  }
  if (typeof target !== 'string' || target.length === 0) {
    throw new Error(`Expected a URL string such as 'indexeddb://my-model' or an IOHandler to ${purpose}, got ${target === '' ? 'an empty string' : typeof target}.`);
  }
  for (const { route } of routers) {
    const handler = route(target);
    if (handler) {
      if (typeof handler[purpose] !== 'function') throw new Error(`Cannot ${purpose} with '${target}': ${describeScheme(target)} supports ${handler.save ? 'saving' : 'loading'} only.`);
      return handler;
    }
  }
  throw new Error(`No handler to ${purpose} '${target}'. Known schemes: ${routers.map((r) => r.name).join(', ')}${inBrowser() ? '' : '; file paths need the Node entry of webgpu-keras'}.`);
}

/**
 * Every stored model, by URL ('indexeddb://a', 'memory://b', ...), with its size and date.
 *
 * @example
 * for (const [url, info] of Object.entries(await listModels())) console.log(url, info.dateSaved);
 */
export async function listModels(): Promise<Record<string, ModelInfo>> {
  const all: Record<string, ModelInfo> = {};
  for (const [scheme, store] of stores) {
    if (!storeAvailable(scheme)) continue;
    for (const [name, info] of Object.entries(await store.list())) all[`${scheme}${name}`] = info;
  }
  return all;
}

/**
 * Deletes a stored model; returns what it was. Throws when there is none at that URL.
 *
 * @example
 * await removeModel('localstorage://my-model');
 */
export async function removeModel(url: string): Promise<ModelInfo> {
  for (const [scheme, store] of stores) {
    if (typeof url === 'string' && url.startsWith(scheme)) return store.remove(url.slice(scheme.length));
  }
  throw new Error(`removeModel: '${url}' is not in a store that can list and remove models. Stores: ${[...stores.keys()].join(', ')}.`);
}

function describeScheme(url: string): string {
  const match = /^([a-z][a-z0-9+.-]*:\/\/)/i.exec(url);
  return match ? `'${match[1]}'` : 'this target';
}

function storeAvailable(scheme: string): boolean {
  if (scheme === 'localstorage://') return typeof globalThis.localStorage !== 'undefined';
  if (scheme === 'indexeddb://') return typeof globalThis.indexedDB !== 'undefined';
  return true;
}

function infoOf(artifacts: ModelArtifacts): ModelInfo {
  return { dateSaved: new Date().toISOString(), modelJsonBytes: new TextEncoder().encode(artifacts.modelJson).length, weightBytes: artifacts.weights.byteLength };
}

function nameAfter(url: string, scheme: string): string {
  const name = url.slice(scheme.length);
  if (name.length === 0) throw new Error(`'${url}' names no model; write ${scheme}<name>, e.g. ${scheme}my-model.`);
  return name;
}

// ---- memory:// ----------------------------------------------------------------------------

const memoryModels = new Map<string, { artifacts: ModelArtifacts; info: ModelInfo }>();

/**
 * An in-memory handler (nothing leaves the process). With a name, it is the same store as
 * 'memory://name'; without one, a private slot.
 *
 * @example
 * const slot = memoryHandler();
 * await model.save(slot);
 * const copy = await loadModel(slot);
 */
export function memoryHandler(name?: string): IOHandler {
  let own: { artifacts: ModelArtifacts; info: ModelInfo } | undefined;
  return {
    async save(artifacts) {
      // Copies, so that later changes by the caller cannot reach what was saved.
      const entry = { artifacts: { modelJson: artifacts.modelJson, weights: artifacts.weights.slice() }, info: infoOf(artifacts) };
      if (name === undefined) own = entry;
      else memoryModels.set(name, entry);
      return entry.info;
    },
    async load() {
      const entry = name === undefined ? own : memoryModels.get(name);
      if (!entry) throw new Error(name === undefined ? 'memoryHandler: nothing was saved to this handler yet.' : `No model saved at 'memory://${name}'.`);
      return { modelJson: entry.artifacts.modelJson, weights: entry.artifacts.weights.slice() };
    },
    async remove() {
      if (name === undefined) own = undefined;
      else memoryModels.delete(name);
    },
  };
}

registerIOHandler('memory://', (url) => (url.startsWith('memory://') ? memoryHandler(nameAfter(url, 'memory://')) : null), {
  async list() {
    return Object.fromEntries([...memoryModels].map(([name, e]) => [name, e.info]));
  },
  async remove(name) {
    const entry = memoryModels.get(name);
    if (!entry) throw new Error(`removeModel: no model saved at 'memory://${name}'.`);
    memoryModels.delete(name);
    return entry.info;
  },
});

// ---- localstorage:// ------------------------------------------------------------------------

const LOCAL_PREFIX = 'webgpu-keras/models/';

function localStorageOrThrow(): Storage {
  const storage = (globalThis as { localStorage?: Storage }).localStorage;
  if (!storage) throw new Error("'localstorage://' needs window.localStorage, which this environment lacks (use a file path in Node, or 'memory://').");
  return storage;
}

function localStorageHandler(name: string): IOHandler {
  const key = (part: string) => `${LOCAL_PREFIX}${name}/${part}`;
  return {
    async save(artifacts) {
      const storage = localStorageOrThrow();
      const info = infoOf(artifacts);
      try {
        storage.setItem(key('model_json'), artifacts.modelJson);
        storage.setItem(key('weights'), toBase64(artifacts.weights));
        storage.setItem(key('info'), JSON.stringify(info));
      } catch (e) {
        for (const part of ['model_json', 'weights', 'info']) storage.removeItem(key(part));
        throw new Error(`Saving to 'localstorage://${name}' failed (${(e as Error).message}); localStorage holds a few MB per origin, use 'indexeddb://${name}' for larger models.`);
      }
      return info;
    },
    async load() {
      const storage = localStorageOrThrow();
      const modelJson = storage.getItem(key('model_json'));
      const weights = storage.getItem(key('weights'));
      if (modelJson === null || weights === null) throw new Error(`No model saved at 'localstorage://${name}'.`);
      return { modelJson, weights: fromBase64(weights) };
    },
  };
}

registerIOHandler('localstorage://', (url) => (url.startsWith('localstorage://') ? localStorageHandler(nameAfter(url, 'localstorage://')) : null), {
  async list() {
    const storage = localStorageOrThrow();
    const out: Record<string, ModelInfo> = {};
    for (let i = 0; i < storage.length; i++) {
      const k = storage.key(i);
      if (k?.startsWith(LOCAL_PREFIX) && k.endsWith('/info')) out[k.slice(LOCAL_PREFIX.length, -'/info'.length)] = JSON.parse(storage.getItem(k)!) as ModelInfo;
    }
    return out;
  },
  async remove(name) {
    const storage = localStorageOrThrow();
    const info = storage.getItem(`${LOCAL_PREFIX}${name}/info`);
    if (info === null) throw new Error(`removeModel: no model saved at 'localstorage://${name}'.`);
    for (const part of ['model_json', 'weights', 'info']) storage.removeItem(`${LOCAL_PREFIX}${name}/${part}`);
    return JSON.parse(info) as ModelInfo;
  },
});

function toBase64(bytes: Uint8Array): string {
  let binary = '';
  for (let i = 0; i < bytes.length; i += 0x8000) binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(binary);
}

function fromBase64(text: string): Uint8Array {
  const binary = atob(text);
  const out = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) out[i] = binary.charCodeAt(i);
  return out;
}

// ---- indexeddb:// ---------------------------------------------------------------------------

const DB_NAME = 'webgpu-keras';
const DB_STORE = 'models';

interface StoredModel {
  name: string;
  modelJson: string;
  weights: ArrayBuffer;
  info: ModelInfo;
}

function openDatabase(): Promise<IDBDatabase> {
  const idb = (globalThis as { indexedDB?: IDBFactory }).indexedDB;
  if (!idb) return Promise.reject(new Error("'indexeddb://' needs IndexedDB, which this environment lacks (use a file path in Node, or 'memory://')."));
  return new Promise((resolve, reject) => {
    const request = idb.open(DB_NAME, 1);
    request.onupgradeneeded = () => request.result.createObjectStore(DB_STORE, { keyPath: 'name' });
    request.onsuccess = () => resolve(request.result);
    request.onerror = () => reject(new Error(`Opening IndexedDB '${DB_NAME}' failed: ${request.error?.message ?? 'unknown error'}.`));
  });
}

/** Runs one request in a transaction and resolves when the transaction completes. */
async function inStore<T>(mode: IDBTransactionMode, action: (store: IDBObjectStore) => IDBRequest<T>): Promise<T> {
  const db = await openDatabase();
  try {
    return await new Promise<T>((resolve, reject) => {
      const transaction = db.transaction(DB_STORE, mode);
      const request = action(transaction.objectStore(DB_STORE));
      transaction.oncomplete = () => resolve(request.result);
      transaction.onerror = () => reject(new Error(`IndexedDB ${mode} failed: ${transaction.error?.message ?? request.error?.message ?? 'unknown error'}.`));
      transaction.onabort = () => reject(new Error(`IndexedDB ${mode} aborted: ${transaction.error?.message ?? 'quota exceeded?'}.`));
    });
  } finally {
    db.close();
  }
}

function indexedDBHandler(name: string): IOHandler {
  return {
    async save(artifacts) {
      const info = infoOf(artifacts);
      const weights = artifacts.weights.slice().buffer;
      await inStore('readwrite', (store) => store.put({ name, modelJson: artifacts.modelJson, weights, info } satisfies StoredModel));
      return info;
    },
    async load() {
      const stored = (await inStore('readonly', (store) => store.get(name))) as StoredModel | undefined;
      if (!stored) throw new Error(`No model saved at 'indexeddb://${name}'.`);
      return { modelJson: stored.modelJson, weights: new Uint8Array(stored.weights) };
    },
  };
}

registerIOHandler('indexeddb://', (url) => (url.startsWith('indexeddb://') ? indexedDBHandler(nameAfter(url, 'indexeddb://')) : null), {
  async list() {
    const all = (await inStore('readonly', (store) => store.getAll())) as StoredModel[];
    return Object.fromEntries(all.map((m) => [m.name, m.info]));
  },
  async remove(name) {
    const stored = (await inStore('readonly', (store) => store.get(name))) as StoredModel | undefined;
    if (!stored) throw new Error(`removeModel: no model saved at 'indexeddb://${name}'.`);
    await inStore('readwrite', (store) => store.delete(name));
    return stored.info;
  },
});

// ---- downloads:// ---------------------------------------------------------------------------

/** The weights file that a model JSON saved next to it refers to. */
export function weightsFileName(modelName: string): string {
  return `${modelName}.safetensors`;
}

function downloadsHandler(name: string): IOHandler {
  return {
    async save(artifacts) {
      const doc = (globalThis as { document?: Document }).document;
      if (!doc) throw new Error("'downloads://' needs a browser page (document); in Node save to a file path.");
      const fileJson = artifacts.modelJson.replace(/"weightsFile":"[^"]*"/, `"weightsFile":${JSON.stringify(weightsFileName(name))}`);
      const files: Array<[string, Blob]> = [
        [`${name}.json`, new Blob([fileJson], { type: 'application/json' })],
        [weightsFileName(name), new Blob([artifacts.weights.slice().buffer], { type: 'application/octet-stream' })],
      ];
      for (const [fileName, blob] of files) downloadFile(doc, fileName, blob);
      return infoOf(artifacts);
    },
  };
}

/** @internal Has the browser download `blob` as `fileName` (downloads://). */
export function downloadFile(doc: Document, fileName: string, blob: Blob): void {
  const link = doc.createElement('a');
  link.href = URL.createObjectURL(blob);
  link.download = fileName;
  link.click();
  setTimeout(() => URL.revokeObjectURL(link.href), 10_000);
}

registerIOHandler('downloads://', (url) => (url.startsWith('downloads://') ? downloadsHandler(nameAfter(url, 'downloads://')) : null));

// ---- http(s):// -----------------------------------------------------------------------------

/** @internal The weights file named in a model JSON text, or the default next to `jsonName`. */
export function weightsFileFrom(modelJson: string, fallback: string): string {
  try {
    const file = (JSON.parse(modelJson) as { weightsFile?: unknown }).weightsFile;
    return typeof file === 'string' && file.length > 0 ? file : fallback;
  } catch {
    return fallback;
  }
}

function httpHandler(url: string): IOHandler {
  return {
    async load() {
      const get = async (address: string, what: string): Promise<Response> => {
        let response: Response;
        try {
          response = await fetch(address);
        } catch (e) {
          throw new Error(`Loading the ${what} from ${address} failed: ${(e as Error).message}.`);
        }
        if (!response.ok) throw new Error(`Loading the ${what} from ${address} failed: HTTP ${response.status} ${response.statusText}.`);
        return response;
      };
      const modelJson = await (await get(url, 'model JSON')).text();
      const base = new URL(url);
      const weightsFile = weightsFileFrom(modelJson, weightsFileName(base.pathname.split('/').pop()!.replace(/\.json$/, '') || 'model'));
      const weightsUrl = new URL(weightsFile, base).toString();
      const weights = new Uint8Array(await (await get(weightsUrl, 'weights')).arrayBuffer());
      return { modelJson, weights };
    },
  };
}

registerIOHandler('http(s)://', (url) => (/^https?:\/\//i.test(url) ? httpHandler(url) : null));
