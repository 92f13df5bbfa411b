import { GrainError } from '../errors';
import { jsonErrorOffset } from './json-syntax';
import { readInputText } from './read-file';

/**
 * No JSON file Grain reads (results, tokenizers, configs, splits) nests deeper than this; a file
 * nested thousands deep is not one of them, and would overflow the parsers' stacks.
 */
const MAX_NESTING = 64;

/** Parses the text of a JSON file; `file` names it in errors, which give the line and column. */
export function parseJson(text: string, file: string): unknown {
  if (text.trim() === '') throw new GrainError('is empty', { file });
  checkNesting(text, file);
  try {
    return JSON.parse(text);
  } catch (e) {
    // V8's messages carry no position for many errors: find it ourselves.
    const at = jsonErrorOffset(text);
    if (at < 0) throw new GrainError(`is not valid JSON (${(e as Error).message})`, { file });
    const { line, column } = lineAndColumn(text, at);
    const why = at >= text.length ? 'the file ends early: is it complete?' : `unexpected ${describe(text, at)} at column ${column}`;
    throw new GrainError(`is not valid JSON: ${why}`, { file, line });
  }
}

/** Reads and parses a JSON file the user named (strict UTF-8); errors name the file and line. */
export function readJsonFile(path: string): unknown {
  return parseJson(readInputText(path), path);
}

export function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function checkNesting(text: string, file: string): void {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c) i++;
      else if (c === 0x22) inString = false;
    } else if (c === 0x22) inString = true;
    else if (c === 0x5b || c === 0x7b) {
      if (++depth > MAX_NESTING) {
        throw new GrainError(`nested more than ${MAX_NESTING} levels deep: not a file Grain reads`, { file, line: lineAndColumn(text, i).line });
      }
    } else if (c === 0x5d || c === 0x7d) depth--;
  }
}

export function lineAndColumn(text: string, offset: number): { line: number; column: number } {
  let line = 1;
  let start = 0;
  for (let i = 0; i < offset && i < text.length; i++) {
    if (text.charCodeAt(i) === 10) {
      line++;
      start = i + 1;
    }
  }
  return { line, column: offset - start + 1 };
}

function describe(text: string, at: number): string {
  const c = text.codePointAt(at)!;
  if (c < 0x20 || c === 0x7f) return `control character U+${c.toString(16).toUpperCase().padStart(4, '0')}`;
  return `'${String.fromCodePoint(c)}'`;
}
