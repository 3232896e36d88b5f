// keras.metrics.get / serialize / deserialize: a metric as `{ className, config }` (its exported
// class name and getConfig) and back. The class table is built from this module's exports on
// first use, so it names each class as the package exports it (minification-safe).

import { getCustomObject, type CustomObjects } from '../io/object_registration';
import { Metric } from './metric';
import * as metricsModule from './index';

/** A metric as `serialize` writes it. */
export interface SerializedMetric {
  className: string;
  config: Record<string, unknown>;
}

type MetricClass = new (config: never) => Metric;

let classes: Map<string, MetricClass> | null = null;

function metricClasses(): Map<string, MetricClass> {
  classes ??= new Map(
    Object.entries(metricsModule).filter(([, value]) => typeof value === 'function' && (value as { prototype: unknown }).prototype instanceof Metric) as [string, MetricClass][],
  );
  return classes;
}

/**
 * A metric as plain data: its class name and `getConfig()` (keras.metrics.serialize).
 *
 * @example
 * metrics.serialize(new metrics.AUC({ numThresholds: 50 }));   // { className: 'AUC', config: { name: 'auc', numThresholds: 50, ... } }
 */
export function serialize(metric: Metric): SerializedMetric {
  if (!(metric instanceof Metric)) throw new Error(`metrics.serialize: expected a Metric. Received: ${metric === null ? 'null' : typeof metric}.`);
  const className = [...metricClasses()].find(([, cls]) => cls === metric.constructor)?.[0] ?? metric.constructor.name;
  return { className, config: { ...metric.getConfig() } };
}

/**
 * Rebuilds a metric from `serialize`'s output (keras.metrics.deserialize); a class outside this
 * module is found in `customObjects` or among the registered objects.
 *
 * @example
 * const metric = metrics.deserialize({ className: 'Precision', config: { thresholds: 0.7 } });
 */
export function deserialize(serialized: SerializedMetric, customObjects: CustomObjects = {}): Metric {
  const className = serialized?.className;
  if (typeof className !== 'string') throw new Error(`metrics.deserialize: expected { className, config }. Received: ${JSON.stringify(serialized)}.`);
  const custom = getCustomObject(className, customObjects);
  const cls = (typeof custom === 'function' && custom.prototype instanceof Metric ? custom : metricClasses().get(className)) as MetricClass | undefined;
  if (!cls || cls === (metricsModule.MeanMetricWrapper as unknown)) {
    throw new Error(`metrics.deserialize: unknown metric class '${className}'. Expected one of ${[...metricClasses().keys()].filter((n) => n !== 'MeanMetricWrapper').join(', ')}, or a class in customObjects.`);
  }
  return new cls((serialized.config ?? {}) as never);
}

/**
 * A metric from a name (as compile's `metrics`), a function (wrapped in a MeanMetricWrapper), a
 * Metric (returned as is) or a serialized `{ className, config }` (keras.metrics.get). Unlike
 * Keras, a name gives a Metric object, not the per-sample function.
 *
 * @example
 * metrics.get('accuracy');
 * metrics.get({ className: 'Recall', config: { thresholds: 0.3 } });
 */
export function get(identifier: metricsModule.MetricIdentifier | SerializedMetric): Metric {
  if (identifier !== null && typeof identifier === 'object' && !(identifier instanceof Metric)) return deserialize(identifier);
  return metricsModule.getMetric(identifier);
}
