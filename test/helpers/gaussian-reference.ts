// NeuroX's Gaussian probe written out directly (neurox/interpretation/gaussian_probe.py), as the
// reference the incremental implementation (src/core/rank/gaussian.ts) is checked against: every
// class's covariance over ALL D columns, sigma* = (diag(np.cov) + scatter) / (N_c + 2D + 4), then for
// each candidate subset a fresh multivariate normal on the sub-block (its own Cholesky factor), the
// posterior with the class frequencies as prior, and I = (H(prior) - mean(-log p(y | x))) / ln 2.
// Classes with fewer than two rows are left out, as Grain does (NeuroX cannot fit them). NeuroX's
// negative-eigenvalue shift is not reproduced: sigma* is positive definite whenever every class
// varies in every column, which the callers' data do.

export interface ReferenceProbe {
  /** Kept classes (two rows or more), in class order. */
  kept: number[];
  /** Row count of each kept class. */
  count: number[];
  /** Per kept class: the column means and the full D x D sigma*, row-major. */
  mean: Float64Array[];
  sigma: Float64Array[];
  D: number;
}

export function referenceProbe(x: ArrayLike<number>, y: ArrayLike<number>, D: number): ReferenceProbe {
  const rows = y.length;
  const byClass = new Map<number, number[]>();
  for (let r = 0; r < rows; r++) byClass.set(y[r]!, [...(byClass.get(y[r]!) ?? []), r]);
  const kept = [...byClass.keys()].filter((c) => byClass.get(c)!.length >= 2).sort((a, b) => a - b);
  const probe: ReferenceProbe = { kept, count: [], mean: [], sigma: [], D };
  for (const c of kept) {
    const members = byClass.get(c)!;
    const n = members.length;
    const mu = new Float64Array(D);
    for (const r of members) for (let j = 0; j < D; j++) mu[j] += x[r * D + j]! / n;
    const scatter = new Float64Array(D * D);
    for (const r of members) {
      for (let i = 0; i < D; i++) {
        const di = x[r * D + i]! - mu[i]!;
        for (let j = 0; j < D; j++) scatter[i * D + j] += di * (x[r * D + j]! - mu[j]!);
      }
    }
    const den = n + 2 * D + 4;
    const sigma = new Float64Array(D * D);
    for (let i = 0; i < D; i++) {
      for (let j = 0; j < D; j++) sigma[i * D + j] = (scatter[i * D + j]! + (i === j ? scatter[i * D + i]! / (n - 1) : 0)) / den;
    }
    probe.count.push(n);
    probe.mean.push(mu);
    probe.sigma.push(sigma);
  }
  return probe;
}

/** Mutual information (bits) and accuracy of the probe's classifier on the given columns, over the rows of kept classes. */
export function referenceScore(p: ReferenceProbe, x: ArrayLike<number>, y: ArrayLike<number>, columns: number[]): { mi: number; accuracy: number } {
  const K = p.kept.length;
  const d = columns.length;
  const total = p.count.reduce((a, b) => a + b, 0);
  const logPrior = p.count.map((n) => Math.log(n / total));
  const entropy = -logPrior.reduce((a, l) => a + Math.exp(l) * l, 0);
  const factors = p.sigma.map((s) => cholesky(columns.map((i) => columns.map((j) => s[i * p.D + j]!))));
  const logdet = factors.map((L) => 2 * L.reduce((a, row, i) => a + Math.log(row[i]!), 0));
  let loss = 0;
  let correct = 0;
  let rows = 0;
  for (let r = 0; r < y.length; r++) {
    const truth = p.kept.indexOf(y[r]!);
    if (truth < 0) continue;
    rows++;
    const a = new Float64Array(K);
    for (let k = 0; k < K; k++) {
      const z = solveLower(factors[k]!, columns.map((j) => x[r * p.D + j]! - p.mean[k]![j]!));
      const quad = z.reduce((s, v) => s + v * v, 0);
      a[k] = logPrior[k]! - 0.5 * (d * Math.log(2 * Math.PI) + logdet[k]! + quad);
    }
    const mx = Math.max(...a);
    const norm = mx + Math.log(a.reduce((s, v) => s + Math.exp(v - mx), 0));
    loss -= a[truth]! - norm;
    if (a.indexOf(mx) === truth) correct++;
  }
  return { mi: (entropy - loss / rows) / Math.LN2, accuracy: correct / rows };
}

/** NeuroX's get_neuron_ordering with every step's score: the candidate of the highest information, the lowest index on ties. */
export function referenceGreedy(x: ArrayLike<number>, y: ArrayLike<number>, D: number, steps: number): { column: number; mi: number; accuracy: number }[] {
  const p = referenceProbe(x, y, D);
  const chosen: number[] = [];
  const out: { column: number; mi: number; accuracy: number }[] = [];
  for (let s = 0; s < steps; s++) {
    let best = { column: -1, mi: -Infinity, accuracy: 0 };
    for (let j = 0; j < D; j++) {
      if (chosen.includes(j)) continue;
      const score = referenceScore(p, x, y, [...chosen, j]);
      if (score.mi > best.mi) best = { column: j, ...score };
    }
    chosen.push(best.column);
    out.push(best);
  }
  return out;
}

function cholesky(a: number[][]): number[][] {
  const n = a.length;
  const L = a.map(() => new Array<number>(n).fill(0));
  for (let i = 0; i < n; i++) {
    for (let j = 0; j <= i; j++) {
      let s = a[i]![j]!;
      for (let t = 0; t < j; t++) s -= L[i]![t]! * L[j]![t]!;
      L[i]![j] = i === j ? Math.sqrt(s) : s / L[j]![j]!;
    }
  }
  return L;
}

function solveLower(L: number[][], b: number[]): number[] {
  const z = new Array<number>(b.length).fill(0);
  for (let i = 0; i < b.length; i++) {
    let s = b[i]!;
    for (let t = 0; t < i; t++) s -= L[i]![t]! * z[t]!;
    z[i] = s / L[i]![i]!;
  }
  return z;
}
