// The numbers of the ranked-neurons report, from a probe result and/or the experiments of the same
// task: pure functions, so the tests check them against the result files directly.
import type { AgreementData, ExperimentsResult, ProbeResult, RankingResult } from '../../src/shared/results';
import { locateNeuron, type SiteWidth } from '../../src/shared/neurons';

export interface NeuronRow {
  rank: number;
  neuron: number;
  site: string;
  unit: number;
  /** Ranking weight (weight x std) per class; absent without a probe result. */
  weights?: number[];
  /** max over classes of |ranking weight|. */
  maxAbs?: number;
  /** Class indices by |ranking weight|, strongest first (top 3). */
  strongest?: number[];
  /** Ranking results: the method's score, and the classes whose top neurons include this one. */
  score?: number | null;
  topOf?: number[];
  words: string[];
  /** The probe's one-line description of the neuron, when the probe result has descriptions. */
  description?: string;
}

export interface RankingData {
  classes: string[];
  sites: SiteWidth[];
  rows: NeuronRow[];
  /** Per class: its top-neuron set (at topPercentage of the weight mass). */
  classTop: number[][];
  topPercentage: number;
  /** How neurons are ordered inside NeuroX's chunks: files from before the setting ordered them by id, as NeuroX. */
  neuronOrder: 'mass' | 'neurox';
}

export function rankingData(probe?: ProbeResult, experiments?: ExperimentsResult): RankingData {
  const base = probe ?? experiments;
  if (!base) throw new Error('no probe or experiments result');
  const classes = base.classes;
  const sites = base.sites.map((s) => ({ name: s.name, width: s.width }));
  const ordering = probe?.ordering ?? experiments!.full.ordering;
  const words = new Map<number, string[]>();
  for (const w of experiments?.topWords ?? []) words.set(w.neuron, w.words);
  for (const w of probe?.topWords ?? []) words.set(w.neuron, w.words);
  const C = classes.length;
  const described = new Map((probe?.descriptions ?? []).map((d) => [d.neuron, d.summary]));
  const rows = ordering.map((neuron, i): NeuronRow => {
    const where = locateNeuron(sites, neuron);
    const row: NeuronRow = { rank: i + 1, neuron, site: where?.site ?? '?', unit: where?.unit ?? neuron, words: words.get(neuron) ?? [] };
    const description = described.get(neuron);
    if (description !== undefined) row.description = description;
    if (probe) {
      const n = probe.neurons;
      const weights = Array.from({ length: C }, (_, c) => probe.rankingWeights[c * n + neuron]!);
      row.weights = weights;
      row.maxAbs = Math.max(...weights.map(Math.abs));
      row.strongest = weights
        .map((w, c) => [Math.abs(w), c] as const)
        .sort((a, b) => b[0] - a[0] || a[1] - b[1])
        .slice(0, 3)
        .map(([, c]) => c);
    }
    return row;
  });
  const topPercentage = probe?.settings.topPercentage ?? experiments?.exclusivity?.percentage ?? experiments!.settings.topPercentage;
  const classTop = probe ? classes.map((c) => probe.perClassTop[c] ?? []) : [];
  const neuronOrder = (probe ? probe.settings.neuronOrder : experiments!.settings.neuronOrder) ?? 'neurox';
  return { classes, sites, rows, classTop, topPercentage, neuronOrder };
}

/** What the neuron table's order is, for its caption. */
export function orderCaption(data: RankingData): string {
  const chunks = "NeuroX's chunks (each 1% step of a class's weight mass adds the neurons it newly selects)";
  return data.neuronOrder === 'mass'
    ? `${chunks}; inside a chunk, the neuron that enters at the smallest share of a class's weight mass first (grain probe --neurox-order keeps NeuroX's sequence)`
    : `${chunks}; inside a chunk, ascending neuron id, as NeuroX orders them`;
}

/** The rows of a ranking result (a method other than the probe): its ordering, scores and each class's top neurons. */
export function methodRankingData(ranking: RankingResult, experiments?: ExperimentsResult): RankingData {
  const classes = ranking.classes;
  const sites = ranking.sites.map((s) => ({ name: s.name, width: s.width }));
  const words = new Map<number, string[]>();
  for (const w of experiments?.topWords ?? []) words.set(w.neuron, w.words);
  for (const w of ranking.topWords) words.set(w.neuron, w.words);
  const classTop = ranking.perClassTop ? classes.map((c) => ranking.perClassTop![c] ?? []) : [];
  const topOf = new Map<number, number[]>();
  classTop.forEach((list, c) => list.forEach((n) => topOf.set(n, [...(topOf.get(n) ?? []), c])));
  const rows = ranking.ordering.map((neuron, i): NeuronRow => {
    const where = locateNeuron(sites, neuron);
    return { rank: i + 1, neuron, site: where?.site ?? '?', unit: where?.unit ?? neuron, score: ranking.scores[neuron] ?? null, topOf: topOf.get(neuron) ?? [], words: words.get(neuron) ?? [] };
  });
  // The method's own order, never NeuroX's chunks: the caption names the method instead.
  return { classes, sites, rows, classTop, topPercentage: ranking.topPercent / 100, neuronOrder: 'mass' };
}

/** The agreement curves to draw: per pair, the overall overlap or one site's. */
export function agreementSeries(a: AgreementData, site?: string): { name: string; values: number[] }[] {
  const s = site ? a.sites.findIndex((x) => x.name === site) : -1;
  const letter = (i: number) => String.fromCharCode(65 + i);
  return a.pairs
    .map((p) => ({ name: `${letter(p.a)}–${letter(p.b)}`, values: s >= 0 ? p.bySite[s] : p.overall }))
    .filter((x): x is { name: string; values: number[] } => x.values !== null);
}

/** What two random rankings share at each k: within a site, the site's own top count over its neurons. */
export function agreementChance(a: AgreementData, site?: string): number[] {
  const s = site ? a.sites.findIndex((x) => x.name === site) : -1;
  return (s >= 0 ? a.siteChance[s] : null) ?? a.chance;
}

/** Jaccard overlap of the classes' top-neuron sets: the experiments' matrix, else computed from the probe. */
export function classOverlap(data: RankingData, experiments?: ExperimentsResult): { classes: string[]; jaccard: number[][]; top: number[]; exclusive: number[] } | undefined {
  const x = experiments?.exclusivity;
  if (x) {
    return {
      classes: x.classNames,
      jaccard: x.jaccard,
      top: x.perClass.map((p) => p.top),
      exclusive: x.perClass.map((p) => p.exclusive),
    };
  }
  if (data.classTop.length === 0) return undefined;
  const sets = data.classTop.map((t) => new Set(t));
  const jaccard = sets.map((a) =>
    sets.map((b) => {
      let both = 0;
      for (const v of a) if (b.has(v)) both++;
      const union = a.size + b.size - both;
      return union === 0 ? 0 : both / union;
    }),
  );
  const exclusive = sets.map((a, i) => [...a].filter((v) => sets.every((b, j) => j === i || !b.has(v))).length);
  return { classes: data.classes, jaccard, top: sets.map((s) => s.size), exclusive };
}

/** Does a row match the filter? Digits: that neuron id; `site:unit`: that neuron; else text in its site, classes or words. */
export function rowMatches(row: NeuronRow, query: string, classes: string[]): boolean {
  const tokens = query.trim().toLowerCase().split(/\s+/).filter(Boolean);
  if (tokens.length === 0) return true;
  const hay = [row.site, `${row.site}:${row.unit}`, ...(row.strongest ?? row.topOf ?? []).map((c) => classes[c]!), ...row.words, row.description ?? ''].join(' ').toLowerCase();
  return tokens.every((t) => {
    if (/^\d+$/.test(t)) return row.neuron === Number(t);
    if (/^[^:\s]+:\d+$/.test(t)) return `${row.site}:${row.unit}`.toLowerCase() === t;
    return hay.includes(t);
  });
}
