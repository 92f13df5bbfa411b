/** Layer-wise probes: one probe per site (embeddings, layer1, ...), compared with all neurons. */
import type { SiteInfo } from '../activations';
import { GrainError } from '../errors';
import { retrainAccuracy, type ProbeTask } from './task';
import type { LayerwiseResult } from './types';

export async function layerwiseProbes(task: ProbeTask, sites: SiteInfo[], allAccuracy?: number): Promise<LayerwiseResult> {
  const total = sites.reduce((n, s) => n + s.width, 0);
  if (total !== task.train.neurons) throw new GrainError(`sites hold ${total} neurons but the activations have ${task.train.neurons}`);
  const out: LayerwiseResult = { sites: [], all: allAccuracy ?? (await retrainAccuracy(task, Int32Array.from({ length: total }, (_, i) => i))) };
  let at = 0;
  for (const s of sites) {
    const cols = Int32Array.from({ length: s.width }, (_, i) => at + i);
    out.sites.push({ site: s.name, width: s.width, accuracy: await retrainAccuracy(task, cols) });
    at += s.width;
  }
  return out;
}
