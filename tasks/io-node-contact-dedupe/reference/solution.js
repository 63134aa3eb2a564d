'use strict';
const fs = require('fs');

// RFC 4180: quoted fields may hold separators, line breaks and doubled quotes.
function parseCsv(text) {
  const rows = [];
  let row = [], field = '', quoted = false, i = 0;
  while (i < text.length) {
    const c = text[i];
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') { field += '"'; i += 2; continue; }
      if (c === '"') { quoted = false; i++; continue; }
      field += c; i++; continue;
    }
    if (c === '"') { quoted = true; i++; continue; }
    if (c === ',') { row.push(field); field = ''; i++; continue; }
    if (c === '\r' && text[i + 1] === '\n') { i++; continue; }
    if (c === '\n') { row.push(field); rows.push(row); row = []; field = ''; i++; continue; }
    field += c; i++;
  }
  if (field !== '' || row.length > 0) { row.push(field); rows.push(row); }
  return rows;
}

const normEmail = (e) => (e || '').trim().toLowerCase();
function normPhone(p) {
  let d = (p || '').replace(/\D/g, '');
  if (d.length === 11 && d[0] === '1') d = d.slice(1);
  return d;
}

const [inPath, outPath] = process.argv.slice(2);
let text = fs.readFileSync(inPath, 'utf8');
if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
const rows = parseCsv(text).slice(1).filter((r) => !(r.length === 1 && r[0] === ''));

// Union-find over rows; a key (email or phone) remembers the first row that had it.
const parent = rows.map((_, i) => i);
const find = (i) => { while (parent[i] !== i) { parent[i] = parent[parent[i]]; i = parent[i]; } return i; };
const union = (a, b) => { a = find(a); b = find(b); if (a !== b) parent[Math.max(a, b)] = Math.min(a, b); };
const owner = new Map();
rows.forEach((r, i) => {
  for (const key of ['e:' + normEmail(r[1]), 'p:' + normPhone(r[2])]) {
    if (key.length === 2) continue;
    if (owner.has(key)) union(owner.get(key), i); else owner.set(key, i);
  }
});

const groups = new Map();
rows.forEach((r, i) => {
  const root = find(i);
  if (!groups.has(root)) groups.set(root, { first: i, name: '', emails: new Set(), phones: new Set() });
  const g = groups.get(root);
  g.first = Math.min(g.first, i);
  if (g.name === '' && (r[0] || '').trim() !== '') g.name = r[0].trim();
  if (normEmail(r[1])) g.emails.add(normEmail(r[1]));
  if (normPhone(r[2])) g.phones.add(normPhone(r[2]));
});
// The root is the group's smallest row, so ordering by root is ordering by first row.
const contacts = [...groups.values()]
  .sort((a, b) => a.first - b.first)
  .map((g) => ({ name: g.name, emails: [...g.emails].sort(), phones: [...g.phones].sort() }));
fs.writeFileSync(outPath, JSON.stringify({ rows: rows.length, contacts }, null, 2) + '\n');
console.log(`${contacts.length} contacts from ${rows.length} rows`);
