// Probe This Concept's input: selected text split into words as the corpus is, and the input
// box's words or /regex/.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseTyped, wordsOf } from '../../src/extension/commands/concept-input';

test('selected text: words split on spaces, each once, in order, across lines and selections', () => {
  assert.deepEqual(wordsOf(['the a an']), ['the', 'a', 'an']);
  assert.deepEqual(wordsOf(['quickly and\n  slowly ,', 'and quickly']), ['quickly', 'and', 'slowly', ',']);
  assert.deepEqual(wordsOf(['   \n\t']), []);
});

test('typed: words separated by commas or spaces, or a regular expression between slashes', () => {
  assert.deepEqual(parseTyped('the, a,an'), { kind: 'list', words: ['the', 'a', 'an'] });
  assert.deepEqual(parseTyped(' Monday Tuesday '), { kind: 'list', words: ['Monday', 'Tuesday'] });
  assert.deepEqual(parseTyped('/.*ly$/'), { kind: 'regex', pattern: '.*ly$' });
  // A lone slash is a word (the corpus may hold one).
  assert.deepEqual(parseTyped('/'), { kind: 'list', words: ['/'] });
  assert.deepEqual(parseTyped(' , '), { error: 'type words separated by commas (the, a, an) or a regular expression between slashes (/.*ly$/)' });
  const broken = parseTyped('/(ly/');
  assert.ok('error' in broken && /^not a valid regular expression '\(ly': /.test(broken.error), JSON.stringify(broken));
  assert.deepEqual(parseTyped('//'), { error: 'the concept regular expression is empty' });
});
