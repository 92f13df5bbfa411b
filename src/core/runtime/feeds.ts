import { ort } from './ort';
import { GrainError } from '../errors';

import type { ModelInput } from '../onnx';

type TokenRole = 'input_ids' | 'attention_mask' | 'token_type_ids' | 'position_ids';

/** An axis of an empty past: a fixed size, the batch, or the past length (0). */
export type PastAxis = number | 'batch' | 'past';

export type PlannedInput =
  | { name: string; role: TokenRole; type: 'int64' | 'int32' }
  | { name: string; role: 'past'; type: 'float32' | 'float16'; axes: PastAxis[] }
  | { name: string; role: 'use_cache_branch'; type: 'bool' };

export interface FeedPlan {
  inputs: PlannedInput[];
  takesAttentionMask: boolean;
}

const PAST_LENGTH_AXIS = /past|seq|len|length|cache/i;

/** How Grain fills each input of the model; a GrainError naming any input it cannot fill. */
export function planFeeds(inputs: ModelInput[], modelPath: string): FeedPlan {
  const planned: PlannedInput[] = [];
  const unknown: string[] = [];
  for (const input of inputs) {
    const fail = (why: string) => new GrainError(`input '${input.name}' ${why}`, { file: modelPath });
    switch (input.role) {
      case 'other':
        unknown.push(`${input.name} (${input.type} [${input.dims.map((d) => d ?? '?').join(', ')}])`);
        break;
      case 'past':
        if (input.type !== 'float32' && input.type !== 'float16') throw fail(`has element type ${input.type}; Grain feeds past keys and values as float32 or float16`);
        planned.push({ name: input.name, role: 'past', type: input.type, axes: pastAxes(input, fail) });
        break;
      case 'use_cache_branch':
        if (input.type !== 'bool') throw fail(`has element type ${input.type}; Grain feeds use_cache_branch as a bool`);
        planned.push({ name: input.name, role: 'use_cache_branch', type: 'bool' });
        break;
      default:
        if (input.type !== 'int64' && input.type !== 'int32') throw fail(`has element type ${input.type}; Grain feeds it as int64 or int32`);
        planned.push({ name: input.name, role: input.role, type: input.type });
    }
  }
  if (unknown.length > 0) {
    throw new GrainError(
      `the model takes input(s) Grain cannot fill: ${unknown.join(', ')}. Grain feeds input_ids, attention_mask, token_type_ids, ` +
        'position_ids, empty past_key_values.N.key/value and use_cache_branch = false; name a model whose inputs are those',
      { file: modelPath },
    );
  }
  if (!planned.some((p) => p.role === 'input_ids')) {
    throw new GrainError(`the model has no 'input_ids' input (inputs: ${inputs.map((i) => i.name).join(', ') || 'none'})`, { file: modelPath });
  }
  return { inputs: planned, takesAttentionMask: planned.some((p) => p.role === 'attention_mask') };
}

/**
 * The axes of an empty past from the graph's declared shape, e.g. [batch_size, 12,
 * past_sequence_length, 64] -> [batch, 12, past, 64]: sizes stay; of the symbolic axes, one
 * named like a length is the past length and the other the batch; with two unnamed ones, the
 * first is the batch (optimum's order).
 */
function pastAxes(input: ModelInput, fail: (why: string) => GrainError): PastAxis[] {
  const dims = input.dims;
  if (dims.length === 0) throw fail('declares no shape, so Grain cannot build an empty past for it');
  const symbolic = dims.flatMap((d, k) => (typeof d === 'number' && d > 0 ? [] : [k]));
  const named = symbolic.filter((k) => typeof dims[k] === 'string' && PAST_LENGTH_AXIS.test(dims[k] as string));
  let past: number | undefined;
  if (named.length === 1) past = named[0];
  else if (named.length === 0 && symbolic.length === 2) past = symbolic[1];
  else if (named.length === 0 && symbolic.length === 1) past = symbolic[0];
  const batch = symbolic.filter((k) => k !== past);
  const shape = `[${dims.map((d) => d ?? '?').join(', ')}]`;
  if (past === undefined) throw fail(`has shape ${shape}: Grain cannot tell which axis is the past length`);
  if (batch.length > 1) throw fail(`has shape ${shape}: more symbolic axes than the batch and the past length`);
  return dims.map((d, k): PastAxis => (k === past ? 'past' : batch.includes(k) ? 'batch' : (d as number)));
}

/**
 * Right-padded feeds for a batch of id sequences. Padding positions get `padId` and, where
 * the model takes one, attention_mask 0; pasts are empty and use_cache_branch is false.
 */
export function buildFeeds(plan: FeedPlan, batch: readonly Int32Array[], seqLen: number, padId: number): Record<string, ort.Tensor> {
  const feeds: Record<string, ort.Tensor> = {};
  const dims = [batch.length, seqLen];
  for (const input of plan.inputs) {
    if (input.role === 'past') {
      const shape = input.axes.map((a) => (a === 'batch' ? batch.length : a === 'past' ? 0 : a));
      feeds[input.name] = new ort.Tensor(input.type, input.type === 'float16' ? new Uint16Array(0) : new Float32Array(0), shape);
      continue;
    }
    if (input.role === 'use_cache_branch') {
      feeds[input.name] = new ort.Tensor('bool', Uint8Array.of(0), [1]);
      continue;
    }
    const values = input.type === 'int64' ? new BigInt64Array(batch.length * seqLen) : new Int32Array(batch.length * seqLen);
    const set = input.type === 'int64' ? (i: number, v: number) => ((values as BigInt64Array)[i] = BigInt(v)) : (i: number, v: number) => ((values as Int32Array)[i] = v);
    for (let b = 0; b < batch.length; b++) {
      const ids = batch[b];
      const row = b * seqLen;
      for (let p = 0; p < seqLen; p++) {
        const real = p < ids.length;
        switch (input.role) {
          case 'input_ids':
            set(row + p, real ? ids[p] : padId);
            break;
          case 'attention_mask':
            set(row + p, real ? 1 : 0);
            break;
          case 'token_type_ids':
            break;
          case 'position_ids':
            set(row + p, p);
            break;
        }
      }
    }
    feeds[input.name] = new ort.Tensor(input.type, values, dims);
  }
  return feeds;
}
