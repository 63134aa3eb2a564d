const test = require('node:test');
const assert = require('node:assert');
const { topWords } = require('../solution.js');

test('counts and orders by frequency', () => {
  assert.deepStrictEqual(topWords('b a b c b a', 2), [['b', 3], ['a', 2]]);
});

test('is case-insensitive', () => {
  assert.deepStrictEqual(topWords('Great great GREAT product', 1), [['great', 3]]);
});

test('ties are ordered alphabetically', () => {
  assert.deepStrictEqual(topWords('pear apple fig', 3), [['apple', 1], ['fig', 1], ['pear', 1]]);
});

test('apostrophes inside words are kept, quotes around words are not', () => {
  const text = "Don't stop. 'Quoted' words, don't they? It's fine-ish";
  assert.deepStrictEqual(topWords(text, 3), [["don't", 2], ['fine', 1], ['ish', 1]]);
});

test('empty text and non-positive n give nothing', () => {
  assert.deepStrictEqual(topWords('', 5), []);
  assert.deepStrictEqual(topWords('  ...  !!! ', 5), []);
  assert.deepStrictEqual(topWords('a b c', 0), []);
});

test('n larger than the number of words returns all', () => {
  assert.deepStrictEqual(topWords('x y x 42', 10), [['x', 2], ['42', 1], ['y', 1]]);
});
