/**
 * Which results are drawn together: a probe with the experiments of the same probing task, an
 * ablation with the experiments whose probe gave its ordering; and the payload a report shows.
 */
import { readdirSync, statSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { GrainError } from '../core/errors';
import { sameModel } from '../core/model/folder';
import type { Loaded, ReportPayload, ReportView } from '../shared/protocol/report';
import type { AgreementData, ExperimentsResult, ProbeResult } from '../shared/results';
import { readResult, viewOfKind, type AnyResult } from './read';
import { agreementOf, comparableRankings, isRankingFile } from './rankings';

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
export function resultsBeside(path: string): AnyResult[] {
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
export function findCompanion(main: AnyResult, view: ReportView = viewOfKind(main.kind), near: AnyResult[] = resultsBeside(main.path)): AnyResult | undefined {
  if (view === 'correlation') return undefined;
  const experiments = near.filter((r): r is Extract<AnyResult, { kind: 'experiments' }> => r.kind === 'experiments');
  switch (main.kind) {
    case 'probe':
      return experiments.find((r) => !r.result.ranking && sameTask(r.result, main.result));
    case 'ranking':
      // The experiments that followed this ranking.
      return experiments.find((r) => r.result.ranking !== undefined && sameFile(r.result.ranking.path, main.path));
    case 'experiments':
      if (view === 'ranking') {
        const followed = main.result.ranking;
        if (followed) return near.find((r) => isRankingFile(r) && sameFile(r.path, followed.path));
        return near.find((r) => r.kind === 'probe' && sameTask(r.result, main.result));
      }
      return near.find((r) => r.kind === 'ablation' && sameModelOrNone(r.result.model, main.result.source.model));
    case 'ablation': {
      // The probe's own experiments, not those that followed another ranking.
      const own = experiments.filter((x) => !x.result.ranking);
      const probeSource = main.result.curve?.curves.find((c) => c.name === 'lca-top')?.source;
      const probe = probeSource ? near.find((r) => r.kind === 'probe' && sameFile(r.path, probeSource)) : undefined;
      if (probe?.kind === 'probe') {
        const same = own.find((x) => sameTask(x.result, probe.result));
        if (same) return same;
      }
      return own.find((x) => sameModelOrNone(x.result.source.model, main.result.model)) ?? experiments.find((x) => sameModelOrNone(x.result.source.model, main.result.model));
    }
    default:
      return undefined;
  }
}

/** Both results are of the same model (see sameModel), or both of none (activation files). */
export function sameModelOrNone(a: string | undefined, b: string | undefined): boolean {
  return a === b || (a !== undefined && b !== undefined && sameModel(a, b));
}

export function sameFile(a: string, b: string): boolean {
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
    throw new GrainError(`a ${main.kind} result cannot be shown as the ${view} report`, { file: main.path });
  };
  switch (view) {
    case 'ranking': {
      const probe = pick('probe');
      const experiments = pick('experiments');
      const ranking = pick('ranking');
      const agreement = pick('agreement');
      if (!probe && !experiments && !ranking && !agreement) refuse();
      return { view, probe, experiments, ranking, agreement: agreement ? { path: agreement.path, ...agreement.result } : undefined };
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

/**
 * For a ranking report: how `main` (a probe or ranking result) agrees with the other rankings of
 * the same activations among `others` (e.g. its folder), or undefined when there are none.
 */
export function agreementBeside(main: AnyResult, others: AnyResult[]): (AgreementData & { path?: string }) | undefined {
  if (!isRankingFile(main)) return undefined;
  try {
    const comparable = comparableRankings(main, others);
    return comparable.length === 0 ? undefined : agreementOf([main, ...comparable]);
  } catch (e) {
    // A ranking that does not hold its neurons once each: not compared, the report still shows.
    if (e instanceof GrainError) return undefined;
    throw e;
  }
}
