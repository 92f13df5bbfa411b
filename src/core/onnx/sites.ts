import type { SiteKind } from '../activations';
import { GrainError } from '../errors';
import { findBoundaries } from './boundaries';
import { dataNodes } from './dataflow';
import { hasTensor, indexGraph, type GraphIndex } from './graph';
import { findMlpSites } from './mlp';
import type { OnnxModel } from './proto';
import { findStructuralSites } from './residual';
import { assignStages, DYNAMO_SCOPES_KEY, dynamoScope, hasDynamoScopes, nodeNameScope, type ScopeSource, type Stages } from './scopes';

/** A tensor of the graph to record, and under which name. Layer 0 = embeddings. */
export interface ModelSite {
  name: string;
  kind: SiteKind;
  tensor: string;
  layer: number;
}

export interface ExplicitSite {
  name: string;
  tensor: string;
}

/** Sites the user named (grain.json or settings); `source` says where, for error messages. */
export interface ExplicitSites {
  sites: ExplicitSite[];
  source?: string;
}

export type SiteSelection = 'layers' | 'mlp' | 'all';

export interface FindSitesOptions {
  sites: SiteSelection;
  /** When given, used as is (the `sites` selection does not apply): the user said what to read. */
  explicit?: ExplicitSites;
  /** Where `explicit` came from, when it does not say itself (e.g. "settings: grain.sites"). */
  source?: string;
}

/** How the sites of a model were found, for `grain inspect` and the Models view. */
export type SiteMethod = 'explicit' | 'node-scopes' | 'dynamo-metadata' | 'graph-structure';

export interface SiteDetection {
  sites: ModelSite[];
  method: SiteMethod;
  /** A line saying what the method saw, e.g. "node names with scopes /bert/encoder/layer.0-3". */
  detail: string;
}

export function findSites(model: OnnxModel, opts: FindSitesOptions): ModelSite[] {
  return detectSites(model, opts).sites;
}

export function detectSites(model: OnnxModel, opts: FindSitesOptions): SiteDetection {
  const index = indexGraph(model.graph);
  if (opts.explicit) {
    const where = opts.explicit.source ?? opts.source ?? 'the caller';
    return { sites: explicitSites(opts.explicit, opts.source, (t) => hasTensor(index, t), model.file), method: 'explicit', detail: `named in ${where}` };
  }
  const data = dataNodes(index);
  const found = findStream(index, data, model.file);
  const sites: ModelSite[] = [];
  if (opts.sites !== 'mlp') {
    found.boundaries.forEach((tensor, layer) => {
      sites.push({ name: layer === 0 ? 'embeddings' : `layer${layer}`, kind: 'boundary', tensor, layer });
    });
  }
  if (opts.sites !== 'layers') {
    findMlpSites(index, data, found.stages, model.file).forEach((tensor, k) => {
      sites.push({ name: `mlp${k + 1}`, kind: 'mlp', tensor, layer: k + 1 });
    });
  }
  return { sites, method: found.method, detail: found.detail };
}

interface Stream {
  boundaries: string[];
  stages: Stages;
  method: SiteMethod;
  detail: string;
}

/**
 * The layer boundaries, by the first way that works: module scopes in node names, then scopes
 * in torch dynamo's node metadata, then the residual stream read off the graph's structure.
 */
function findStream(index: GraphIndex, data: Uint8Array, file?: string): Stream {
  const failures: string[] = [];
  const scoped: [SiteMethod, ScopeSource, string][] = [
    ['node-scopes', nodeNameScope, 'node names'],
    ['dynamo-metadata', dynamoScope, `node metadata ${DYNAMO_SCOPES_KEY}`],
  ];
  for (const [method, source, what] of scoped) {
    if (method === 'dynamo-metadata' && !hasDynamoScopes(index)) {
      failures.push(`no ${what}`);
      continue;
    }
    const stages = assignStages(index, data, source);
    if (stages.blocks === 0) {
      failures.push(`no block scopes (layers.N, layer.N, h.N, blocks.N) in ${what}`);
      continue;
    }
    try {
      const boundaries = findBoundaries(index, data, stages);
      return { boundaries, stages, method, detail: `${what} with block scopes ${stages.family}.N (${stages.blocks} blocks)` };
    } catch (e) {
      if (!(e instanceof GrainError)) throw e;
      failures.push(`${what}: ${e.message}`);
    }
  }
  try {
    const s = findStructuralSites(index, data);
    return { ...s, method: 'graph-structure' };
  } catch (e) {
    if (!(e instanceof GrainError)) throw e;
    failures.push(`graph structure: ${e.message}`);
  }
  throw new GrainError(
    `cannot find the layer boundaries of graph ${index.graph.name ?? ''}: ${failures.join('; ')}. ` +
      'Name the layer tensors yourself in grain.json next to the model: ' +
      '{"sites": [{"name": "embeddings", "tensor": "<tensor name>"}, {"name": "layer1", "tensor": "..."}]}',
    { file },
  );
}

const STANDARD_NAME = /^(?:(embeddings)|layer(\d+)|mlp(\d+))$/;

function explicitSites(
  explicit: ExplicitSites,
  source: string | undefined,
  exists: (tensor: string) => boolean,
  modelFile?: string,
): ModelSite[] {
  const where = explicit.source ?? source;
  if (explicit.sites.length === 0) throw new GrainError('the site list is empty', { file: where });
  const names = new Set<string>();
  return explicit.sites.map((s, position) => {
    if (names.has(s.name)) throw new GrainError(`site name '${s.name}' is used twice`, { file: where });
    names.add(s.name);
    if (!exists(s.tensor)) {
      throw new GrainError(
        `site '${s.name}': tensor '${s.tensor}' is not in the model${modelFile ? ` ${modelFile}` : ''} (no node output, input or initializer has that name)`,
        { file: where },
      );
    }
    const m = STANDARD_NAME.exec(s.name);
    if (m?.[1]) return { name: s.name, kind: 'boundary', tensor: s.tensor, layer: 0 };
    if (m?.[2]) return { name: s.name, kind: 'boundary', tensor: s.tensor, layer: Number(m[2]) };
    if (m?.[3]) return { name: s.name, kind: 'mlp', tensor: s.tensor, layer: Number(m[3]) };
    return { name: s.name, kind: 'custom', tensor: s.tensor, layer: position };
  });
}
