'use strict';
// crucible's runner for HumanEval-X JavaScript problems.
//
// The suite's harness runs `prompt + completion + "\n" + test` with `node test.js` and counts a
// problem as passed only when the program writes NOTHING to stdout or stderr: its tests use
// console.assert, which prints instead of throwing. This runner builds the same program, runs it
// as a CommonJS module (as `node test.js` would), watches both streams, and writes one line in
// crucible's simple format to $CRUCIBLE_REPORT. Exit 0 pass, 1 fail.
//
// Usage: node tests/run.js <case name> <candidate file> <test file>
const fs = require('fs');
const os = require('os');
const path = require('path');

// Taken before any candidate code runs: the candidate shares this process and may replace them.
const writeFileSync = fs.writeFileSync;
const reportPath = process.env.CRUCIBLE_REPORT || '/tmp/crucible-report';
const [name, candidatePath, testPath] = process.argv.slice(2);

const oneLine = (text) => {
  const t = String(text).split(/\s+/).join(' ').trim();
  return t.length > 400 ? t.slice(0, 400) + '...' : t;
};

let output = '';
for (const stream of [process.stdout, process.stderr]) {
  const write = stream.write.bind(stream);
  stream.write = (chunk, ...rest) => {
    if (output.length < 4096) output += String(chunk);
    return write(chunk, ...rest);
  };
}

let finished = false;
let failure = null;
process.on('exit', (code) => {
  let line;
  if (failure !== null) line = `FAIL ${name}: ${failure}`;
  else if (!finished) line = `FAIL ${name}: the program exited (code ${code}) before its tests finished`;
  else if (output !== '') line = `FAIL ${name}: the program wrote output (the suite counts any output as a failure): ${oneLine(output)}`;
  else line = `PASS ${name}`;
  writeFileSync(reportPath, line + '\n');
  process.exitCode = line.startsWith('PASS') ? 0 : 1;
});
process.on('uncaughtException', (err) => {
  if (failure === null) failure = oneLine(err && err.stack ? err.stack.split('\n')[0] : err);
  process.exitCode = 1;
});

const program =
  fs.readFileSync(candidatePath, 'utf8') + '\n' + fs.readFileSync(testPath, 'utf8');
const programPath = path.join(os.tmpdir(), 'crucible-humaneval-x-program.js');
fs.writeFileSync(programPath, program);
try {
  require(programPath);
  finished = true;
} catch (err) {
  failure = oneLine(err && err.stack ? err.stack.split('\n').slice(0, 2).join(' ') : err);
}
