/** Field names of result files: version 2 names every field in camelCase. */

/** Objects whose keys are data (class names), not field names. */
const DATA_KEYED = new Set(['perClassTop', 'per_class_top', 'prevalence']);

/** Every key path of `value` whose name is not camelCase, e.g. `timings.extract_seconds`; [] when none. */
export function nonCamelKeys(value: unknown, path = ''): string[] {
  if (Array.isArray(value)) return value.flatMap((x) => nonCamelKeys(x, `${path}[]`));
  if (value === null || typeof value !== 'object') return [];
  const out = new Set<string>();
  for (const [k, x] of Object.entries(value)) {
    const at = path ? `${path}.${k}` : k;
    if (!/^[a-z][a-zA-Z0-9]*$/.test(k)) out.add(at);
    if (DATA_KEYED.has(k)) continue;
    for (const p of nonCamelKeys(x, at)) out.add(p);
  }
  return [...out];
}

/**
 * The shape of a JSON value: every key path (array items merged, class names under perClassTop
 * kept as they are) with its type, so two results can be compared for having the same fields.
 */
export function keyPaths(value: unknown, path = '', out = new Map<string, Set<string>>()): Map<string, Set<string>> {
  const type = value === null ? 'null' : Array.isArray(value) ? 'array' : typeof value;
  if (!out.has(path)) out.set(path, new Set());
  out.get(path)!.add(type);
  if (Array.isArray(value)) for (const x of value) keyPaths(x, `${path}[]`, out);
  else if (type === 'object') for (const [k, x] of Object.entries(value as object)) keyPaths(x, path ? `${path}.${k}` : k, out);
  return out;
}
