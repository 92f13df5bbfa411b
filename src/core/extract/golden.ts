import { GrainError } from '../errors';
import type { ActivationMatrix } from '../activations';
import { readJsonFile } from '../io/json-file';

/** A demo model's golden.json: reference activations from torch at every layer boundary. */
export interface Golden {
  boundaries: string[];
  sentences: { words: string[]; input_ids: number[]; activations: number[][][] }[];
}

export function readGolden(path: string): Golden {
  const g = readJsonFile(path) as Golden;
  if (!Array.isArray(g?.boundaries) || !Array.isArray(g?.sentences)) {
    throw new GrainError('not a golden activations file: expected "boundaries" and "sentences"', { file: path });
  }
  return g;
}

export interface GoldenComparison {
  /** Largest |extracted - golden| per boundary, over both sentences, all positions and units. */
  maxAbsDiff: Record<string, number>;
  compared: number;
}

/**
 * Compares subword-level extraction (one row per input position, specials included) with the
 * golden activations, boundary by boundary. Site names must match the golden boundary names.
 */
export function compareWithGolden(m: ActivationMatrix, golden: Golden): GoldenComparison {
  const maxAbsDiff: Record<string, number> = {};
  let compared = 0;
  const columns = new Map<string, { column: number; width: number }>();
  let at = 0;
  for (const s of m.sites) {
    columns.set(s.name, { column: at, width: s.width });
    at += s.width;
  }
  golden.boundaries.forEach((name, b) => {
    const site = columns.get(name);
    if (!site) throw new GrainError(`the extraction has no site '${name}' (it has ${m.sites.map((s) => s.name).join(', ')})`);
    let worst = 0;
    golden.sentences.forEach((sentence, si) => {
      const start = m.sentenceOffsets[si];
      const positions = m.sentenceOffsets[si + 1] - start;
      const ref = sentence.activations[b];
      if (positions !== ref.length) {
        throw new GrainError(`sentence ${si + 1}: ${positions} positions extracted, golden has ${ref.length}`);
      }
      for (let p = 0; p < positions; p++) {
        if (ref[p].length !== site.width) throw new GrainError(`site '${name}' has ${site.width} units, golden has ${ref[p].length}`);
        const row = (start + p) * m.neurons + site.column;
        for (let u = 0; u < site.width; u++) {
          worst = Math.max(worst, Math.abs(m.data[row + u] - ref[p][u]));
          compared++;
        }
      }
    });
    maxAbsDiff[name] = worst;
  });
  return { maxAbsDiff, compared };
}
