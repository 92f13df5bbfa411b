// The results store lists `.grain/*.json` by kind (big files sniffed from their first bytes),
// names what is wrong with files it cannot use, and deletes only inside its folder.
import assert from 'node:assert/strict';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { ResultsStore } from '../../src/extension/results-store';
import { headerFields } from '../../src/results/read';

const FIXTURES = join(import.meta.dirname, '..', 'fixtures', 'results');
const root = mkdtempSync(join(tmpdir(), 'grain-store-'));
after(() => rmSync(root, { recursive: true, force: true }));

function storeWith(files: Record<string, string>): ResultsStore {
  const dir = mkdtempSync(join(root, 'g-'));
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
  return new ResultsStore(dir, true);
}

test('a missing folder lists nothing', () => {
  assert.deepEqual(new ResultsStore(join(root, 'nope'), true).list(), { results: [], unreadable: [] });
});

test('the real result fixtures are listed by kind, with models and data, newest first', () => {
  const store = storeWith({});
  const t = Date.now() / 1000;
  ['probe-lstm-upos', 'experiments-lstm-upos', 'correlation-lstm', 'ablation-lstm'].forEach((name, i) => {
    const to = join(store.dir, `${name}.json`);
    copyFileSync(join(FIXTURES, `${name}.json`), to);
    utimesSync(to, t - i * 60, t - i * 60);
  });
  const { results, unreadable } = store.list();
  assert.deepEqual(unreadable, []);
  assert.deepEqual(results.map((r) => [r.name, r.kind]), [
    ['probe-lstm-upos', 'probe'],
    ['experiments-lstm-upos', 'experiments'],
    ['correlation-lstm', 'correlation'],
    ['ablation-lstm', 'ablation'],
  ]);
  for (const r of results) {
    const full = JSON.parse(readFileSync(r.path, 'utf8')) as { createdAt: string; source?: { model?: string }; model?: string; models?: string[] };
    assert.equal(r.createdAt, full.createdAt, r.name);
    const expected = full.models ?? [full.source?.model ?? full.model];
    assert.deepEqual(r.models, expected, `${r.name}: models`);
  }
  const probe = JSON.parse(readFileSync(join(FIXTURES, 'probe-lstm-upos.json'), 'utf8')) as { data: { train: string; test: string } };
  assert.deepEqual(results[0]!.data, [probe.data.train, probe.data.test]);
});

test('files that are not results are listed as unreadable with the reason; other files are ignored', () => {
  const store = storeWith({
    'broken.json': '{"schema": "grain.probe", ',
    'other.json': '{"name": "not grain"}',
    'future.json': JSON.stringify({ schema: 'grain.probe', version: 99 }),
    'notes.txt': 'hello',
    '.hidden.json': '{}',
  });
  mkdirSync(join(store.dir, 'activations'));
  const { results, unreadable } = store.list();
  assert.deepEqual(results, []);
  assert.deepEqual(unreadable.map((u) => u.name), ['broken', 'future', 'other']);
  assert.match(unreadable[0]!.error, /^is not valid JSON/);
  assert.match(unreadable[1]!.error, /result version 99; this Grain reads versions 1-2/);
  assert.match(unreadable[2]!.error, /not a Grain result/);
});

test('a big result is sniffed from its first bytes', () => {
  const big = { schema: 'grain.ablation', version: 1, createdAt: '2026-01-02T03:04:05.000Z', grain: '0.1.0', model: '/m/brown-gpt', input: '/x.txt', pad: 'x'.repeat(200_000) };
  const store = storeWith({ 'ablation-big.json': JSON.stringify(big) });
  const [r] = store.list().results;
  assert.equal(r!.kind, 'ablation');
  assert.equal(r!.createdAt, big.createdAt);
  assert.deepEqual(r!.models, ['/m/brown-gpt']);
  assert.deepEqual(headerFields('{"schema":"grain.correlation","version":1,"models":["/a","/b"],"sites":[{"na'), {
    schema: 'grain.correlation',
    version: 1,
    models: ['/a', '/b'],
  });
});

test('read checks the schema and names the file; delete stays inside the folder and notifies', async () => {
  const store = storeWith({ 'bad.json': '{"a": 1}' });
  copyFileSync(join(FIXTURES, 'probe-lstm-upos.json'), join(store.dir, 'p.json'));
  const read = store.read(join(store.dir, 'p.json'));
  assert.equal(read.kind, 'probe');
  assert.ok(read.kind === 'probe' && read.result.classes.length > 1);
  assert.equal(store.read(join(store.dir, 'p.json')), read, 'parsed once while the file is unchanged');
  assert.throws(() => store.read(join(store.dir, 'bad.json')), /bad\.json: not a Grain result/);
  let changes = 0;
  const sub = store.onDidChange(() => changes++);
  await assert.rejects(store.delete(join(store.dir, '..', 'elsewhere.json')), /is not inside .*Grain deletes only its own saved results/);
  await store.delete(join(store.dir, 'p.json'));
  assert.equal(existsSync(join(store.dir, 'p.json')), false);
  assert.equal(changes, 1);
  sub.dispose();
  store.notifyChanged();
  assert.equal(changes, 1);
});

test('newPath stamps the time and never reuses a name; activations are listed', () => {
  const store = storeWith({});
  const now = new Date(2026, 0, 2, 3, 4, 5);
  const a = store.newPath('probe-brown lstm/s1', now);
  assert.equal(a, join(store.dir, 'probe-brown-lstm-s1-20260102-030405.json'));
  writeFileSync(a, '{}');
  assert.equal(store.newPath('probe-brown lstm/s1', now), join(store.dir, 'probe-brown-lstm-s1-20260102-030405-2.json'));
  store.ensureDir();
  writeFileSync(join(store.activationsDir, 'demo-brown-lstm-s1.grain'), 'x'.repeat(10));
  writeFileSync(join(store.activationsDir, 'partial.grain.tmp-1'), 'x');
  assert.deepEqual(store.listActivations().map((f) => [f.name, f.size]), [['demo-brown-lstm-s1.grain', 10]]);
});
