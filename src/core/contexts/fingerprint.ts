import { statSync } from 'node:fs';

/** What a contexts result was computed from, as the file system says now: the model file and every corpus file, with sizes and times. */
export interface CorpusFingerprint {
  modelPath: string;
  modelBytes: number;
  modelMtimeMs: number;
  files: { bytes: number; mtimeMs: number }[];
}

export function corpusFingerprint(modelPath: string, files: readonly string[]): CorpusFingerprint {
  const m = statSync(modelPath);
  return {
    modelPath,
    modelBytes: m.size,
    modelMtimeMs: m.mtimeMs,
    files: files.map((f) => {
      const st = statSync(f);
      return { bytes: st.size, mtimeMs: st.mtimeMs };
    }),
  };
}

export function sameFingerprint(a: CorpusFingerprint, b: CorpusFingerprint): boolean {
  return (
    a.modelPath === b.modelPath &&
    a.modelBytes === b.modelBytes &&
    a.modelMtimeMs === b.modelMtimeMs &&
    a.files.length === b.files.length &&
    a.files.every((f, i) => f.bytes === b.files[i].bytes && f.mtimeMs === b.files[i].mtimeMs)
  );
}
