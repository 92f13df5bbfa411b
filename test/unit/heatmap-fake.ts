// The heat-map webview app mounted on the fake DOM: what it posts to the host, its saved state,
// and a way to send it the host's messages.
import { startHeatmapApp } from '../../webview/heatmap/app';
import type { HeatmapState, HeatmapToHost, HostToHeatmap } from '../../src/shared/protocol/heatmap';
import { FakeElement, FakeText } from './report-fake-dom';

export function mountHeatmap() {
  const posted: HeatmapToHost[] = [];
  let state: HeatmapState | undefined;
  const root = new FakeElement('main');
  const messages = new EventTarget();
  startHeatmapApp({
    api: { postMessage: (m) => posted.push(m), getState: () => state, setState: (s) => (state = s) },
    doc: { createElement: (tag: string) => new FakeElement(tag), createTextNode: (t: string) => new FakeText(t) } as unknown as Document,
    root: root as unknown as HTMLElement,
    messages,
  });
  const send = (data: HostToHeatmap) => messages.dispatchEvent(new MessageEvent('message', { data }));
  return { root, posted, send, state: () => state };
}
