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

/**
 * Sentences are blocks separated by blank lines; `#` lines are comments. Multiword token ranges
 * (`1-2`) and empty nodes (`1.1`) are skipped so that one label goes with each syntactic word.
 */
export function parseConllu(text: string, file: string, column: ConlluColumn = 'upos'): LabelledCorpus {
  const pick = labelPicker(column);
  const sentences: string[][] = [];
  const labels: string[][] = [];
  const lines: number[] = [];
  let words: string[] = [];
  let tags: string[] = [];
  let firstLine = 0;
  const endSentence = () => {
    if (words.length > 0) {
      sentences.push(words);
      labels.push(tags);
      lines.push(firstLine);
    }
    words = [];
    tags = [];
  };
  const all = splitLines(text);
  for (let i = 0; i < all.length; i++) {
    const line = all[i];
    const lineNo = i + 1;
    if (line.trim() === '') {
      endSentence();
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
    if (words.length === 0) firstLine = lineNo;
    words.push(cols[FORM]);
    tags.push(pick(cols, file, lineNo));
  }
  endSentence();
  if (sentences.length === 0) throw new GrainError('no sentences found (file is empty or has only comments)', { file });
  return { sentences, labels, source: file, lines };
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
