import { decodeUtf8Strict as decodeText, stripBom } from '../text/utf8';

/** Strict UTF-8 (errors name the file, line and byte) without a leading byte-order mark. */
export function decodeUtf8Strict(bytes: Uint8Array, file: string): string {
  return decodeText(stripBom(bytes), file);
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
