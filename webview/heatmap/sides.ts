// The second model's section of the heat-map view: the selected neuron and its partner in the
// other model, each line of the file as two rows of words coloured by each neuron's z-score over
// the file, or (diff mode) one row coloured by where they disagree, with a keyboard-usable table
// of the words where they disagree most.
import type { SideBySide, SidesView } from '../../src/shared/protocol/heatmap';
import { h } from '../shared/dom';
import { dataTable } from '../shared/table';

export interface SidesActions {
  choose(): void;
  clear(): void;
  diff(on: boolean): void;
  reveal(line: number, character: number): void;
  /** The heat bin of a z-score, as the view's columns colour words. */
  bin(z: number): number;
}

/** Words listed in the diff mode's table. */
export const DISAGREEMENTS = 10;

function signed(v: number, digits = 2): string {
  return `${v >= 0 ? '+' : '−'}${Math.abs(v).toFixed(digits)}`;
}

/** The words where the two neurons disagree most: rows by |diff|, largest first (ties in document order). */
export function disagreements(d: SideBySide, count = DISAGREEMENTS): number[] {
  const rows = d.text.map((_, r) => r).filter((r) => d.computed[r] === 1);
  return rows.sort((a, b) => Math.abs(d.diff[b]) - Math.abs(d.diff[a]) || a - b).slice(0, count);
}

export function sidesSection(doc: Document, sides: SidesView | undefined, note: string, diff: boolean, act: SidesActions): HTMLElement {
  const button = (text: string, title: string, id: string, onClick: () => void) =>
    h(doc, 'vscode-button', { attrs: { secondary: true, id, title }, text, on: { click: onClick } });
  const choose = button(sides && sides.state !== 'off' ? 'Change…' : 'Choose second model…', 'Grain: Choose Second Model... (another seed or checkpoint)', 'choose-second', act.choose);
  if (!sides || sides.state === 'off') {
    return h(doc, 'section', { className: 'sides off', attrs: { 'aria-label': 'Second model' } }, [
      h(doc, 'div', { className: 'sides-bar' }, [h(doc, 'span', { className: 'sides-title', text: 'Second model: none' }), choose]),
    ]);
  }
  const other = sides.state === 'data' ? sides.data.other : sides.other;
  const bar = h(doc, 'div', { className: 'sides-bar' }, [
    h(doc, 'span', { className: 'sides-title' }, ['Second model: ', h(doc, 'strong', { className: 'other-model', text: other })]),
    choose,
    button('Clear', 'Grain: Clear Second Model', 'clear-second', act.clear),
  ]);
  const section = h(doc, 'section', { className: `sides ${sides.state}`, attrs: { 'aria-label': `Second model ${other}`, 'data-state': sides.state } }, [bar]);
  if (sides.state !== 'data') {
    section.append(h(doc, 'p', { className: sides.state === 'error' ? 'sides-error' : 'sides-note', attrs: { role: 'status' }, text: sides.message }));
    return section;
  }
  const d = sides.data;
  const box = h(doc, 'vscode-checkbox', {
    attrs: { id: 'diff-mode', label: 'Diff mode', checked: diff, title: 'Colour the words where the two neurons disagree most' },
    on: { change: (e) => act.diff(Boolean((e.target as HTMLInputElement).checked)) },
  });
  bar.append(box);
  section.append(partnerLine(doc, d));
  if (note) section.append(h(doc, 'p', { className: 'sides-note', attrs: { role: 'status' }, text: note }));
  section.append(diff ? diffRows(doc, d, act) : pairRows(doc, d, act));
  if (diff) section.append(disagreementTable(doc, d, act));
  return section;
}

function partnerLine(doc: Document, d: SideBySide): HTMLElement {
  const source = d.from
    ? `named by ${d.from.file} (r ${signed(d.from.r)} over its ${d.from.rows.toLocaleString('en-US')} words)`
    : `the best |r| of ${d.other}'s neurons on this file`;
  return h(doc, 'p', { className: 'partner' }, [
    h(doc, 'span', { className: 'tag a', text: 'A' }),
    ` ${d.model} `,
    h(doc, 'strong', { className: 'neuron-label', text: d.neuron.label }),
    '  ',
    h(doc, 'span', { className: 'tag b', text: 'B' }),
    ` ${d.other} `,
    h(doc, 'strong', { className: 'partner-label', text: d.partner.label }),
    h(doc, 'span', { className: 'partner-id', text: ` (neuron ${d.partner.id})` }),
    h(doc, 'br'),
    h(doc, 'span', { className: 'partner-r', text: `r ${signed(d.r)}` }),
    ` over ${d.words.toLocaleString('en-US')} words of this file; partner ${source}. Colours: z-scores over this file.`,
  ]);
}

/** Rows of the data grouped by document line, in order. */
function lineGroups(d: SideBySide): { line: number; rows: number[] }[] {
  const groups: { line: number; rows: number[] }[] = [];
  d.text.forEach((_, r) => {
    const last = groups[groups.length - 1];
    if (last && last.line === d.line[r]) last.rows.push(r);
    else groups.push({ line: d.line[r], rows: [r] });
  });
  return groups;
}

function wordRow(doc: Document, d: SideBySide, rows: number[], kind: 'a' | 'b' | 'd', act: SidesActions): HTMLElement {
  const tag = { a: 'A', b: 'B', d: 'Δ' }[kind];
  const name = { a: `${d.model} ${d.neuron.label}`, b: `${d.other} ${d.partner.label}`, d: 'difference of z-scores' }[kind];
  const row = h(doc, 'div', { className: `row ${kind}`, attrs: { 'aria-label': name } }, [h(doc, 'span', { className: `tag ${kind}`, attrs: { title: name }, text: tag })]);
  for (const r of rows) {
    const z = kind === 'a' ? d.z[r] : kind === 'b' ? d.partnerZ[r] : d.diff[r];
    const b = d.computed[r] ? act.bin(z) : 0;
    const title = d.computed[r]
      ? kind === 'd'
        ? `${d.text[r]} · A z ${signed(d.z[r])}, B z ${signed(d.partnerZ[r])}, difference ${signed(d.diff[r])}`
        : `${d.text[r]} · ${name}: ${(kind === 'a' ? d.values[r] : d.partnerValues[r]).toFixed(3)} (z ${signed(z)} over this file)`
      : `${d.text[r]}: not computed (the line is longer than a model accepts)`;
    const word = h(doc, 'span', { className: `w${b > 0 ? ` p${b}` : b < 0 ? ` n${-b}` : ''}${d.computed[r] ? '' : ' missing'}`, text: d.text[r], attrs: { title } });
    word.addEventListener('click', () => act.reveal(d.line[r], d.start[r]));
    row.append(doc.createTextNode(' '), word);
  }
  return row;
}

function pairRows(doc: Document, d: SideBySide, act: SidesActions): HTMLElement {
  return h(
    doc,
    'div',
    { className: 'pairs text' },
    lineGroups(d).map((g) => h(doc, 'div', { className: 'pair', attrs: { 'data-line': g.line } }, [wordRow(doc, d, g.rows, 'a', act), wordRow(doc, d, g.rows, 'b', act)])),
  );
}

function diffRows(doc: Document, d: SideBySide, act: SidesActions): HTMLElement {
  return h(
    doc,
    'div',
    { className: 'pairs text diff' },
    lineGroups(d).map((g) => h(doc, 'div', { className: 'pair', attrs: { 'data-line': g.line } }, [wordRow(doc, d, g.rows, 'd', act)])),
  );
}

function disagreementTable(doc: Document, d: SideBySide, act: SidesActions): HTMLElement {
  const opposite = d.r < 0;
  const table = dataTable<number>(doc, {
    name: 'disagreements',
    caption: `Where they disagree most: |zA ${opposite ? '+' : '−'} zB|${opposite ? ' (B runs opposite to A)' : ''}; Enter goes to the word`,
    columns: [
      { id: 'word', label: 'Word', value: (r) => d.text[r], sortable: false },
      { id: 'line', label: 'Ln', title: 'Line in the file', value: (r) => d.line[r] + 1, numeric: true, sortable: false },
      { id: 'za', label: 'z A', value: (r) => d.z[r], format: (v) => signed(v as number), numeric: true, sortable: false },
      { id: 'zb', label: 'z B', value: (r) => d.partnerZ[r], format: (v) => signed(v as number), numeric: true, sortable: false },
      { id: 'diff', label: 'Δ', title: opposite ? 'zA + zB' : 'zA − zB', value: (r) => d.diff[r], format: (v) => signed(v as number), numeric: true, sortable: false },
    ],
    rows: disagreements(d),
    key: (r) => String(r),
    onActivate: (r) => act.reveal(d.line[r], d.start[r]),
  });
  return h(doc, 'div', { className: 'disagreements' }, [table.element]);
}

export function sidesCss(): string {
  return `
.sides { border-top: 1px solid var(--vscode-widget-border, var(--vscode-contrastBorder, var(--vscode-panel-border))); margin: 8px 0; padding-top: 6px; }
.sides-bar { display: flex; flex-wrap: wrap; gap: 8px; align-items: center; }
.sides-title { color: var(--vscode-foreground); }
.sides .partner { margin: 6px 0; line-height: 1.6; }
.sides .partner-id { color: var(--vscode-descriptionForeground); }
.sides .partner-r { font-weight: 600; font-variant-numeric: tabular-nums; }
.sides-note { color: var(--vscode-descriptionForeground); margin: 6px 0; }
.sides-error { color: var(--vscode-errorForeground); margin: 6px 0; }
.sides .pair { margin: 0 0 6px; padding-left: 4px; border-left: 2px solid var(--vscode-widget-border, var(--vscode-contrastBorder, transparent)); }
.sides .row { line-height: 1.6; }
.sides .tag { display: inline-block; min-width: 1.4em; text-align: center; font-size: 0.85em; border-radius: 2px; margin-right: 2px;
  color: var(--vscode-badge-foreground); background: var(--vscode-badge-background); border: 1px solid var(--vscode-contrastBorder, transparent); }
.sides .disagreements { margin-top: 8px; }
.sides :focus-visible { outline: 1px solid var(--vscode-focusBorder); outline-offset: 1px; }
`;
}
