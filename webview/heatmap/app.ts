// The heat-map view: the open file's words coloured by each chosen neuron, one column per
// neuron side by side. DOM from createElement/textContent only; document, message source and
// API come in as arguments so a test can drive it.
import type { HeatmapData, HeatmapState, HeatmapToHost, HostToHeatmap } from '../../src/shared/protocol/heatmap';
import type { VsCodeApi } from '../vscode-api';
import { sidesSection } from './sides';

export interface HeatmapAppEnv {
  api: VsCodeApi<HeatmapState, HeatmapToHost>;
  doc: Document;
  root: HTMLElement;
  messages: EventTarget;
}

const EDGES = [0.5, 1, 1.5, 2, 3];

/** Signed bin of a z-score, as the editor decorations use. */
export function bin(z: number): number {
  const a = Math.abs(z);
  if (!(a >= EDGES[0])) return 0;
  let k = 0;
  while (k < EDGES.length && a >= EDGES[k]) k++;
  return z < 0 ? -k : k;
}

export function startHeatmapApp(env: HeatmapAppEnv): void {
  const { api, doc, root, messages } = env;
  let state: HeatmapState = api.getState() ?? { subword: false, hidden: [] };
  let status = '';
  /** What the host is doing for the second model while its last rows stay shown. */
  let sidesNote = '';

  const el = (tag: string, text?: string, className?: string): HTMLElement => {
    const node = doc.createElement(tag);
    if (text !== undefined) node.textContent = text;
    if (className) node.className = className;
    return node;
  };
  const save = () => api.setState(state);

  /** The toolbar; `withStatus` only over data (without data the status is the page's one line). */
  const toolbar = (withStatus = true): HTMLElement => {
    const bar = el('div', undefined, 'toolbar');
    const label = el('label', undefined, 'toggle');
    const box = doc.createElement('input');
    box.type = 'checkbox';
    box.id = 'subword';
    box.checked = state.subword;
    box.addEventListener('change', () => {
      state = { ...state, subword: box.checked };
      save();
      status = 'Computing…';
      render();
      api.postMessage({ type: 'subword', subword: box.checked });
    });
    label.append(box, doc.createTextNode(' Subword pieces'));
    bar.append(label);
    if (status && withStatus) {
      const live = el('span', status, 'status');
      live.setAttribute('role', 'status');
      bar.append(live);
    }
    return bar;
  };

  const picker = (data: HeatmapData): HTMLElement => {
    const row = el('div', undefined, 'picker');
    for (const n of data.neurons) {
      const chip = el('span', undefined, `chip${n.selected ? ' selected' : ''}`);
      chip.setAttribute('data-neuron', String(n.id));
      const box = doc.createElement('input');
      box.type = 'checkbox';
      box.checked = !state.hidden.includes(n.id);
      box.title = 'Show this neuron in a column';
      box.addEventListener('change', () => {
        const hidden = state.hidden.filter((x) => x !== n.id);
        state = { ...state, hidden: box.checked ? hidden : [...hidden, n.id] };
        save();
        render();
      });
      const name = el('button', `${n.label}${n.selected ? ' (selected)' : ''}`, 'name');
      name.title = n.selected ? 'The neuron colouring the editor' : 'Colour the editor by this neuron';
      name.addEventListener('click', () => api.postMessage({ type: 'show', neuron: n.id }));
      const contexts = el('button', 'contexts', 'contexts');
      contexts.title = `Top contexts of ${n.label}: the corpus sentences where it fires most and least`;
      contexts.setAttribute('aria-label', `Top contexts of ${n.label}`);
      contexts.addEventListener('click', () => api.postMessage({ type: 'contexts', neuron: n.id }));
      chip.append(box, name, contexts);
      if (n.pinned) {
        const unpin = el('button', '×', 'unpin');
        unpin.title = 'Unpin';
        unpin.addEventListener('click', () => api.postMessage({ type: 'unpin', neuron: n.id }));
        chip.append(unpin);
      }
      row.append(chip);
    }
    return row;
  };

  const column = (data: HeatmapData, j: number): HTMLElement => {
    const n = data.neurons[j];
    const col = el('section', undefined, 'column');
    col.setAttribute('data-neuron', String(n.id));
    col.append(el('h2', n.label));
    const text = el('div', undefined, 'text');
    let lineEl: HTMLElement | undefined;
    let current = -1;
    for (let r = 0; r < data.text.length; r++) {
      if (data.line[r] !== current) {
        current = data.line[r];
        lineEl = el('div', undefined, 'line');
        lineEl.setAttribute('data-line', String(current));
        text.append(lineEl);
      }
      const z = data.z[j][r];
      const b = data.computed[r] ? bin(z) : 0;
      const word = el('span', data.text[r], `w${b > 0 ? ` p${b}` : b < 0 ? ` n${-b}` : ''}${data.computed[r] ? '' : ' missing'}`);
      word.title = data.computed[r]
        ? `${data.text[r]} · ${n.label}: ${data.values[j][r].toFixed(3)} (z ${z >= 0 ? '+' : ''}${z.toFixed(2)})`
        : `${data.text[r]}: not computed (the line is longer than the model accepts)`;
      const line = data.line[r];
      const character = data.start[r];
      word.addEventListener('click', () => api.postMessage({ type: 'reveal', line, character }));
      lineEl!.append(word, doc.createTextNode(' '));
    }
    col.append(text);
    return col;
  };

  const sides = (): HTMLElement =>
    sidesSection(doc, state.sides, sidesNote, state.diff ?? false, {
      choose: () => api.postMessage({ type: 'chooseSecond' }),
      clear: () => api.postMessage({ type: 'clearSecond' }),
      diff: (on) => {
        state = { ...state, diff: on };
        save();
        render();
        doc.getElementById?.('diff-mode')?.focus?.();
      },
      reveal: (line, character) => api.postMessage({ type: 'reveal', line, character }),
      bin,
    });

  const render = () => {
    const data = state.data;
    if (!data) {
      const message = el('p', status || 'Open a text file and select a neuron.', 'subtitle');
      message.setAttribute('role', 'status');
      root.replaceChildren(toolbar(false), message, sides());
      return;
    }
    const title = el('p', `${data.file} · ${data.model}${data.subword ? ' · subword pieces' : ''}`, 'subtitle');
    const more = data.shownLines < data.totalLines ? [el('p', `First ${data.shownLines} of ${data.totalLines} lines.`, 'subtitle')] : [];
    const grid = el('div', undefined, 'columns');
    data.neurons.forEach((n, j) => {
      if (!state.hidden.includes(n.id)) grid.append(column(data, j));
    });
    root.replaceChildren(toolbar(), title, picker(data), sides(), grid, ...more);
  };

  messages.addEventListener('message', (event) => {
    const msg = (event as MessageEvent<HostToHeatmap>).data;
    switch (msg.type) {
      case 'data':
        status = '';
        state = { ...state, data: msg.data, subword: msg.data.subword };
        save();
        break;
      case 'empty':
        status = msg.message;
        state = { ...state, data: undefined };
        save();
        break;
      case 'busy':
        status = 'Computing…';
        break;
      case 'sides': {
        // Rows of the same second model stay up while new ones are computed.
        const shown = state.sides;
        if (msg.sides.state === 'waiting' && shown?.state === 'data' && shown.data.other === msg.sides.other) {
          sidesNote = msg.sides.message;
        } else {
          sidesNote = '';
          state = { ...state, sides: msg.sides };
          save();
        }
        break;
      }
      case 'error':
        status = `Error: ${msg.message}`;
        break;
    }
    render();
  });

  render();
  api.postMessage({ type: 'ready', subword: state.subword });
}
