// The second model's section of the heat-map view, driven on the DOM stand-in: the choose and
// clear controls, both rows of words in the heat bins, diff mode with its table of the words where
// the two neurons disagree most, and rows that stay up while new ones are computed.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { bin } from '../../webview/heatmap/app';
import type { SideBySide } from '../../src/shared/protocol/heatmap';
import type { FakeElement } from './report-fake-dom';
import { mountHeatmap } from './heatmap-fake';

function mount() {
  const app = mountHeatmap();
  const section = () => app.root.all((e) => e.tagName === 'section' && e.className.startsWith('sides'))[0];
  return { ...app, section };
}

const byClass = (el: FakeElement, cls: string) => el.all((e) => e.className.split(' ').includes(cls));
/** The rows of words of one kind: a (the neuron), b (its partner), d (their difference). */
const rowsOf = (el: FakeElement, kind: string) => byClass(el, 'row').filter((r) => r.className.split(' ').includes(kind));

// Two lines; the partner runs opposite (r < 0), so the difference is zA + zB.
const DATA: SideBySide = {
  model: 'brown-lstm-s1',
  other: 'brown-lstm-s2',
  neuron: { id: 719, label: 'layer2:207' },
  partner: { id: 541, label: 'layer2:29' },
  r: -0.9931,
  words: 5,
  line: [0, 0, 0, 2, 2],
  start: [0, 4, 9, 0, 3],
  text: ['The', 'jury', 'said', 'It', 'did'],
  computed: [1, 1, 1, 1, 1],
  values: [0.1, 0.2, 0.3, 0.4, 0.5],
  partnerValues: [-0.1, -0.2, -0.3, -0.4, -0.5],
  z: [0.2, -1.2, 2.5, 0.6, -0.4],
  partnerZ: [-0.1, 1.3, -0.5, 1.4, 0.1],
  diff: [0.1, 0.1, 2.0, 2.0, -0.3],
};

test('without a second model the section offers to choose one', () => {
  const app = mount();
  app.send({ type: 'sides', sides: { state: 'off' } });
  const s = app.section();
  assert.ok(s && s.className.includes('off'));
  assert.match(s.textContent, /Second model: none/);
  const choose = s.withAttr('id', 'choose-second')!;
  assert.equal(choose.tagName, 'vscode-button');
  choose.click();
  assert.deepEqual(app.posted.at(-1), { type: 'chooseSecond' });
});

test('both rows of words in the heat bins, the partner and r; diff mode lists where they disagree most', () => {
  const app = mount();
  app.send({ type: 'sides', sides: { state: 'data', data: DATA } });
  const s = app.section();
  assert.equal(s.getAttribute('data-state'), 'data');
  assert.equal(byClass(s, 'other-model')[0].textContent, 'brown-lstm-s2');
  assert.equal(byClass(s, 'partner-label')[0].textContent, 'layer2:29');
  assert.equal(byClass(s, 'partner-id')[0].textContent, ' (neuron 541)');
  assert.equal(byClass(s, 'partner-r')[0].textContent, 'r −0.99');
  assert.match(byClass(s, 'partner')[0].textContent, /over 5 words of this file; partner the best \|r\| of brown-lstm-s2's neurons on this file/);
  assert.equal(byClass(s, 'pair').length, 2, 'one pair of rows per line');
  const classes = (row: string) => rowsOf(s, row).flatMap((r) => byClass(r, 'w')).map((w) => w.className);
  const expectClass = (z: number) => {
    const b = bin(z);
    return `w${b > 0 ? ` p${b}` : b < 0 ? ` n${-b}` : ''}`;
  };
  assert.deepEqual(classes('a'), DATA.z.map(expectClass));
  assert.deepEqual(classes('b'), DATA.partnerZ.map(expectClass));
  assert.deepEqual(classes('b'), ['w', 'w p2', 'w n1', 'w p2', 'w']);

  // Diff mode: one row per line coloured by the difference, and the table, largest |difference| first (ties in order).
  const box = s.withAttr('id', 'diff-mode')!;
  box.checked = true;
  box.dispatchEvent(new Event('change'));
  assert.equal(app.state()?.diff, true);
  const d = app.section();
  assert.equal(rowsOf(d, 'a').length, 0);
  assert.deepEqual(rowsOf(d, 'd').flatMap((r) => byClass(r, 'w')).map((w) => w.className), ['w', 'w', 'w p4', 'w p4', 'w']);
  const table = d.withAttr('data-table', 'disagreements')!;
  assert.match(table.all('caption')[0].textContent, /\|zA \+ zB\| \(B runs opposite to A\)/);
  const rows = table.all('tbody')[0].all('tr');
  assert.deepEqual(
    rows.map((tr) => tr.all('td').map((td) => td.textContent)),
    [
      ['said', '1', '+2.50', '−0.50', '+2.00'],
      ['It', '3', '+0.60', '+1.40', '+2.00'],
      ['did', '3', '−0.40', '+0.10', '−0.30'],
      ['The', '1', '+0.20', '−0.10', '+0.10'],
      ['jury', '1', '−1.20', '+1.30', '+0.10'],
    ],
  );
  rows[1].click();
  assert.deepEqual(app.posted.at(-1), { type: 'reveal', line: 2, character: 0 });
  rows[0].dispatchEvent(Object.assign(new Event('keydown'), { key: 'Enter' }));
  assert.deepEqual(app.posted.at(-1), { type: 'reveal', line: 0, character: 9 });
  d.withAttr('id', 'clear-second')!.click();
  assert.deepEqual(app.posted.at(-1), { type: 'clearSecond' });
});

test('rows of the same second model stay up while new ones are computed; another model or an error replaces them', () => {
  const app = mount();
  app.send({ type: 'sides', sides: { state: 'data', data: DATA } });
  app.send({ type: 'sides', sides: { state: 'waiting', other: 'brown-lstm-s2', message: 'Finding the partner in brown-lstm-s2 on this file…' } });
  assert.equal(app.section().getAttribute('data-state'), 'data');
  assert.equal(byClass(app.section(), 'sides-note')[0].textContent, 'Finding the partner in brown-lstm-s2 on this file…');
  app.send({ type: 'sides', sides: { state: 'waiting', other: 'brown-lstm-s3', message: 'Finding the partner in brown-lstm-s3 on this file…' } });
  assert.equal(app.section().getAttribute('data-state'), 'waiting');
  app.send({ type: 'sides', sides: { state: 'error', other: 'brown-lstm-s3', message: 'brown-lstm-s3 is the current model; choose another second model.' } });
  assert.equal(byClass(app.section(), 'sides-error')[0].textContent, 'brown-lstm-s3 is the current model; choose another second model.');
});
