#!/bin/sh
# crucible's runner for HumanEval-X Rust. The suite's harness builds one file (`fn main(){}` +
# declaration + prompt + completion + test module) in a cargo project that depends on rand, regex
# and md5, and runs `cargo test`. Here src/main.rs includes the candidate and the test module, and
# plain rustc builds it as a libtest binary against the rlibs the image pre-compiled (see
# images/rust/Dockerfile): a few seconds instead of recompiling rand and regex on every run.
#
# Usage: sh tests/run_rust.sh. The report ($CRUCIBLE_REPORT) is libtest output: the compiler's
# messages when the program does not build (their `error[...]` lines make it a report error), the
# test binary's output otherwise. It is written after the program ends, so a report the candidate
# wrote itself is replaced. The exit code is the compiler's or the test binary's.
set -u
report=${CRUCIBLE_REPORT:-/tmp/crucible-report}
deps=${CRUCIBLE_RUST_DEPS:-/opt/crucible/rust-deps}
build=/tmp/crucible-program
rm -rf "$build"
mkdir -p "$build" || exit 1

if [ ! -f "$deps/librand.rlib" ]; then
  echo "error: $deps/librand.rlib is missing: rebuild the image (crucible images build --only rust)" | tee "$report"
  exit 1
fi

rustc --edition 2021 --test --crate-name task -o "$build/task" \
  -L "dependency=$deps" \
  --extern rand="$deps/librand.rlib" \
  --extern regex="$deps/libregex.rlib" \
  --extern md5="$deps/libmd5.rlib" \
  src/main.rs > "$build/compile.txt" 2>&1
rc=$?
if [ $rc -ne 0 ]; then
  { cat "$build/compile.txt"; echo "error: could not compile \`task\` (rustc exit code $rc)"; } > "$report"
  cat "$report"
  exit $rc
fi
# Warnings (unused imports are common in the suite) go to stderr, not into the report.
cat "$build/compile.txt" >&2

"$build/task" > "$build/test.txt" 2>&1
rc=$?
cat "$build/test.txt" > "$report"
cat "$report"
exit $rc
