const PAIRS = [[1000, 'M'], [900, 'CM'], [500, 'D'], [400, 'CD'], [100, 'C'], [90, 'XC'],
  [50, 'L'], [40, 'XL'], [10, 'X'], [9, 'IX'], [5, 'V'], [4, 'IV'], [1, 'I']];
const VALUES = { I: 1, V: 5, X: 10, L: 50, C: 100, D: 500, M: 1000 };

function toRoman(n) {
  if (n < 1 || n > 3999) throw new RangeError('out of range');
  let out = '';
  for (const [v, s] of PAIRS) while (n >= v) { out += s; n -= v; }
  return out;
}

function fromRoman(s) {
  let total = 0;
  for (let i = 0; i < s.length; i++) {
    const v = VALUES[s[i]];
    if (v === undefined) throw new Error('bad numeral');
    total += v < (VALUES[s[i + 1]] || 0) ? -v : v;
  }
  return total;
}

module.exports = { toRoman, fromRoman };
