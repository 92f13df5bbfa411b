// A small element builder: DOM from createElement, attributes and textContent only (nothing from a
// result file is ever parsed as HTML), on a `Document` passed in so tests can use a stand-in.

export type Child = Node | string | null | undefined | false;

export interface Props {
  className?: string;
  text?: string;
  attrs?: Record<string, string | number | boolean | undefined>;
  on?: Record<string, (event: Event) => void>;
}

export function h(doc: Document, tag: string, props: Props = {}, children: Child[] = []): HTMLElement {
  const el = doc.createElement(tag);
  if (props.className) el.className = props.className;
  if (props.attrs) {
    for (const [k, v] of Object.entries(props.attrs)) {
      if (v === undefined || v === false) continue;
      el.setAttribute(k, v === true ? '' : String(v));
    }
  }
  if (props.text !== undefined) el.textContent = props.text;
  for (const c of children) {
    if (c === null || c === undefined || c === false) continue;
    el.append(typeof c === 'string' ? doc.createTextNode(c) : c);
  }
  if (props.on) for (const [type, fn] of Object.entries(props.on)) el.addEventListener(type, fn);
  return el;
}

export function setHidden(el: HTMLElement, hidden: boolean): void {
  if (hidden) el.setAttribute('hidden', '');
  else el.removeAttribute('hidden');
}
