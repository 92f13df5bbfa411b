// Bundle entry of the heat-map webview view (dist/webview/heatmap.js).
import type { HeatmapState, HeatmapToHost } from '../../src/shared/protocol/heatmap';
import { vscodeApi } from '../vscode-api';
import { startHeatmapApp } from './app';
import '@vscode-elements/elements/dist/vscode-button/index.js';
import '@vscode-elements/elements/dist/vscode-checkbox/index.js';
import { addReportStyles } from '../shared/styles';
import { injectHeatmapStyles } from './styles';
import { sidesCss } from './sides';

const root = document.getElementById('app');
if (!root) throw new Error('the page has no #app element');
injectHeatmapStyles(document);
// The second model's section: its own rules, and the reports' tables for its list of words.
addReportStyles(document);
const sides = document.createElement('style');
sides.textContent = sidesCss();
document.head.append(sides);
startHeatmapApp({ api: vscodeApi<HeatmapState, HeatmapToHost>(), doc: document, root, messages: window });
