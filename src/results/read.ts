/**
 * The one reader of Grain's result files (`.grain/*.json`), for the CLI, the jobs and the editor:
 * parse, check the schema version, upgrade older versions to the current shape
 * (src/shared/results-upgrade.ts), check every field the reports draw, and, for listings, sniff the
 * header from the first bytes only. A file that cannot be drawn gives a GrainError that names the
 * file and, for broken JSON, the line.
 */
import { closeSync, openSync, readSync, statSync } from 'node:fs';
import { GrainError } from '../core/errors';
import { readInputBytes } from '../core/io/read-file';
import { decodeFileText } from '../core/text';
import { binaryStoreFormat } from '../core/store';
import { parseJson } from '../core/io/json-file';
import type { ReportView } from '../shared/protocol/report';
import { fieldInFile, upgradeResult } from '../shared/results-upgrade';
import {
  resultKind,
  type AnyAblationResult,
  type CorrelationResult,
  type ExperimentsResult,
  type ProbeResult,
  type ResultKind,
} from '../shared/results';

export type AnyResult =
  | { kind: 'probe'; path: string; result: ProbeResult }
  | { kind: 'experiments'; path: string; result: ExperimentsResult }
  | { kind: 'ablation'; path: string; result: AnyAblationResult }
  | { kind: 'correlation'; path: string; result: CorrelationResult };

/** The report a result kind opens in. */
export function viewOfKind(kind: ResultKind): ReportView {
  return kind === 'probe' || kind === 'experiments' ? 'ranking' : kind;
}

/** Parses and checks one result file's text; `path` is only used in messages. */
export function parseResult(text: string, path: string): AnyResult {
  const value = parseJson(text, path);
  const k = resultKind(value);
  if ('error' in k) throw new GrainError(k.error, { file: path });
  const fileVersion = (value as { version: number }).version;
  const upgraded = upgradeResult(k.kind, value as Record<string, unknown>);
  const r = resultOfKind(k.kind, path, upgraded);
  checkShape(r, upgraded, fileVersion, path);
  return r;
}

/** A parsed result as the union member of its kind (checkShape then checks its fields). */
function resultOfKind(kind: ResultKind, path: string, value: object): AnyResult {
  switch (kind) {
    case 'probe':
      return { kind, path, result: value as ProbeResult };
    case 'experiments':
      return { kind, path, result: value as ExperimentsResult };
    case 'ablation':
      return { kind, path, result: value as AnyAblationResult };
    case 'correlation':
      return { kind, path, result: value as CorrelationResult };
  }
}

/** Reads and checks one result file. */
export function readResult(path: string): AnyResult {
  const bytes = readInputBytes(path);
  const store = binaryStoreFormat(bytes);
  if (store) throw new GrainError(`is ${store === 'grain' ? 'a Grain activations store' : 'an HDF5 file (activations)'}, not a result: give a result .json`, { file: path });
  return parseResult(decodeFileText(bytes, path), path);
}

/**
 * Throws when a field a report draws is missing or of the wrong shape, so nothing draws wrong
 * numbers. `r` is already upgraded; messages name fields as the file (of `fileVersion`) has them.
 */
function checkShape(r: AnyResult, res: Record<string, unknown>, fileVersion: number, file: string): void {
  const bad = (field: string, want: string): never => {
    const named = fieldInFile(r.kind, fileVersion, field);
    throw new GrainError(`"${named}" is missing or malformed (expected ${want}); the file may be truncated or edited by hand`, { file });
  };
  const arr = (v: unknown, field: string, len?: number): void => {
    if (!Array.isArray(v) || (len !== undefined && v.length !== len)) bad(field, len === undefined ? 'a list' : `a list of ${len}`);
  };
  const num = (v: unknown, field: string): void => {
    if (typeof v !== 'number') bad(field, 'a number');
  };
  arr(res.sites, 'sites');
  const sites = res.sites as { name?: unknown; width?: unknown }[];
  for (const s of sites) if (typeof s?.name !== 'string' || typeof s.width !== 'number') bad('sites', 'entries with a name and a width');
  const width = sites.reduce((n, s) => n + (s.width as number), 0);
  switch (r.kind) {
    case 'probe': {
      const p = r.result;
      arr(p.classes, 'classes');
      num(p.neurons, 'neurons');
      if (p.neurons !== width) bad('neurons', `the sum of the site widths, ${width}`);
      num(p.test?.accuracy, 'test.accuracy');
      num(p.test?.majorityBaseline, 'test.majorityBaseline');
      num(p.test?.macroF1, 'test.macroF1');
      arr(p.ordering, 'ordering');
      arr(p.rankingWeights, 'rankingWeights', p.classes.length * p.neurons);
      arr(p.weights, 'weights', p.classes.length * p.neurons);
      if (!p.perClassTop || typeof p.perClassTop !== 'object') bad('perClassTop', 'an object of neuron lists per class');
      arr(p.topOverall, 'topOverall');
      arr(p.topBySite, 'topBySite', p.sites.length);
      arr(p.topWords, 'topWords');
      return;
    }
    case 'experiments': {
      const x = r.result;
      arr(x.classes, 'classes');
      num(x.full?.accuracy, 'full.accuracy');
      arr(x.full?.ordering, 'full.ordering', width);
      if (x.subsets) arr(x.subsets.rows, 'subsets.rows');
      if (x.zeroOut) arr(x.zeroOut.rows, 'zeroOut.rows');
      if (x.exclusivity) arr(x.exclusivity.jaccard, 'exclusivity.jaccard', x.exclusivity.classNames?.length);
      if (x.localization) arr(x.localization.classes, 'localization.classes');
      return;
    }
    case 'ablation': {
      const a = r.result;
      // Every figure the report draws for this objective (version 1 files are all LM losses).
      const objectives = ['causal-lm', 'masked-lm', ...(fileVersion === 1 ? [] : ['representation'])];
      if (!objectives.includes(a.objective)) bad('objective', `one of ${objectives.join(', ')}`);
      const lm = a.objective !== 'representation';
      if (fileVersion !== 1 && a.metric?.key !== (lm ? 'meanNll' : 'cosineDistance')) bad('metric.key', lm ? 'meanNll' : 'cosineDistance');
      const fields = lm ? ['meanNll', 'perplexity'] : ['meanSquaredChange', 'meanCosine', 'cosineDistance'];
      const figures = (f: unknown, where: string) => {
        for (const k of fields) num((f as Record<string, unknown> | undefined)?.[k], `${where}.${k}`);
      };
      figures(a.baseline, 'baseline');
      num(a.baseline.tokens, 'baseline.tokens');
      arr(a.masks, 'masks');
      a.masks.forEach((m, i) => figures(m, `masks[${i}]`));
      if (a.curve !== null) {
        arr(a.curve?.percents, 'curve.percents');
        arr(a.curve.curves, 'curve.curves');
        for (const c of a.curve.curves) {
          arr(c.points, `curve.curves[${c.name}].points`, a.curve.percents.length);
          c.points.forEach((p, k) => figures(p, `curve.curves[${c.name}].points[${k}]`));
        }
      }
      return;
    }
    case 'correlation': {
      const c = r.result;
      arr(c.models, 'models');
      arr(c.perModel, 'perModel', c.models.length);
      for (const m of c.perModel) {
        arr(m.sites, 'perModel[].sites', c.sites.length);
        arr(m.topShared, 'perModel[].topShared');
        arr(m.maxCorr, 'perModel[].maxCorr', c.neurons);
      }
      arr(c.cka, 'cka');
      return;
    }
  }
}


/** What a listing shows of a result file, from its header. */
export interface ResultHeaderInfo {
  kind: ResultKind;
  createdAt?: string;
  /** Model folder(s) the result is about, when the file says. */
  models: string[];
  /** Labelled data files (probe and experiments results), when the file says. */
  data: string[];
}

/** Result files above this size are sniffed from their first bytes only (the header fields come first). */
const SNIFF_BYTES = 64 * 1024;

/**
 * The header of a result file without parsing all of it: small files are parsed whole, big ones
 * (probe weights, correlation matrices) are read from their first bytes, where Grain writes the
 * header fields. Cheap enough for a listing on the editor's thread.
 */
export function sniffResult(path: string): ResultHeaderInfo | { error: string } {
  const size = statSync(path).size;
  let value: Record<string, unknown>;
  if (size <= SNIFF_BYTES) {
    try {
      value = parseJson(readHead(path, size), path) as Record<string, unknown>;
    } catch (err) {
      if (err instanceof GrainError) return { error: err.reason };
      throw err;
    }
  } else {
    value = headerFields(readHead(path, SNIFF_BYTES));
  }
  const kind = resultKind(value);
  if ('error' in kind) return { error: kind.error };
  const models: string[] = [];
  const data: string[] = [];
  const source = value.source as { model?: unknown } | undefined;
  if (typeof source?.model === 'string') models.push(source.model);
  if (typeof value.model === 'string') models.push(value.model);
  if (Array.isArray(value.models)) models.push(...value.models.filter((m): m is string => typeof m === 'string'));
  const d = value.data as { train?: unknown; test?: unknown } | undefined;
  for (const f of [d?.train, d?.test]) if (typeof f === 'string' && !data.includes(f)) data.push(f);
  return { kind: kind.kind, createdAt: typeof value.createdAt === 'string' ? value.createdAt : undefined, models, data };
}

function readHead(path: string, bytes: number): string {
  const fd = openSync(path, 'r');
  try {
    const buf = Buffer.alloc(bytes);
    const n = readSync(fd, buf, 0, bytes, 0);
    return buf.subarray(0, n).toString('utf8');
  } finally {
    closeSync(fd);
  }
}

/** Top-level string/number fields and the few nested ones a listing shows, from a JSON prefix. */
export function headerFields(prefix: string): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  const str = (key: string) => new RegExp(`"${key}"\\s*:\\s*"((?:[^"\\\\]|\\\\.)*)"`).exec(prefix);
  const unquote = (s: string) => JSON.parse(`"${s}"`) as string;
  const schema = str('schema');
  if (schema) out.schema = unquote(schema[1]!);
  const version = /"version"\s*:\s*(\d+)/.exec(prefix);
  if (version) out.version = Number(version[1]);
  const created = str('createdAt');
  if (created) out.createdAt = unquote(created[1]!);
  const model = str('model');
  if (model) out.model = unquote(model[1]!);
  const models = /"models"\s*:\s*(\[[^\]]*\])/.exec(prefix);
  if (models) {
    try {
      out.models = JSON.parse(models[1]!);
    } catch {
      // a truncated list: leave it out
    }
  }
  const train = str('train');
  const test = str('test');
  if (train || test) out.data = { train: train ? unquote(train[1]!) : undefined, test: test ? unquote(test[1]!) : undefined };
  return out;
}
