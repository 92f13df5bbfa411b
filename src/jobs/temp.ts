import { makeTempDir } from '../core/io/temp';

/** A private folder for a job's intermediate files, removed when the job ends however it ends. */
export async function withTempDir<T>(fn: (dir: string) => Promise<T>): Promise<T> {
  const dir = makeTempDir('job');
  try {
    return await fn(dir.path);
  } finally {
    dir.dispose();
  }
}
