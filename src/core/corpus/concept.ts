/**
 * Binary concepts, as NeuroX's annotate (neurox/data/annotate.py, _create_binary_data): every
 * word of a text is 'positive' when a filter accepts it and 'negative' otherwise. The filter is
 * a word list (exact, case-sensitive membership, as NeuroX's set), a regular expression (matched
 * from the word's first character, as NeuroX's re.match: `.*ly$` for words ending in -ly), or,
 * beyond NeuroX, a set of labels of an already labelled corpus (all NN* tags of Brown).
 */
import { GrainError } from '../errors';
import { splitLines, splitWords } from '../text';
import { readInputTextAsync } from '../io/read-file';
import { countLabels } from './classes';
import type { LabelledCorpus } from './types';

export const POSITIVE = 'positive';
export const NEGATIVE = 'negative';

export type ConceptFilter =
  | { kind: 'words'; words: ReadonlySet<string>; file?: string }
  | { kind: 'regex'; pattern: string }
  | { kind: 'labels'; labels: readonly string[] };

/** A corpus to annotate: its words, and its labels when the filter selects by label. */
export interface ConceptText {
  sentences: string[][];
  labels?: string[][];
  source: string;
  lines?: number[];
}

/** A word list file: words separated by whitespace or line breaks (one per line is the usual). */
export async function readWordList(file: string): Promise<Set<string>> {
  const text = await readInputTextAsync(file);
  const words = new Set<string>();
  for (const line of splitLines(text)) for (const w of splitWords(line)) words.add(w);
  if (words.size === 0) throw new GrainError('the word list is empty', { file });
  return words;
}

/**
 * A JavaScript regular expression (Unicode mode) matched from the start of each word, as Python's
 * re.match is: `^` is implied, `$` is not. Python-only syntax ((?P<name>...), inline flags) is refused
 * by the parser with its own message.
 */
export function conceptRegex(pattern: string): RegExp {
  if (pattern === '') throw new GrainError('the concept regular expression is empty');
  try {
    return new RegExp(pattern, 'uy');
  } catch (e) {
    throw new GrainError(`not a valid regular expression '${pattern}': ${(e as Error).message}`);
  }
}

/** A concept resolved against the training text (a label filter's entries become the labels they select). */
export interface Concept {
  description: string;
  accepts(word: string, label: string | undefined): boolean;
}

export function conceptOf(filter: ConceptFilter, train: ConceptText): Concept {
  const description = describeConcept(filter);
  switch (filter.kind) {
    case 'words':
      return { description, accepts: (w) => filter.words.has(w) };
    case 'regex': {
      const re = conceptRegex(filter.pattern);
      return {
        description,
        accepts: (w) => {
          re.lastIndex = 0;
          return re.test(w);
        },
      };
    }
    case 'labels': {
      const accept = labelSet(filter.labels, needLabels(filter, train), train.source);
      return { description: `words labelled ${[...accept].sort().join(', ')}`, accepts: (_w, l) => l !== undefined && accept.has(l) };
    }
  }
}

function needLabels(filter: Extract<ConceptFilter, { kind: 'labels' }>, text: ConceptText): string[][] {
  if (!text.labels) throw new GrainError(`a concept of labels (${filter.labels.join(', ')}) needs labelled data (--input with --labels, --conllu or --brown), not plain text`, { file: text.source });
  return text.labels;
}

/**
 * The labels of the corpus a label filter selects: each entry matches labels case-insensitively
 * (Brown's tags are lower case, Penn's upper case), and a trailing `*` matches any ending (`nn*`).
 * An entry that selects no label of the corpus is an error listing the labels there are.
 */
export function labelSet(entries: readonly string[], labels: string[][], source: string): Set<string> {
  if (entries.length === 0) throw new GrainError('no labels given for the concept');
  const present = [...countLabels(labels).keys()].sort();
  const accept = new Set<string>();
  for (const entry of entries) {
    const e = entry.toLowerCase();
    const prefix = e.endsWith('*') ? e.slice(0, -1) : undefined;
    const hits = present.filter((l) => (prefix !== undefined ? l.toLowerCase().startsWith(prefix) : l.toLowerCase() === e));
    if (hits.length === 0) {
      const shown = present.length > 40 ? `${present.slice(0, 40).join(', ')}, ... (${present.length} in all)` : present.join(', ');
      throw new GrainError(`no word has the label '${entry}' (the labels are: ${shown})`, { file: source });
    }
    for (const h of hits) accept.add(h);
  }
  return accept;
}

/**
 * The corpus with every word labelled 'positive' or 'negative' (word order untouched: activation
 * rows stay aligned). A concept no word has, or every word has, is refused as NeuroX refuses it
 * ("Positive or Negative class examples are zero").
 */
export function annotateConcept(
  text: ConceptText,
  filter: ConceptFilter,
  opts: { concept?: Concept; requireBoth?: boolean } = {},
): LabelledCorpus & { positive: number; negative: number } {
  const concept = opts.concept ?? conceptOf(filter, text);
  if (filter.kind === 'labels') needLabels(filter, text);
  const accept = concept.accepts;
  let positive = 0;
  let negative = 0;
  const labels = text.sentences.map((words, s) =>
    words.map((w, i) => {
      if (accept(w, text.labels?.[s][i])) {
        positive++;
        return POSITIVE;
      }
      negative++;
      return NEGATIVE;
    }),
  );
  if ((opts.requireBoth ?? true) && (positive === 0 || negative === 0)) {
    throw new GrainError(
      positive === 0 ? `no word of the text is in the concept (${concept.description}); a probe needs positive examples` : `every word of the text is in the concept (${concept.description}); a probe needs negative examples`,
      { file: text.source },
    );
  }
  return { sentences: text.sentences, labels, source: text.source, lines: text.lines, positive, negative };
}

/** Words of a list given without a file that a concept's description names. */
const LISTED_SHOWN = 8;

export function describeConcept(filter: ConceptFilter): string {
  switch (filter.kind) {
    case 'words': {
      const n = filter.words.size;
      if (filter.file) return `${n} listed word${n === 1 ? '' : 's'} of ${filter.file}`;
      // A list typed or selected by hand is short: name its words.
      const shown = [...filter.words].slice(0, LISTED_SHOWN);
      return `the word${n === 1 ? '' : 's'} ${shown.join(', ')}${n > shown.length ? `, ... (${n} in all)` : ''}`;
    }
    case 'regex':
      return `words matching /${filter.pattern}/ from their start`;
    case 'labels':
      return `words labelled ${filter.labels.join(', ')}`;
  }
}
