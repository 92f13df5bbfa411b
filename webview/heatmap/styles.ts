// Styles of the heat-map view. Colours are the theme's: `grain.heat.*` reach the webview as
// --vscode-grain-heat-* variables; a bin k word stacks k translucent layers, as in the editor.
const LEVELS = 5;

function layers(color: string, k: number): string {
  return Array.from({ length: k }, () => `linear-gradient(${color}, ${color})`).join(', ');
}

export function heatmapCss(): string {
  const pos = 'var(--vscode-grain-heat-positive, rgba(224, 96, 64, 0.25))';
  const neg = 'var(--vscode-grain-heat-negative, rgba(64, 128, 224, 0.25))';
  const bins: string[] = [];
  for (let k = 1; k <= LEVELS; k++) {
    bins.push(`.w.p${k} { background: ${layers(pos, k)}; }`);
    bins.push(`.w.n${k} { background: ${layers(neg, k)}; }`);
  }
  return `
body { padding: 0 8px 8px; background: var(--vscode-sideBar-background, var(--vscode-editor-background)); }
.toolbar { display: flex; gap: 12px; align-items: center; margin: 8px 0 4px; }
.toolbar .status { color: var(--vscode-descriptionForeground); }
.picker { display: flex; flex-wrap: wrap; gap: 4px; margin: 4px 0 8px; }
.chip { display: inline-flex; align-items: center; gap: 2px; padding: 1px 4px; border: 1px solid var(--vscode-widget-border, var(--vscode-contrastBorder, transparent)); border-radius: 3px; }
.chip.selected { border-color: var(--vscode-focusBorder); }
.chip button { background: none; border: none; color: var(--vscode-textLink-foreground); cursor: pointer; font: inherit; padding: 0 2px; }
.chip button.unpin { color: var(--vscode-descriptionForeground); }
.columns { display: grid; grid-template-columns: repeat(auto-fit, minmax(120px, 1fr)); gap: 8px; }
.column h2 { font-size: 1em; font-weight: 600; margin: 4px 0; }
.text { font-family: var(--vscode-editor-font-family); font-size: var(--vscode-editor-font-size); line-height: 1.6; }
.line { margin: 0 0 4px; }
.w { border-radius: 2px; padding: 0 1px; cursor: pointer; }
.w.missing { text-decoration: underline dotted; color: var(--vscode-disabledForeground, var(--vscode-descriptionForeground)); }
${bins.join('\n')}
`;
}

export function injectHeatmapStyles(doc: Document): void {
  const style = doc.createElement('style');
  style.textContent = heatmapCss();
  doc.head.append(style);
}
