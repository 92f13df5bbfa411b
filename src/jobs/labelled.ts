import type { LabelledData } from '../shared/jobs';
import { readBrownSplit, readConllu, readLabelledPair, type LabelledCorpus } from '../core/corpus';
import type { Sentences } from './activations';

export interface LabelledSplit {
  train: LabelledCorpus;
  test: LabelledCorpus;
  /** How the test part was chosen, for the report. */
  testFrom: string;
}

/** The train and test parts of the labelled data; without a test part, the last 10% of sentences. */
export async function readLabelledSplit(data: LabelledData): Promise<LabelledSplit> {
  switch (data.kind) {
    case 'pair': {
      const train = await readLabelledPair(data.input, data.labels);
      if (data.testInput && data.testLabels) return { train, test: await readLabelledPair(data.testInput, data.testLabels), testFrom: data.testInput };
      return holdOut(train);
    }
    case 'conllu': {
      const train = await readConllu(data.train, data.column);
      if (data.test) return { train, test: await readConllu(data.test, data.column), testFrom: data.test };
      return holdOut(train);
    }
    case 'brown': {
      const opts = { tagset: data.tagset, dir: data.dir };
      const train = first(await readBrownSplit(data.split, 'train', opts), data.trainSentences);
      const test = first(await readBrownSplit(data.split, 'test', opts), data.testSentences);
      return { train, test, testFrom: `Brown test split (${test.sentences.length} sentences)` };
    }
  }
}

function first(c: LabelledCorpus, n: number | undefined): LabelledCorpus {
  if (n === undefined || n >= c.sentences.length) return c;
  return { ...c, sentences: c.sentences.slice(0, n), labels: c.labels.slice(0, n), lines: c.lines?.slice(0, n) };
}

function holdOut(c: LabelledCorpus): LabelledSplit {
  const cut = Math.max(1, Math.floor(c.sentences.length * 0.9));
  if (cut >= c.sentences.length) {
    return { train: c, test: c, testFrom: `${c.source} (too few sentences to hold any out: tested on the training sentences)` };
  }
  const part = (from: number, to?: number): LabelledCorpus => ({
    ...c,
    sentences: c.sentences.slice(from, to),
    labels: c.labels.slice(from, to),
    lines: c.lines?.slice(from, to),
  });
  return { train: part(0, cut), test: part(cut), testFrom: `last ${c.sentences.length - cut} sentences of ${c.source}` };
}

export function asSentences(c: LabelledCorpus): Sentences {
  return { sentences: c.sentences, lines: c.lines, source: c.source };
}
