// Neuron ids as users type them, and which folders are models.
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync, copyFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { locateNeuron, neuronLabel, parseNeuron } from '../../src/extension/commands/neuron-ref';
import { checkModelFolder, knownModels } from '../../src/extension/commands/model-folder';
import { formatHostDelay, measureHostDelay } from '../../src/extension/commands/host-delay';

const MODELS = join(import.meta.dirname, '..', '..', 'models');
const SITES = [
  { name: 'embeddings', width: 256 },
  { name: 'layer1', width: 256 },
  { name: 'layer2', width: 256 },
];
const root = mkdtempSync(join(tmpdir(), 'grain-ext-'));
after(() => rmSync(root, { recursive: true, force: true }));

test('global ids map to site and unit', () => {
  assert.deepEqual(locateNeuron(SITES, 0), { neuron: 0, site: 'embeddings', unit: 0 });
  assert.deepEqual(locateNeuron(SITES, 273), { neuron: 273, site: 'layer1', unit: 17 });
  assert.deepEqual(locateNeuron(SITES, 767), { neuron: 767, site: 'layer2', unit: 255 });
  assert.equal(locateNeuron(SITES, 768), undefined);
  assert.equal(locateNeuron(SITES, -1), undefined);
  assert.equal(neuronLabel(locateNeuron(SITES, 273)!), 'neuron 273 · layer1:17');
});

test('typed neurons: an id, n-prefixed, or site:unit; errors say what is wrong', () => {
  assert.deepEqual(parseNeuron(' 273 ', SITES), { neuron: 273, site: 'layer1', unit: 17 });
  assert.deepEqual(parseNeuron('n17', SITES), { neuron: 17, site: 'embeddings', unit: 17 });
  assert.deepEqual(parseNeuron('layer1:17', SITES), { neuron: 273, site: 'layer1', unit: 17 });
  assert.deepEqual(parseNeuron('layer2 : 0', SITES), { neuron: 512, site: 'layer2', unit: 0 });
  assert.deepEqual(parseNeuron('800', SITES), { error: 'neuron 800 does not exist: the ranking has neurons 0 to 767' });
  assert.deepEqual(parseNeuron('layer1:256', SITES), { error: 'layer1 has units 0 to 255; 256 is past its end' });
  assert.deepEqual(parseNeuron('layer9:1', SITES), { error: 'no site "layer9"; the ranking has embeddings, layer1, layer2' });
  assert.deepEqual(parseNeuron('seventeen', SITES), { error: '"seventeen" is not a neuron: type an id (17) or a site and unit (layer1:17)' });
});

test('a model folder needs model.onnx, tokenizer.json and config.json; the message names what is missing', () => {
  const empty = join(root, 'empty');
  mkdirSync(empty);
  assert.deepEqual(checkModelFolder(empty), {
    error: `${empty} is not a model folder: model.onnx, tokenizer.json, config.json are missing (a model folder holds model.onnx, tokenizer.json, config.json)`,
  });
  const half = join(root, 'half');
  mkdirSync(half);
  writeFileSync(join(half, 'model.onnx'), '');
  writeFileSync(join(half, 'tokenizer.json'), '{}');
  assert.match((checkModelFolder(half) as { error: string }).error, /: config\.json is missing \(a model folder holds/);
  writeFileSync(join(half, 'config.json'), '{"architecture": "lstm"}');
  assert.match((checkModelFolder(half) as { error: string }).error, /half\/config\.json: "hidden_size" must be a positive integer/);
  assert.match((checkModelFolder(join(root, 'nowhere')) as { error: string }).error, /nowhere is not a folder$/);
  const ok = checkModelFolder(join(MODELS, 'brown-gpt'));
  assert.ok('facts' in ok);
  assert.equal(ok.facts.kind, 'gpt');
  assert.equal(ok.facts.hiddenSize, 256);
});

test('known models: the demo models, then grain.modelPaths folders (checked, duplicates skipped)', () => {
  const mine = join(root, 'my-lstm');
  mkdirSync(mine);
  for (const f of ['model.onnx', 'tokenizer.json', 'config.json']) copyFileSync(join(MODELS, 'brown-lstm-s2', f), join(mine, f));
  const models = knownModels(MODELS, [mine, join(root, 'empty'), join(MODELS, 'brown-gpt')]);
  assert.deepEqual(models.map((m) => [m.id, m.source, m.facts?.kind ?? 'problem']), [
    ['brown-bert', 'demo', 'bert'],
    ['brown-gpt', 'demo', 'gpt'],
    ['brown-lstm-s1', 'demo', 'lstm'],
    ['brown-lstm-s2', 'demo', 'lstm'],
    ['brown-lstm-s3', 'demo', 'lstm'],
    ['my-lstm', 'setting', 'lstm'],
    ['empty', 'setting', 'problem'],
  ]);
  assert.match(models[6]!.problem!, /model\.onnx, tokenizer\.json, config\.json are missing/);
});

test('host delay: a 120 ms block on this thread shows in the figures, with the thread running', async () => {
  const { value, delay } = await measureHostDelay(async () => {
    await new Promise((r) => setTimeout(r, 50));
    const until = performance.now() + 120;
    while (performance.now() < until) {
      // busy: the event loop is blocked
    }
    await new Promise((r) => setTimeout(r, 50));
    return 7;
  });
  assert.equal(value, 7);
  assert.ok(delay.maxMs >= 100, `max ${delay.maxMs}`);
  // CPU time, not wall time: on a busy machine the loop is descheduled part of the 120 ms.
  if (delay.maxRunMs !== undefined) assert.ok(delay.maxRunMs >= 30, `ran ${delay.maxRunMs}`);
  assert.match(formatHostDelay(delay), /^host event-loop delay p99\/max during the job: [\d.]+\/[\d.]+ ms \(\d+ samples\).*; load average [\d.]+ on \d+ CPUs$/);
});
