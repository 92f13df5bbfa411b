// The partner a saved correlation result names for a neuron: the other model's neuron with the
// largest |r| (MaxCorr's pick, kept per model pair in the result). No `vscode` import (unit-tested).
import { basename } from 'node:path';
import { sameModel } from '../../core/model/folder';
import type { SiteWidth } from '../../shared/neurons';
import type { AnyResult } from '../../results/read';

export interface CorrelationPartner {
  partner: number;
  /** Signed Pearson r over the result's text. */
  r: number;
  /** The result file's name, and how many words it correlated over. */
  file: string;
  rows: number;
}

/**
 * The first result (newest first, as the store lists them) that correlated both models with
 * the same sites as `sites` names the partner of `neuron`; undefined when none covers them.
 * Model paths in a result may be relative: `resolve` makes them absolute (the workspace's).
 */
export function correlationPartner(
  results: readonly { kind: string; path: string; models: string[] }[],
  read: (path: string) => AnyResult,
  model: string,
  other: string,
  neuron: number,
  sites: readonly SiteWidth[],
  resolve: (path: string) => string,
): CorrelationPartner | undefined {
  for (const entry of results) {
    if (entry.kind !== 'correlation') continue;
    const at = (m: string) => entry.models.findIndex((x) => sameModel(resolve(x), m));
    if (at(model) < 0 || at(other) < 0) continue;
    let found: AnyResult;
    try {
      found = read(entry.path);
    } catch {
      continue;
    }
    if (found.kind !== 'correlation') continue;
    const c = found.result;
    const sameSites = c.sites.length === sites.length && c.sites.every((s, k) => s.name === sites[k].name && s.width === sites[k].width);
    if (!sameSites || neuron >= c.neurons) continue;
    const i = c.models.findIndex((x) => sameModel(resolve(x), model));
    const j = c.models.findIndex((x) => sameModel(resolve(x), other));
    const summary = c.perModel[i];
    const partner = summary?.bestNeuron[j * c.neurons + neuron];
    if (partner === undefined || partner < 0) continue;
    return { partner, r: summary.bestR[j * c.neurons + neuron], file: basename(entry.path), rows: c.rows };
  }
  return undefined;
}
