// A DOM stand-in for the report apps on plain Node (what webview/shared/dom.ts and the apps use:
// elements, text nodes, attributes, style, value/checked, events), a recording chart renderer and a
// stubbed VS Code API. Shared by the report-*.test.ts files.
import type { ChartHandle, ChartRenderer, ChartSpec, Palette } from '../../webview/shared/chart-spec';
import type { ReportEnv } from '../../webview/shared/report-shell';
import type { HostToReport, ReportToHost, ReportViewState } from '../../src/shared/protocol/report';

export class FakeText {
  parent?: FakeElement;
  constructor(public textContent: string) {}
}

export class FakeElement extends EventTarget {
  readonly children: (FakeElement | FakeText)[] = [];
  readonly attributes = new Map<string, string>();
  readonly style: Record<string, string> = {};
  parent?: FakeElement;
  className = '';
  id = '';
  value = '';
  checked = false;

  constructor(readonly tagName: string) {
    super();
  }
  get textContent(): string {
    return this.children.map((c) => c.textContent).join('');
  }
  set textContent(value: string) {
    this.children.length = 0;
    if (value !== '') this.append(new FakeText(value));
  }
  append(...nodes: (FakeElement | FakeText)[]): void {
    for (const n of nodes) {
      n.parent = this;
      this.children.push(n);
    }
  }
  replaceChildren(...nodes: (FakeElement | FakeText)[]): void {
    this.children.length = 0;
    this.append(...nodes);
  }
  replaceWith(node: FakeElement): void {
    const p = this.parent;
    if (!p) return;
    p.children.splice(p.children.indexOf(this), 1, node);
    node.parent = p;
  }
  remove(): void {
    const p = this.parent;
    if (p) p.children.splice(p.children.indexOf(this), 1);
  }
  setAttribute(name: string, value: string): void {
    this.attributes.set(name, value);
  }
  getAttribute(name: string): string | null {
    return this.attributes.get(name) ?? null;
  }
  hasAttribute(name: string): boolean {
    return this.attributes.has(name);
  }
  removeAttribute(name: string): void {
    this.attributes.delete(name);
  }
  /** Every descendant element matching, in document order. */
  all(match: string | ((e: FakeElement) => boolean)): FakeElement[] {
    const test = typeof match === 'string' ? (e: FakeElement) => e.tagName === match : match;
    return this.children.flatMap((c) => (c instanceof FakeElement ? [...(test(c) ? [c] : []), ...c.all(test)] : []));
  }
  /** The first descendant with this attribute (and value, if given). */
  withAttr(name: string, value?: string): FakeElement | undefined {
    return this.all((e) => e.hasAttribute(name) && (value === undefined || e.getAttribute(name) === value))[0];
  }
  click(): void {
    this.dispatchEvent(new Event('click'));
  }
  /** Hidden by itself or an ancestor. */
  get isHidden(): boolean {
    return this.hasAttribute('hidden') || (this.parent?.isHidden ?? false);
  }
}

export const FAKE_PALETTE: Palette = {
  foreground: 'rgb(0, 0, 0)',
  grid: 'rgba(0, 0, 0, 0.35)',
  colours: { blue: 'rgb(0, 0, 255)', red: 'rgb(255, 0, 0)', green: 'rgb(0, 128, 0)', yellow: 'rgb(200, 200, 0)', orange: 'rgb(255, 128, 0)', purple: 'rgb(128, 0, 128)', foreground: 'rgb(0, 0, 0)' },
  translucent: { blue: 'rgba(0, 0, 255, 0.25)', red: 'rgba(255, 0, 0, 0.25)', green: 'rgba(0, 128, 0, 0.25)', yellow: 'rgba(200, 200, 0, 0.25)', orange: 'rgba(255, 128, 0, 0.25)', purple: 'rgba(128, 0, 128, 0.25)', foreground: 'rgba(0, 0, 0, 0.25)' },
};

export interface Mounted {
  root: FakeElement;
  posted: ReportToHost[];
  /** Charts drawn and alive now (destroyed ones are dropped). */
  charts: { spec: ChartSpec; canvas: FakeElement; updates: number }[];
  send(msg: HostToReport): void;
  state(): ReportViewState | undefined;
  themeChanged(): void;
  table(name: string): FakeElement;
  /** Cell texts of a table's body rows. */
  rows(name: string): string[][];
  header(name: string): string[];
  figure(id: string): FakeElement;
}

export function mountReport(start: (env: ReportEnv) => void, saved?: ReportViewState): Mounted {
  const posted: ReportToHost[] = [];
  let state = saved;
  const root = new FakeElement('main');
  const messages = new EventTarget();
  let theme: (() => void) | undefined;
  const charts: Mounted['charts'] = [];
  const renderer: ChartRenderer = {
    draw(canvas, spec): ChartHandle {
      const entry = { spec, canvas: canvas as unknown as FakeElement, updates: 0 };
      charts.push(entry);
      return {
        update: (next) => {
          entry.spec = next;
          entry.updates++;
        },
        destroy: () => charts.splice(charts.indexOf(entry), 1),
      };
    },
  };
  start({
    api: { postMessage: (m) => posted.push(m), getState: () => state, setState: (s) => (state = s) },
    doc: { createElement: (tag: string) => new FakeElement(tag), createTextNode: (t: string) => new FakeText(t) } as unknown as Document,
    root: root as unknown as HTMLElement,
    messages,
    charts: renderer,
    palette: () => FAKE_PALETTE,
    onThemeChange: (fn) => (theme = fn),
  });
  const table = (name: string) => {
    const t = root.withAttr('data-table', name);
    if (!t) throw new Error(`no table ${name}; tables: ${root.all('table').map((x) => x.getAttribute('data-table')).join(', ')}`);
    return t;
  };
  return {
    root,
    posted,
    charts,
    send: (msg) => messages.dispatchEvent(new MessageEvent('message', { data: msg })),
    state: () => state,
    themeChanged: () => theme?.(),
    table,
    rows: (name) => table(name).all('tbody')[0]!.all('tr').map((tr) => tr.all('td').map((td) => td.textContent)),
    header: (name) => table(name).all('th').map((th) => th.textContent.replace(/ [▲▼]$/, '')),
    figure: (id) => {
      const f = root.withAttr('data-figure', id);
      if (!f) throw new Error(`no figure ${id}`);
      return f;
    },
  };
}
