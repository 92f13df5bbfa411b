// Accessible data tables: a focusable, scrollable region; sortable headers are real buttons with
// aria-sort on the header cell; rows that do something are focusable and answer Enter and Space.
import { h } from './dom';

export type CellValue = number | string | null;

export interface Column<R> {
  id: string;
  label: string;
  value: (row: R) => CellValue;
  /** Text of a cell; by default numbers as they are and null as an en dash. */
  format?: (value: CellValue, row: R) => string;
  numeric?: boolean;
  /** Header tooltip: what the column means. */
  title?: string;
  sortable?: boolean;
  /** Heat-map shading of a cell, 0..1 (null: none), drawn with the theme's chart colour. */
  heat?: (row: R) => number | null;
}

export interface SortState {
  column: string;
  descending: boolean;
}

export interface TableOptions<R> {
  caption: string;
  columns: Column<R>[];
  rows: R[];
  sort?: SortState;
  onSort?: (sort: SortState) => void;
  /** Identifies a row for highlighting (data-key). */
  key?: (row: R) => string;
  selected?: string | null;
  onActivate?: (row: R) => void;
  /** Name of the table for tests and styles (data-table). */
  name: string;
  /** A CSS colour variable name for heat cells (default --vscode-charts-blue). */
  heatColour?: string;
}

export interface TableHandle {
  element: HTMLElement;
  /** Rows shown now, in order (after sorting). */
  rows(): unknown[];
  setSelected(key: string | null): void;
}

const defaultFormat = (v: CellValue): string => (v === null ? '–' : typeof v === 'number' ? String(v) : v);

export function compareCells(a: CellValue, b: CellValue): number {
  if (a === null || (typeof a === 'number' && Number.isNaN(a))) return b === null ? 0 : 1;
  if (b === null || (typeof b === 'number' && Number.isNaN(b))) return -1;
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  return String(a).localeCompare(String(b), 'en', { numeric: true });
}

export function dataTable<R>(doc: Document, opts: TableOptions<R>): TableHandle {
  let sort = opts.sort && opts.columns.some((c) => c.id === opts.sort!.column) ? opts.sort : undefined;
  let selected = opts.selected ?? null;
  let shown: R[] = [];
  const headRow = h(doc, 'tr');
  const body = h(doc, 'tbody');
  const table = h(doc, 'table', { className: 'data', attrs: { 'data-table': opts.name } }, [
    h(doc, 'caption', { text: opts.caption }),
    h(doc, 'thead', {}, [headRow]),
    body,
  ]);
  const wrap = h(doc, 'div', { className: 'table-wrap', attrs: { tabindex: 0, role: 'region', 'aria-label': opts.caption } }, [table]);

  // Header cells are built once and updated in place, so a sort button keeps the keyboard focus.
  const heads = opts.columns.map((c) => {
    const th = h(doc, 'th', { className: c.numeric ? 'num' : '', attrs: { scope: 'col', title: c.title, 'data-column': c.id } });
    let button: HTMLElement | undefined;
    if (c.sortable === false) {
      th.textContent = c.label;
    } else {
      button = h(doc, 'button', { className: 'sort', attrs: { type: 'button', title: `Sort by ${c.label}` }, on: { click: () => sortBy(c.id) } });
      th.append(button);
    }
    return { c, th, button };
  });
  headRow.append(...heads.map((x) => x.th));
  const renderHead = () => {
    for (const { c, th, button } of heads) {
      if (!button) continue;
      const dir = sort?.column === c.id ? (sort.descending ? 'descending' : 'ascending') : undefined;
      th.setAttribute('aria-sort', dir ?? 'none');
      button.textContent = c.label + (dir === 'ascending' ? ' ▲' : dir === 'descending' ? ' ▼' : '');
    }
  };

  const sortBy = (column: string) => {
    const col = opts.columns.find((c) => c.id === column)!;
    // First click: numbers largest first, text A to Z; again: the other way.
    sort = sort?.column === column ? { column, descending: !sort.descending } : { column, descending: !!col.numeric };
    opts.onSort?.(sort);
    renderHead();
    renderBody();
  };

  const renderBody = () => {
    shown = [...opts.rows];
    if (sort) {
      const col = opts.columns.find((c) => c.id === sort!.column)!;
      const dir = sort.descending ? -1 : 1;
      // Nulls last either way; ties keep the given order.
      shown.sort((a, b) => {
        const va = col.value(a);
        const vb = col.value(b);
        if (va === null || vb === null) return compareCells(va, vb);
        return dir * compareCells(va, vb);
      });
    }
    body.replaceChildren(...shown.map(row));
  };

  const row = (r: R): HTMLElement => {
    const key = opts.key?.(r);
    const tr = h(doc, 'tr', {
      className: key !== undefined && key === selected ? 'selected' : '',
      attrs: { 'data-key': key, tabindex: opts.onActivate ? 0 : undefined, 'aria-selected': opts.onActivate ? String(key === selected) : undefined },
    });
    for (const c of opts.columns) {
      const v = c.value(r);
      const td = h(doc, 'td', { className: c.numeric ? 'num' : '', text: (c.format ?? defaultFormat)(v, r) });
      const heat = c.heat?.(r);
      if (heat !== null && heat !== undefined && Number.isFinite(heat)) {
        const share = Math.round(Math.max(0, Math.min(1, heat)) * 70);
        td.style.background = `color-mix(in srgb, var(${opts.heatColour ?? '--vscode-charts-blue'}) ${share}%, transparent)`;
      }
      tr.append(td);
    }
    if (opts.onActivate) {
      const activate = opts.onActivate;
      tr.addEventListener('click', () => activate(r));
      tr.addEventListener('keydown', (event) => {
        const key = (event as KeyboardEvent).key;
        if (key === 'Enter' || key === ' ') {
          event.preventDefault();
          activate(r);
        }
      });
    }
    return tr;
  };

  renderHead();
  renderBody();
  return {
    element: wrap,
    rows: () => shown,
    setSelected(key) {
      selected = key;
      renderBody();
    },
  };
}
