// A model's topology as a JSON string and back, without weights (Keras's `model.to_json()` and
// `keras.models.model_from_json`): the architecture alone, rebuilt with fresh weights.

import { Model, setGraphConfigCodec, setTopologyWriter } from '../models/model';
import { Sequential } from '../models/sequential';
import { checkOptionNames } from '../ops/validate';
import { withCustomObjects, type CustomObjects } from './object_registration';
import { checkClassNames, deserializeLayer, releaseLayer, serializeLayer, type LayerJSON } from './topology';

export interface ModelFromJSONOptions {
  /** Custom classes and functions the topology names, as loadModel's customObjects. */
  customObjects?: CustomObjects;
}

const MODEL_FROM_JSON_OPTIONS: Record<keyof ModelFromJSONOptions, true> = { customObjects: true };

setTopologyWriter((model) => JSON.stringify(serializeLayer(model)));

// A functional or Sequential model's getConfig is the config of its topology (a Sequential's with
// its build_input_shape, as Keras's), and fromConfig reads it back as modelFromJSON does.
setGraphConfigCodec({
  write(model) {
    const { config, build_input_shape: buildInputShape } = serializeLayer(model);
    return buildInputShape === undefined ? config : { ...config, build_input_shape: buildInputShape };
  },
  read(cls, config, options) {
    const sequential = cls === Sequential;
    checkOptionNames(sequential ? 'Sequential.fromConfig' : 'Model.fromConfig', options, MODEL_FROM_JSON_OPTIONS);
    const { build_input_shape: buildInputShape, ...rest } = config;
    return modelFromJSON({ class_name: sequential ? 'Sequential' : 'Functional', config: rest, build_input_shape: buildInputShape as LayerJSON['build_input_shape'] }, options);
  },
});

/**
 * Rebuilds a model from `model.toJSON()` (or the model JSON that `model.save` writes, whose
 * weights it ignores): same layers and configs, freshly initialized weights, not compiled.
 *
 * @example
 * const json = model.toJSON();
 * const twin = modelFromJSON(json, { customObjects: { MyLayer } });
 */
export function modelFromJSON(json: string | LayerJSON, options: ModelFromJSONOptions = {}): Model {
  checkOptionNames('modelFromJSON', options, MODEL_FROM_JSON_OPTIONS);
  const { customObjects = {} } = options;
  let parsed: unknown = json;
  if (typeof json === 'string') {
    try {
      parsed = JSON.parse(json);
    } catch (e) {
      throw new Error(`modelFromJSON: the text does not parse as JSON (${(e as Error).message}); expected what model.toJSON() returns.`);
    }
  }
  // The model JSON of a saved model holds the topology under modelTopology.
  const saved = parsed as { format?: unknown; modelTopology?: unknown } | null;
  const topology = saved !== null && typeof saved === 'object' && saved.format === 'webgpu-keras' ? saved.modelTopology : parsed;
  if (topology === null || typeof topology !== 'object' || typeof (topology as LayerJSON).class_name !== 'string') {
    throw new Error('modelFromJSON: expected a model topology { class_name, config } as model.toJSON() returns it.');
  }
  const layer = withCustomObjects(customObjects, () => {
    checkClassNames(topology);
    return deserializeLayer(topology);
  });
  if (!(layer instanceof Model)) {
    releaseLayer(layer);
    throw new Error(`modelFromJSON: the topology describes a ${(topology as LayerJSON).class_name} layer, not a model.`);
  }
  return layer;
}
