/**
 * A neuron described in one line, without a language model, from what Grain measured: the words
 * (and, with a labelled corpus, the tags) of its top contexts, the probe classes whose top
 * neurons hold it, its rank, and how selective it is. E.g.
 * `layer2:88: fires on past-tense verbs (VBD 71% of top contexts), top in probe VBD, selective`.
 */
import { tagPhrase } from './tag-names';

/** A neuron described: the line and what it was made from. */
export interface NeuronDescription {
  neuron: number;
  /** `layer2:88` */
  label: string;
  /** The line after the label, e.g. `fires on past-tense verbs (VBD 71% of top contexts), top in probe VBD, selective`. */
  summary: string;
  /** The words of its top contexts, the most frequent first, with how many contexts each is. */
  words: { word: string; count: number }[];
  /** With a labelled corpus: the commonest tags of its top contexts, their share there and their share among all words. */
  tags?: TagShare[];
  /** How many top contexts the words and tags are counted over. */
  contexts: number;
  /** Classes whose top neurons (perClassTop) hold it: its place in that list and the sign of its ranking weight. */
  probeClasses: ProbeClassPlace[];
  /** Its place in the probe's ordering (1 = most important). */
  rank?: number;
  /** `selective`: one tag dominates its top contexts far beyond its base rate; `mixed`: no tag stands out. */
  selectivity?: 'selective' | 'mixed';
}

export interface TagShare {
  tag: string;
  /** Share of the top contexts with this tag. */
  share: number;
  /** Share of all words of the corpus with this tag. */
  baseRate: number;
}

export interface ProbeClassPlace {
  className: string;
  /** 1 = the first neuron of the class's top list. */
  rank: number;
  positive: boolean;
}

/** Everything a description is made from. */
export interface NeuronEvidence {
  neuron: number;
  label: string;
  words: { word: string; count: number }[];
  contexts: number;
  tags?: TagShare[];
  probeClasses: ProbeClassPlace[];
  rank?: number;
  /** The probe's control-task selectivity (task accuracy minus control accuracy), when it had a control task. */
  controlSelectivity?: number | null;
}

/** A tag this much of the top contexts (or more) is what the neuron "fires on". */
const DOMINANT_TAG = 0.4;
/** Two tags together this much: it fires on both. */
const TWO_TAGS = 0.6;
/** Selective: its main tag holds this share of its top contexts... */
const SELECTIVE_SHARE = 0.5;
/** ... at this many times its rate in the corpus... */
const SELECTIVE_LIFT = 2;
/** ... and the probe (if it had a control task) beats its control by this much: otherwise the neurons may only memorise words. */
const MIN_CONTROL_SELECTIVITY = 0.05;
/** Mixed: no tag reaches this share. */
const MIXED_SHARE = 0.3;
/** A word this much of the top contexts is what the neuron fires on. */
const DOMINANT_WORD = 0.5;
/** Words named when there are no tags. */
const WORDS_NAMED = 3;
/** Probe classes named. */
const CLASSES_NAMED = 2;

const pct = (x: number) => `${Math.round(100 * x)}%`;
const quoted = (w: string) => `"${w.replace(/"/g, "'")}"`;
/** A tag or class as the line names it: quoted when it is punctuation (",", "--"), so it reads as a name. */
const tagName = (t: string) => (/^[\p{L}\p{N}_$*+-]*[\p{L}\p{N}]/u.test(t) ? t : quoted(t));

export function describeNeuron(e: NeuronEvidence): NeuronDescription {
  const parts: string[] = [];
  const tags = e.tags?.filter((t) => t.share > 0) ?? [];
  const main = tags[0];
  const topWord = e.words[0];
  const wordShare = topWord && e.contexts > 0 ? topWord.count / e.contexts : 0;
  if (main && main.share >= DOMINANT_TAG) {
    parts.push(`fires on ${tagPhrase(main.tag)} (${tagName(main.tag)} ${pct(main.share)} of top contexts)`);
  } else if (main && tags[1] && main.share + tags[1].share >= TWO_TAGS) {
    parts.push(`fires on ${tagPhrase(main.tag)} and ${tagPhrase(tags[1].tag)} (${tagName(main.tag)} ${pct(main.share)}, ${tagName(tags[1].tag)} ${pct(tags[1].share)} of top contexts)`);
  } else if (main) {
    parts.push(`fires on mixed words (at most ${tagName(main.tag)} ${pct(main.share)} of top contexts)`);
  }
  if (topWord && wordShare >= DOMINANT_WORD) {
    parts.push(`${main ? 'mostly ' : 'fires on '}the word ${quoted(topWord.word)} (${pct(wordShare)} of top contexts)`);
  } else if (!main && e.words.length > 0) {
    parts.push(`fires on ${e.words.slice(0, WORDS_NAMED).map((w) => quoted(w.word)).join(', ')}`);
  }
  // The class of its main tag first (the probe agrees with its contexts), then its best places.
  const matches = (c: ProbeClassPlace) => (main && c.className === main.tag ? 0 : 1);
  const classes = [...e.probeClasses].sort((a, b) => matches(a) - matches(b) || a.rank - b.rank || a.className.localeCompare(b.className)).slice(0, CLASSES_NAMED);
  if (classes.length > 0) {
    const place = (c: ProbeClassPlace) => `${c.rank === 1 ? 'top' : `#${c.rank}`} in probe ${tagName(c.className)}${c.positive ? '' : ' (negative weight)'}`;
    parts.push(classes.map(place).join(', '));
  } else if (e.rank !== undefined) {
    parts.push(`rank ${e.rank} in the probe`);
  }
  let selectivity: NeuronDescription['selectivity'];
  if (main) {
    const lift = main.baseRate > 0 ? main.share / main.baseRate : Infinity;
    const controlOk = e.controlSelectivity === undefined || e.controlSelectivity === null || e.controlSelectivity >= MIN_CONTROL_SELECTIVITY;
    if (main.share >= SELECTIVE_SHARE && lift >= SELECTIVE_LIFT && controlOk) selectivity = 'selective';
    else if (main.share < MIXED_SHARE) selectivity = 'mixed';
  }
  if (selectivity === 'selective') parts.push('selective');
  const description: NeuronDescription = {
    neuron: e.neuron,
    label: e.label,
    summary: parts.join(', ') || 'no evidence',
    words: e.words,
    contexts: e.contexts,
    probeClasses: e.probeClasses,
  };
  if (e.tags) description.tags = e.tags;
  if (e.rank !== undefined) description.rank = e.rank;
  if (selectivity) description.selectivity = selectivity;
  return description;
}

/** How often each word occurs, the most frequent first (ties: the word seen first, i.e. in the better context). */
export function countWords(words: readonly string[]): { word: string; count: number }[] {
  const counts = new Map<string, number>();
  for (const w of words) counts.set(w, (counts.get(w) ?? 0) + 1);
  return [...counts].map(([word, count]) => ({ word, count })).sort((a, b) => b.count - a.count);
}

/**
 * Each tag's share of some contexts (their tags; null for a word without one, left out), the
 * largest first, with its base rate among all words (`baseRates`: tag -> share); at most `keep`.
 */
export function tagShares(tags: readonly (string | null)[], baseRates: ReadonlyMap<string, number>, keep = 3): TagShare[] {
  const known = tags.filter((t): t is string => t !== null);
  if (known.length === 0) return [];
  return countWords(known)
    .slice(0, keep)
    .map(({ word, count }) => ({ tag: word, share: count / known.length, baseRate: baseRates.get(word) ?? 0 }));
}
