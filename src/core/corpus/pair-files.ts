import { basename } from 'node:path';
import { GrainError } from '../errors';
import type { LabelledCorpus } from './types';
import { splitLines, splitWords } from '../text';
import { readInputTextAsync } from '../io/read-file';

/**
 * NeuroX's pair of files: one sentence per line, and a parallel file with one label per word.
 * Reads both strictly (UTF-8, no blank lines, same line and word counts).
 */
export async function readLabelledPair(sentencesFile: string, labelsFile: string): Promise<LabelledCorpus> {
  const [s, l] = await Promise.all([readInputTextAsync(sentencesFile), readInputTextAsync(labelsFile)]);
  return parseLabelledPair(s, l, sentencesFile, labelsFile);
}

/** The same from already-decoded text; the file names are only used in messages and `source`. */
export function parseLabelledPair(
  sentencesText: string,
  labelsText: string,
  sentencesFile: string,
  labelsFile: string,
): LabelledCorpus {
  const sentenceLines = nonBlankLines(sentencesText, sentencesFile);
  const labelLines = nonBlankLines(labelsText, labelsFile);
  if (sentenceLines.length !== labelLines.length) {
    const shorter = sentenceLines.length < labelLines.length ? sentencesFile : labelsFile;
    const n = Math.min(sentenceLines.length, labelLines.length);
    throw new GrainError(
      `${basename(sentencesFile)} has ${sentenceLines.length} lines but ${basename(labelsFile)} has ${labelLines.length}; ` +
        `line ${n + 1} is missing from ${basename(shorter)}`,
      { file: shorter, line: n + 1 },
    );
  }
  const sentences: string[][] = [];
  const labels: string[][] = [];
  const lines: number[] = [];
  for (let i = 0; i < sentenceLines.length; i++) {
    const words = splitWords(sentenceLines[i]);
    const tags = splitWords(labelLines[i]);
    if (words.length !== tags.length) {
      throw new GrainError(
        `${tags.length} ${tags.length === 1 ? 'label' : 'labels'} for ${words.length} ${words.length === 1 ? 'word' : 'words'}`,
        { file: labelsFile, line: i + 1 },
      );
    }
    sentences.push(words);
    labels.push(tags);
    lines.push(i + 1);
  }
  return { sentences, labels, source: sentencesFile, lines, labelsFile };
}

/**
 * NeuroX's sentence-level pair (load_sentence_data): one sentence per line, and a parallel file
 * with one label per line, the sentence's label (a class, or a number for regression).
 */
export async function readSentenceLabels(sentencesFile: string, labelsFile: string): Promise<LabelledCorpus> {
  const [s, l] = await Promise.all([readInputTextAsync(sentencesFile), readInputTextAsync(labelsFile)]);
  return parseSentenceLabels(s, l, sentencesFile, labelsFile);
}

export function parseSentenceLabels(sentencesText: string, labelsText: string, sentencesFile: string, labelsFile: string): LabelledCorpus {
  const sentenceLines = nonBlankLines(sentencesText, sentencesFile);
  const labelLines = nonBlankLines(labelsText, labelsFile);
  if (sentenceLines.length !== labelLines.length) {
    const shorter = sentenceLines.length < labelLines.length ? sentencesFile : labelsFile;
    throw new GrainError(
      `${basename(sentencesFile)} has ${sentenceLines.length} sentences but ${basename(labelsFile)} has ${labelLines.length} labels; a sentence-level label file has one label per line`,
      { file: shorter, line: Math.min(sentenceLines.length, labelLines.length) + 1 },
    );
  }
  const labels = labelLines.map((line, i) => {
    const tags = splitWords(line);
    if (tags.length !== 1) throw new GrainError(`${tags.length} labels on one line; a sentence-level label file has one label per line (one per sentence)`, { file: labelsFile, line: i + 1 });
    return tags;
  });
  return { sentences: sentenceLines.map(splitWords), labels, source: sentencesFile, lines: sentenceLines.map((_, i) => i + 1), level: 'sentence', labelsFile };
}

function nonBlankLines(text: string, file: string): string[] {
  const lines = splitLines(text);
  if (lines.every((l) => l.trim() === '')) throw new GrainError('file is empty', { file });
  for (let i = 0; i < lines.length; i++) {
    // A blank line would be an empty sentence, which shifts every later label by a line.
    if (lines[i].trim() === '') {
      throw new GrainError(
        'blank line: sentence and label files are parallel, one sentence and its labels per line, so neither may hold blank lines ' +
          '(a text for extraction alone may: there a blank line is a paragraph break)',
        { file, line: i + 1 },
      );
    }
  }
  return lines;
}
