/**
 * Correlation clustering inside one model (Dalvi et al., EMNLP 2020, "Analyzing redundancy in
 * pretrained transformer models"; NeuroX's interpretation/clustering.py): neurons whose
 * activations correlate are redundant. As NeuroX: Pearson correlation over the rows (0 for a
 * constant neuron), dissimilarity 1 - |r| (or 1 - r), average-linkage (UPGMA) hierarchical
 * clustering, flat clusters cut at a distance threshold (scipy's fcluster 'distance': members of
 * a cluster are at most the threshold apart in the dendrogram), and one neuron kept per cluster,
 * picked at random (seeded here).
 */
import { GrainError, throwIfAborted } from '../errors';
import { createGemm, type Gemm } from '../linalg/gemm';
import type { ProbeData } from '../probe/data';
import { seededRng } from '../random';

export interface ClusteringOptions {
  /** Flat clusters: dendrogram distance at most this (NeuroX's clustering_threshold, default 0.5). */
  threshold?: number;
  /** Dissimilarity 1 - |r| (default, NeuroX's use_abs_correlation) or 1 - r. */
  absolute?: boolean;
  seed?: number;
  gemm?: Pick<Gemm, 'atb'>;
  signal?: AbortSignal;
}

export interface CorrelationClusters {
  /** Cluster of each column, numbered 0.. in the order of each cluster's lowest column. */
  cluster: Int32Array;
  clusters: number;
  /** The column kept for each cluster (index = cluster). */
  kept: Int32Array;
  /** Per column: |r| with its cluster's kept column (1 for the kept one itself). */
  keptCorrelation: Float64Array;
}

export async function correlationClusters(data: ProbeData, opts: ClusteringOptions = {}): Promise<CorrelationClusters> {
  const threshold = opts.threshold ?? 0.5;
  if (!(threshold >= 0 && threshold <= 2)) throw new GrainError(`the clustering threshold is a distance between 0 and 2, got ${threshold}`);
  const W = data.width;
  const corr = await correlationOfColumns(data, opts.gemm, opts.signal);
  const dist = new Float64Array(W * W);
  for (let i = 0; i < W * W; i++) dist[i] = 1 - (opts.absolute === false ? corr[i] : Math.abs(corr[i]));
  for (let i = 0; i < W; i++) dist[i * W + i] = 0;
  const cluster = flatClusters(W, averageLinkage(dist, W, opts.signal), threshold);
  let clusters = 0;
  for (const c of cluster) clusters = Math.max(clusters, c + 1);
  const members: number[][] = Array.from({ length: clusters }, () => []);
  cluster.forEach((c, j) => members[c].push(j));
  const rng = seededRng(opts.seed ?? 0);
  const kept = Int32Array.from(members, (m) => m[Math.floor(rng() * m.length)]);
  const keptCorrelation = Float64Array.from(cluster, (c, j) => Math.abs(corr[j * W + kept[c]]));
  return { cluster, clusters, kept, keptCorrelation };
}

/**
 * Pearson correlation of every pair of columns over the rows: centred float32 products of each
 * chunk (by the columns' float64 means), summed in float64. Constant columns correlate 0 with
 * everything (numpy's corrcoef gives NaN there, NeuroX turns it into 0), the diagonal is 1.
 */
export async function correlationOfColumns(data: ProbeData, gemm?: Pick<Gemm, 'atb'>, signal?: AbortSignal): Promise<Float64Array> {
  const W = data.width;
  const own = gemm ? null : await createGemm();
  const product = gemm ?? own!;
  try {
    const sums = new Float64Array(W * W);
    for await (const b of data.batches(4096)) {
      throwIfAborted(signal);
      const x = new Float32Array(b.rows * W);
      for (let i = 0; i < b.rows; i++) for (let j = 0; j < W; j++) x[i * W + j] = b.x[i * W + j] - data.mean[j];
      const p = await product.atb(x, x, b.rows, W, W);
      for (let i = 0; i < W * W; i++) sums[i] += p[i];
    }
    const corr = new Float64Array(W * W);
    for (let i = 0; i < W; i++) {
      for (let j = i; j < W; j++) {
        const d = Math.sqrt(sums[i * W + i] * sums[j * W + j]);
        const r = i === j ? 1 : d > 0 ? Math.max(-1, Math.min(1, (sums[i * W + j] + sums[j * W + i]) / 2 / d)) : 0;
        corr[i * W + j] = corr[j * W + i] = r;
      }
    }
    return corr;
  } finally {
    await own?.dispose();
  }
}

/**
 * Average-linkage agglomerative clustering of n points by the nearest-neighbour chain (O(n^2)
 * time, the distance matrix updated in place). Returns the merges as (a, b, height) triples,
 * a and b each a point of the two clusters merged. The merges and heights are those of
 * scipy's linkage(method='average'); their order may differ, which flat clusters ignore.
 */
export function averageLinkage(dist: Float64Array, n: number, signal?: AbortSignal): Float64Array {
  if (dist.length !== n * n) throw new GrainError(`distance matrix has ${dist.length} values for ${n} x ${n}`);
  const size = new Float64Array(n).fill(1);
  const active = new Uint8Array(n).fill(1);
  const chain = new Int32Array(n);
  const merges = new Float64Array(3 * Math.max(0, n - 1));
  let len = 0;
  let made = 0;
  let lowest = 0;
  for (let remaining = n; remaining > 1; ) {
    if (len === 0) {
      while (!active[lowest]) lowest++;
      chain[len++] = lowest;
    }
    const a = chain[len - 1];
    const prev = len > 1 ? chain[len - 2] : -1;
    // The nearest active cluster; on a tie the previous link of the chain, so the chain ends.
    let b = prev;
    let best = prev >= 0 ? dist[a * n + prev] : Infinity;
    for (let k = 0; k < n; k++) {
      if (k === a || !active[k]) continue;
      const v = dist[a * n + k];
      if (v < best || b < 0) {
        best = v;
        b = k;
      }
    }
    if (b !== prev) {
      chain[len++] = b;
      continue;
    }
    if (made % 64 === 0) throwIfAborted(signal);
    len -= 2;
    const keep = Math.min(a, b);
    const drop = Math.max(a, b);
    merges[3 * made] = keep;
    merges[3 * made + 1] = drop;
    merges[3 * made + 2] = best;
    made++;
    const nk = size[keep];
    const nd = size[drop];
    for (let k = 0; k < n; k++) {
      if (!active[k] || k === keep || k === drop) continue;
      const v = (nk * dist[keep * n + k] + nd * dist[drop * n + k]) / (nk + nd);
      dist[keep * n + k] = v;
      dist[k * n + keep] = v;
    }
    size[keep] = nk + nd;
    active[drop] = 0;
    remaining--;
  }
  return merges;
}

/** Flat clusters of the merges at height <= threshold, numbered in the order of each cluster's lowest point. */
export function flatClusters(n: number, merges: Float64Array, threshold: number): Int32Array {
  const parent = Int32Array.from({ length: n }, (_, i) => i);
  const find = (i: number): number => {
    while (parent[i] !== i) {
      parent[i] = parent[parent[i]];
      i = parent[i];
    }
    return i;
  };
  for (let m = 0; m < merges.length; m += 3) {
    if (merges[m + 2] > threshold) continue;
    const a = find(merges[m]);
    const b = find(merges[m + 1]);
    if (a !== b) parent[Math.max(a, b)] = Math.min(a, b);
  }
  const label = new Int32Array(n).fill(-1);
  const out = new Int32Array(n);
  let next = 0;
  for (let i = 0; i < n; i++) {
    const root = find(i);
    if (label[root] < 0) label[root] = next++;
    out[i] = label[root];
  }
  return out;
}
