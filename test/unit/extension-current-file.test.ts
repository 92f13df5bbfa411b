// Which editor the "current file" commands (Extract Activations for Current File, Show Probe
// Errors, Probe This Concept, ablation's text) act on: the Output panel's log, active while the
// panel has focus, is never it (an E2E run once extracted the Grain log instead of notes.txt).
import '../helpers/vscode/register';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, beforeEach, test } from 'node:test';
import * as vscode from 'vscode';
import { fake } from '../helpers/vscode/control';
import { currentFileEditor } from '../../src/extension/editor/documents';

const ws = mkdtempSync(join(tmpdir(), 'grain-current-file-'));
after(() => rmSync(ws, { recursive: true, force: true }));
beforeEach(() => fake.reset({ workspaceFolders: [ws] }));

test('the active editor when it is a file', async () => {
  writeFileSync(join(ws, 'notes.txt'), 'The jury said it did find that the election was conducted .\n');
  const editor = await fake.openEditor(join(ws, 'notes.txt'));
  assert.equal(currentFileEditor(), editor);
});

test('with the Output panel focused, the file in the editor area, not the log', async () => {
  writeFileSync(join(ws, 'notes.txt'), 'one line\n');
  const file = await fake.openEditor(join(ws, 'notes.txt'));
  const log = fake.focusOutputPanel('grain-dev.Grain', '2026-12-06 22:38:23.452 [info] extracted 259 words\n');
  assert.equal(vscode.window.activeTextEditor, log, 'the stand-in makes the log active, as VS Code does');
  assert.equal(currentFileEditor(), file);
});

test('nothing when only the log is open', () => {
  fake.focusOutputPanel('grain-dev.Grain', 'log\n');
  assert.equal(currentFileEditor(), undefined);
});
