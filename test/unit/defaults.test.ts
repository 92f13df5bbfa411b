// One table of analysis defaults (src/shared/defaults.ts): the CLI, the settings and package.json agree with it.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { DEFAULTS } from '../../src/shared/defaults';
import { DEFAULT_SETTINGS, readSettings } from '../../src/extension/settings';
import { extractJobFromArgs } from '../../src/cli/commands/extract';
import { ablateJobFromArgs } from '../../src/cli/commands/ablate';

const manifest = JSON.parse(readFileSync('package.json', 'utf8')) as { contributes: { configuration: { properties: Record<string, { default?: unknown }> } } };
const setting = (key: string) => manifest.contributes.configuration.properties[`grain.${key}`]?.default;

test('package.json setting defaults are the table\'s', () => {
  assert.equal(setting('aggregation'), DEFAULTS.aggregation);
  assert.equal(setting('sites'), DEFAULTS.sites);
  assert.equal(setting('batchSize'), DEFAULTS.batchSize);
  assert.equal(setting('decorations.maxFileSize'), DEFAULTS.decorations.maxFileSize);
});

test('the settings reader falls back to the table\'s defaults', () => {
  const { settings } = readSettings({ get: () => undefined }, 4);
  assert.equal(settings.aggregation, DEFAULTS.aggregation);
  assert.equal(settings.sites, DEFAULTS.sites);
  assert.equal(settings.batchSize, DEFAULTS.batchSize);
  assert.equal(settings.decorations.maxFileSize, DEFAULTS.decorations.maxFileSize);
  assert.equal(DEFAULT_SETTINGS.batchSize, DEFAULTS.batchSize);
});

test('CLI flags left out take the table\'s defaults', () => {
  const extract = extractJobFromArgs(['--model', 'm', '--input', 'i', '--out', 'o.grain']);
  assert.equal(extract.aggregation, DEFAULTS.aggregation);
  assert.equal(extract.sites, DEFAULTS.sites);
  assert.equal(extract.batchSize, DEFAULTS.batchSize);
  const ablate = ablateJobFromArgs(['--model', 'm', '--input', 'i', '--out', 'o.json', '--curve']);
  assert.deepEqual(ablate.curve?.percents, [...DEFAULTS.ablation.percents]);
  assert.equal(ablate.curve?.randomDraws, DEFAULTS.ablation.randomDraws);
});
