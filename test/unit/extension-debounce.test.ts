// The editor's per-document debounce: a burst runs once, after its last call; cancel and dispose run nothing.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { KeyedDebounce } from '../../src/extension/editor/debounce';

test('a burst for one key runs only its last call, once, after the delay; other keys run on their own', (t) => {
  t.mock.timers.enable({ apis: ['setTimeout'] });
  const d = new KeyedDebounce();
  const ran: string[] = [];
  d.schedule('a', 100, () => ran.push('a1'));
  t.mock.timers.tick(60);
  d.schedule('a', 100, () => ran.push('a2'));
  d.schedule('b', 30, () => ran.push('b'));
  t.mock.timers.tick(60);
  assert.deepEqual(ran, ['b']);
  t.mock.timers.tick(39);
  assert.deepEqual(ran, ['b']);
  t.mock.timers.tick(1);
  assert.deepEqual(ran, ['b', 'a2']);
  t.mock.timers.tick(1000);
  assert.deepEqual(ran, ['b', 'a2']);
});

test('cancel drops a key\'s pending call; dispose drops them all', (t) => {
  t.mock.timers.enable({ apis: ['setTimeout'] });
  const d = new KeyedDebounce();
  const ran: string[] = [];
  d.schedule('a', 10, () => ran.push('a'));
  d.schedule('b', 10, () => ran.push('b'));
  d.cancel('a');
  t.mock.timers.tick(10);
  assert.deepEqual(ran, ['b']);
  d.schedule('a', 10, () => ran.push('a'));
  d.schedule('c', 10, () => ran.push('c'));
  d.dispose();
  t.mock.timers.tick(100);
  assert.deepEqual(ran, ['b']);
});
