// Accessible data tables: sortable headers are real buttons with aria-sort on the header cell; rows
// that do something answer Enter and Space. Each table is one Tab stop (roving tabindex): arrows,
// Home/End and PageUp/PageDown move between its rows and header buttons.
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
  let rowEls: HTMLElement[] = [];
  const interactive = !!opts.onActivate;
  const headRow = h(doc, 'tr');
  const body = h(doc, 'tbody');
  const table = h(doc, 'table', { className: 'data', attrs: { 'data-table': opts.name } }, [
    h(doc, 'caption', { text: opts.caption }),
    h(doc, 'thead', {}, [headRow]),
    body,
  ]);
  const wrap = h(doc, 'div', { className: 'table-wrap', attrs: { role: 'region', 'aria-label': opts.caption } }, [table]);

  // Header cells are built once and updated in place, so a sort button keeps the keyboard focus.
  const heads = opts.columns.map((c) => {
    const th = h(doc, 'th', { className: c.numeric ? 'num' : '', attrs: { scope: 'col', title: c.title, 'data-column': c.id } });
    let button: HTMLElement | undefined;
    if (c.sortable === false) {
      th.textContent = c.label;
    } else {
      button = h(doc, 'button', { className: 'sort', attrs: { type: 'button', title: `Sort by ${c.label}`, tabindex: -1 }, on: { click: () => sortBy(c.id) } });
      th.append(button);
    }
    return { c, th, button };
  });
  headRow.append(...heads.map((x) => x.th));
  const buttons = heads.flatMap((x) => (x.button ? [x.button] : []));
  const renderHead = () => {
    for (const { c, th, button } of heads) {
      if (!button) continue;
      const dir = sort?.column === c.id ? (sort.descending ? 'descending' : 'ascending') : undefined;
      th.setAttribute('aria-sort', dir ?? 'none');
      button.textContent = c.label + (dir === 'ascending' ? ' ▲' : dir === 'descending' ? ' ▼' : '');
    }
  };

  // ---- One Tab stop per table (roving tabindex): the sort buttons and, when rows do something,
  // the rows; arrows, Home/End and PageUp/PageDown move between them. A table with neither is a
  // focusable region, so it can still be scrolled from the keyboard.
  let stop: HTMLElement | undefined;
  const setStop = (el: HTMLElement | undefined) => {
    if (stop && stop !== el) stop.setAttribute('tabindex', '-1');
    stop = el;
    if (el) el.setAttribute('tabindex', '0');
    if (!el) wrap.setAttribute('tabindex', '0');
    else wrap.removeAttribute('tabindex');
  };
  const focusOn = (el: HTMLElement | undefined) => {
    if (!el) return;
    setStop(el);
    const f = el as HTMLElement & { focus?: (o?: FocusOptions) => void; scrollIntoView?: (o?: ScrollIntoViewOptions) => void };
    f.focus?.({ preventScroll: true });
    f.scrollIntoView?.({ block: 'nearest' });
  };
  const hasFocus = (els: HTMLElement[]) => {
    const active = (doc as Document & { activeElement?: Element | null }).activeElement;
    return !!active && els.includes(active as HTMLElement);
  };
  /** Rows in one page of the scrolled region (at least one). */
  const pageRows = () => {
    const rowHeight = rowEls[0]?.offsetHeight ?? 0;
    const height = (wrap as HTMLElement & { clientHeight?: number }).clientHeight ?? 0;
    return rowHeight > 0 && height > 0 ? Math.max(1, Math.floor(height / rowHeight) - 2) : 10;
  };
  const scrollBy = (rows: number) => {
    const rowHeight = rowEls[0]?.offsetHeight || 20;
    wrap.scrollTop = Math.max(0, (wrap.scrollTop ?? 0) + rows * rowHeight);
  };
  const onButtonKey = (event: Event, i: number) => {
    const key = (event as KeyboardEvent).key;
    const to = (el: HTMLElement | undefined) => {
      event.preventDefault();
      focusOn(el);
    };
    if (key === 'ArrowRight') to(buttons[Math.min(buttons.length - 1, i + 1)]);
    else if (key === 'ArrowLeft') to(buttons[Math.max(0, i - 1)]);
    else if (key === 'ArrowDown' && interactive && rowEls.length > 0) to(rowEls[0]);
    else if (!interactive && ['ArrowDown', 'ArrowUp', 'PageDown', 'PageUp', 'Home', 'End'].includes(key)) {
      event.preventDefault();
      const page = pageRows();
      const rows = { ArrowDown: 1, ArrowUp: -1, PageDown: page, PageUp: -page, Home: -Infinity, End: Infinity }[key] ?? 0;
      if (rows === -Infinity) wrap.scrollTop = 0;
      else if (rows === Infinity) wrap.scrollTop = wrap.scrollHeight ?? 0;
      else scrollBy(rows);
    }
  };
  buttons.forEach((b, i) => b.addEventListener('keydown', (event) => onButtonKey(event, i)));
  const onRowKey = (event: Event, tr: HTMLElement) => {
    const key = (event as KeyboardEvent).key;
    const i = rowEls.indexOf(tr);
    if (i < 0) return;
    const last = rowEls.length - 1;
    const target: Record<string, () => HTMLElement | undefined> = {
      ArrowDown: () => rowEls[Math.min(last, i + 1)],
      ArrowUp: () => (i === 0 ? (buttons[0] ?? rowEls[0]) : rowEls[i - 1]),
      Home: () => rowEls[0],
      End: () => rowEls[last],
      PageDown: () => rowEls[Math.min(last, i + pageRows())],
      PageUp: () => rowEls[Math.max(0, i - pageRows())],
    };
    if (!(key in target)) return;
    event.preventDefault();
    focusOn(target[key]!());
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
    const focusedKey = hasFocus(rowEls) && stop ? stop.getAttribute('data-key') : null;
    const stopKey = stop && rowEls.includes(stop) ? stop.getAttribute('data-key') : null;
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
    rowEls = shown.map(row);
    body.replaceChildren(...rowEls);
    if (!interactive) {
      if (!stop || !buttons.includes(stop)) setStop(buttons[0]);
      return;
    }
    const byKey = (key: string | null) => (key === null ? undefined : rowEls.find((tr) => tr.getAttribute('data-key') === key));
    const next = byKey(focusedKey) ?? (stop && buttons.includes(stop) ? stop : undefined) ?? byKey(stopKey) ?? byKey(selected) ?? rowEls[0] ?? buttons[0];
    if (focusedKey !== null && next) focusOn(next);
    else setStop(next);
  };

  const row = (r: R): HTMLElement => {
    const key = opts.key?.(r);
    const tr = h(doc, 'tr', {
      className: key !== undefined && key === selected ? 'selected' : '',
      attrs: { 'data-key': key, tabindex: interactive ? -1 : undefined, 'aria-selected': interactive ? String(key === selected) : undefined },
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
      tr.addEventListener('click', () => {
        setStop(tr);
        activate(r);
      });
      tr.addEventListener('keydown', (event) => {
        const key = (event as KeyboardEvent).key;
        if (key === 'Enter' || key === ' ') {
          event.preventDefault();
          activate(r);
        } else onRowKey(event, tr);
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
      // In place: the rows keep their focus.
      for (const tr of rowEls) {
        const on = key !== null && tr.getAttribute('data-key') === key;
        tr.className = on ? 'selected' : '';
        if (interactive) tr.setAttribute('aria-selected', String(on));
      }
      const chosen = key === null ? undefined : rowEls.find((tr) => tr.getAttribute('data-key') === key);
      // The Tab stop follows the selection unless the keyboard is in the table now.
      if (chosen && !hasFocus([...rowEls, ...buttons])) setStop(chosen);
    },
  };
}
