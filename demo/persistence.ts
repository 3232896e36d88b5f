// Save model / Load model: the weights (getWeights + data()) and the UI settings that rebuild the
// model, in localStorage under one key. Optimizer state is not kept; training after a load starts
// its optimizer afresh. When the library gets its io module, this file alone switches to
// model.save('localstorage://...') / loadModel.

import { tensor, type DType, type Model } from 'webgpu-keras';

const KEY = 'webgpu-keras-demo/saved-model';

interface SavedWeight {
  shape: number[];
  dtype: DType;
  /** The values' bytes, base64. */
  bytes: string;
}

interface SavedRecord<Config> {
  config: Config;
  savedAt: string;
  weights: SavedWeight[];
}

export interface SavedModel<Config> {
  config: Config;
  savedAt: Date;
  /** Sets the saved weights on a model built from `config`. */
  restore(model: Model): void;
}

export async function saveModel<Config>(model: Model, config: Config): Promise<void> {
  const views = model.getWeights();
  try {
    const weights = await Promise.all(
      views.map(async (w): Promise<SavedWeight> => {
        const values = await w.data();
        return { shape: [...w.shape], dtype: w.dtype, bytes: toBase64(new Uint8Array(values.buffer, values.byteOffset, values.byteLength)) };
      }),
    );
    const record: SavedRecord<Config> = { config, savedAt: new Date().toISOString(), weights };
    localStorage.setItem(KEY, JSON.stringify(record));
  } finally {
    for (const v of views) v.dispose();
  }
}

export function loadSaved<Config>(): SavedModel<Config> | null {
  const text = localStorage.getItem(KEY);
  if (text === null) return null;
  const record = JSON.parse(text) as SavedRecord<Config>;
  return {
    config: record.config,
    savedAt: new Date(record.savedAt),
    restore(model) {
      const values = record.weights.map(({ shape, dtype, bytes }) => {
        const raw = fromBase64(bytes).buffer;
        return tensor(dtype === 'int32' ? new Int32Array(raw) : new Float32Array(raw), shape, dtype);
      });
      try {
        model.setWeights(values);
      } finally {
        for (const v of values) v.dispose();
      }
    },
  };
}

export function hasSavedModel(): boolean {
  return localStorage.getItem(KEY) !== null;
}

function toBase64(bytes: Uint8Array): string {
  let binary = '';
  for (let i = 0; i < bytes.length; i += 0x8000) binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(binary);
}

function fromBase64(text: string): Uint8Array {
  return Uint8Array.from(atob(text), (c) => c.charCodeAt(0));
}
