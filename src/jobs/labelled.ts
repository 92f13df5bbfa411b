import type { ConceptData, LabelledData, WordLabelledData } from '../shared/jobs';
import { GrainError } from '../core/errors';
import {
  annotateConcept,
  conceptOf,
  readBrownSplit,
  readConllu,
  readLabelledPair,
  readSentenceLabels,
  readWordList,
  type ConceptFilter,
  type LabelledCorpus,
} from '../core/corpus';
import { readSentenceFile } from '../core/text';
import type { Sentences } from './activations';

export interface LabelledSplit {
  train: LabelledCorpus;
  test: LabelledCorpus;
  /** How the test part was chosen, for the report. */
  testFrom: string;
  /** A concept's description and its words in the training part. */
  concept?: { description: string; positive: number; negative: number };
}

/** The train and test parts of the labelled data; without a test part, the last 10% of sentences. */
export async function readLabelledSplit(data: LabelledData): Promise<LabelledSplit> {
  switch (data.kind) {
    case 'pair':
    case 'conllu':
    case 'brown':
      return readWordSplit(data);
    case 'sentences': {
      const train = await readSentenceLabels(data.input, data.labels);
      if (data.testInput && data.testLabels) return { train, test: await readSentenceLabels(data.testInput, data.testLabels), testFrom: data.testInput };
      return holdOut(train);
    }
    case 'concept':
      return readConceptSplit(data);
  }
}

async function readWordSplit(data: WordLabelledData): Promise<LabelledSplit> {
  const parts = await readWordSource(data);
  return parts.test ? { train: parts.train, test: parts.test, testFrom: parts.testFrom! } : holdOut(parts.train);
}

/** The parts the data names: a training part, and a test part when the data has one (Brown always does). */
async function readWordSource(data: WordLabelledData): Promise<{ train: LabelledCorpus; test?: LabelledCorpus; testFrom?: string }> {
  switch (data.kind) {
    case 'pair': {
      const train = await readLabelledPair(data.input, data.labels);
      if (data.testInput && data.testLabels) return { train, test: await readLabelledPair(data.testInput, data.testLabels), testFrom: data.testInput };
      return { train };
    }
    case 'conllu': {
      const train = await readConllu(data.train, data.column);
      if (data.test) return { train, test: await readConllu(data.test, data.column), testFrom: data.test };
      return { train };
    }
    case 'brown': {
      const opts = { tagset: data.tagset, dir: data.dir };
      const train = first(await readBrownSplit(data.split, 'train', opts), data.trainSentences);
      const test = first(await readBrownSplit(data.split, 'test', opts), data.testSentences);
      return { train, test, testFrom: `Brown test split (${test.sentences.length} sentences)` };
    }
  }
}

/** A plain sentence file as a corpus without labels (the text of a word or regex concept). */
function plainText(file: string): { sentences: string[][]; source: string; lines: number[] } {
  const f = readSentenceFile(file);
  return { sentences: f.sentences, lines: f.lines, source: file };
}

export async function conceptFilter(spec: ConceptData['concept']): Promise<ConceptFilter> {
  switch (spec.kind) {
    case 'words':
      return { kind: 'words', words: await readWordList(spec.file), file: spec.file };
    case 'list': {
      const words = new Set(spec.words.filter((w) => w !== ''));
      if (words.size === 0) throw new GrainError('the concept has no words: give at least one');
      return { kind: 'words', words };
    }
    case 'regex':
      return { kind: 'regex', pattern: spec.pattern };
    case 'labels':
      return { kind: 'labels', labels: spec.labels };
  }
}

/**
 * The concept's text split as its source is, then every word labelled 'positive' or
 * 'negative'. A concept of labels is resolved on the training part; the test part may lack
 * positive words (it is scored as it is), the training part may not.
 */
async function readConceptSplit(data: ConceptData): Promise<LabelledSplit> {
  const filter = await conceptFilter(data.concept);
  const parts = await conceptText(data);
  const split = parts.test ? { train: parts.train, test: parts.test, testFrom: parts.testFrom! } : holdOut(parts.train);
  const concept = conceptOf(filter, split.train);
  const train = annotateConcept(split.train, filter, { concept, requireBoth: data.minPositives === undefined });
  const test = annotateConcept(split.test, filter, { concept, requireBoth: false });
  if (data.minPositives !== undefined) checkPositives(data, concept.description, train, test, split.testFrom);
  return { train, test, testFrom: split.testFrom, concept: { description: concept.description, positive: train.positive, negative: train.negative } };
}

/**
 * Refuses a concept with too few words in the training or the test part (minPositives), naming
 * the text: a probe trained on a handful of words, or scored on none, would report a number
 * that means nothing.
 */
function checkPositives(data: ConceptData, description: string, train: { positive: number; negative: number }, test: { positive: number }, testFrom: string): void {
  const min = data.minPositives ?? 1;
  const from = data.from;
  const file = from.kind === 'text' ? from.input : from.kind === 'pair' ? from.input : from.kind === 'conllu' ? from.train : undefined;
  const where = file ? { file } : {};
  const text = from.kind === 'brown' ? `the Brown sentences used (${from.trainSentences ?? 'all'} training, ${from.testSentences ?? 'all'} test)` : 'the text';
  if (train.positive + test.positive === 0) throw new GrainError(`the concept (${description}) matches no word of ${text}`, where);
  if (train.negative === 0) throw new GrainError(`every training word of ${text} is in the concept (${description}); a probe needs negative examples`, where);
  const parts: [string, number][] = [
    ['the training part', train.positive],
    [`the test part (${testFrom})`, test.positive],
  ];
  for (const [part, n] of parts) {
    if (n >= min) continue;
    throw new GrainError(
      `the concept (${description}) matches ${n === 0 ? 'no word' : `only ${n} word${n === 1 ? '' : 's'}`} of ${part}; the probe needs at least ${min} in the training and the test part each: give a longer text or a broader concept`,
      where,
    );
  }
}

async function conceptText(data: ConceptData): Promise<{ train: TextPart; test?: TextPart; testFrom?: string }> {
  if (data.from.kind !== 'text') return readWordSource(data.from);
  return { train: plainText(data.from.input), ...(data.from.testInput ? { test: plainText(data.from.testInput), testFrom: data.from.testInput } : {}) };
}

/** The whole training part of a concept's text (no part held out), every word labelled: what grain annotate writes. */
export async function annotateWhole(data: ConceptData): Promise<ReturnType<typeof annotateConcept> & { description: string }> {
  const filter = await conceptFilter(data.concept);
  const { train } = await conceptText(data);
  const concept = conceptOf(filter, train);
  return { ...annotateConcept(train, filter, { concept }), description: concept.description };
}

type TextPart = { sentences: string[][]; labels?: string[][]; source: string; lines?: number[] };

function first(c: LabelledCorpus, n: number | undefined): LabelledCorpus {
  if (n === undefined || n >= c.sentences.length) return c;
  return { ...c, sentences: c.sentences.slice(0, n), labels: c.labels.slice(0, n), lines: c.lines?.slice(0, n) };
}

function holdOut<C extends TextPart>(c: C): { train: C; test: C; testFrom: string } {
  const cut = Math.max(1, Math.floor(c.sentences.length * 0.9));
  if (cut >= c.sentences.length) {
    return { train: c, test: c, testFrom: `${c.source} (too few sentences to hold any out: tested on the training sentences)` };
  }
  const part = (from: number, to?: number): C => ({
    ...c,
    sentences: c.sentences.slice(from, to),
    labels: c.labels?.slice(from, to),
    lines: c.lines?.slice(from, to),
  });
  return { train: part(0, cut), test: part(cut), testFrom: `last ${c.sentences.length - cut} sentences of ${c.source}` };
}

export function asSentences(c: LabelledCorpus): Sentences {
  return { sentences: c.sentences, lines: c.lines, source: c.source };
}

/** Refuses settings that do not fit the data, before anything is read or extracted. */
export function checkDataFits(data: LabelledData, task: 'classification' | 'regression', what: { control?: boolean; balance?: boolean }): void {
  if (task === 'regression') {
    if (data.kind === 'concept') throw new GrainError('a concept is a binary classification; it has no real-valued targets for a regression probe');
    if (data.kind === 'brown' || data.kind === 'conllu') throw new GrainError(`${data.kind === 'brown' ? 'Brown' : 'CoNLL-U'} labels are tags, not numbers; a regression probe takes a label file of numbers (--input with --labels)`);
    if (what.control) throw new GrainError('the control task (Hewitt & Liang) gives word types random classes; it is defined for classification, not regression');
    if (what.balance) throw new GrainError('balancing draws equal numbers of each class; regression targets have no classes');
  }
  if (data.kind === 'sentences' && what.control) {
    throw new GrainError('the control task gives each word type a random label; a sentence-level probe has no word types to give them to');
  }
}
