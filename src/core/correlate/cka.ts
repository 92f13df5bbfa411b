import { siteOffsets } from '../neurons';
import { GrainError } from '../errors';
import { pairIndex, type CorrelationSums } from './accumulate';

/** Linear CKA of every site of model a (rows) with every site of model b (columns). */
export interface CkaMatrix {
  modelA: number;
  modelB: number;
  sites: string[];
  /** sites x sites, row-major: entry [s][t] compares site s of model a with site t of model b. */
  cka: Float64Array;
}

/** Frobenius norm of a site's centred Gram block, from the shifted sums. */
function centredGramNorm(s: CorrelationSums, m: number, site: number, offset: number): number {
  const G = s.siteGram![m][site];
  const w = s.sites[site].width;
  const sum = s.sum[m];
  let acc = 0;
  for (let x = 0; x < w; x++) {
    for (let y = 0; y < w; y++) {
      const v = G[x * w + y] - (sum[offset + x] * sum[offset + y]) / s.rows;
      acc += v * v;
    }
  }
  return Math.sqrt(acc);
}

/**
 * CKA_linear(X, Y) = ||Xc^T Yc||_F^2 / (||Xc^T Xc||_F ||Yc^T Yc||_F) (Kornblith et al. 2019),
 * where Xc, Yc are the centred activations of one site of each model. 0 when a site is constant.
 */
export function linearCka(s: CorrelationSums): CkaMatrix[] {
  if (!s.siteGram) throw new GrainError('CKA needs the per-site Gram sums: accumulate with cka: true');
  const M = s.names.length;
  const N = s.neurons;
  const S = s.sites.length;
  const offsets = siteOffsets(s.sites);
  const norms = s.names.map((_, m) => s.sites.map((_, k) => centredGramNorm(s, m, k, offsets[k])));
  const out: CkaMatrix[] = [];
  for (let a = 0; a < M; a++) {
    for (let b = a + 1; b < M; b++) {
      const C = s.cross[pairIndex(M, a, b)];
      const sa = s.sum[a];
      const sb = s.sum[b];
      const cka = new Float64Array(S * S);
      for (let p = 0; p < S; p++) {
        for (let q = 0; q < S; q++) {
          let num = 0;
          for (let x = offsets[p]; x < offsets[p] + s.sites[p].width; x++) {
            for (let y = offsets[q]; y < offsets[q] + s.sites[q].width; y++) {
              const v = C[x * N + y] - (sa[x] * sb[y]) / s.rows;
              num += v * v;
            }
          }
          const den = norms[a][p] * norms[b][q];
          cka[p * S + q] = den > 0 ? num / den : 0;
        }
      }
      out.push({ modelA: a, modelB: b, sites: s.sites.map((x) => x.name), cka });
    }
  }
  return out;
}
