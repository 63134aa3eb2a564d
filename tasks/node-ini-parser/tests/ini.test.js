const test = require('node:test');
const assert = require('node:assert');
const { parseIni } = require('../solution.js');

test('sections and keys', () => {
  const text = '[server]\nhost = example.com\nport=8080\n\n[db]\nname = shop\n';
  assert.deepStrictEqual(parseIni(text), {
    server: { host: 'example.com', port: '8080' },
    db: { name: 'shop' },
  });
});

test('keys before any section go to the "" section', () => {
  assert.deepStrictEqual(parseIni('debug = true\n[a]\nx=1\n'), { '': { debug: 'true' }, a: { x: '1' } });
});

test('comments, blank lines and CRLF', () => {
  const text = '; top comment\r\n  # indented comment\r\n[s]\r\n\r\nk = v\r\n';
  assert.deepStrictEqual(parseIni(text), { s: { k: 'v' } });
});

test('quoted values keep inner spaces', () => {
  assert.deepStrictEqual(parseIni('[m]\ngreeting = "  hi there  "\nempty = ""\n'), {
    m: { greeting: '  hi there  ', empty: '' },
  });
});

test('value may contain = and last duplicate wins', () => {
  assert.deepStrictEqual(parseIni('[q]\nurl = a=b&c=d\nurl = x=y\n'), { q: { url: 'x=y' } });
});

test('repeated section headers merge', () => {
  assert.deepStrictEqual(parseIni('[ a ]\nx=1\n[b]\ny=2\n[a]\nz=3\n'), {
    a: { x: '1', z: '3' },
    b: { y: '2' },
  });
});

test('garbage line throws SyntaxError naming the line', () => {
  assert.throws(() => parseIni('[a]\nx=1\nthis is not ini\n'), (err) => {
    return err instanceof SyntaxError && /line 3/.test(err.message);
  });
  assert.deepStrictEqual(parseIni(''), {});
});
