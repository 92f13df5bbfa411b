// The `grain.*` settings, read and validated. No `vscode` import: the caller passes the
// configuration (anything with get(key)), so unit tests can check the validation.
import { DEFAULTS } from '../shared/defaults';
import type { Aggregation, SiteSelection } from '../shared/jobs';

export interface GrainSettings {
  /** Extra model folders or .onnx files (see src/core/model/folder.ts), as written: relative entries are read against the first workspace folder. */
  modelPaths: string[];
  aggregation: Aggregation;
  sites: SiteSelection;
  /**
   * onnxruntime threads, resolved: the setting's 0 (the default) means one per CPU but one, which
   * leaves a core to the editor while a job runs.
   */
  threads: number;
  batchSize: number;
  decorations: { maxFileSize: number };
}

export const DEFAULT_SETTINGS: GrainSettings = {
  modelPaths: [],
  aggregation: DEFAULTS.aggregation,
  sites: DEFAULTS.sites,
  threads: 1,
  batchSize: DEFAULTS.batchSize,
  decorations: { maxFileSize: DEFAULTS.decorations.maxFileSize },
};

export interface ConfigLike {
  get<T>(key: string): T | undefined;
}

export interface ReadSettings {
  settings: GrainSettings;
  /** One line per setting whose value was unusable and replaced by its default. */
  problems: string[];
}

/** Reads `grain.*` from `config` (the "grain" section); unusable values fall back to defaults, each named in `problems`. */
export function readSettings(config: ConfigLike, cpuCount = 1): ReadSettings {
  const problems: string[] = [];
  const s: GrainSettings = { ...DEFAULT_SETTINGS, decorations: { ...DEFAULT_SETTINGS.decorations } };
  const bad = (key: string, value: unknown, want: string) =>
    problems.push(`grain.${key} must be ${want}, got ${JSON.stringify(value)}; using the default`);

  const paths = config.get<unknown>('modelPaths');
  if (paths !== undefined && paths !== null) {
    if (Array.isArray(paths) && paths.every((p) => typeof p === 'string')) s.modelPaths = paths.map((p) => p.trim()).filter((p) => p !== '');
    else bad('modelPaths', paths, 'a list of folder paths');
  }
  const agg = config.get<unknown>('aggregation');
  if (agg !== undefined && agg !== null) {
    if (agg === 'first' || agg === 'last' || agg === 'average') s.aggregation = agg;
    else bad('aggregation', agg, 'one of first, last, average');
  }
  const sites = config.get<unknown>('sites');
  if (sites !== undefined && sites !== null) {
    if (sites === 'layers' || sites === 'mlp' || sites === 'all') s.sites = sites;
    else bad('sites', sites, 'one of layers, mlp, all');
  }
  const int = (key: string, min: number, max: number): number | undefined => {
    const v = config.get<unknown>(key);
    if (v === undefined || v === null) return undefined;
    if (typeof v === 'number' && Number.isInteger(v) && v >= min && v <= max) return v;
    bad(key, v, `an integer from ${min} to ${max}`);
    return undefined;
  };
  const threads = int('threads', 0, 256) ?? 0;
  s.threads = threads === 0 ? Math.max(1, cpuCount - 1) : Math.min(threads, cpuCount);
  if (threads > cpuCount) problems.push(`grain.threads is ${threads}, more than the ${cpuCount} CPUs of this machine; using ${cpuCount}`);
  s.batchSize = int('batchSize', 1, 4096) ?? s.batchSize;
  s.decorations.maxFileSize = int('decorations.maxFileSize', 0, 1_000_000_000) ?? s.decorations.maxFileSize;
  return { settings: s, problems };
}
