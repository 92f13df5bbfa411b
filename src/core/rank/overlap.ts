import { sortedUnique } from './weights';

export interface ClassOverlap {
  /** [C x C] |top(a) ∩ top(b)|; the diagonal is each class's own count. */
  counts: Int32Array;
  /** [C x C] |a ∩ b| / |a ∪ b|; 0 when both sets are empty. */
  jaccard: Float64Array;
  /** Per class, its top neurons that no other class has (ascending id). */
  exclusive: Int32Array[];
}

/** How much classes share their top neurons: a neuron in one class's set only is exclusive to it. */
export function classOverlap(perClassTop: Int32Array[]): ClassOverlap {
  const sets = perClassTop.map((s) => sortedUnique(s));
  const C = sets.length;
  const counts = new Int32Array(C * C);
  const jaccard = new Float64Array(C * C);
  for (let a = 0; a < C; a++) {
    for (let b = a; b < C; b++) {
      const inter = a === b ? sets[a].length : intersectionSize(sets[a], sets[b]);
      const uni = sets[a].length + sets[b].length - inter;
      counts[a * C + b] = counts[b * C + a] = inter;
      jaccard[a * C + b] = jaccard[b * C + a] = uni > 0 ? inter / uni : 0;
    }
  }
  const owners = new Map<number, number>();
  for (const s of sets) for (const j of s) owners.set(j, (owners.get(j) ?? 0) + 1);
  const exclusive = sets.map((s) => s.filter((j) => owners.get(j) === 1));
  return { counts, jaccard, exclusive };
}

function intersectionSize(a: Int32Array, b: Int32Array): number {
  let i = 0;
  let k = 0;
  let n = 0;
  while (i < a.length && k < b.length) {
    if (a[i] < b[k]) i++;
    else if (a[i] > b[k]) k++;
    else {
      n++;
      i++;
      k++;
    }
  }
  return n;
}
