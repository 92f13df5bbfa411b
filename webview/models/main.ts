// Bundle entry of the Demo Models webview (dist/webview/models.js).
import '@vscode-elements/elements/dist/vscode-button/index.js';
import '@vscode-elements/elements/dist/vscode-table/index.js';
import '@vscode-elements/elements/dist/vscode-table-body/index.js';
import '@vscode-elements/elements/dist/vscode-table-cell/index.js';
import '@vscode-elements/elements/dist/vscode-table-header/index.js';
import '@vscode-elements/elements/dist/vscode-table-header-cell/index.js';
import '@vscode-elements/elements/dist/vscode-table-row/index.js';
import type { ModelsViewState, ModelsViewToHost } from '../../src/shared/protocol/models-view';
import { vscodeApi } from '../vscode-api';
import { startModelsApp } from './app';

const root = document.getElementById('app');
if (!root) throw new Error('the page has no #app element');
startModelsApp({ api: vscodeApi<ModelsViewState, ModelsViewToHost>(), doc: document, root, messages: window });
