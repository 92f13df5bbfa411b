/** Neuron descriptions as the editor shows them (hover rows, the Neurons view): from the probe result, cut to their first clause where room is short. */
import type { ProbeResult } from './results';

/** The first clause of a summary: `fires on past-tense verbs (VBD 71% of top contexts)`; commas inside brackets do not cut. */
export function descriptionGist(summary: string): string {
  let depth = 0;
  for (let i = 0; i < summary.length; i++) {
    const c = summary[i];
    if (c === '(') depth++;
    else if (c === ')') depth = Math.max(0, depth - 1);
    else if (c === ',' && depth === 0) return summary.slice(0, i);
  }
  return summary;
}

/** The probe's description of each neuron, by id (empty for a probe written without descriptions). */
export function descriptionsOf(probe: ProbeResult | undefined): Map<number, string> {
  return new Map((probe?.descriptions ?? []).map((d) => [d.neuron, d.summary]));
}
