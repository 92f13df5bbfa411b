// The top-contexts report (Neuroscope style): for the selected neuron, the corpus words where it
// fires most and least, each in its sentence as keyword in context (left words, the word
// highlighted, right words), with its activation, z-score and line. Enter or a click opens the
// line in the editor; arrow keys move between rows; another neuron is one keystroke away.
import type { ReportPayload } from '../../src/shared/protocol/report';
import type { ContextList, ContextsResult, NeuronContexts } from '../../src/shared/results';
import { neuronLabel, neuronTitle, parseNeuron } from '../../src/shared/neurons';
import { h, type Child } from '../shared/dom';
import { baseName, fixed, int, signed } from '../shared/format';
import { headline, startReport, type ReportContext, type ReportEnv } from '../shared/report-shell';

type ContextsPayload = Extract<ReportPayload, { view: 'contexts' }>;

const CONTEXT_WORDS = [3, 6, 10, 20];
const DEFAULT_CONTEXT_WORDS = 6;

export const CONTEXTS_CSS = `
table.kwic td.left { text-align: right; }
table.kwic td.left, table.kwic td.right { color: var(--vscode-descriptionForeground); font-family: var(--vscode-editor-font-family); }
table.kwic td.word { text-align: center; font-family: var(--vscode-editor-font-family); }
table.kwic mark { color: var(--vscode-editor-foreground); font-weight: 600; padding: 0 3px; border-radius: 2px; outline: 1px solid var(--vscode-contrastActiveBorder, transparent); }
table.kwic[data-end=top] mark { background: var(--vscode-grain-heat-positive, color-mix(in srgb, var(--vscode-charts-red) 35%, transparent)); }
table.kwic[data-end=bottom] mark { background: var(--vscode-grain-heat-negative, color-mix(in srgb, var(--vscode-charts-blue) 35%, transparent)); }
table.kwic tbody tr:focus-visible mark, table.kwic tbody tr.selected mark { outline-color: var(--vscode-focusBorder); }
.neuron-picker input { width: 12em; }
.neuron-picker .problem { margin-left: 8px; }
.description { font-size: 1.05em; margin: 4px 0 8px; }
`;

export function startContextsApp(env: ReportEnv): void {
  startReport(env, 'contexts', renderContexts);
}

export function renderContexts(report: ContextsPayload, ctx: ReportContext): Child[] {
  const { doc } = ctx;
  const r = report.contexts.result;
  const listed = r.contexts;
  const byNeuron = new Map(listed.map((c) => [c.neuron, c]));
  const initial = [ctx.selectedNeuron, ctx.ui.neuron].find((n): n is number => n !== null && n !== undefined && byNeuron.has(n)) ?? listed[0]?.neuron;
  const section = h(doc, 'section', { attrs: { 'data-neuron-section': '' } });
  const problem = h(doc, 'span', { className: 'problem', attrs: { role: 'status', 'aria-live': 'polite', 'data-problem': '' } });
  let shown: number | undefined;

  const show = (neuron: number | undefined) => {
    shown = neuron;
    const c = neuron === undefined ? undefined : byNeuron.get(neuron);
    input.value = neuron === undefined ? '' : neuronLabel(r.sites, neuron);
    section.replaceChildren(...(c ? neuronSection(r, c, ctx) : [h(doc, 'p', { className: 'subtitle', text: listed.length === 0 ? 'This result lists no neurons.' : 'Type a neuron above.' })]));
  };

  const pick = (text: string) => {
    const at = parseNeuron(text, r.sites);
    if ('error' in at) {
      problem.textContent = at.error;
      return;
    }
    if (!byNeuron.has(at.neuron)) {
      problem.textContent = `${neuronTitle(r.sites, at.neuron)} is not listed in this result (it lists ${int(listed.length)} of ${int(r.neurons)} neurons)`;
      return;
    }
    choose(at.neuron);
  };

  /** A neuron picked here: shown at once, remembered, and made Grain's selected neuron. */
  const choose = (neuron: number) => {
    problem.textContent = '';
    ctx.saveUi({ neuron });
    show(neuron);
    ctx.post({ type: 'selectNeuron', neuron });
  };

  const input = h(doc, 'input', {
    attrs: { type: 'text', 'aria-label': 'Neuron: an id or a site and unit', placeholder: 'layer1:44 or 300', 'data-neuron-input': '', spellcheck: 'false' },
  }) as HTMLInputElement;
  input.addEventListener('keydown', (event) => {
    if ((event as KeyboardEvent).key === 'Enter') {
      event.preventDefault();
      pick(input.value);
    }
  });
  const step = (delta: number) => {
    if (listed.length === 0) return;
    const i = shown === undefined ? -1 : listed.findIndex((c) => c.neuron === shown);
    const next = listed[Math.max(0, Math.min(listed.length - 1, i + delta))]!.neuron;
    if (next !== shown) choose(next);
  };
  const button = (text: string, title: string, action: string, on: () => void) =>
    h(doc, 'button', { className: 'action', text, attrs: { type: 'button', title, 'data-action': action }, on: { click: on } });

  const contextWords = ctx.ui.contextWords ?? DEFAULT_CONTEXT_WORDS;
  const words = h(
    doc,
    'select',
    { attrs: { 'aria-label': 'Words of context on each side', 'data-context-words': '' } },
    CONTEXT_WORDS.map((n) => h(doc, 'option', { text: String(n), attrs: { value: n, selected: n === contextWords } })),
  ) as HTMLSelectElement;
  words.value = String(contextWords);
  words.addEventListener('change', () => {
    ctx.saveUi({ contextWords: Number(words.value) });
    show(shown);
  });

  ctx.onNeuronSelected((n) => {
    if (n !== null && n !== shown && byNeuron.has(n)) {
      problem.textContent = '';
      show(n);
    }
  });

  const files = r.files.length === 1 ? baseName(r.files[0]!) : `${int(r.files.length)} files in ${baseName(r.input)}`;
  const out: Child[] = [
    h(doc, 'h1', { text: `Top contexts: ${baseName(r.model)}` }),
    h(doc, 'p', {
      className: 'meta',
      attrs: { title: r.files.join('\n') },
      text: `${files} · ${int(r.sentenceCount)} sentences · ${int(r.rows)} words · ${r.settings.aggregation} subword · top and bottom ${r.settings.top} of ${int(listed.length)} neurons`,
    }),
    h(doc, 'div', { className: 'controls neuron-picker' }, [
      h(doc, 'label', {}, ['Neuron', input]),
      button('Show', 'Show this neuron\'s contexts (Enter)', 'show', () => pick(input.value)),
      button('‹ Previous', 'The previous neuron', 'previous', () => step(-1)),
      button('Next ›', 'The next neuron', 'next', () => step(1)),
      h(doc, 'label', {}, ['Words of context', words]),
      problem,
    ]),
    section,
  ];
  show(initial);
  return out;
}

function neuronSection(r: ContextsResult, c: NeuronContexts, ctx: ReportContext): HTMLElement[] {
  const { doc } = ctx;
  const where = neuronTitle(r.sites, c.neuron);
  return [
    h(doc, 'h2', { text: where, attrs: { 'data-neuron': c.neuron } }),
    headline(doc, [
      { label: 'Highest', value: fixed(c.top.value[0], 3), detail: c.top.value.length ? `z ${signed(z(c, c.top.value[0]!), 2)}` : undefined },
      { label: 'Lowest', value: fixed(c.bottom.value[0], 3), detail: c.bottom.value.length ? `z ${signed(z(c, c.bottom.value[0]!), 2)}` : undefined },
      { label: 'Corpus mean', value: fixed(c.mean, 3), detail: `std ${fixed(c.std, 3)}`, title: 'Over every word of the corpus; z = (activation - mean) / std' },
    ]),
    h(doc, 'h3', { text: `Where it fires most (${c.top.value.length})` }),
    kwicTable(r, c, c.top, 'top', ctx),
    h(doc, 'h3', { text: `Where it fires least (${c.bottom.value.length})` }),
    kwicTable(r, c, c.bottom, 'bottom', ctx),
  ];
}

const z = (c: NeuronContexts, v: number) => (c.std > 0 ? (v - c.mean) / c.std : 0);

function kwicTable(r: ContextsResult, c: NeuronContexts, list: ContextList, end: 'top' | 'bottom', ctx: ReportContext): HTMLElement {
  const { doc } = ctx;
  const span = ctx.ui.contextWords ?? DEFAULT_CONTEXT_WORDS;
  const rows: HTMLElement[] = [];
  const body = h(doc, 'tbody');
  for (let i = 0; i < list.value.length; i++) {
    const s = r.sentences[list.sentence[i]!]!;
    const w = list.word[i]!;
    const file = r.files[s.file]!;
    const left = s.words.slice(Math.max(0, w - span), w).join(' ');
    const right = s.words.slice(w + 1, w + 1 + span).join(' ');
    const open = () => ctx.post({ type: 'openSource', file: s.file, line: s.line, word: w });
    const tr = h(
      doc,
      'tr',
      {
        attrs: { tabindex: 0, 'data-context': i, 'aria-label': `${s.words[w]} in ${baseName(file)} line ${s.line}, activation ${fixed(list.value[i], 3)}; Enter opens the line` },
        on: {
          click: open,
          keydown: (event) => {
            const key = (event as KeyboardEvent).key;
            if (key === 'Enter' || key === ' ') {
              event.preventDefault();
              open();
            } else if (key === 'ArrowDown' || key === 'ArrowUp') {
              event.preventDefault();
              (rows[i + (key === 'ArrowDown' ? 1 : -1)] as { focus?: () => void } | undefined)?.focus?.();
            }
          },
        },
      },
      [
        h(doc, 'td', { className: 'num', text: String(i + 1) }),
        h(doc, 'td', { className: 'num', text: fixed(list.value[i], 3) }),
        h(doc, 'td', { className: 'num', text: signed(z(c, list.value[i]!), 2) }),
        h(doc, 'td', { className: 'left', text: `${w > span ? '… ' : ''}${left}` }),
        h(doc, 'td', { className: 'word' }, [h(doc, 'mark', { text: s.words[w] })]),
        h(doc, 'td', { className: 'right', text: `${right}${w + 1 + span < s.words.length ? ' …' : ''}` }),
        h(doc, 'td', { text: `${baseName(file)}:${s.line}`, attrs: { title: file } }),
      ],
    );
    rows.push(tr);
  }
  body.append(...rows);
  const head = ['#', 'Activation', 'z', 'Before', 'Word', 'After', 'Line'].map((label, k) =>
    h(doc, 'th', { className: k < 3 ? 'num' : k === 3 ? 'left' : '', text: label, attrs: { scope: 'col' } }),
  );
  const caption = end === 'top' ? 'The words where the neuron is highest, highest first' : 'The words where the neuron is lowest, lowest first';
  return h(doc, 'div', { className: 'table-wrap', attrs: { role: 'region', 'aria-label': caption } }, [
    h(doc, 'table', { className: 'data kwic', attrs: { 'data-table': end, 'data-end': end } }, [
      h(doc, 'caption', { text: `${caption}. Enter or a click opens the line; arrow keys move between rows.` }),
      h(doc, 'thead', {}, [h(doc, 'tr', {}, head)]),
      body,
    ]),
  ]);
}
