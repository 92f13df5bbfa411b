// Starts a report app in its webview page (or in the static HTML of `grain report`): the page's
// #app element, the one VS Code API object, chart.js and the theme's colours.
import type { ReportToHost, ReportView, ReportViewState } from '../../src/shared/protocol/report';
import { vscodeApi } from '../vscode-api';
import { chartJsRenderer } from './chartjs';
import { startReport, type RenderReport } from './report-shell';
import { addReportStyles } from './styles';
import { observeTheme, readPalette } from './theme';

export function bootReport<V extends ReportView>(view: V, render: RenderReport<V>): void {
  const root = document.getElementById('app');
  if (!root) throw new Error('the page has no #app element');
  addReportStyles(document);
  startReport(
    {
      api: vscodeApi<ReportViewState, ReportToHost>(),
      doc: document,
      root,
      messages: window,
      charts: chartJsRenderer,
      palette: () => readPalette(document),
      onThemeChange: (changed) => observeTheme(document, changed),
    },
    view,
    render,
  );
}
