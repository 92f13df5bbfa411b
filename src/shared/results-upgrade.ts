/**
 * Older result files in the current shape: the one place that knows what earlier versions of the
 * schemas looked like. The reader (src/results/read.ts) upgrades every file it opens before it
 * checks and hands it on, so nothing else in Grain sees an old field name.
 *
 * Version 1 -> 2:
 * - probe, experiments, correlation: the snake_case fields were renamed to camelCase, the case of
 *   every other field (RENAMED_IN_2); nothing else changed.
 * - ablation: no renames (its fields were camelCase already). Version 2 added the objective
 *   `representation` and `metric`; version 1 files (causal or masked LM losses) get the metric of
 *   their objective.
 */
import { ablationMetric, RESULT_VERSIONS, type AblationObjective, type ResultKind } from './results';

/** Fields renamed in version 2, per kind: their path in a version 1 file -> their path now. */
export const RENAMED_IN_2: Record<ResultKind, Readonly<Record<string, string>>> = {
  probe: {
    ranking_weights: 'rankingWeights',
    per_class_top: 'perClassTop',
    top_overall: 'topOverall',
    top_by_site: 'topBySite',
    top_words: 'topWords',
    'timings.extract_seconds': 'timings.extractSeconds',
    'timings.train_seconds': 'timings.trainSeconds',
  },
  experiments: {
    'timings.extract_seconds': 'timings.extractSeconds',
    'timings.total_seconds': 'timings.totalSeconds',
  },
  correlation: {
    'timings.extract_seconds': 'timings.extractSeconds',
    'timings.correlate_seconds': 'timings.correlateSeconds',
  },
  ablation: {},
  contexts: {},
  descriptions: {},
  ranking: {},
  agreement: {},
};

type JsonObject = Record<string, unknown>;

const isObject = (v: unknown): v is JsonObject => v !== null && typeof v === 'object' && !Array.isArray(v);

/**
 * A parsed result of `kind` (its version already checked to be one this Grain reads) in the
 * current shape, with the current version. Fields are only moved or added, never checked: the
 * reader checks the upgraded value, so a broken old file is refused as a broken new one would be.
 */
export function upgradeResult(kind: ResultKind, value: JsonObject): JsonObject {
  let v = value;
  if (v.version === 1) v = upgradeTo2(kind, v);
  return v.version === RESULT_VERSIONS[kind] ? v : { ...v, version: RESULT_VERSIONS[kind] };
}

function upgradeTo2(kind: ResultKind, value: JsonObject): JsonObject {
  let v = renamed(value, RENAMED_IN_2[kind]);
  if (kind === 'ablation') v = { ...v, metric: ablationMetric(v.objective as AblationObjective) };
  return { ...v, version: 2 };
}

/** `value` with the fields of `renames` (dotted paths, the last part renamed in place) renamed, key order kept. */
function renamed(value: JsonObject, renames: Readonly<Record<string, string>>): JsonObject {
  let out = value;
  for (const [from, to] of Object.entries(renames)) {
    const path = from.split('.');
    const leaf = to.split('.').at(-1)!;
    out = renameAt(out, path, leaf);
  }
  return out;
}

function renameAt(obj: JsonObject, path: string[], to: string): JsonObject {
  const [head, ...rest] = path as [string, ...string[]];
  if (!(head in obj)) return obj;
  if (rest.length > 0) {
    const inner = obj[head];
    return isObject(inner) ? { ...obj, [head]: renameAt(inner, rest, to) } : obj;
  }
  return Object.fromEntries(Object.entries(obj).map(([k, x]) => [k === head ? to : k, x]));
}

/**
 * The name a field of the current shape has in a file of `version`, so a message about a broken
 * file names the field the file holds.
 */
export function fieldInFile(kind: ResultKind, version: number, field: string): string {
  if (version >= 2) return field;
  const old = Object.entries(RENAMED_IN_2[kind]).find(([, now]) => now === field);
  return old ? old[0] : field;
}
