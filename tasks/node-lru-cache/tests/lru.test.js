const test = require('node:test');
const assert = require('node:assert');
const { LRUCache } = require('../solution.js');

test('evicts the least recently used key', () => {
  const c = new LRUCache(2);
  c.put('a', 1); c.put('b', 2); c.put('c', 3);
  assert.strictEqual(c.get('a'), undefined);
  assert.strictEqual(c.get('b'), 2);
  assert.strictEqual(c.get('c'), 3);
});

test('get refreshes recency', () => {
  const c = new LRUCache(2);
  c.put('a', 1); c.put('b', 2);
  assert.strictEqual(c.get('a'), 1);
  c.put('c', 3);
  assert.strictEqual(c.has('b'), false);
  assert.strictEqual(c.has('a'), true);
});

test('put on an existing key updates and refreshes without growing', () => {
  const c = new LRUCache(2);
  c.put('a', 1); c.put('b', 2); c.put('a', 10);
  assert.strictEqual(c.size, 2);
  c.put('c', 3);
  assert.deepStrictEqual(c.keys(), ['a', 'c']);
  assert.strictEqual(c.get('a'), 10);
});

test('has does not refresh recency', () => {
  const c = new LRUCache(2);
  c.put('a', 1); c.put('b', 2);
  assert.strictEqual(c.has('a'), true);
  c.put('c', 3);
  assert.strictEqual(c.has('a'), false);
});

test('capacity one keeps only the newest entry', () => {
  const c = new LRUCache(1);
  c.put('x', 1); c.put('y', 2);
  assert.deepStrictEqual(c.keys(), ['y']);
  assert.strictEqual(c.size, 1);
});

test('delete removes and reports existence', () => {
  const c = new LRUCache(3);
  c.put('a', 1);
  assert.strictEqual(c.delete('a'), true);
  assert.strictEqual(c.delete('a'), false);
  assert.strictEqual(c.size, 0);
  assert.deepStrictEqual(c.keys(), []);
});

test('stores falsy values', () => {
  const c = new LRUCache(3);
  c.put('zero', 0); c.put('empty', '');
  assert.strictEqual(c.get('zero'), 0);
  assert.strictEqual(c.get('empty'), '');
  assert.deepStrictEqual(c.keys(), ['zero', 'empty']);
});

test('invalid capacity throws RangeError', () => {
  assert.throws(() => new LRUCache(0), RangeError);
  assert.throws(() => new LRUCache(-5), RangeError);
  assert.throws(() => new LRUCache(1.5), RangeError);
});
