import { indexGraph } from './graph';
import type { OnnxModel } from './proto';
import { dataTypeName, type TypeProto } from './types';

/**
 * What an input is for, judged from its name; `other` inputs cannot be fed by Grain. `past`:
 * a decoder's cached keys or values (`past_key_values.N.key`), fed empty (past length 0), which
 * is how every runtime starts a sequence; `use_cache_branch`: a merged decoder's switch, false.
 */
export type InputRole = 'input_ids' | 'attention_mask' | 'token_type_ids' | 'position_ids' | 'past' | 'use_cache_branch' | 'other';

export interface ModelInput {
  name: string;
  /** Element type as onnxruntime names it: int64, int32, float32, float16, bool, ... */
  type: string;
  /** Per axis: a size, a symbolic name, or null when unknown. */
  dims: (number | string | null)[];
  role: InputRole;
}

const ROLES: [RegExp, InputRole][] = [
  [/^(input_ids|input|ids|tokens|src_tokens)$/i, 'input_ids'],
  [/^(attention_mask|input_mask|mask)$/i, 'attention_mask'],
  [/^(token_type_ids|segment_ids)$/i, 'token_type_ids'],
  [/^position_ids$/i, 'position_ids'],
  [/^(past_key_values?[._]\d+[._](key|value)|past[._]\d+([._](key|value))?|past_(key|value)s?[._]\d+|pkv[._]\d+)$/i, 'past'],
  [/^use_cache_branch$/i, 'use_cache_branch'],
];

/** The graph inputs a caller must feed (initializers listed as inputs are left out). */
export function modelInputs(model: OnnxModel): ModelInput[] {
  const { feeds } = indexGraph(model.graph);
  return model.graph.input
    .filter((v) => v.name && feeds.has(v.name))
    .map((v) => ({
      name: v.name!,
      type: dataTypeName(v.type?.tensorType?.elemType),
      dims: dimsOf(v.type),
      role: ROLES.find(([re]) => re.test(v.name!))?.[1] ?? 'other',
    }));
}

function dimsOf(type: TypeProto | undefined): (number | string | null)[] {
  const shape = type?.tensorType?.shape;
  if (!shape) return [];
  return shape.dim.map((d) => (d.dimValue !== undefined ? d.dimValue : d.dimParam ? d.dimParam : null));
}
