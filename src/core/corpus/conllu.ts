import { GrainError } from '../errors';
import type { LabelledCorpus } from './types';
import { splitLines } from '../text';
import { readInputTextAsync } from '../io/read-file';

/**
 * Which CoNLL-U column becomes the label: UPOS, XPOS, the whole FEATS string, or the value of
 * one feature (`feats:Number`; `_` when a word does not have it).
 */
export type ConlluColumn = 'upos' | 'xpos' | 'feats' | `feats:${string}`;

/** A column name as a user gives it, if it is one: upos, xpos, feats, or feats:NAME for one feature. */
export function conlluColumn(text: string): ConlluColumn | undefined {
  return /^(upos|xpos|feats|feats:[A-Za-z][A-Za-z0-9[\]_-]*)$/.test(text) ? (text as ConlluColumn) : undefined;
}

const COLUMNS = 10;
const FORM = 1;
const UPOS = 3;
const XPOS = 4;
const FEATS = 5;

export async function readConllu(file: string, column: ConlluColumn = 'upos'): Promise<LabelledCorpus> {
  return parseConllu(await readInputTextAsync(file), file, column);
}

/** The token line of one syntactic word: its 1-based line in the file and its ten columns. */
export interface ConlluToken {
  line: number;
  cols: string[];
}

/**
 * Sentences are blocks separated by blank lines; `#` lines are comments. Multiword token ranges
 * (`1-2`) and empty nodes (`1.1`) are skipped so that one label goes with each syntactic word.
 */
export function parseConllu(text: string, file: string, column: ConlluColumn = 'upos'): LabelledCorpus {
  const pick = labelPicker(column);
  const tokens = conlluSentences(text, file);
  if (tokens.length === 0) throw new GrainError('no sentences found (file is empty or has only comments)', { file });
  return {
    sentences: tokens.map((s) => s.map((t) => t.cols[FORM])),
    labels: tokens.map((s) => s.map((t) => pick(t.cols, file, t.line))),
    source: file,
    lines: tokens.map((s) => s[0].line),
  };
}

/** The syntactic words of each sentence as their token lines, by the rules of parseConllu; no sentence is empty. */
export function conlluSentences(text: string, file: string): ConlluToken[][] {
  const sentences: ConlluToken[][] = [];
  let words: ConlluToken[] = [];
  const all = splitLines(text);
  for (let i = 0; i < all.length; i++) {
    const line = all[i];
    const lineNo = i + 1;
    if (line.trim() === '') {
      if (words.length > 0) sentences.push(words);
      words = [];
      continue;
    }
    if (line.startsWith('#')) continue;
    const cols = line.split('\t');
    if (cols.length !== COLUMNS) {
      throw new GrainError(`expected ${COLUMNS} tab-separated columns, found ${cols.length}`, { file, line: lineNo });
    }
    const id = cols[0];
    if (/^\d+-\d+$/.test(id) || /^\d+\.\d+$/.test(id)) continue;
    if (!/^\d+$/.test(id)) throw new GrainError(`bad word ID '${id}' (expected a number, a range a-b or a decimal a.b)`, { file, line: lineNo });
    words.push({ line: lineNo, cols });
  }
  if (words.length > 0) sentences.push(words);
  return sentences;
}

/** Each word's label in one column (as parseConllu picks it). */
export function conlluLabels(sentences: readonly ConlluToken[][], column: ConlluColumn, file: string): string[][] {
  const pick = labelPicker(column);
  return sentences.map((s) => s.map((t) => pick(t.cols, file, t.line)));
}

/** UTF-16 offsets of a token's FORM cell in its line: after the ID and its tab. */
export function formCell(token: ConlluToken): { start: number; end: number } {
  const start = token.cols[0].length + 1;
  return { start, end: start + token.cols[FORM].length };
}

type Picker = (cols: string[], file: string, line: number) => string;

function labelPicker(column: ConlluColumn): Picker {
  if (column === 'upos') return (c) => c[UPOS];
  if (column === 'xpos') return (c) => c[XPOS];
  if (column === 'feats') return (c) => c[FEATS];
  if (column.startsWith('feats:') && column.length > 'feats:'.length) {
    const name = column.slice('feats:'.length);
    return (c, file, line) => featureValue(c[FEATS], name, file, line);
  }
  throw new GrainError(`unknown CoNLL-U label column '${column}' (use upos, xpos, feats or feats:<Name>)`);
}

function featureValue(feats: string, name: string, file: string, line: number): string {
  if (feats === '_') return '_';
  for (const pair of feats.split('|')) {
    const eq = pair.indexOf('=');
    if (eq <= 0) throw new GrainError(`malformed FEATS '${feats}' (expected Name=Value|...)`, { file, line });
    if (pair.slice(0, eq) === name) return pair.slice(eq + 1);
  }
  return '_';
}
