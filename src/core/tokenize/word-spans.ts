/**
 * Words of a line as NeuroX sees them: maximal runs of characters other than space and tab.
 * Offsets are UTF-16 code units, the unit of VS Code positions and of JS string indices.
 */
export interface WordSpan {
  start: number;
  end: number;
}

const WORD = /[^ \t\r\n]+/g;

export function wordSpans(line: string): WordSpan[] {
  const spans: WordSpan[] = [];
  for (const m of line.matchAll(WORD)) {
    const start = m.index ?? 0;
    spans.push({ start, end: start + m[0].length });
  }
  return spans;
}

export function splitWords(line: string): string[] {
  return line.match(WORD) ?? [];
}
