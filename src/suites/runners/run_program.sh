#!/bin/sh
# crucible's runner for HumanEval-X problems whose verdict is the exit code of one program
# (C++ and Java): the suite's harness builds `prompt + completion + "\n" + test`, compiles it and
# counts exit 0 as passed. Writes one line in crucible's simple format to $CRUCIBLE_REPORT.
#
# Usage: sh tests/run_program.sh cpp|java <case name>
# Exit 3: the program does not compile (the tests could not run); 0 pass; 1 fail.
set -u
lang=$1
name=$2
report=${CRUCIBLE_REPORT:-/tmp/crucible-report}
build=/tmp/crucible-program
rm -rf "$build"
mkdir -p "$build" || exit 3

case "$lang" in
cpp)
  # tests/main.cpp includes ../solution.cpp between the suite's extra headers and its test.
  # -lcrypto -lssl: one problem hashes with OpenSSL's MD5, as in the suite's harness.
  g++ -std=c++11 -o "$build/program" tests/main.cpp -lcrypto -lssl
  ;;
java)
  { cat Solution.java && echo && cat tests/Main.java; } > "$build/Main.java" &&
    javac -nowarn -encoding UTF-8 -d "$build" "$build/Main.java"
  ;;
*)
  echo "run_program.sh: unknown language $lang" >&2
  exit 3
  ;;
esac
if [ $? -ne 0 ]; then
  echo "FAIL $name: the program does not compile" > "$report"
  exit 3
fi

if [ "$lang" = cpp ]; then
  "$build/program"
else
  java -cp "$build" Main
fi
rc=$?
# Written after the program ends, so a report the candidate wrote itself is replaced.
if [ $rc -eq 0 ]; then
  echo "PASS $name" > "$report"
  exit 0
fi
echo "FAIL $name: the program exited with code $rc" > "$report"
exit 1
