/**
 * A labelled file as an editor sees it: the same words and labels the probe readers give
 * (parseConllu, parseLabelledPair), plus where each word is in the document, so that a probe's
 * prediction on a word can be pointed at that word's range.
 */
import { basename, dirname, extname, join } from 'node:path';
import { GrainError } from '../errors';
import { splitLines, wordSpans } from '../text/words';
import { conlluLabels, conlluSentences, formCell, type ConlluColumn } from './conllu';
import { parseLabelledPair } from './pair-files';

/** A word's place: 0-based document line and UTF-16 offsets in it (VS Code positions). */
export interface WordRange {
  line: number;
  start: number;
  end: number;
}

export interface DocumentWords {
  sentences: string[][];
  /** Parallel to `sentences`. */
  ranges: WordRange[][];
  /** 1-based line of each sentence's first word, for messages. */
  lines: number[];
}

export interface LabelledDocument extends DocumentWords {
  labels: string[][];
  /** Which labels: a CoNLL-U column, or the labels file's name. */
  column: string;
}

/** A CoNLL-U text's words, with the FORM cell of each word's token line as its range, and its labels by column. */
export function conlluDocument(text: string, file: string): DocumentWords & { labels(column: ConlluColumn): string[][] } {
  const tokens = conlluSentences(text, file);
  if (tokens.length === 0) throw new GrainError('no sentences found (file is empty or has only comments)', { file });
  return {
    sentences: tokens.map((s) => s.map((t) => t.cols[1])),
    ranges: tokens.map((s) => s.map((t) => ({ line: t.line - 1, ...formCell(t) }))),
    lines: tokens.map((s) => s[0].line),
    labels: (column) => conlluLabels(tokens, column, file),
  };
}

/** A NeuroX pair: the sentence file's words where they stand on their lines, and the labels file's labels. */
export function pairDocument(sentencesText: string, labelsText: string, sentencesFile: string, labelsFile: string): LabelledDocument {
  const corpus = parseLabelledPair(sentencesText, labelsText, sentencesFile, labelsFile);
  const lines = splitLines(sentencesText);
  return {
    sentences: corpus.sentences,
    labels: corpus.labels,
    ranges: corpus.sentences.map((_, i) => wordSpans(lines[i]).map((s) => ({ line: i, start: s.start, end: s.end }))),
    lines: corpus.sentences.map((_, i) => i + 1),
    column: basename(labelsFile),
  };
}

/** Whether a file name is a CoNLL-U file's. */
export function isConlluName(path: string): boolean {
  return /\.conllu?$/i.test(path);
}

/**
 * Where the labels of a NeuroX sentence file are looked for, in this order: the file's name plus
 * `.labels` or `.label` (`x.txt.labels`), then its stem plus `.labels` or `.label` (`x.labels`,
 * NeuroX's `sample.in` + `sample.label`). A labels file itself has none.
 */
export function labelsFileCandidates(sentencesPath: string): string[] {
  const name = basename(sentencesPath);
  const ext = extname(name).toLowerCase();
  if (ext === '.labels' || ext === '.label' || isConlluName(name)) return [];
  const dir = dirname(sentencesPath);
  const stem = ext ? name.slice(0, -ext.length) : name;
  const out = [`${name}.labels`, `${name}.label`];
  if (ext) out.push(`${stem}.labels`, `${stem}.label`);
  return out.map((n) => join(dir, n));
}

/** The CoNLL-U columns tried, in order, when the column is `auto`. */
const AUTO_COLUMNS: readonly ConlluColumn[] = ['upos', 'xpos'];

/** Labels not among the probe's classes, with how many words carry each (most frequent first). */
export function unknownLabels(labels: readonly string[][], classes: readonly string[]): { label: string; count: number }[] {
  const known = new Set(classes);
  const counts = new Map<string, number>();
  for (const s of labels) for (const l of s) if (!known.has(l)) counts.set(l, (counts.get(l) ?? 0) + 1);
  return [...counts].map(([label, count]) => ({ label, count })).sort((a, b) => b.count - a.count || (a.label < b.label ? -1 : 1));
}

/**
 * The labelled document of a CoNLL-U text for a probe: the given column, or with `auto` the
 * first of UPOS and XPOS whose labels are all the probe's classes. Otherwise the labels the
 * probe does not know (of the column that has fewest of them), so nothing is marked wrong.
 */
export function conlluForProbe(
  text: string,
  file: string,
  column: ConlluColumn | 'auto',
  classes: readonly string[],
): { document: LabelledDocument } | { column: string; unknown: { label: string; count: number }[] } {
  const words = conlluDocument(text, file);
  const tried = (column === 'auto' ? AUTO_COLUMNS : [column]).map((c) => {
    const labels = words.labels(c);
    return { column: c, labels, unknown: unknownLabels(labels, classes) };
  });
  const fits = tried.find((t) => t.unknown.length === 0);
  if (fits) return { document: { sentences: words.sentences, ranges: words.ranges, lines: words.lines, labels: fits.labels, column: fits.column } };
  const closest = tried.reduce((a, b) => (b.unknown.length < a.unknown.length ? b : a));
  return { column: closest.column, unknown: closest.unknown };
}
