/**
 * Self-contained HTML reports (`grain report`): the same webview apps as in VS Code, inlined with
 * their CSS and the result JSON, a tiny stand-in for acquireVsCodeApi that answers `ready` with the
 * embedded report, and a light theme defining the --vscode-* variables the apps use. One report is
 * one page; several are tabs, each an iframe holding its own page.
 */
import { REPORT_APPS, REPORT_TITLES, type HostToReport, type ReportPayload, type ReportView } from '../shared/protocol/report';
import { ablationPartner, agreementBeside, buildPayload, sameFile, sameTask } from './companions';
import type { AnyResult } from './read';

export interface StaticReport {
  message: Extract<HostToReport, { type: 'report' }>;
}

/** The script of each app bundle and the shared webview CSS. */
export interface StaticAssets {
  script(app: string): string;
  css: string;
}

/** VS Code's Light Modern colours for the variables the report apps and media/webview.css use. */
export const LIGHT_THEME: Record<string, string> = {
  '--vscode-font-family': '-apple-system, BlinkMacSystemFont, "Segoe WPC", "Segoe UI", Ubuntu, "Droid Sans", sans-serif',
  '--vscode-font-size': '13px',
  '--vscode-foreground': '#3b3b3b',
  '--vscode-editor-foreground': '#3b3b3b',
  '--vscode-editor-background': '#ffffff',
  '--vscode-descriptionForeground': '#6f6f6f',
  '--vscode-errorForeground': '#a1260d',
  '--vscode-focusBorder': '#005fb8',
  '--vscode-widget-border': '#e5e5e5',
  '--vscode-panel-border': '#e5e5e5',
  '--vscode-editorGroup-border': '#e5e5e5',
  '--vscode-editorWidget-background': '#f8f8f8',
  '--vscode-input-background': '#ffffff',
  '--vscode-input-foreground': '#3b3b3b',
  '--vscode-input-border': '#cecece',
  '--vscode-dropdown-background': '#ffffff',
  '--vscode-dropdown-foreground': '#3b3b3b',
  '--vscode-dropdown-border': '#cecece',
  '--vscode-button-border': '#0000001a',
  '--vscode-button-secondaryBackground': '#e5e5e5',
  '--vscode-button-secondaryForeground': '#3b3b3b',
  '--vscode-button-secondaryHoverBackground': '#cccccc',
  '--vscode-list-hoverBackground': '#f2f2f2',
  '--vscode-list-activeSelectionBackground': '#e8e8e8',
  '--vscode-list-activeSelectionForeground': '#000000',
  '--vscode-inputValidation-errorBackground': '#f2dede',
  '--vscode-charts-foreground': '#616161',
  '--vscode-charts-lines': 'rgba(97, 97, 97, 0.5)',
  '--vscode-charts-red': '#e51400',
  '--vscode-charts-blue': '#1a85ff',
  '--vscode-charts-yellow': '#bf8803',
  '--vscode-charts-orange': '#d18616',
  '--vscode-charts-green': '#388a34',
  '--vscode-charts-purple': '#652d90',
};

/**
 * The reports a set of result files makes: a probe with the experiments of its task (ranking), a
 * ranking with the experiments that followed it, an agreement file, an ablation with the matching
 * experiments, experiments with subset tables but no ablation as accuracy curves, and each
 * correlation result. Probe and ranking reports compare their ranking with the others given.
 */
export function groupReports(results: AnyResult[]): StaticReport[] {
  const out: StaticReport[] = [];
  const experiments = results.filter((r): r is Extract<AnyResult, { kind: 'experiments' }> => r.kind === 'experiments');
  const usedInRanking = new Set<AnyResult>();
  const usedInAblation = new Set<AnyResult>();
  const add = (view: ReportView, main: AnyResult, companion?: AnyResult) => {
    const report: ReportPayload = buildPayload(view, main, companion);
    // Rankings given together that rank the same activations are compared in each ranking report.
    if (report.view === 'ranking' && !report.agreement) report.agreement = agreementBeside(main, results);
    out.push({ message: { type: 'report', report, main: main.path, companion: companion?.path } });
  };
  for (const r of results) {
    if (r.kind === 'probe') {
      const x = experiments.find((e) => !usedInRanking.has(e) && !e.result.ranking && sameTask(e.result, r.result));
      if (x) usedInRanking.add(x);
      add('ranking', r, x);
    } else if (r.kind === 'ranking') {
      const x = experiments.find((e) => !usedInRanking.has(e) && e.result.ranking !== undefined && sameFile(e.result.ranking.path, r.path));
      if (x) usedInRanking.add(x);
      add('ranking', r, x);
    } else if (r.kind === 'agreement') {
      add('ranking', r);
    } else if (r.kind === 'ablation') {
      // Only the experiments of the task that ordered the curves, never just any of the same model.
      const x = ablationPartner(r, results);
      if (x) usedInAblation.add(x);
      add('ablation', r, x);
    } else if (r.kind === 'correlation') {
      add('correlation', r);
    } else if (r.kind === 'contexts') {
      add('contexts', r);
    }
  }
  for (const x of experiments) {
    if (!usedInRanking.has(x)) add('ranking', x);
    if (!usedInAblation.has(x) && (x.result.subsets || x.result.zeroOut)) add('ablation', x);
  }
  return out;
}

const escapeHtml = (text: string): string => text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

/** JSON that cannot end the <script> element it sits in. */
const scriptJson = (value: unknown): string => JSON.stringify(value).replace(/</g, '\\u003c').replace(/\u2028/g, '\\u2028').replace(/\u2029/g, '\\u2029');

/** A bundle as inline script text: no source-map reference, no `</script` inside. */
const inlineScript = (code: string): string => code.replace(/\n\/\/# sourceMappingURL=\S+\s*$/, '\n').replace(/<\/(script)/gi, '<\\/$1');

const themeCss = (theme: Record<string, string>): string => `:root {\n${Object.entries(theme).map(([k, v]) => `  ${k}: ${v};`).join('\n')}\n}`;

// Answers the app's `ready` with the embedded report; keeps its state for the page's lifetime;
// asks the tab page (if any) to show another report view.
const SHIM = `(function () {
  var message = JSON.parse(document.getElementById('grain-report').textContent);
  var state;
  var api = {
    postMessage: function (m) {
      if (m && m.type === 'ready') setTimeout(function () { window.dispatchEvent(new MessageEvent('message', { data: message })); }, 0);
      if (m && m.type === 'openReport' && window.parent !== window) window.parent.postMessage({ grainShowView: m.view }, '*');
    },
    getState: function () { return state; },
    setState: function (s) { state = s; return s; }
  };
  window.acquireVsCodeApi = function () { return api; };
})();`;

/** The page of one report app (what the webview shows, without VS Code). */
export function reportPage(report: StaticReport, assets: StaticAssets, title: string): string {
  const app = REPORT_APPS[report.message.report.view];
  // Nothing is fetched: scripts and styles are inline, images only data: URLs.
  const csp = "default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; img-src data:";
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="${csp}">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<meta name="generator" content="grain report">
<title>${escapeHtml(title)}</title>
<style>
${themeCss(LIGHT_THEME)}
${assets.css}
</style>
</head>
<body class="vscode-light">
<main id="app" data-app="${app}"></main>
<script type="application/json" id="grain-report">${scriptJson(report.message)}</script>
<script>${SHIM}</script>
<script>${inlineScript(assets.script(app))}</script>
</body>
</html>
`;
}

/** One page for one report; a page of tabs (one iframe per report) for several. */
export function renderStaticReport(reports: StaticReport[], assets: StaticAssets, title = 'Grain report'): string {
  if (reports.length === 0) throw new Error('no reports to render');
  const name = (r: StaticReport) => `${REPORT_TITLES[r.message.report.view]}: ${r.message.main.split(/[\\/]/).at(-1)}`;
  if (reports.length === 1) return reportPage(reports[0]!, assets, `${title}: ${name(reports[0]!)}`);
  const tabs = reports
    .map((r, i) => `<button type="button" role="tab" id="tab-${i}" aria-controls="panel-${i}" aria-selected="${i === 0}" data-view="${r.message.report.view}"${i === 0 ? '' : ' tabindex="-1"'}>${escapeHtml(name(r))}</button>`)
    .join('\n');
  const frames = reports
    .map((r, i) => `<iframe role="tabpanel" id="panel-${i}" aria-labelledby="tab-${i}" title="${escapeHtml(name(r))}" data-view="${r.message.report.view}"${i === 0 ? '' : ' hidden'} srcdoc="${escapeHtml(reportPage(r, assets, name(r)))}"></iframe>`)
    .join('\n');
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="UTF-8">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<meta name="generator" content="grain report">
<title>${escapeHtml(title)}</title>
<style>
${themeCss(LIGHT_THEME)}
html, body { margin: 0; height: 100%; background: var(--vscode-editor-background); color: var(--vscode-foreground); font-family: var(--vscode-font-family); font-size: var(--vscode-font-size); }
body { display: flex; flex-direction: column; }
[role=tablist] { display: flex; gap: 2px; padding: 8px 12px 0; border-bottom: 1px solid var(--vscode-panel-border); }
[role=tab] { font: inherit; color: var(--vscode-descriptionForeground); background: none; border: none; border-bottom: 2px solid transparent; padding: 6px 12px; cursor: pointer; }
[role=tab][aria-selected=true] { color: var(--vscode-foreground); border-bottom-color: var(--vscode-focusBorder); }
[role=tab]:focus-visible { outline: 1px solid var(--vscode-focusBorder); }
iframe { flex: 1; width: 100%; border: 0; }
iframe[hidden] { display: none; }
</style>
</head>
<body class="vscode-light">
<nav role="tablist" aria-label="Reports">
${tabs}
</nav>
${frames}
<script>
(function () {
  var tabs = Array.prototype.slice.call(document.querySelectorAll('[role=tab]'));
  function show(i) {
    tabs.forEach(function (t, j) {
      t.setAttribute('aria-selected', String(i === j));
      t.tabIndex = i === j ? 0 : -1;
      document.getElementById('panel-' + j).hidden = i !== j;
    });
    tabs[i].focus();
  }
  tabs.forEach(function (t, i) {
    t.addEventListener('click', function () { show(i); });
    t.addEventListener('keydown', function (e) {
      if (e.key === 'ArrowRight') show((i + 1) % tabs.length);
      if (e.key === 'ArrowLeft') show((i + tabs.length - 1) % tabs.length);
    });
  });
  window.addEventListener('message', function (e) {
    var view = e.data && e.data.grainShowView;
    var i = tabs.findIndex(function (t) { return t.getAttribute('data-view') === view; });
    if (i >= 0) show(i);
  });
})();
</script>
</body>
</html>
`;
}
