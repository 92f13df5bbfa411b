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
 * the same task; for experiments, the probe of the same task (ranking) or the ablation whose LCA
 * ordering came from this task (ablation); for an ablation, the experiments of the task whose
 * probe gave its lca-top ordering. Results that merely share a model are not drawn together.
 */
export function findCompanion(main: AnyResult, view: ReportView | undefined = viewOfKind(main.kind), near: AnyResult[] = resultsBeside(main.path)): AnyResult | undefined {
  if (view === undefined || view === 'correlation' || view === 'contexts') return undefined;
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
      return near.find((r) => r.kind === 'ablation' && ablationPartner(r, [main, ...near])?.path === main.path);
    case 'ablation':
      return ablationPartner(main, near);
    default:
      return undefined;
  }
}

type Ablation = Extract<AnyResult, { kind: 'ablation' }>;
type Experiments = Extract<AnyResult, { kind: 'experiments' }>;

/** The file that gave an ablation's lca-top ordering (a probe or an experiments result), as the file names it. */
function lcaSource(a: Ablation): string | undefined {
  return a.result.curve?.curves.find((c) => c.name === 'lca-top')?.source;
}

/**
 * The experiments result an ablation's curves belong with: the file that gave its lca-top ordering,
 * or the experiments of the same probing task as the probe that gave it (looked for in `results`,
 * else read where the ablation names it). None when the curves have no LCA ordering.
 */
export function ablationPartner(ablation: Ablation, results: readonly AnyResult[]): Experiments | undefined {
  const source = lcaSource(ablation);
  if (!source) return undefined;
  const experiments = results.filter((r): r is Experiments => r.kind === 'experiments');
  const direct = experiments.find((x) => sameFile(x.path, source));
  if (direct) return direct;
  const probe = results.find((r) => r.kind === 'probe' && sameFile(r.path, source)) ?? readNamed(source, ablation.path);
  if (probe?.kind !== 'probe') return undefined;
  // The probe's own experiments, not those that followed another ranking.
  return experiments.find((x) => !x.result.ranking && sameTask(x.result, probe.result));
}

/** A result file an ablation names: as written, or next to the ablation. */
function readNamed(source: string, from: string): AnyResult | undefined {
  for (const path of [source, join(dirname(from), basename(source))]) {
    try {
      return readResult(path);
    } catch {
      // not there, or not a result
    }
  }
  return undefined;
}

/** Whether two results belong in one report of `view` (the same probing task; an ablation with its ordering's experiments). */
export function belongTogether(view: ReportView, a: AnyResult, b: AnyResult): boolean {
  if (view === 'ranking') {
    return (a.kind === 'probe' || a.kind === 'experiments') && (b.kind === 'probe' || b.kind === 'experiments') && sameTask(a.result, b.result);
  }
  if (view === 'ablation') {
    const [ablation, experiments] = a.kind === 'ablation' ? [a, b] : [b, a];
    if (ablation.kind !== 'ablation' || experiments.kind !== 'experiments') return false;
    return ablationPartner(ablation, [experiments, ...resultsBeside(ablation.path)])?.path === experiments.path;
  }
  return false;
}

/**
 * What an ablation report says when it draws the curves alone: why no probe accuracies of the
 * paper's experiments are next to them. Undefined for other reports, or when they are drawn.
 */
export function pairingNote(view: ReportView, main: AnyResult, companion: AnyResult | undefined, refused?: AnyResult): string | undefined {
  if (view !== 'ablation' || main.kind !== 'ablation' || companion) return undefined;
  const source = lcaSource(main);
  const left = refused ? `${basename(refused.path)} is not drawn: it is of another probing task than the ordering of these curves. ` : '';
  if (!source) return `${left}These curves have no probe (LCA) ordering, so no probe accuracies of the paper's experiments belong with them.`;
  return `${left}The probe accuracies of the paper's experiments are drawn only from an experiments result of the probing task that ordered these curves (${basename(source)}); there is none next to this file.`;
}

/** Both results are of the same model (see sameModel), or both of none (activation files). */
export function sameModelOrNone(a: string | undefined, b: string | undefined): boolean {
  return a === b || (a !== undefined && b !== undefined && sameModel(a, b));
}

export function sameFile(a: string, b: string): boolean {
  return resolve(a) === resolve(b) || basename(a) === basename(b);
}

/**
 * The payload of the report `view` on `main` with an optional companion (and a result left out
 * because it does not belong, which the report names). Throws when the files do not make that
 * report (e.g. a correlation result for the ablation view).
 */
export function buildPayload(view: ReportView, main: AnyResult, companion?: AnyResult, refused?: AnyResult): ReportPayload {
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
      const note = pairingNote(view, main, companion, refused);
      return { view, ablation, experiments, ...(note ? { note } : {}) };
    }
    case 'correlation': {
      const correlation = pick('correlation');
      if (!correlation) refuse();
      return { view, correlation: correlation! };
    }
    case 'contexts': {
      const contexts = pick('contexts');
      if (!contexts) refuse();
      return { view, contexts: contexts! };
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
