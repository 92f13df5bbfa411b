import { GrainError } from '../errors';
import { readRawLines } from './line-stream';
import { readInputText } from '../io/read-file';
import { decodeUtf8Strict, stripBom } from './utf8';
import { splitLines, splitWords } from './words';

/**
 * Sentence files follow NeuroX: one sentence per line, words separated by whitespace (see
 * words.ts). Blank lines (paragraph breaks) hold no sentence and are skipped; every sentence
 * keeps its line number, so messages, editor positions and rows point at the right line.
 * (Label files are another matter: they are parallel to a sentence file line by line, so the
 * labelled-corpus readers refuse blank lines.)
 */
export interface SentenceFile {
  sentences: string[][];
  /** 1-based source line of each sentence. */
  lines: number[];
}

export interface SentenceLine {
  words: string[];
  /** 1-based source line. */
  line: number;
}

export function readSentenceFile(path: string): SentenceFile {
  return parseSentenceText(readInputText(path), path);
}

/** Parses the text of a sentence file; `file` is only used to name it in errors. */
export function parseSentenceText(text: string, file: string): SentenceFile {
  const sentences: string[][] = [];
  const lines: number[] = [];
  splitLines(text).forEach((raw, i) => {
    const words = splitWords(raw);
    if (words.length === 0) return;
    sentences.push(words);
    lines.push(i + 1);
  });
  if (sentences.length === 0) throw emptyFileError(file);
  return { sentences, lines };
}

/**
 * Streams the sentences of a file that may not fit in memory: only the current read buffer
 * and line are held. Same rules and errors as readSentenceFile; an error is thrown when the
 * stream reaches the bad line.
 */
export async function* streamSentenceFile(path: string, signal?: AbortSignal): AsyncGenerator<SentenceLine> {
  let count = 0;
  for await (const raw of readRawLines(path, signal)) {
    const bytes = raw.line === 1 ? stripBom(raw.bytes) : raw.bytes;
    const skipped = raw.bytes.length - bytes.length;
    const words = splitWords(decodeUtf8Strict(bytes, path, { line: raw.line, byteOffset: raw.byteOffset + skipped, column: skipped }));
    if (words.length === 0) continue;
    count++;
    yield { words, line: raw.line };
  }
  if (count === 0 && !signal?.aborted) throw emptyFileError(path);
}

function emptyFileError(file: string): GrainError {
  return new GrainError('no sentences: the file is empty or blank (expected one sentence per line)', { file });
}
