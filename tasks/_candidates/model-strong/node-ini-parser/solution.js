'use strict';

function parseIni(text) {
  const result = {};
  let section = '';
  const lines = text.split('\n');
  lines.forEach((raw, index) => {
    const line = raw.replace(/^\s+/, '');
    if (line === '' || line.startsWith(';') || line.startsWith('#')) return;
    const header = line.match(/^\[(.*)\]$/);
    if (header) {
      section = header[1].trim();
      if (!result[section]) result[section] = {};
      return;
    }
    const eq = line.indexOf('=');
    if (eq <= 0) {
      throw new SyntaxError(`line ${index + 1}: expected "key = value" or "[section]", got ${JSON.stringify(raw)}`);
    }
    const key = line.slice(0, eq).trim();
    let value = line.slice(eq + 1).trim();
    if (value.length >= 2 && value.startsWith('"') && value.endsWith('"')) {
      value = value.slice(1, -1);
    }
    if (!result[section]) result[section] = {};
    result[section][key] = value;
  });
  return result;
}

module.exports = { parseIni };
