/**
 * Messages between the extension host (or the static-HTML shim of `grain report`) and the report
 * webviews, typed on both ends. One app per report view; each gets its results as one `report`
 * payload after it says `ready`. Only plain JSON travels.
 */
import type { AgreementData, AnyAblationResult, ContextsResult, CorrelationResult, ExperimentsResult, ProbeResult, RankingResult } from '../results';

/** The report views and their apps (dist/webview/<app>.js). */
export type ReportView = 'ranking' | 'ablation' | 'correlation' | 'contexts';

export const REPORT_APPS: Record<ReportView, string> = {
  ranking: 'report-ranking',
  ablation: 'report-ablation',
  correlation: 'report-correlation',
  contexts: 'report-contexts',
};

/** viewType of each report's WebviewPanel (shared by the host and its serializer). */
export const REPORT_VIEW_TYPES: Record<ReportView, string> = {
  ranking: 'grain.report.ranking',
  ablation: 'grain.report.ablation',
  correlation: 'grain.report.correlation',
  contexts: 'grain.report.contexts',
};

export const REPORT_TITLES: Record<ReportView, string> = {
  ranking: 'Ranked neurons',
  ablation: 'Ablation curves',
  correlation: 'Cross-model correlation',
  contexts: 'Top contexts',
};

/** A result and the file it was read from (as the user would name it). */
export interface Loaded<T> {
  path: string;
  result: T;
}

/** What one report draws; every view needs at least one of its results. */
export type ReportPayload =
  | {
      view: 'ranking';
      probe?: Loaded<ProbeResult>;
      experiments?: Loaded<ExperimentsResult>;
      ranking?: Loaded<RankingResult>;
      /** How the shown ranking agrees with other rankings of the same activations (beside it, or an agreement file's). */
      agreement?: AgreementData & { path?: string };
    }
  /** `note`: why the curves are drawn without the experiments' probe accuracies (src/results/companions.ts). */
  | { view: 'ablation'; ablation?: Loaded<AnyAblationResult>; experiments?: Loaded<ExperimentsResult>; note?: string }
  | { view: 'correlation'; correlation: Loaded<CorrelationResult> }
  /** Every listed neuron's contexts; the page shows the selected neuron's. */
  | { view: 'contexts'; contexts: Loaded<ContextsResult> };

/** Host -> report webview. */
export type HostToReport =
  | { type: 'report'; report: ReportPayload; main: string; companion?: string }
  /** The result file(s) could not be used: shown in the panel instead of a blank page. */
  | { type: 'error'; view: ReportView; path?: string; message: string }
  /** The neuron selected anywhere in Grain (null: none), highlighted in the ranking table. */
  | { type: 'neuronSelected'; neuron: number | null };

/** Report webview -> host. */
export type ReportToHost =
  /** Sent once the script runs; the host answers with `report` or `error`. */
  | { type: 'ready' }
  /** The user picked a neuron (id in the result's activations). */
  | { type: 'selectNeuron'; neuron: number }
  /** Open another report view on a file of this one (e.g. the accuracy curves of an experiments result). */
  | { type: 'openReport'; view: ReportView; path: string }
  /** Contexts: open the corpus file `files[file]` of the shown result at a 1-based line, with word `word` (0-based) selected. */
  | { type: 'openSource'; file: number; line: number; word: number };

/**
 * What a report keeps with getState/setState: the files it shows (the host re-reads them after a
 * reload) and how the user left it. The results themselves are not kept.
 */
export interface ReportViewState {
  view: ReportView;
  /** The file the report was opened on. */
  path?: string;
  /** A second result shown with it (experiments with a probe or an ablation). */
  companion?: string;
  ui?: ReportUiState;
}

export interface ReportUiState {
  sort?: { column: string; descending: boolean };
  filter?: string;
  /** Ranking: the class whose weights the table shows first. */
  classIndex?: number;
  /** Figure ids whose table fallback is shown instead of the chart. */
  tables?: string[];
  /** Ablation: loss as perplexity instead of mean NLL. */
  perplexity?: boolean;
  /** Ablation (representation): mean squared change instead of mean 1 - cosine. */
  squaredChange?: boolean;
  /** Correlation: the model shown. */
  model?: number;
  /** Contexts: words of context shown on each side of the highlighted word. */
  contextWords?: number;
  /** Contexts: the neuron last picked in the page (the one Grain selects wins when it is listed). */
  neuron?: number;
  /** Ranking: the site whose agreement curves are shown ('' or absent: all neurons). */
  agreementSite?: string;
}
