# crucible: build the one Go test file that HumanEval-X's harness builds, from the task's files.
#
# The harness takes the prompt WITHOUT its import block, then imports, next to the test's own
# imports (test_setup), each helper package the completion uses ("strings." in the code ->
# "strings"), so a completion is not failed for a missing or an unused import:
#   test_setup + "\n" + [import (...) + "\n"] + prompt_without_import + completion + "\n" + test
# The candidate (solution.go) is prompt + completion; the completion is what follows the prompt.
#
# Usage: awk -f tests/assemble_go.awk > run/main_test.go   (exit 2 when a file cannot be read)
function slurp(path,    text, line, status) {
    text = ""
    while ((status = (getline line < path)) > 0)
        text = text line "\n"
    if (status < 0) {
        print "assemble_go.awk: cannot read " path > "/dev/stderr"
        failed = 1
    }
    close(path)
    return text
}
function without(text, part,    i) {
    if (part == "") return text
    i = index(text, part)
    if (i == 0) return text
    return substr(text, 1, i - 1) substr(text, i + length(part))
}
BEGIN {
    prompt = slurp("prompt.go")
    candidate = slurp("solution.go")
    imports = slurp("tests/import.go.txt")
    setup = slurp("tests/test_setup.go.txt")
    test = slurp("tests/test.go.txt")
    if (failed) exit 2

    if (prompt != "" && substr(candidate, 1, length(prompt)) == prompt) {
        code = substr(candidate, length(prompt) + 1)
        body = without(prompt, imports) code
    } else {
        # A full solution rather than prompt + completion: drop the prompt's import block if present.
        body = without(candidate, imports)
        code = body
    }

    n = split("math strings fmt strconv time bytes regexp sort math/rand crypto/md5", helpers, " ")
    extra = ""
    for (i = 1; i <= n; i++) {
        pkg = helpers[i]
        if (index(setup, pkg) > 0) continue
        last = pkg
        sub(/.*\//, "", last)
        if (index(code, last ".") > 0) extra = extra "    \"" pkg "\"\n"
    }
    if (extra != "") extra = "import (\n" extra ")\n"
    printf "%s", setup "\n" extra body "\n" test
}
