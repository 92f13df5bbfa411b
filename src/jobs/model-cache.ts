import type { SiteSelection } from '../shared/jobs';
import { openExtractionModel, type ExtractionModel } from '../core/extract/model';
import { resolveModelPath } from '../core/runtime/model-path';

/**
 * Open models stay open between jobs: live decorations re-run the text-activations job after
 * every edit, and opening a model (session creation + layout probes) costs far more than running a
 * few lines.
 */
const MAX_OPEN_MODELS = 2;
const models = new Map<string, Promise<ExtractionModel>>();

export function cachedModel(dir: string, sites: SiteSelection, threads: number): Promise<ExtractionModel> {
  const { modelPath } = resolveModelPath(dir);
  const key = `${modelPath}\0${sites}\0${threads}`;
  let found = models.get(key);
  if (found) {
    models.delete(key);
    models.set(key, found); // most recently used last
    return found;
  }
  found = openExtractionModel(dir, { sites, threads });
  models.set(key, found);
  found.catch(() => models.delete(key));
  while (models.size > MAX_OPEN_MODELS) {
    const [oldest, evicted] = models.entries().next().value as [string, Promise<ExtractionModel>];
    models.delete(oldest);
    void evicted.then((m) => m.close()).catch(() => undefined);
  }
  return found;
}

/** Closes every cached model (tests). */
export async function closeCachedModels(): Promise<void> {
  const all = [...models.values()];
  models.clear();
  for (const m of all) await m.then((x) => x.close()).catch(() => undefined);
}
