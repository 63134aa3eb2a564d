// One function-call case (docs/io-tasks.md): stdin holds {"call", "args", "kwargs"}; the
// candidate's module is required, the function called (awaited if it returns a promise), and its
// return value printed as one JSON line. crucible compares it outside the container; this
// script runs as the candidate and is trusted with nothing.
const fs = require("fs");
const path = require("path");

async function main() {
  const request = JSON.parse(fs.readFileSync(0, "utf8"));
  const file = path.resolve(process.argv[2]);
  // The result goes to the real stdout; the candidate's own console output goes to stderr.
  const toStderr = (...a) => process.stderr.write(a.map(String).join(" ") + "\n");
  console.log = console.info = console.debug = toStderr;
  process.stdout.write = (chunk) => process.stderr.write(chunk);
  const mod = require(file);
  const fn = (mod && mod[request.call]) ?? (mod && mod.default && mod.default[request.call]);
  if (typeof fn !== "function") {
    process.stderr.write(`crucible-call: ${process.argv[2]} exports no function \`${request.call}\`\n`);
    process.exit(1);
  }
  if (request.kwargs && Object.keys(request.kwargs).length > 0) {
    process.stderr.write("crucible-call: JavaScript functions take no keyword arguments\n");
    process.exit(1);
  }
  let value = await fn(...(request.args || []));
  if (value === undefined) value = null;
  const text = JSON.stringify(value);
  if (text === undefined) {
    process.stderr.write(`crucible-call: \`${request.call}\` returned a value with no JSON form\n`);
    process.exit(1);
  }
  fs.writeSync(1, text + "\n");
}

main().catch((e) => {
  process.stderr.write(`${e && e.stack ? e.stack : e}\n`);
  process.exit(1);
});
