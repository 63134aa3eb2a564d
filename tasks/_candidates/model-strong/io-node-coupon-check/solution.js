const words = require('fs').readFileSync(0, 'utf8').split(/\s+/).filter(Boolean);
let at = 0;
const next = () => words[at++];
const coupons = new Map();
const n = Number(next() || 0);
for (let i = 0; i < n; i++) {
  const code = next().toUpperCase();
  const pct = Number(next());
  coupons.set(code, { pct, expiry: next() });
}
const q = Number(next() || 0);
const out = [];
for (let i = 0; i < q; i++) {
  const code = next().toUpperCase();
  const date = next();
  const c = coupons.get(code);
  if (!c) out.push('NO unknown');
  else if (date > c.expiry) out.push('NO expired');
  else out.push(`YES ${c.pct}`);
}
process.stdout.write(out.join('\n') + '\n');
