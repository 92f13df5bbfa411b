import { ort } from './ort';
import { GrainError } from '../errors';

import type { ModelInput } from '../onnx';

type Role = Exclude<ModelInput['role'], 'other'>;

export interface FeedPlan {
  inputs: { name: string; role: Role; type: 'int64' | 'int32' }[];
  takesAttentionMask: boolean;
}

export function planFeeds(inputs: ModelInput[], modelPath: string): FeedPlan {
  const planned: FeedPlan['inputs'] = [];
  const unknown: string[] = [];
  for (const input of inputs) {
    const role = input.role;
    if (role === 'other') {
      unknown.push(input.name);
      continue;
    }
    if (input.type !== 'int64' && input.type !== 'int32') {
      throw new GrainError(`input '${input.name}' has element type ${input.type}; Grain feeds it as int64 or int32`, { file: modelPath });
    }
    planned.push({ name: input.name, role, type: input.type });
  }
  if (unknown.length > 0) {
    throw new GrainError(
      `the model takes input(s) Grain cannot fill: ${unknown.join(', ')}. Grain feeds input_ids, attention_mask, token_type_ids and position_ids; ` +
        'export the model without past key values or other extra inputs (for optimum: a plain decoder or encoder export, not "-with-past" or merged decoders)',
      { file: modelPath },
    );
  }
  if (!planned.some((p) => p.role === 'input_ids')) {
    throw new GrainError(`the model has no 'input_ids' input (inputs: ${inputs.map((i) => i.name).join(', ') || 'none'})`, { file: modelPath });
  }
  return { inputs: planned, takesAttentionMask: planned.some((p) => p.role === 'attention_mask') };
}

/**
 * Right-padded feeds for a batch of id sequences. Padding positions get `padId` and, where
 * the model takes one, attention_mask 0.
 */
export function buildFeeds(plan: FeedPlan, batch: readonly Int32Array[], seqLen: number, padId: number): Record<string, ort.Tensor> {
  const feeds: Record<string, ort.Tensor> = {};
  const size = batch.length * seqLen;
  const dims = [batch.length, seqLen];
  for (const input of plan.inputs) {
    const values = new Float64Array(size);
    for (let b = 0; b < batch.length; b++) {
      const ids = batch[b];
      const row = b * seqLen;
      for (let p = 0; p < seqLen; p++) {
        const real = p < ids.length;
        switch (input.role) {
          case 'input_ids':
            values[row + p] = real ? ids[p] : padId;
            break;
          case 'attention_mask':
            values[row + p] = real ? 1 : 0;
            break;
          case 'token_type_ids':
            values[row + p] = 0;
            break;
          case 'position_ids':
            values[row + p] = p;
            break;
        }
      }
    }
    feeds[input.name] =
      input.type === 'int64'
        ? new ort.Tensor('int64', BigInt64Array.from(values, (v) => BigInt(v)), dims)
        : new ort.Tensor('int32', Int32Array.from(values), dims);
  }
  return feeds;
}
