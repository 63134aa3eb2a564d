const test = require('node:test');
const assert = require('node:assert');
const { createOrder, applyEvent } = require('../solution.js');

const run = (events) => events.reduce((o, e) => applyEvent(o, e), createOrder('A1'));

test('new order is pending with empty history', () => {
  assert.deepStrictEqual(createOrder('A1'), { id: 'A1', state: 'pending', history: [] });
});

test('happy path records history', () => {
  const o = run(['pay', 'ship', 'deliver', 'return']);
  assert.strictEqual(o.state, 'returned');
  assert.strictEqual(o.id, 'A1');
  assert.deepStrictEqual(o.history, [
    { from: 'pending', event: 'pay', to: 'paid' },
    { from: 'paid', event: 'ship', to: 'shipped' },
    { from: 'shipped', event: 'deliver', to: 'delivered' },
    { from: 'delivered', event: 'return', to: 'returned' },
  ]);
});

test('cancel means cancelled before payment and refunded after', () => {
  assert.strictEqual(run(['cancel']).state, 'cancelled');
  assert.strictEqual(run(['pay', 'cancel']).state, 'refunded');
});

test('invalid transition names state and event', () => {
  assert.throws(() => run(['ship']), (e) => /pending/.test(e.message) && /ship/.test(e.message));
  assert.throws(() => run(['pay', 'ship', 'cancel']), (e) => /shipped/.test(e.message) && /cancel/.test(e.message));
  assert.throws(() => run(['teleport']), /teleport/);
});

test('final states accept nothing', () => {
  for (const events of [['cancel'], ['pay', 'cancel'], ['pay', 'ship', 'deliver', 'return']]) {
    const o = run(events);
    for (const e of ['pay', 'cancel', 'ship', 'deliver', 'return']) {
      assert.throws(() => applyEvent(o, e), Error, `${o.state} + ${e}`);
    }
  }
});

test('input order is never mutated', () => {
  const a = createOrder('B2');
  const b = applyEvent(a, 'pay');
  assert.deepStrictEqual(a, { id: 'B2', state: 'pending', history: [] });
  applyEvent(b, 'ship');
  assert.strictEqual(b.state, 'paid');
  assert.strictEqual(b.history.length, 1);
});
