// One list of command ids (src/extension/commands/ids.ts) and package.json agree.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { COMMAND_IDS } from '../../src/extension/commands/ids';

interface Manifest {
  contributes: { commands: { command: string }[]; menus: Record<string, { command: string }[]>; viewsWelcome: { contents: string }[] };
}
const manifest = JSON.parse(readFileSync('package.json', 'utf8')) as Manifest;

test('package.json contributes exactly the registry\'s command ids', () => {
  assert.deepEqual(manifest.contributes.commands.map((c) => c.command).sort(), [...COMMAND_IDS].sort());
});

test('every menu entry, welcome link and hover link names a registered command', () => {
  const ids = new Set<string>(COMMAND_IDS);
  for (const [menu, entries] of Object.entries(manifest.contributes.menus)) {
    for (const e of entries) assert.ok(ids.has(e.command), `${menu}: ${e.command}`);
  }
  for (const w of manifest.contributes.viewsWelcome) {
    for (const m of w.contents.matchAll(/\(command:(grain\.[A-Za-z]+)/g)) assert.ok(ids.has(m[1]), `welcome link ${m[1]}`);
  }
  const hover = readFileSync('src/extension/editor/hover.ts', 'utf8');
  for (const m of hover.matchAll(/'(grain\.[A-Za-z]+)'/g)) assert.ok(ids.has(m[1]), `hover link ${m[1]}`);
});
