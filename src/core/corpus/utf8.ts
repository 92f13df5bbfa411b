import { GrainError } from '../errors';

const strict = new TextDecoder('utf-8', { fatal: true });

/**
 * Decodes UTF-8, refusing invalid bytes. On failure the error names the first bad line, which
 * a plain fatal TextDecoder cannot tell us, so we re-decode line by line to find it.
 */
export function decodeUtf8Strict(bytes: Uint8Array, file: string): string {
  try {
    return stripBom(strict.decode(bytes));
  } catch {
    let start = 0;
    let line = 1;
    for (let i = 0; i <= bytes.length; i++) {
      if (i === bytes.length || bytes[i] === 0x0a) {
        try {
          strict.decode(bytes.subarray(start, i));
        } catch {
          throw new GrainError(`invalid UTF-8 (byte offset ${findBadByte(bytes, start, i)})`, { file, line });
        }
        start = i + 1;
        line++;
      }
    }
    throw new GrainError('invalid UTF-8', { file });
  }
}

function findBadByte(bytes: Uint8Array, start: number, end: number): number {
  // The shortest prefix that fails ends at the byte that broke decoding; if that byte could
  // start a new character, the fault is the unfinished sequence before it.
  for (let j = start + 1; j <= end; j++) {
    try {
      // A fresh decoder each time: streaming leaves state behind in the decoder.
      new TextDecoder('utf-8', { fatal: true }).decode(bytes.subarray(start, j), { stream: true });
    } catch {
      const b = bytes[j - 1];
      const startsChar = b < 0x80 || (b >= 0xc2 && b <= 0xf4);
      if (startsChar) {
        let k = j - 2;
        while (k > start && bytes[k] >= 0x80 && bytes[k] < 0xc0) k--;
        if (k >= start && bytes[k] >= 0xc0) return k;
      }
      return j - 1;
    }
  }
  // Every prefix was fine: the line ends inside an unfinished character.
  let k = end - 1;
  while (k > start && bytes[k] >= 0x80 && bytes[k] < 0xc0) k--;
  return k;
}

function stripBom(text: string): string {
  return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
}

/**
 * Splits text into lines: `\n` or `\r\n` endings, and a final line ending does not start an
 * extra empty line (so "a\nb\n" has 2 lines, "a\n\n" has 2 with the second blank).
 */
export function splitLines(text: string): string[] {
  if (text.length === 0) return [];
  const lines = text.split('\n');
  if (lines[lines.length - 1] === '') lines.pop();
  for (let i = 0; i < lines.length; i++) {
    const l = lines[i];
    if (l.endsWith('\r')) lines[i] = l.slice(0, -1);
  }
  return lines;
}

/** Words of a line: split on runs of whitespace, as Python's str.split() does. */
export function splitWords(line: string): string[] {
  const t = line.trim();
  return t.length === 0 ? [] : t.split(/\s+/u);
}
