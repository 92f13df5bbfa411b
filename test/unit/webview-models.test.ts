// The Demo Models webview app on plain Node: a small DOM stand-in (createElement, attributes,
// text, events) and a stubbed VS Code API, fed the real demo models' cards.
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { listDemoModels } from '../../src/extension/demo-models';
import type { HostToModelsView, ModelsViewState, ModelsViewToHost } from '../../src/shared/protocol/models-view';
import { startModelsApp } from '../../webview/models/app';

const MODELS_DIR = join(import.meta.dirname, '..', '..', 'models');
const DEMO_MODELS = ['brown-bert', 'brown-gpt', 'brown-lstm-s1', 'brown-lstm-s2', 'brown-lstm-s3'];

class FakeElement extends EventTarget {
  readonly children: FakeElement[] = [];
  readonly attributes = new Map<string, string>();
  className = '';
  private text = '';

  constructor(readonly tagName: string) {
    super();
  }
  get textContent(): string {
    return this.text + this.children.map((c) => c.textContent).join('');
  }
  set textContent(value: string) {
    this.children.length = 0;
    this.text = value;
  }
  append(...nodes: FakeElement[]): void {
    this.children.push(...nodes);
  }
  replaceChildren(...nodes: FakeElement[]): void {
    this.text = '';
    this.children.splice(0, this.children.length, ...nodes);
  }
  setAttribute(name: string, value: string): void {
    this.attributes.set(name, value);
  }
  getAttribute(name: string): string | null {
    return this.attributes.get(name) ?? null;
  }
  /** Every descendant with this tag, in document order. */
  all(tag: string): FakeElement[] {
    return this.children.flatMap((c) => [...(c.tagName === tag ? [c] : []), ...c.all(tag)]);
  }
  click(): void {
    this.dispatchEvent(new Event('click'));
  }
}

function mount(saved?: ModelsViewState) {
  const posted: ModelsViewToHost[] = [];
  let state = saved;
  const root = new FakeElement('main');
  const messages = new EventTarget();
  startModelsApp({
    api: {
      postMessage: (m) => posted.push(m),
      getState: () => state,
      setState: (s) => (state = s),
    },
    doc: { createElement: (tag: string) => new FakeElement(tag) } as unknown as Document,
    root: root as unknown as HTMLElement,
    messages,
  });
  const send = (msg: HostToModelsView) => messages.dispatchEvent(new MessageEvent('message', { data: msg }));
  const rows = () => root.all('vscode-table-row');
  const cells = (row: FakeElement) => row.all('vscode-table-cell').map((c) => c.textContent);
  return { root, posted, send, rows, cells, state: () => state };
}

function hiddenSizeOf(id: string): number {
  return (JSON.parse(readFileSync(join(MODELS_DIR, id, 'config.json'), 'utf8')) as { hidden_size: number }).hidden_size;
}

test('the app asks the host for the models and shows a placeholder until they come', () => {
  const app = mount();
  assert.deepEqual(app.posted, [{ type: 'ready' }]);
  assert.equal(app.rows().length, 0);
  assert.match(app.root.textContent, /Reading the demo models/);
});

test('the table shows each demo model with the facts of its config.json', () => {
  const app = mount();
  const { models, problems } = listDemoModels(MODELS_DIR);
  assert.deepEqual(problems, []);
  app.send({ type: 'models', models, problems });
  assert.deepEqual(app.rows().map((r) => r.getAttribute('data-model')), DEMO_MODELS);
  for (const row of app.rows()) {
    const id = row.getAttribute('data-model')!;
    const [name, kind, hidden, boundaries] = app.cells(row);
    assert.equal(name, id);
    assert.equal(Number(hidden), hiddenSizeOf(id));
    assert.equal(kind, id.startsWith('brown-lstm') ? 'lstm' : id.replace('brown-', ''));
    assert.equal(boundaries, id.startsWith('brown-lstm') ? 'embeddings, layer1, layer2' : 'embeddings, layer1, layer2, layer3, layer4');
  }
  assert.match(app.root.textContent, /5 models bundled/);
  assert.deepEqual(app.state()?.models.map((m) => m.id), DEMO_MODELS);
});

test('picking a row is remembered in the state and survives a restore and a refresh', () => {
  const app = mount();
  const { models, problems } = listDemoModels(MODELS_DIR);
  app.send({ type: 'models', models, problems });
  app.rows()[1]!.click();
  assert.equal(app.state()?.selected, 'brown-gpt');
  assert.equal(app.rows()[1]!.className, 'selected');

  const restored = mount(app.state());
  // Drawn from the saved state before the host has answered.
  assert.deepEqual(restored.rows().map((r) => r.getAttribute('data-model')), DEMO_MODELS);
  assert.deepEqual(restored.rows().map((r) => r.className), ['', 'selected', '', '', '']);

  restored.send({ type: 'models', models: models.filter((m) => m.id !== 'brown-gpt'), problems });
  assert.equal(restored.state()?.selected, undefined, 'a model that is gone is no longer selected');
  assert.equal(restored.rows().length, 4);
});

test('the Card button asks the host to open that model card', () => {
  const app = mount();
  const { models, problems } = listDemoModels(MODELS_DIR);
  app.send({ type: 'models', models, problems });
  const row = app.rows().find((r) => r.getAttribute('data-model') === 'brown-lstm-s2')!;
  row.all('vscode-button')[0]!.click();
  assert.deepEqual(app.posted.at(-1), { type: 'openModelCard', id: 'brown-lstm-s2' });
});

test('host errors and unusable model folders are shown, not dropped', () => {
  const dir = mkdtempSync(join(tmpdir(), 'grain-models-'));
  try {
    for (const [id, config] of [
      ['good', { architecture: 'lstm', hidden_size: 8, layer_boundaries: ['embeddings', 'layer1'] }],
      ['bad-size', { architecture: 'lstm', hidden_size: -3, layer_boundaries: ['embeddings'] }],
    ] as const) {
      mkdirSync(join(dir, id));
      writeFileSync(join(dir, id, 'model.onnx'), '');
      writeFileSync(join(dir, id, 'config.json'), JSON.stringify(config));
    }
    mkdirSync(join(dir, 'no-card'));
    writeFileSync(join(dir, 'no-card', 'model.onnx'), '');
    mkdirSync(join(dir, 'not-a-model'));

    const found = listDemoModels(dir);
    assert.deepEqual(found.models.map((m) => [m.id, m.hiddenSize]), [['good', 8]]);
    assert.deepEqual(found.problems.map((p) => p.id), ['bad-size', 'no-card']);
    assert.match(found.problems[0]!.message, /bad-size\/config\.json: "hidden_size" must be a positive integer, got -3/);
    assert.match(found.problems[1]!.message, /config\.json is missing/);

    const app = mount();
    app.send({ type: 'models', ...found });
    assert.equal(app.rows().length, 1);
    const problemLines = app.root.children.filter((c) => c.className === 'problem').map((c) => c.textContent);
    assert.equal(problemLines.length, 2);
    assert.match(problemLines[0]!, /^bad-size: .*hidden_size/);

    app.send({ type: 'error', message: 'EACCES: permission denied' });
    assert.equal(app.rows().length, 0);
    assert.match(app.root.textContent, /Cannot read the demo models: EACCES/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
