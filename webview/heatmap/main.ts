// Bundle entry of the heat-map webview view (dist/webview/heatmap.js).
import type { HeatmapState, HeatmapToHost } from '../../src/shared/protocol/heatmap';
import { vscodeApi } from '../vscode-api';
import { startHeatmapApp } from './app';
import { injectHeatmapStyles } from './styles';

const root = document.getElementById('app');
if (!root) throw new Error('the page has no #app element');
injectHeatmapStyles(document);
startHeatmapApp({ api: vscodeApi<HeatmapState, HeatmapToHost>(), doc: document, root, messages: window });
