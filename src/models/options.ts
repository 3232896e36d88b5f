// The option objects of compile, fit, evaluate, predict and the batch methods: a name that is not
// one of theirs (a typo such as `epoch`, or Keras's snake_case `batch_size`) is an error before any
// work, as Keras's "unexpected keyword argument", instead of being silently ignored.

/** Throws for a key of `options` that `known` does not hold, suggesting the camelCase form of a snake_case name. */
export function checkOptionNames(op: string, options: object | undefined, known: Record<string, true>): void {
  if (options === undefined || options === null || typeof options !== 'object') return;
  for (const key of Object.keys(options)) {
    if (key in known) continue;
    const camel = key.replace(/_([a-z])/g, (_, c: string) => c.toUpperCase());
    const hint = camel !== key && camel in known ? ` (did you mean '${camel}'?)` : '';
    throw new Error(`${op}: unknown option '${key}'${hint}. Its options: ${Object.keys(known).join(', ')}.`);
  }
}
