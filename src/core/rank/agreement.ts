/**
 * How much rankings of the same neurons agree (Fan et al., NeurIPS 2023, compared neuron
 * ranking methods by the overlap of their top neurons): for each k% the share of one ranking's
 * top k% that is also in the other's top k%, over all ranked neurons and within each site. Two
 * random rankings share k% of their top k% on average, the chance line.
 */
import { GrainError } from '../errors';
import type { SiteWidth } from '../neurons';
import { siteOffsets } from '../neurons';

export interface RankingToCompare {
  label: string;
  /** Neuron ids, most important first; every ranking holds the same set. */
  ordering: ArrayLike<number>;
}

export interface PairAgreement {
  /** Indices of the two rankings. */
  a: number;
  b: number;
  /** Per percent: |top_a ∩ top_b| / |top|. */
  overall: number[];
  /** Per site (in site order; null where no ranked neuron lies in the site): the same within the site's neurons. */
  bySite: (number[] | null)[];
}

export interface Agreement {
  percents: number[];
  /** Neurons in each top k% (all ranked neurons). */
  counts: number[];
  /** Ranked neurons in all and in each site. */
  neurons: number;
  siteNeurons: number[];
  pairs: PairAgreement[];
  /** Per percent: the mean over pairs. */
  mean: number[];
  /** Per percent: what two random rankings share on average, |top| / neurons. */
  chance: number[];
  /** The same within each site (null where no ranked neuron lies). */
  siteChance: (number[] | null)[];
}

/** k = 1..50, the default comparison. */
export const AGREEMENT_PERCENTS: readonly number[] = Array.from({ length: 50 }, (_, i) => i + 1);

/** How many of `n` neurons make the top `percent`% (at least one). */
export function topCount(n: number, percent: number): number {
  return Math.max(1, Math.round((n * percent) / 100));
}

export function rankingAgreement(rankings: RankingToCompare[], sites: readonly SiteWidth[], percents: readonly number[] = AGREEMENT_PERCENTS): Agreement {
  if (rankings.length < 2) throw new GrainError(`agreement compares two or more rankings, got ${rankings.length}`);
  for (const p of percents) if (!(p > 0 && p <= 100)) throw new GrainError(`percentages must be in (0, 100], got ${p}`);
  const first = rankings[0];
  const n = first.ordering.length;
  const members = new Set<number>();
  for (let i = 0; i < n; i++) members.add(first.ordering[i]);
  if (members.size !== n) throw new GrainError(`${first.label} ranks a neuron twice`);
  for (const r of rankings.slice(1)) {
    const own = new Set<number>();
    for (let i = 0; i < r.ordering.length; i++) own.add(r.ordering[i]);
    const same = own.size === n && r.ordering.length === n && [...own].every((v) => members.has(v));
    if (!same) throw new GrainError(`${r.label} ranks ${r.ordering.length} neurons and ${first.label} ${n}, or other ones: agreement needs rankings of the same neurons`);
  }
  const offsets = siteOffsets(sites);
  const siteOf = (id: number) => {
    let s = offsets.length - 1;
    while (s > 0 && offsets[s] > id) s--;
    return s;
  };
  const perSite = rankings.map((r) => {
    const lists: number[][] = sites.map(() => []);
    for (let i = 0; i < n; i++) lists[siteOf(r.ordering[i])].push(r.ordering[i]);
    return lists;
  });
  const siteNeurons = perSite[0].map((l) => l.length);
  const pairs: PairAgreement[] = [];
  for (let a = 0; a < rankings.length; a++) {
    for (let b = a + 1; b < rankings.length; b++) {
      pairs.push({
        a,
        b,
        overall: percents.map((p) => overlap(rankings[a].ordering, rankings[b].ordering, topCount(n, p))),
        bySite: sites.map((_, s) => (siteNeurons[s] > 0 ? percents.map((p) => overlap(perSite[a][s], perSite[b][s], topCount(siteNeurons[s], p))) : null)),
      });
    }
  }
  const mean = percents.map((_, i) => pairs.reduce((t, pr) => t + pr.overall[i], 0) / pairs.length);
  const counts = percents.map((p) => topCount(n, p));
  const siteChance = siteNeurons.map((m) => (m > 0 ? percents.map((p) => topCount(m, p) / m) : null));
  return { percents: [...percents], counts, neurons: n, siteNeurons, pairs, mean, chance: counts.map((c) => c / n), siteChance };
}

function overlap(a: ArrayLike<number>, b: ArrayLike<number>, k: number): number {
  const top = new Set<number>();
  for (let i = 0; i < k; i++) top.add(a[i]);
  let shared = 0;
  for (let i = 0; i < k; i++) if (top.has(b[i])) shared++;
  return shared / k;
}
