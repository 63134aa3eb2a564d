'use strict';

const TRANSITIONS = {
  pending: { pay: 'paid', cancel: 'cancelled' },
  paid: { ship: 'shipped', cancel: 'refunded' },
  shipped: { deliver: 'delivered' },
  delivered: { return: 'returned' },
};

function createOrder(id) {
  return { id, state: 'pending', history: [] };
}

function applyEvent(order, event) {
  const next = (TRANSITIONS[order.state] || {})[event];
  if (!Object.prototype.hasOwnProperty.call(TRANSITIONS[order.state] || {}, event)) {
    throw new Error(`order ${order.id}: event "${event}" is not allowed in state "${order.state}"`);
  }
  return {
    ...order,
    state: next,
    history: [...order.history, { from: order.state, event, to: next }],
  };
}

module.exports = { createOrder, applyEvent };
