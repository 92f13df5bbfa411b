/**
 * Reading result files for the reports (the VS Code panels and `grain report`): parse, check the
 * schema version and the fields the reports draw, and pair a result with its companion (the
 * experiments of the same probing task). A file that cannot be drawn gives a GrainError that names
 * the file and, for broken JSON, the line.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { GrainError } from '../core/errors';
import { sameModel } from '../core/model/folder';
import type { Loaded, ReportPayload, ReportView } from '../shared/protocol/report';
import {
  resultKind,
  upgradeAblation,
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
  const file = basename(path);
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (e) {
    const msg = (e as Error).message;
    const pos = /position (\d+)/.exec(msg);
    const line = pos ? text.slice(0, Number(pos[1])).split('\n').length : undefined;
    throw new GrainError(`not valid JSON (${msg}); is the file complete?`, { file, line }, 'E_RESULT');
  }
  const k = resultKind(value);
  if ('error' in k) throw new GrainError(k.error, { file }, 'E_RESULT');
  const r = { kind: k.kind, path, result: value } as AnyResult;
  checkShape(r, file);
  if (r.kind === 'ablation') r.result = upgradeAblation(r.result);
  return r;
}

/** Reads and checks one result file. */
export function readResult(path: string): AnyResult {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    const why = code === 'ENOENT' ? 'the file does not exist' : code === 'EISDIR' ? 'this is a folder, not a result file' : (e as Error).message;
    throw new GrainError(`cannot read the result: ${why}`, { file: path }, 'E_RESULT');
  }
  return parseResult(text, path);
}

/** Throws when a field a report draws is missing or of the wrong shape, so nothing draws wrong numbers. */
function checkShape(r: AnyResult, file: string): void {
  const bad = (field: string, want: string): never => {
    throw new GrainError(`"${field}" is missing or malformed (expected ${want}); the file may be truncated or edited by hand`, { file }, 'E_RESULT');
  };
  const arr = (v: unknown, field: string, len?: number): void => {
    if (!Array.isArray(v) || (len !== undefined && v.length !== len)) bad(field, len === undefined ? 'a list' : `a list of ${len}`);
  };
  const num = (v: unknown, field: string): void => {
    if (typeof v !== 'number') bad(field, 'a number');
  };
  const res = r.result as unknown as Record<string, unknown>;
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
      arr(p.ranking_weights, 'ranking_weights', p.classes.length * p.neurons);
      arr(p.weights, 'weights', p.classes.length * p.neurons);
      if (!p.per_class_top || typeof p.per_class_top !== 'object') bad('per_class_top', 'an object of neuron lists per class');
      arr(p.top_by_site, 'top_by_site', p.sites.length);
      arr(p.top_words, 'top_words');
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
      const objectives = ['causal-lm', 'masked-lm', ...(a.version === 1 ? [] : ['representation'])];
      if (!objectives.includes(a.objective)) bad('objective', `one of ${objectives.join(', ')}`);
      const lm = a.objective !== 'representation';
      if (a.version !== 1 && a.metric?.key !== (lm ? 'meanNll' : 'cosineDistance')) bad('metric.key', lm ? 'meanNll' : 'cosineDistance');
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

/** Two results of the same probing task: same model (or activations), data, aggregation and classes. */
export function sameTask(a: ProbeResult | ExperimentsResult, b: ProbeResult | ExperimentsResult): boolean {
  return (
    sameModelOrNone(a.source.model, b.source.model) &&
    a.source.activations === b.source.activations &&
    a.source.aggregation === b.source.aggregation &&
    a.data.train === b.data.train &&
    a.data.test === b.data.test &&
    a.classes.join('\u0000') === b.classes.join('\u0000')
  );
}

/** Result files next to `path` (same folder), readable ones only, newest first. */
function siblings(path: string): AnyResult[] {
  const dir = dirname(path);
  let names: string[];
  try {
    names = readdirSync(dir).filter((n) => n.endsWith('.json') && join(dir, n) !== path && resolve(dir, n) !== resolve(path));
  } catch {
    return [];
  }
  const found: { r: AnyResult; mtime: number }[] = [];
  for (const n of names) {
    const p = join(dir, n);
    try {
      found.push({ r: readResult(p), mtime: statSync(p).mtimeMs });
    } catch {
      // Not a result, or a broken one: not a companion.
    }
  }
  return found.sort((a, b) => b.mtime - a.mtime).map((f) => f.r);
}

/**
 * The result drawn together with `main` in `view`, from its folder: for a probe, the experiments of
 * the same task; for experiments, the probe of the same task (ranking) or an ablation of the same
 * model (ablation); for an ablation, the experiments of the task whose probe gave its lca-top
 * ordering, else any experiments on the same model.
 */
export function findCompanion(main: AnyResult, view: ReportView = viewOfKind(main.kind)): AnyResult | undefined {
  if (view === 'correlation') return undefined;
  const near = siblings(main.path);
  const experiments = near.filter((r): r is Extract<AnyResult, { kind: 'experiments' }> => r.kind === 'experiments');
  switch (main.kind) {
    case 'probe':
      return experiments.find((r) => sameTask(r.result, main.result));
    case 'experiments':
      if (view === 'ranking') return near.find((r) => r.kind === 'probe' && sameTask(r.result, main.result));
      return near.find((r) => r.kind === 'ablation' && sameModelOrNone(r.result.model, main.result.source.model));
    case 'ablation': {
      const probeSource = main.result.curve?.curves.find((c) => c.name === 'lca-top')?.source;
      const probe = probeSource ? near.find((r) => r.kind === 'probe' && sameFile(r.path, probeSource)) : undefined;
      if (probe?.kind === 'probe') {
        const same = experiments.find((x) => sameTask(x.result, probe.result));
        if (same) return same;
      }
      return experiments.find((x) => sameModelOrNone(x.result.source.model, main.result.model));
    }
    default:
      return undefined;
  }
}

/** Both results are of the same model (see sameModel), or both of none (activation files). */
export function sameModelOrNone(a: string | undefined, b: string | undefined): boolean {
  return a === b || (a !== undefined && b !== undefined && sameModel(a, b));
}

function sameFile(a: string, b: string): boolean {
  return resolve(a) === resolve(b) || basename(a) === basename(b);
}

/**
 * The payload of the report `view` on `main` with an optional companion. Throws when the files do
 * not make that report (e.g. a correlation result for the ablation view).
 */
export function buildPayload(view: ReportView, main: AnyResult, companion?: AnyResult): ReportPayload {
  const all = companion ? [main, companion] : [main];
  type ResultOf<K extends AnyResult['kind']> = Extract<AnyResult, { kind: K }>['result'];
  const pick = <K extends AnyResult['kind']>(kind: K): Loaded<ResultOf<K>> | undefined => {
    const r = all.find((x) => x.kind === kind);
    return r ? { path: r.path, result: r.result as ResultOf<K> } : undefined;
  };
  const refuse = (): never => {
    throw new GrainError(`a ${main.kind} result cannot be shown as the ${view} report`, { file: main.path }, 'E_RESULT');
  };
  switch (view) {
    case 'ranking': {
      const probe = pick('probe');
      const experiments = pick('experiments');
      if (!probe && !experiments) refuse();
      return { view, probe, experiments };
    }
    case 'ablation': {
      const ablation = pick('ablation');
      const experiments = pick('experiments');
      if (!ablation && !experiments?.result.subsets && !experiments?.result.zeroOut) refuse();
      return { view, ablation, experiments };
    }
    case 'correlation': {
      const correlation = pick('correlation');
      if (!correlation) refuse();
      return { view, correlation: correlation! };
    }
  }
}
