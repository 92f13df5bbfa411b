import { writeSync } from 'node:fs';

/** Writes all of `bytes` at `position` (null: at the file's current end); writeSync may write less than asked. */
export function writeAll(fd: number, bytes: Uint8Array, position: number | null): void {
  for (let done = 0; done < bytes.length; ) {
    done += writeSync(fd, bytes, done, bytes.length - done, position === null ? null : position + done);
  }
}
