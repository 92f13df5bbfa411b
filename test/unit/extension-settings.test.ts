// grain.* settings: valid values pass through, unusable ones fall back to defaults and are named.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { DEFAULT_SETTINGS, readSettings } from '../../src/extension/settings';

const config = (values: Record<string, unknown>) => ({ get: <T>(key: string) => values[key] as T | undefined });

test('no settings: the defaults, threads resolved to one per CPU but one', () => {
  const { settings, problems } = readSettings(config({}), 8);
  assert.deepEqual(problems, []);
  assert.deepEqual(settings, { ...DEFAULT_SETTINGS, threads: 7 });
  assert.equal(readSettings(config({}), 1).settings.threads, 1);
  assert.equal(readSettings(config({ threads: 0 }), 2).settings.threads, 1);
});

test('valid settings are used as given', () => {
  const { settings, problems } = readSettings(
    config({ modelPaths: ['/m/a', ' /m/b ', ''], aggregation: 'first', sites: 'all', threads: 3, batchSize: 8, 'decorations.maxFileSize': 1000 }),
    4,
  );
  assert.deepEqual(problems, []);
  assert.deepEqual(settings, { modelPaths: ['/m/a', '/m/b'], aggregation: 'first', sites: 'all', threads: 3, batchSize: 8, decorations: { maxFileSize: 1000 } });
});

test('each unusable value falls back to its default and is named with what it must be', () => {
  const { settings, problems } = readSettings(
    config({ modelPaths: '/m/a', aggregation: 'mean', sites: 'attention', threads: -1, batchSize: 2.5, 'decorations.maxFileSize': 'big' }),
    4,
  );
  assert.deepEqual(settings, { ...DEFAULT_SETTINGS, threads: 3 });
  assert.equal(problems.length, 6);
  assert.match(problems[0]!, /^grain\.modelPaths must be a list of folder paths, got "\/m\/a"; using the default$/);
  assert.match(problems[1]!, /^grain\.aggregation must be one of first, last, average, got "mean"/);
  assert.match(problems[2]!, /^grain\.sites must be one of layers, mlp, all, got "attention"/);
  assert.match(problems[3]!, /^grain\.threads must be an integer from 0 to 256, got -1/);
  assert.match(problems[4]!, /^grain\.batchSize must be an integer from 1 to 4096, got 2\.5/);
  assert.match(problems[5]!, /^grain\.decorations\.maxFileSize must be an integer/);
  assert.match(readSettings(config({ modelPaths: ['/ok', 3] })).problems[0]!, /modelPaths must be a list of folder paths/);
});

test('the defaults match the manifest', async () => {
  const pkg = (await import('../../package.json', { with: { type: 'json' } })).default as {
    contributes: { configuration: { properties: Record<string, { default: unknown; enum?: string[] }> } };
  };
  const props = pkg.contributes.configuration.properties;
  assert.deepEqual(props['grain.modelPaths']!.default, DEFAULT_SETTINGS.modelPaths);
  assert.equal(props['grain.aggregation']!.default, DEFAULT_SETTINGS.aggregation);
  assert.equal(props['grain.sites']!.default, DEFAULT_SETTINGS.sites);
  assert.equal(props['grain.batchSize']!.default, DEFAULT_SETTINGS.batchSize);
  assert.equal(props['grain.threads']!.default, 0);
  assert.equal(props['grain.decorations.maxFileSize']!.default, DEFAULT_SETTINGS.decorations.maxFileSize);
  assert.deepEqual(props['grain.aggregation']!.enum, ['first', 'last', 'average']);
  assert.deepEqual(props['grain.sites']!.enum, ['layers', 'mlp', 'all']);
});
