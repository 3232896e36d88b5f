// Saving to and loading from files in Node. Registered by the Node entry (src/node.ts) only, and
// it reaches `node:fs` through dynamic imports, so browser bundles never contain it.
//
// A target is a path (or a file:// URL). A path ending in '.json' is the model JSON itself, with
// the weights file beside it; any other path is a directory that receives 'model.json' and
// 'model.safetensors'.

import { registerIOHandler, weightsFileFrom, type IOHandler, type ModelInfo } from './handlers';
import { setLocalFileAccess } from './local_files';

const DEFAULT_JSON = 'model.json';
const DEFAULT_WEIGHTS = 'model.safetensors';

interface FilePaths {
  json: string;
  /** Directory of the JSON file; the weights file name is resolved against it. */
  dir: string;
  /** The weights file name to write. */
  weightsName: string;
}

async function pathsFor(target: string): Promise<FilePaths> {
  const path = await import('node:path');
  const { fileURLToPath } = await import('node:url');
  const resolved = target.startsWith('file://') ? fileURLToPath(target) : path.resolve(target);
  if (resolved.endsWith('.json')) {
    return { json: resolved, dir: path.dirname(resolved), weightsName: `${path.basename(resolved, '.json')}.safetensors` };
  }
  return { json: path.join(resolved, DEFAULT_JSON), dir: resolved, weightsName: DEFAULT_WEIGHTS };
}

/**
 * The handler for a Node file path or file:// URL.
 *
 * @example
 * await model.save('./checkpoints/run1');          // run1/model.json + run1/model.safetensors
 * const model = await loadModel('./checkpoints/run1/model.json');
 */
export function fileHandler(target: string): IOHandler {
  return {
    async save(artifacts) {
      const fs = await import('node:fs/promises');
      const path = await import('node:path');
      const { json, dir, weightsName } = await pathsFor(target);
      await fs.mkdir(dir, { recursive: true });
      const modelJson = artifacts.modelJson.replace(/"weightsFile":"[^"]*"/, `"weightsFile":${JSON.stringify(weightsName)}`);
      // Weights first, so that a model JSON on disk always has its weights beside it.
      await fs.writeFile(path.join(dir, weightsName), artifacts.weights);
      await fs.writeFile(json, modelJson, 'utf8');
      const info: ModelInfo = { dateSaved: new Date().toISOString(), modelJsonBytes: Buffer.byteLength(modelJson), weightBytes: artifacts.weights.byteLength };
      return info;
    },
    async load() {
      const fs = await import('node:fs/promises');
      const path = await import('node:path');
      const { json, dir, weightsName } = await pathsFor(target);
      let modelJson: string;
      try {
        modelJson = await fs.readFile(json, 'utf8');
      } catch (e) {
        throw new Error(`Cannot read the model JSON '${json}': ${(e as Error).message}`);
      }
      const weightsPath = path.resolve(dir, weightsFileFrom(modelJson, weightsName));
      let weights: Uint8Array;
      try {
        const buffer = await fs.readFile(weightsPath);
        weights = new Uint8Array(buffer.buffer, buffer.byteOffset, buffer.byteLength);
      } catch (e) {
        throw new Error(`Cannot read the weights '${weightsPath}' named by '${json}': ${(e as Error).message}`);
      }
      return { modelJson, weights };
    },
    async remove() {
      const fs = await import('node:fs/promises');
      const path = await import('node:path');
      const { json, dir, weightsName } = await pathsFor(target);
      await fs.rm(path.join(dir, weightsName), { force: true });
      await fs.rm(json, { force: true });
      // The directory goes too when nothing else is in it.
      await fs.rmdir(dir).catch(() => undefined);
    },
  };
}

/** Strings without a URL scheme (and file:// URLs) are file paths. */
function isFileTarget(url: string): boolean {
  return url.startsWith('file://') || !/^[a-z][a-z0-9+.-]*:\/\//i.test(url);
}

/** Makes `model.save(path)` and `loadModel(path)` use the file system. Called by src/node.ts. */
export function registerFileHandler(): void {
  registerIOHandler('file://', (url) => (isFileTarget(url) ? fileHandler(url) : null));
  // Files by path or file:// URL: Keras files (loadKerasWeights, model.save('m.keras'),
  // model.saveWeights('m.weights.h5')) and CSVLogger's.
  setLocalFileAccess(
    async (target) => {
      const { readFile } = await import('node:fs/promises');
      return new Uint8Array(await readFile(await localPath(target)));
    },
    async (target, bytes) => {
      const { mkdir, writeFile } = await import('node:fs/promises');
      const { dirname } = await import('node:path');
      const path = await localPath(target);
      await mkdir(dirname(path), { recursive: true });
      await writeFile(path, bytes);
    },
  );
}

/** A path, or a file:// URL's path. */
async function localPath(target: string): Promise<string> {
  if (!target.startsWith('file://')) return target;
  const { fileURLToPath } = await import('node:url');
  return fileURLToPath(target);
}
