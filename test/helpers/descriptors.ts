import { readdirSync, readlinkSync } from 'node:fs';
import { join } from 'node:path';

/** What this process's open descriptors point at (Linux's /proc/self/fd; one entry per descriptor). */
export function openPaths(): string[] {
  return readdirSync('/proc/self/fd').flatMap((fd) => {
    try {
      return [readlinkSync(join('/proc/self/fd', fd))];
    } catch {
      return []; // closed since the listing (the listing's own descriptor, for one)
    }
  });
}
