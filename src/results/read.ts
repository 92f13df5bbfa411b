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
  type AgreementResult,
  type AnyAblationResult,
  type ContextsResult,
  type CorrelationResult,
  type DescriptionsResult,
  type ExperimentsResult,
  type NeuronDescription,
  type ProbeResult,
  type RankingResult,
  type ResultKind,
} from '../shared/results';
import { RANKING_METHODS } from '../shared/rankings';

export type AnyResult =
  | { kind: 'probe'; path: string; result: ProbeResult }
  | { kind: 'experiments'; path: string; result: ExperimentsResult }
  | { kind: 'ablation'; path: string; result: AnyAblationResult }
  | { kind: 'correlation'; path: string; result: CorrelationResult }
  | { kind: 'contexts'; path: string; result: ContextsResult }
  | { kind: 'descriptions'; path: string; result: DescriptionsResult }
  | { kind: 'ranking'; path: string; result: RankingResult }
  | { kind: 'agreement'; path: string; result: AgreementResult };

/** The report a result kind opens in; undefined for descriptions, which have none (the ranking report shows them with their probe). */
export function viewOfKind(kind: ResultKind): ReportView | undefined {
  if (kind === 'descriptions') return undefined;
  return kind === 'ablation' || kind === 'correlation' || kind === 'contexts' ? kind : 'ranking';
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
    case 'contexts':
      return { kind, path, result: value as ContextsResult };
    case 'descriptions':
      return { kind, path, result: value as DescriptionsResult };
    case 'ranking':
      return { kind, path, result: value as RankingResult };
    case 'agreement':
      return { kind, path, result: value as AgreementResult };
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
  /** Distinct neuron ids below `neurons` (exactly `count` of them when given). */
  const neuronList = (v: unknown, field: string, neurons: number, count?: number): void => {
    arr(v, field, count);
    const seen = new Set<number>();
    for (const id of v as unknown[]) {
      if (typeof id !== 'number' || !Number.isInteger(id) || id < 0 || id >= neurons || seen.has(id)) bad(field, `distinct neuron ids from 0 to ${neurons - 1}`);
      seen.add(id as number);
    }
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
      if (p.task === 'regression') {
        arr(p.classes, 'classes', 1);
        num(p.test?.metrics?.mse, 'test.metrics.mse');
        num(p.test?.meanBaselineMse, 'test.meanBaselineMse');
        for (const k of ['pearson', 'spearman'] as const) if (p.test.metrics[k] !== null) num(p.test.metrics[k], `test.metrics.${k}`);
      } else {
        if (p.task !== undefined && p.task !== 'classification') bad('task', "'classification' or 'regression'");
        num(p.test?.accuracy, 'test.accuracy');
        num(p.test?.majorityBaseline, 'test.majorityBaseline');
        num(p.test?.macroF1, 'test.macroF1');
      }
      arr(p.ordering, 'ordering');
      arr(p.rankingWeights, 'rankingWeights', p.classes.length * p.neurons);
      arr(p.weights, 'weights', p.classes.length * p.neurons);
      if (!p.perClassTop || typeof p.perClassTop !== 'object') bad('perClassTop', 'an object of neuron lists per class');
      arr(p.topOverall, 'topOverall');
      arr(p.topBySite, 'topBySite', p.sites.length);
      arr(p.topWords, 'topWords');
      if (p.descriptions !== undefined) checkDescriptions(p.descriptions, p.neurons, bad);
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
    case 'contexts': {
      const c = r.result;
      num(c.neurons, 'neurons');
      if (c.neurons !== width) bad('neurons', `the sum of the site widths, ${width}`);
      num(c.settings?.top, 'settings.top');
      arr(c.files, 'files');
      if (c.files.some((f) => typeof f !== 'string')) bad('files', 'a list of paths');
      arr(c.sentences, 'sentences');
      c.sentences.forEach((s, i) => {
        if (!Number.isInteger(s?.file) || s.file < 0 || s.file >= c.files.length || !Number.isInteger(s.line)) bad(`sentences[${i}]`, 'a file index and a line');
        arr(s.words, `sentences[${i}].words`);
      });
      arr(c.contexts, 'contexts');
      for (const n of c.contexts) {
        if (!Number.isInteger(n?.neuron) || n.neuron < 0 || n.neuron >= c.neurons) bad('contexts[].neuron', `a neuron id below ${c.neurons}`);
        num(n.mean, `contexts[${n.neuron}].mean`);
        num(n.std, `contexts[${n.neuron}].std`);
        for (const end of ['top', 'bottom'] as const) {
          const l = n[end];
          const field = `contexts[${n.neuron}].${end}`;
          arr(l?.sentence, `${field}.sentence`);
          arr(l.word, `${field}.word`, l.sentence.length);
          arr(l.value, `${field}.value`, l.sentence.length);
          l.sentence.forEach((s, i) => {
            const words = c.sentences[s]?.words;
            if (!words || !Number.isInteger(l.word[i]) || l.word[i]! < 0 || l.word[i]! >= words.length) bad(`${field}.word`, 'word places inside their sentences');
          });
        }
      }
      return;
    }
    case 'ranking': {
      const k = r.result;
      if (!RANKING_METHODS.includes(k.method)) bad('method', `one of ${RANKING_METHODS.join(', ')}`);
      arr(k.classes, 'classes');
      num(k.neurons, 'neurons');
      if (k.neurons !== width) bad('neurons', `the sum of the site widths, ${width}`);
      const ranked = k.rankedNeurons === null ? width : (arr(k.rankedNeurons, 'rankedNeurons'), k.rankedNeurons.length);
      neuronList(k.ordering, 'ordering', width, ranked);
      arr(k.scores, 'scores', width);
      for (const v of k.scores) if (v !== null && typeof v !== 'number') bad('scores', 'numbers or null');
      if (typeof k.score?.name !== 'string') bad('score.name', 'a text');
      if (k.perClassTop !== null) {
        if (typeof k.perClassTop !== 'object') bad('perClassTop', 'an object of neuron lists per class, or null');
        for (const [c, list] of Object.entries(k.perClassTop)) neuronList(list, `perClassTop.${c}`, width);
      }
      num(k.topPercent, 'topPercent');
      arr(k.topBySite, 'topBySite', k.sites.length);
      arr(k.topWords, 'topWords');
      if (k.gaussian) arr(k.gaussian.steps, 'gaussian.steps');
      if (k.clustering) {
        arr(k.clustering.kept, 'clustering.kept');
        arr(k.clustering.cluster, 'clustering.cluster', width);
        arr(k.clustering.bySite, 'clustering.bySite', k.sites.length);
        num(k.clustering.keptProbe?.accuracy, 'clustering.keptProbe.accuracy');
        num(k.clustering.fullProbe?.accuracy, 'clustering.fullProbe.accuracy');
      }
      return;
    }
    case 'agreement': {
      const g = r.result;
      arr(g.rankings, 'rankings');
      if (g.rankings.length < 2) bad('rankings', 'two or more rankings');
      arr(g.percents, 'percents');
      const P = g.percents.length;
      arr(g.counts, 'counts', P);
      arr(g.mean, 'mean', P);
      arr(g.chance, 'chance', P);
      arr(g.siteNeurons, 'siteNeurons', g.sites.length);
      arr(g.siteChance, 'siteChance', g.sites.length);
      arr(g.pairs, 'pairs', (g.rankings.length * (g.rankings.length - 1)) / 2);
      for (const p of g.pairs) {
        if (!(p.a >= 0 && p.b < g.rankings.length)) bad('pairs', 'pairs of indices into rankings');
        arr(p.overall, 'pairs[].overall', P);
        arr(p.bySite, 'pairs[].bySite', g.sites.length);
        for (const s of p.bySite) if (s !== null) arr(s, 'pairs[].bySite[]', P);
      }
      return;
    }
    case 'descriptions': {
      const d = r.result;
      num(d.neurons, 'neurons');
      if (d.neurons !== width) bad('neurons', `the sum of the site widths, ${width}`);
      arr(d.classes, 'classes');
      checkDescriptions(d.descriptions, d.neurons, bad);
      return;
    }
  }
}

function checkDescriptions(list: NeuronDescription[], neurons: number, bad: (field: string, want: string) => never): void {
  if (!Array.isArray(list)) bad('descriptions', 'a list');
  for (const d of list) {
    if (!Number.isInteger(d?.neuron) || d.neuron < 0 || d.neuron >= neurons || typeof d.summary !== 'string' || typeof d.label !== 'string') {
      bad('descriptions', `entries with a neuron id below ${neurons}, a label and a summary`);
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
