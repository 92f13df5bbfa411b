// The Demo Models webview: a table of the bundled models' card facts. Builds its DOM with
// createElement and textContent only (nothing from the host is parsed as HTML), and takes its
// document, message source and VS Code API as arguments so a unit test can drive it.
import type { HostToModelsView, ModelFacts, ModelProblem, ModelsViewState, ModelsViewToHost } from '../../src/shared/protocol/models-view';
import type { VsCodeApi } from '../vscode-api';

export interface ModelsAppEnv {
  api: VsCodeApi<ModelsViewState, ModelsViewToHost>;
  doc: Document;
  root: HTMLElement;
  /** Where the host's messages arrive: `window` in the webview. */
  messages: EventTarget;
}

const COLUMNS = ['Model', 'Kind', 'Hidden size', 'Layer boundaries', 'Parameters', 'Inputs', ''];

export function startModelsApp(env: ModelsAppEnv): void {
  const { api, doc, root, messages } = env;
  let state = api.getState();

  const el = <K extends string>(tag: K, text?: string, className?: string): HTMLElement => {
    const node = doc.createElement(tag);
    if (text !== undefined) node.textContent = text;
    if (className) node.className = className;
    return node;
  };

  const render = () => {
    if (!state) {
      root.replaceChildren(el('p', 'Reading the demo models…', 'subtitle'));
      return;
    }
    const { models, problems } = state;
    const title = el('h1', 'Demo models');
    const subtitle = el(
      'p',
      `${models.length} ${models.length === 1 ? 'model' : 'models'} bundled with Grain, as described by each model's config.json.`,
      'subtitle',
    );
    root.replaceChildren(title, subtitle, table(models), ...problems.map(problemLine));
  };

  const table = (models: ModelFacts[]): HTMLElement => {
    const t = el('vscode-table');
    t.setAttribute('zebra', '');
    t.setAttribute('bordered-columns', '');
    t.setAttribute('resizable', '');
    t.setAttribute('columns', JSON.stringify(['16%', '8%', '10%', '30%', '12%', '16%', '8%']));
    const header = el('vscode-table-header');
    header.setAttribute('slot', 'header');
    header.append(...COLUMNS.map((c) => el('vscode-table-header-cell', c)));
    const body = el('vscode-table-body');
    body.setAttribute('slot', 'body');
    body.append(...models.map(row));
    t.append(header, body);
    return t;
  };

  const row = (m: ModelFacts): HTMLElement => {
    const r = el('vscode-table-row', undefined, m.id === state?.selected ? 'selected' : undefined);
    r.setAttribute('data-model', m.id);
    const card = el('vscode-button', 'Card');
    card.setAttribute('secondary', '');
    card.setAttribute('title', `Open the model card of ${m.name}`);
    card.addEventListener('click', (event) => {
      event.stopPropagation();
      api.postMessage({ type: 'openModelCard', id: m.id });
    });
    const cardCell = el('vscode-table-cell');
    cardCell.append(card);
    r.append(
      el('vscode-table-cell', m.name),
      el('vscode-table-cell', m.kind),
      el('vscode-table-cell', String(m.hiddenSize), 'num'),
      el('vscode-table-cell', m.layerBoundaries.join(', ')),
      el('vscode-table-cell', m.parameters === undefined ? '' : m.parameters.toLocaleString('en-US'), 'num'),
      el('vscode-table-cell', m.graphInputs?.join(', ') ?? ''),
      cardCell,
    );
    r.addEventListener('click', () => select(m.id));
    return r;
  };

  const problemLine = (p: ModelProblem): HTMLElement => el('p', `${p.id}: ${p.message}`, 'problem');

  const select = (id: string) => {
    if (!state) return;
    state = { ...state, selected: id };
    api.setState(state);
    render();
  };

  messages.addEventListener('message', (event) => {
    const msg = (event as MessageEvent<HostToModelsView>).data;
    switch (msg.type) {
      case 'models': {
        const selected = msg.models.some((m) => m.id === state?.selected) ? state?.selected : undefined;
        state = { models: msg.models, problems: msg.problems, ...(selected ? { selected } : {}) };
        api.setState(state);
        render();
        return;
      }
      case 'error':
        root.replaceChildren(el('h1', 'Demo models'), el('p', `Cannot read the demo models: ${msg.message}`, 'error'));
        return;
    }
  });

  // A restored panel shows its saved table at once; the host's answer to `ready` refreshes it.
  render();
  api.postMessage({ type: 'ready' });
}
