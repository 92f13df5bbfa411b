/**
 * The one rule for where words and lines are, for every text Grain reads (sentence files, label
 * files, CoNLL-U, editor lines): a word is a maximal run of characters other than whitespace,
 * whitespace being what NeuroX's loader splits on (Python's str.split(): space, tab, the other
 * ASCII and Unicode spaces, no-break space included). Labels and activations line up because both
 * sides split here. Offsets are UTF-16 code units, the unit of JS strings and VS Code positions.
 */
const SPACE = '\\t\\n\\v\\f\\r\\x1c-\\x1f \\x85\\xa0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000';
const WORD = new RegExp(`[^${SPACE}]+`, 'gu');
const HAS_SPACE = new RegExp(`[${SPACE}]`, 'u');

export interface WordSpan {
  start: number;
  end: number;
}

export function splitWords(line: string): string[] {
  return line.match(WORD) ?? [];
}

export function wordSpans(line: string): WordSpan[] {
  const spans: WordSpan[] = [];
  for (const m of line.matchAll(WORD)) {
    const start = m.index ?? 0;
    spans.push({ start, end: start + m[0].length });
  }
  return spans;
}

/** Whether a string holds a separator (so it cannot be one word). */
export function containsSpace(text: string): boolean {
  return HAS_SPACE.test(text);
}

/**
 * The lines of a text: `\n` or `\r\n` endings; a final line ending does not start an extra line
 * ("a\nb\n" has 2 lines, "a\n\n" has 2 with the second blank).
 */
export function splitLines(text: string): string[] {
  if (text.length === 0) return [];
  const lines = text.split('\n');
  if (lines[lines.length - 1] === '') lines.pop();
  for (let i = 0; i < lines.length; i++) if (lines[i].endsWith('\r')) lines[i] = lines[i].slice(0, -1);
  return lines;
}
