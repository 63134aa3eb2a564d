const test = require('node:test');
const assert = require('node:assert');
const { toRoman, fromRoman } = require('../solution.js');

test('simple numerals', () => {
  assert.strictEqual(toRoman(3), 'III');
  assert.strictEqual(toRoman(8), 'VIII');
  assert.strictEqual(toRoman(2024), 'MMXXIV');
});

test('subtractive forms', () => {
  assert.deepStrictEqual([4, 9, 40, 90, 400, 900].map(toRoman), ['IV', 'IX', 'XL', 'XC', 'CD', 'CM']);
  assert.strictEqual(toRoman(1994), 'MCMXCIV');
});

test('range boundaries', () => {
  assert.strictEqual(toRoman(1), 'I');
  assert.strictEqual(toRoman(3999), 'MMMCMXCIX');
});

test('out of range throws RangeError', () => {
  for (const bad of [0, -1, 4000, 2.5]) {
    assert.throws(() => toRoman(bad), RangeError, `toRoman(${bad})`);
  }
});

test('fromRoman round-trips every value', () => {
  for (let n = 1; n <= 3999; n++) {
    assert.strictEqual(fromRoman(toRoman(n)), n);
  }
});

test('fromRoman rejects non-canonical input', () => {
  for (const bad of ['IIII', 'VX', 'IC', '', 'mcm', 'MMMM', 'XLX', 'ABC']) {
    assert.throws(() => fromRoman(bad), Error, `fromRoman(${JSON.stringify(bad)})`);
  }
});
