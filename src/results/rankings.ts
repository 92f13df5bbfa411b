/**
 * Rankings as result files hold them: a probe result (the elastic-net probe's ordering) or a
 * ranking result (any other method), what activations they rank, whether two rank the same
 * ones, and how much they agree.
 */
import { basename } from 'node:path';
import { GrainError } from '../core/errors';
import { rankingAgreement, AGREEMENT_PERCENTS } from '../core/rank/agreement';
import { methodTitle } from '../shared/rankings';
import type { AgreementData, ExperimentsResult, ProbeResult, ProbeSourceSummary, RankingRef, RankingResult } from '../shared/results';
import { sameModel } from '../core/model/folder';
import type { AnyResult } from './read';

export type RankingFile = Extract<AnyResult, { kind: 'probe' | 'ranking' }>;

export const PROBE_METHOD_NAME = 'Linear probe (Dalvi et al. 2019)';

export function isRankingFile(r: AnyResult): r is RankingFile {
  return r.kind === 'probe' || r.kind === 'ranking';
}

export function rankingRef(r: RankingFile): RankingRef {
  if (r.kind === 'probe') return { path: r.path, method: 'probe', methodName: PROBE_METHOD_NAME };
  return { path: r.path, method: r.result.method, methodName: methodTitle(r.result.method) };
}

/** The ordering of a ranking file, most important first. */
export function orderingOf(r: RankingFile): number[] {
  return r.result.ordering;
}

/** What a ranking ranks: the activations (model or file, aggregation, sites), the training words, and which neurons. */
export interface RankedActivations {
  source: ProbeSourceSummary;
  sites: { name: string; width: number }[];
  train: string;
  trainSentences: number;
  trainWords: number;
  /** Neuron ids ranked; null = all. */
  ranked: number[] | null;
}

export function rankedActivations(r: ProbeResult | RankingResult | ExperimentsResult): RankedActivations {
  const ranked = 'rankedNeurons' in r ? r.rankedNeurons : 'probedNeurons' in r ? r.probedNeurons : null;
  return {
    source: r.source,
    sites: r.sites.map((s) => ({ name: s.name, width: s.width })),
    train: r.data.train,
    trainSentences: r.data.trainSentences,
    trainWords: r.data.trainWords,
    ranked,
  };
}

const describeSites = (s: { name: string; width: number }[]) => s.map((x) => `${x.name} ${x.width}`).join(', ');
const describeSource = (s: ProbeSourceSummary) => (s.model ? `model ${s.model}` : `activations ${s.activations ?? '?'}`);

/** How two rankings' activations differ (empty: the same), in words. */
export function activationDifferences(a: RankedActivations, b: RankedActivations): string[] {
  const out: string[] = [];
  const sameSource =
    a.source.model !== undefined || b.source.model !== undefined
      ? a.source.model !== undefined && b.source.model !== undefined && (a.source.model === b.source.model || sameModel(a.source.model, b.source.model))
      : a.source.activations === b.source.activations;
  if (!sameSource) out.push(`${describeSource(a.source)} vs ${describeSource(b.source)}`);
  if (a.source.aggregation !== b.source.aggregation) out.push(`aggregation ${a.source.aggregation} vs ${b.source.aggregation}`);
  if (describeSites(a.sites) !== describeSites(b.sites)) out.push(`sites ${describeSites(a.sites)} vs ${describeSites(b.sites)}`);
  if (a.train !== b.train || a.trainSentences !== b.trainSentences || a.trainWords !== b.trainWords) {
    out.push(`training data ${a.train} (${a.trainSentences} sentences, ${a.trainWords} words) vs ${b.train} (${b.trainSentences} sentences, ${b.trainWords} words)`);
  }
  const ranked = (x: number[] | null) => (x === null ? 'all' : x.join(','));
  if (ranked(a.ranked) !== ranked(b.ranked)) out.push(`ranked neurons ${a.ranked === null ? 'all' : `${a.ranked.length} chosen`} vs ${b.ranked === null ? 'all' : `${b.ranked.length} chosen`}`);
  return out;
}

/** Refuses rankings of different activations, saying which and how they differ. */
export function checkSameActivations(files: RankingFile[]): void {
  const first = files[0];
  if (!first) return;
  const base = rankedActivations(first.result);
  for (const f of files.slice(1)) {
    const diff = activationDifferences(base, rankedActivations(f.result));
    if (diff.length > 0) {
      throw new GrainError(`${basename(f.path)} ranks different activations than ${basename(first.path)}: ${diff.join('; ')}; rankings can only be compared on the same activations`, { file: f.path });
    }
  }
}

/** The agreement of rankings of the same activations (checked), top 1..50% by default. */
export function agreementOf(files: RankingFile[], percents: readonly number[] = AGREEMENT_PERCENTS): AgreementData {
  if (files.length < 2) throw new GrainError(`comparing rankings needs two or more, got ${files.length}`);
  checkSameActivations(files);
  const sites = files[0].result.sites.map((s) => ({ name: s.name, width: s.width }));
  const a = rankingAgreement(
    files.map((f) => ({ label: basename(f.path), ordering: orderingOf(f) })),
    sites,
    percents,
  );
  return { rankings: files.map(rankingRef), sites, ...a };
}

/** The rankings among `candidates` that rank the same activations as `main` (main excluded). */
export function comparableRankings(main: RankingFile, candidates: AnyResult[]): RankingFile[] {
  const base = rankedActivations(main.result);
  return candidates.filter((c): c is RankingFile => isRankingFile(c) && c.path !== main.path && activationDifferences(base, rankedActivations(c.result)).length === 0);
}
