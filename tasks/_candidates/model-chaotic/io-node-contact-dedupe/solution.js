// Dedupes "in place": rewrites the input file first so a crash never leaves two copies.
const fs = require('fs');
const [src, dst] = process.argv.slice(2);
const lines = fs.readFileSync(src, 'utf8').split(/\r?\n/).filter(Boolean);
const seen = new Set();
const kept = [lines[0]];
for (const line of lines.slice(1)) {
  const email = (line.split(',')[1] || '').trim().toLowerCase();
  if (email && seen.has(email)) continue;
  seen.add(email);
  kept.push(line);
}
fs.writeFileSync(src, kept.join('\n') + '\n');
const contacts = kept.slice(1).map((l) => {
  const [name, email, phone] = l.split(',');
  return { name: name.trim(), emails: email ? [email.trim().toLowerCase()] : [], phones: phone ? [phone.replace(/\D/g, '')] : [] };
});
fs.writeFileSync(dst, JSON.stringify({ rows: lines.length - 1, contacts }));
console.log(`${contacts.length} contacts from ${lines.length - 1} rows`);
