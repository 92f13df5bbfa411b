import { closeSync, fsyncSync, mkdirSync, openSync, renameSync, writeSync } from 'node:fs';
import { dirname } from 'node:path';
import { siblingTemp } from './temp';
import { isNumberArray } from '../typed-arrays';

/**
 * Writes a file so that readers see either the old content or the whole new content, never a
 * half-written file: write a temporary sibling, flush it, rename it over the target.
 */
export function writeFileAtomic(path: string, data: string | Uint8Array): void {
  mkdirSync(dirname(path), { recursive: true });
  const tmp = siblingTemp(path);
  try {
    const fd = openSync(tmp.path, 'wx');
    try {
      if (typeof data === 'string') writeSync(fd, data, null, 'utf8');
      else writeSync(fd, data);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    renameSync(tmp.path, path);
    tmp.keep();
  } catch (e) {
    tmp.dispose();
    throw e;
  }
}

export function writeJsonAtomic(path: string, value: unknown): void {
  writeFileAtomic(path, JSON.stringify(value, jsonReplacer) + '\n');
}

/** Typed arrays become plain arrays in result files. */
function jsonReplacer(_key: string, value: unknown): unknown {
  if (isNumberArray(value)) return Array.from(value);
  return value;
}
