import { readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { GrainError } from '../errors';
import { decodeFileText } from '../text/utf8';

/** What the operating system's refusal to read `path` means to the user who named it. */
export function fileReadError(path: string, e: unknown): GrainError {
  const reason = SYSTEM_REASONS[(e as NodeJS.ErrnoException).code ?? ''];
  return new GrainError(reason ?? `cannot read: ${(e as Error).message}`, { file: path });
}

const SYSTEM_REASONS: Record<string, string> = {
  ENOSPC: 'no space left on the device',
  EDQUOT: 'disk quota exceeded',
  EROFS: 'the file system is read-only',
  EACCES: 'permission denied',
  EPERM: 'permission denied',
  ENOENT: 'file not found',
  EISDIR: 'is a folder, not a file',
  ENOTDIR: 'a part of this path is a file, not a folder',
};

/**
 * The file system's refusal of a path (to read or to write) as the user's problem, when it is
 * one; undefined for anything else. The CLI and the worker answer such an error with a message,
 * not a stack trace, wherever in Grain it was raised.
 */
export function fileSystemError(e: unknown): GrainError | undefined {
  const { code, path } = (e ?? {}) as NodeJS.ErrnoException;
  if (typeof code !== 'string' || typeof path !== 'string' || !(code in SYSTEM_REASONS)) return undefined;
  return new GrainError(SYSTEM_REASONS[code], { file: path });
}

/** A file the user named, whole; a GrainError naming it when it cannot be read. */
export function readInputBytes(path: string): Buffer {
  try {
    return readFileSync(path);
  } catch (e) {
    throw fileReadError(path, e);
  }
}

export async function readInputBytesAsync(path: string): Promise<Buffer> {
  try {
    return await readFile(path);
  } catch (e) {
    throw fileReadError(path, e);
  }
}

/** A text file the user named: strict UTF-8 (a bad byte is reported by line), without a byte-order mark. */
export function readInputText(path: string): string {
  return decodeFileText(readInputBytes(path), path);
}

export async function readInputTextAsync(path: string): Promise<string> {
  return decodeFileText(await readInputBytesAsync(path), path);
}
