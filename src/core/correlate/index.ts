/**
 * Cross-model correlation analysis: MaxCorr / MinCorr neuron rankings (Bau et al. 2019, as in
 * Dalvi et al. 2019) and linear CKA between layers, from one streaming pass over every model.
 */
import { accumulateCorrelation, type AccumulateOptions, type NamedSource } from './accumulate';
import { linearCka, type CkaMatrix } from './cka';
import { summarizeCorrelation, type ModelCorrelationSummary, type SummaryOptions } from './summary';

export {
  accumulateCorrelation,
  correlationMatrix,
  type AccumulateOptions,
  type NamedSource,
} from './accumulate';
export { linearCka, type CkaMatrix } from './cka';
export { matrixSource, type ActivationSourceLike, type RowChunk } from './source';
export {
  summarizeCorrelation,
  type ModelCorrelationSummary,
  type SummaryOptions,
} from './summary';

export interface CorrelationReport {
  models: string[];
  rows: number;
  neurons: number;
  /** Constant neurons over all models (each model's ids are in its summary). */
  constantNeurons: number;
  perModel: ModelCorrelationSummary[];
  cka: CkaMatrix[];
}

export async function correlateModels(
  inputs: NamedSource[],
  opts: AccumulateOptions & SummaryOptions = {},
): Promise<CorrelationReport> {
  const sums = await accumulateCorrelation(inputs, opts);
  const perModel = summarizeCorrelation(sums, opts);
  return {
    models: sums.names,
    rows: sums.rows,
    neurons: sums.neurons,
    constantNeurons: perModel.reduce((n, m) => n + m.constantNeurons.length, 0),
    perModel,
    cka: opts.cka === false ? [] : linearCka(sums),
  };
}
