import { readdirSync, statSync } from 'node:fs';
import { extname, join } from 'node:path';
import { GrainError } from '../errors';

/**
 * The text files of a corpus given as a file or a folder: the file itself; or, for a folder, its
 * files with one of `extensions` at any depth, in path order, leaving out hidden entries and the
 * folders that hold tools' files rather than text (node_modules, .grain). Every file is still a
 * sentence file: one sentence per line, read by sentence-file.ts.
 */
export function corpusFiles(input: string, extensions: readonly string[]): string[] {
  let st;
  try {
    st = statSync(input);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new GrainError(code === 'ENOENT' ? 'no such file or folder' : `cannot read: ${(e as Error).message}`, { file: input });
  }
  if (!st.isDirectory()) return [input];
  const wanted = new Set(extensions.map((e) => e.toLowerCase()));
  const found: string[] = [];
  const walk = (dir: string) => {
    const entries = readdirSync(dir, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    for (const e of entries) {
      if (e.name.startsWith('.') || e.name === 'node_modules') continue;
      const path = join(dir, e.name);
      if (e.isDirectory()) walk(path);
      else if (e.isFile() && wanted.has(extname(e.name).toLowerCase())) found.push(path);
    }
  };
  walk(input);
  if (found.length === 0) throw new GrainError(`the folder holds no text files (${extensions.join(', ')}) to read sentences from`, { file: input });
  return found;
}
