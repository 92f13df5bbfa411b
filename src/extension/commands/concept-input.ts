// What Probe This Concept reads from the editor: the words of selected text, or what was typed
// in its input box. No `vscode` import, so tests read it on plain Node.
import type { ConceptSpec } from '../../shared/jobs';
import { conceptRegex } from '../../core/corpus/concept';
import { GrainError } from '../../core/errors';
import { splitLines, splitWords } from '../../core/text/words';

/** The words of some selected texts (split as the corpus is), each word once, in order. */
export function wordsOf(texts: readonly string[]): string[] {
  const words = new Set<string>();
  for (const text of texts) for (const line of splitLines(text)) for (const w of splitWords(line)) words.add(w);
  return [...words];
}

/** What the input box holds: `/RE/` is a regular expression, anything else words separated by commas or spaces. */
export function parseTyped(text: string): ConceptSpec | { error: string } {
  const t = text.trim();
  if (t.length >= 2 && t.startsWith('/') && t.endsWith('/')) {
    const pattern = t.slice(1, -1);
    try {
      conceptRegex(pattern);
    } catch (e) {
      if (e instanceof GrainError) return { error: e.message };
      throw e;
    }
    return { kind: 'regex', pattern };
  }
  const words = t.split(/[,\s]+/).filter(Boolean);
  if (words.length === 0) return { error: 'type words separated by commas (the, a, an) or a regular expression between slashes (/.*ly$/)' };
  return { kind: 'list', words };
}
