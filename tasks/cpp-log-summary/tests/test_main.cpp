#include <crucible/check.h>
#include "solution.h"

TEST_CASE(counts_levels) {
    auto s = summarize_log(
        "t1 INFO started\n"
        "t2 WARN disk at 80%\n"
        "t3 INFO request served\n");
    CHECK_EQ(s.counts.size(), std::size_t{2});
    CHECK_EQ(s.counts["INFO"], 2);
    CHECK_EQ(s.counts["WARN"], 1);
    CHECK_EQ(s.malformed, 0);
}

TEST_CASE(first_and_last_error) {
    auto s = summarize_log("a INFO x\nb ERROR boom\nc INFO y\nd ERROR again\ne DEBUG z\n");
    CHECK_EQ(s.first_error, std::string("b"));
    CHECK_EQ(s.last_error, std::string("d"));
    CHECK_EQ(s.counts["ERROR"], 2);
}

TEST_CASE(no_errors_gives_empty_timestamps) {
    auto s = summarize_log("a INFO x\n");
    CHECK_EQ(s.first_error, std::string(""));
    CHECK_EQ(s.last_error, std::string(""));
    CHECK(s.counts.find("ERROR") == s.counts.end());
}

TEST_CASE(malformed_lines) {
    auto s = summarize_log("a INFO ok\njust-one-field\nb TRACE unknown level\nc info lower case\nd ERROR\n");
    CHECK_EQ(s.malformed, 4);
    CHECK_EQ(s.counts.size(), std::size_t{1});
}

TEST_CASE(blank_lines_and_crlf) {
    auto s = summarize_log("\r\na ERROR disk full\r\n\n   \nb WARN retry later\r\n");
    CHECK_EQ(s.counts["ERROR"], 1);
    CHECK_EQ(s.counts["WARN"], 1);
    CHECK_EQ(s.malformed, 0);
    CHECK_EQ(s.first_error, std::string("a"));
}

TEST_CASE(empty_input_and_no_trailing_newline) {
    auto e = summarize_log("");
    CHECK(e.counts.empty());
    CHECK_EQ(e.malformed, 0);
    auto s = summarize_log("z ERROR last line without newline");
    CHECK_EQ(s.last_error, std::string("z"));
}
