// Restricted Mode: the workspace's own grain.modelPaths, read from its settings file so the Models
// view can show those folders as needing trust instead of dropping them.
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { resolveModelPaths, untrustedModels, type KnownModel } from '../../src/extension/known-models';
import { stripJsonc, workspaceModelPaths } from '../../src/extension/workspace-settings';

const ws = mkdtempSync(join(tmpdir(), 'grain-ws-settings-'));
after(() => rmSync(ws, { recursive: true, force: true }));

test('settings with comments and trailing commas are read; strings keep their slashes', () => {
  assert.deepEqual(JSON.parse(stripJsonc('{\n  // models\n  "a": "x//y", /* b */ "b": [1, 2,],\n}')), { a: 'x//y', b: [1, 2] });
  assert.deepEqual(workspaceModelPaths(ws), []);
  mkdirSync(join(ws, '.vscode'));
  writeFileSync(join(ws, '.vscode', 'settings.json'), '{\n  // my models\n  "grain.modelPaths": ["my-models/bert", " /abs/gpt ", "", 3],\n}\n');
  assert.deepEqual(workspaceModelPaths(ws), ['my-models/bert', '/abs/gpt']);
  writeFileSync(join(ws, '.vscode', 'settings.json'), '{ not json');
  assert.deepEqual(workspaceModelPaths(ws), []);
});

test('folders the workspace lists show as needing trust, once, and not when already listed', () => {
  const listed = [{ id: 'gpt', folder: '/abs/gpt', source: 'setting' }] as KnownModel[];
  const rows = untrustedModels(resolveModelPaths(['my-models/bert', '/abs/gpt', './my-models/bert'], '/ws'), listed);
  assert.deepEqual(rows, [{ id: 'bert', folder: '/ws/my-models/bert', source: 'untrusted', entry: 'my-models/bert' }]);
});
