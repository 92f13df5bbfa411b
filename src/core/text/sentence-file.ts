import { readFileSync } from 'node:fs';
import { GrainError } from '../errors';
import { fileOpenError, readRawLines } from './line-stream';
import { decodeUtf8Strict, stripBom } from './utf8';

/**
 * Sentence files follow NeuroX: one sentence per line, words separated by spaces (runs of
 * spaces or tabs count as one separator; leading and trailing ones are ignored).
 *
 * A blank line (empty or only spaces) is an error, not skipped: NeuroX label files are
 * parallel to sentence files line by line, and skipping would silently misalign them.
 * Blank lines at the very end of the file are ignored, since nothing follows them to misalign.
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

const SEPARATOR = /[ \t]+/;

/** The words of one line, or null if the line is blank. */
export function splitWords(text: string): string[] | null {
  const words = text.split(SEPARATOR);
  if (words.length > 0 && words[0] === '') words.shift();
  if (words.length > 0 && words[words.length - 1] === '') words.pop();
  return words.length > 0 ? words : null;
}

export function readSentenceFile(path: string): SentenceFile {
  let bytes: Uint8Array;
  try {
    bytes = readFileSync(path);
  } catch (e) {
    throw fileOpenError(path, e);
  }
  const body = stripBom(bytes);
  const text = decodeUtf8Strict(body, path, { line: 1, byteOffset: bytes.length - body.length, column: bytes.length - body.length });
  return parseSentenceText(text, path);
}

/** Parses the text of a sentence file; `file` is only used to name it in errors. */
export function parseSentenceText(text: string, file: string): SentenceFile {
  const sentences: string[][] = [];
  const lines: number[] = [];
  const blanks = new BlankLineGuard(file);
  const rawLines = text.split('\n');
  for (let i = 0; i < rawLines.length; i++) {
    let raw = rawLines[i];
    if (raw.endsWith('\r')) raw = raw.slice(0, -1);
    const words = splitWords(raw);
    if (!blanks.accept(words, i + 1)) continue;
    sentences.push(words!);
    lines.push(i + 1);
  }
  if (sentences.length === 0) throw emptyFileError(file);
  return { sentences, lines };
}

/**
 * Streams the sentences of a file that may not fit in memory: only the current read buffer
 * and line are held. Same rules and errors as readSentenceFile; an error is thrown when the
 * stream reaches the bad line.
 */
export async function* streamSentenceFile(path: string, signal?: AbortSignal): AsyncGenerator<SentenceLine> {
  const blanks = new BlankLineGuard(path);
  let count = 0;
  for await (const raw of readRawLines(path, signal)) {
    const bytes = raw.line === 1 ? stripBom(raw.bytes) : raw.bytes;
    const skipped = raw.bytes.length - bytes.length;
    const text = decodeUtf8Strict(bytes, path, { line: raw.line, byteOffset: raw.byteOffset + skipped, column: skipped });
    const words = splitWords(text);
    if (!blanks.accept(words, raw.line)) continue;
    count++;
    yield { words: words!, line: raw.line };
  }
  if (count === 0 && !signal?.aborted) throw emptyFileError(path);
}

/** Defers judging a blank line until a later non-blank one shows it is not trailing. */
class BlankLineGuard {
  private firstBlank: number | undefined;

  constructor(private readonly file: string) {}

  /** True if `words` is a sentence to keep; throws if an earlier blank line is now inside the file. */
  accept(words: string[] | null, line: number): boolean {
    if (words === null) {
      this.firstBlank ??= line;
      return false;
    }
    if (this.firstBlank !== undefined) {
      throw new GrainError(
        'blank line: every line must hold one sentence (sentence and label files are parallel, ' +
          'so a blank line would shift every later sentence); remove it',
        { file: this.file, line: this.firstBlank },
      );
    }
    return true;
  }
}

function emptyFileError(file: string): GrainError {
  return new GrainError('no sentences: the file is empty (expected one sentence per line)', { file });
}
