import { readFileSync } from 'node:fs';
import { GrainError } from '../errors';

/** Reads and parses a JSON file; a syntax error is reported with the file and, when known, the line. */
export function readJsonFile(path: string): unknown {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    throw new GrainError(`cannot read: ${(e as Error).message}`, { file: path });
  }
  try {
    return JSON.parse(text);
  } catch (e) {
    const message = (e as Error).message;
    throw new GrainError(`is not valid JSON (${message})`, { file: path, line: errorLine(text, message) });
  }
}

/** V8 names either "line N" or "position N" in JSON syntax errors, depending on its version. */
function errorLine(text: string, message: string): number | undefined {
  const line = /\(line (\d+) column \d+\)/.exec(message);
  if (line) return Number(line[1]);
  const position = /at position (\d+)/.exec(message);
  if (!position) return undefined;
  const end = Math.min(Number(position[1]), text.length);
  let n = 1;
  for (let i = 0; i < end; i++) if (text.charCodeAt(i) === 10) n++;
  return n;
}

export function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
