const fs = require('fs');

function splitCsv(text) {
  const out = [];
  let cur = [''], q = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (q) {
      if (ch === '"') {
        if (text[i + 1] === '"') { cur[cur.length - 1] += '"'; i++; } else q = false;
      } else cur[cur.length - 1] += ch;
    } else if (ch === '"') q = true;
    else if (ch === ',') cur.push('');
    else if (ch === '\n') { out.push(cur); cur = ['']; }
    else if (ch !== '\r') cur[cur.length - 1] += ch;
  }
  if (cur.length > 1 || cur[0] !== '') out.push(cur);
  return out;
}

const [src, dst] = process.argv.slice(2);
const rows = splitCsv(fs.readFileSync(src, 'utf8').replace(/^\uFEFF/, '')).slice(1);
const phone = (p) => { const d = (p || '').replace(/[^0-9]/g, ''); return d.length === 11 && d.startsWith('1') ? d.slice(1) : d; };
const email = (e) => (e || '').trim().toLowerCase();

// Each row joins the first group that already has its email or phone.
const groups = [];
const byKey = new Map();
for (const [name = '', e, p] of rows) {
  const keys = [email(e) && 'e' + email(e), phone(p) && 'p' + phone(p)].filter(Boolean);
  let g = keys.map((k) => byKey.get(k)).find(Boolean);
  if (!g) { g = { name: '', emails: new Set(), phones: new Set() }; groups.push(g); }
  if (!g.name && name.trim()) g.name = name.trim();
  if (email(e)) g.emails.add(email(e));
  if (phone(p)) g.phones.add(phone(p));
  for (const k of keys) if (!byKey.has(k)) byKey.set(k, g);
}
const contacts = groups.map((g) => ({ name: g.name, emails: [...g.emails].sort(), phones: [...g.phones].sort() }));
fs.writeFileSync(dst, JSON.stringify({ rows: rows.length, contacts }));
console.log(`${contacts.length} contacts from ${rows.length} rows`);
