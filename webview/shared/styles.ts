// The reports' own styles, added once as a <style> element (allowed by the webview CSP's style-src
// 'unsafe-inline'). Theme colours only through --vscode-* variables.
export const REPORT_CSS = `
.report h2 { font-size: 1.15em; font-weight: 600; margin: 24px 0 8px; }
.skip-links { display: flex; flex-wrap: wrap; gap: 4px 14px; margin: 2px 0 8px; font-size: 0.95em; }
.skip-links span { color: var(--vscode-descriptionForeground); }
.skip-links a { color: var(--vscode-textLink-foreground); }
.skip-links a:focus-visible, .report h2:focus-visible { outline: 1px solid var(--vscode-focusBorder); outline-offset: 2px; }
.report h3 { font-size: 1em; font-weight: 600; margin: 0; }
.report .meta { color: var(--vscode-descriptionForeground); margin: 0 0 4px; overflow-wrap: anywhere; }
.headline { display: flex; flex-wrap: wrap; gap: 12px; margin: 12px 0 8px; padding: 0; }
.headline div { border: 1px solid var(--vscode-widget-border, var(--vscode-panel-border)); border-radius: 4px; padding: 8px 12px; min-width: 130px; background: var(--vscode-editorWidget-background); }
.headline dt { color: var(--vscode-descriptionForeground); font-size: 0.9em; }
.headline dd { margin: 2px 0 0; font-size: 1.35em; font-weight: 600; font-variant-numeric: tabular-nums; }
.headline dd small { font-size: 0.65em; font-weight: normal; color: var(--vscode-descriptionForeground); }
.controls { display: flex; flex-wrap: wrap; gap: 16px; align-items: center; margin: 8px 0; }
.controls label { display: inline-flex; gap: 6px; align-items: center; }
.report input[type=search], .report input[type=text], .report select {
  background: var(--vscode-input-background); color: var(--vscode-input-foreground);
  border: 1px solid var(--vscode-input-border, var(--vscode-panel-border)); padding: 3px 6px;
  font-family: inherit; font-size: inherit; border-radius: 2px;
}
.report select { background: var(--vscode-dropdown-background); color: var(--vscode-dropdown-foreground); border-color: var(--vscode-dropdown-border, var(--vscode-panel-border)); }
.report button { font-family: inherit; font-size: inherit; cursor: pointer; }
.report button.action, .figure-head button {
  background: var(--vscode-button-secondaryBackground); color: var(--vscode-button-secondaryForeground);
  border: 1px solid var(--vscode-button-border, transparent); border-radius: 2px; padding: 3px 10px;
}
.report button.action:hover, .figure-head button:hover { background: var(--vscode-button-secondaryHoverBackground); }
.report :focus-visible { outline: 1px solid var(--vscode-focusBorder); outline-offset: 1px; }
.figures { display: grid; grid-template-columns: repeat(auto-fit, minmax(420px, 1fr)); gap: 16px; }
figure.figure { margin: 0; border: 1px solid var(--vscode-widget-border, var(--vscode-panel-border)); border-radius: 4px; padding: 10px; min-width: 0; }
.figure-head { display: flex; justify-content: space-between; align-items: center; gap: 8px; margin-bottom: 6px; }
.figure-tools { display: flex; gap: 12px; align-items: center; }
.figure-tools label { display: inline-flex; gap: 4px; align-items: center; }
.chart-box { position: relative; height: 260px; }
.figure .note { color: var(--vscode-descriptionForeground); font-size: 0.9em; margin: 6px 0 0; }
.table-wrap { overflow: auto; max-height: 480px; border: 1px solid var(--vscode-widget-border, var(--vscode-panel-border)); }
.table-wrap:focus-visible { outline: 1px solid var(--vscode-focusBorder); }
table.data { border-collapse: collapse; width: 100%; font-variant-numeric: tabular-nums; }
table.data caption { text-align: left; padding: 4px 8px; color: var(--vscode-descriptionForeground); caption-side: top; }
table.data th, table.data td { padding: 3px 8px; border-bottom: 1px solid var(--vscode-editorGroup-border, var(--vscode-panel-border)); text-align: left; white-space: nowrap; }
table.data td.wrap { white-space: normal; }
table.data th { position: sticky; top: 0; background: var(--vscode-editor-background); z-index: 1; font-weight: 600; }
table.data .num { text-align: right; }
table.data th button.sort { background: none; border: none; color: inherit; font-weight: 600; padding: 0; text-align: inherit; width: 100%; }
table.data tbody tr[tabindex]:hover { background: var(--vscode-list-hoverBackground); cursor: pointer; }
/* The selected row: a background where the theme has one, and always an edge and an outline, since
   high-contrast themes give list selections no background at all. */
table.data tbody tr.selected {
  background: var(--vscode-list-activeSelectionBackground); color: var(--vscode-list-activeSelectionForeground);
  box-shadow: inset 4px 0 0 var(--vscode-contrastActiveBorder, var(--vscode-focusBorder));
  outline: 2px solid var(--vscode-contrastActiveBorder, transparent); outline-offset: -2px;
}
table.data tbody tr:focus-visible { outline: 1px dashed var(--vscode-focusBorder); outline-offset: -1px; }
table.data tbody tr.selected:focus-visible { outline: 2px dashed var(--vscode-contrastActiveBorder, var(--vscode-focusBorder)); outline-offset: -2px; }
.heat { margin-bottom: 12px; }
.heat table.data { width: auto; min-width: 50%; }
.heat td.num { min-width: 4.5em; }
.report .error { border-left: 3px solid var(--vscode-errorForeground); padding: 8px 12px; background: var(--vscode-inputValidation-errorBackground); color: var(--vscode-foreground); }
.report .error strong { color: var(--vscode-errorForeground); }
.report .count { color: var(--vscode-descriptionForeground); margin-left: 8px; }
`;

export function addReportStyles(doc: Document): void {
  if (!doc.head || doc.getElementById?.('grain-report-css')) return;
  const style = doc.createElement('style');
  style.id = 'grain-report-css';
  style.textContent = REPORT_CSS;
  doc.head.append(style);
}
