const cents = (x) => Math.round((x + Number.EPSILON) * 100) / 100;

function breakdown(income, brackets) {
  const parts = [];
  let lower = 0;
  for (const [upTo, rate] of brackets) {
    if (income <= lower) break;
    const top = upTo === null ? income : Math.min(income, upTo);
    const taxed = top - lower;
    parts.push({ upTo, taxed: cents(taxed), tax: cents(taxed * rate) });
    if (upTo === null) break;
    lower = upTo;
  }
  return parts;
}

async function incomeTax(income, brackets) {
  let lower = 0;
  let tax = 0;
  for (const [upTo, rate] of brackets) {
    if (income <= lower) break;
    const top = upTo === null ? income : Math.min(income, upTo);
    tax += (top - lower) * rate;
    if (upTo === null) break;
    lower = upTo;
  }
  return cents(tax);
}

module.exports = { incomeTax, breakdown };
