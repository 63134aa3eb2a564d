#include <cmath>
#include <stdexcept>

#include <crucible/check.h>
#include "solution.h"

static bool near(double a, double b) { return std::fabs(a - b) < 1e-9; }

TEST_CASE(numbers_and_spaces) {
    CHECK_EQ(evaluate("42"), 42.0);
    CHECK_EQ(evaluate("  2.5\t"), 2.5);
    CHECK_EQ(evaluate(".5"), 0.5);
}

TEST_CASE(precedence) {
    CHECK_EQ(evaluate("2 + 3 * 4"), 14.0);
    CHECK_EQ(evaluate("2 * 3 + 4"), 10.0);
    CHECK_EQ(evaluate("(2 + 3) * 4"), 20.0);
}

TEST_CASE(left_associativity) {
    CHECK_EQ(evaluate("10 - 4 - 3"), 3.0);
    CHECK_EQ(evaluate("64 / 4 / 2"), 8.0);
    CHECK(near(evaluate("1 - 2 + 3"), 2.0));
}

TEST_CASE(unary_operators) {
    CHECK_EQ(evaluate("-3"), -3.0);
    CHECK_EQ(evaluate("-(2 + 3)"), -5.0);
    CHECK_EQ(evaluate("2 * -3"), -6.0);
    CHECK_EQ(evaluate("--4"), 4.0);
    CHECK_EQ(evaluate("+1 - -1"), 2.0);
}

TEST_CASE(nested_parentheses_and_fractions) {
    CHECK(near(evaluate("((1.5 + 2.5) * (3 - 1)) / 0.5"), 16.0));
    CHECK(near(evaluate("1 / 3 * 3"), 1.0));
}

TEST_CASE(division_by_zero) {
    CHECK_THROWS_AS(evaluate("1 / 0"), std::domain_error);
    CHECK_THROWS_AS(evaluate("5 / (2 - 2)"), std::domain_error);
}

TEST_CASE(syntax_errors) {
    for (const char* bad : {"", "   ", "1 +", "(1 + 2", "1 + 2)", "2 * * 3", "1 2", "3 $ 4", "()", "1..2"}) {
        bool threw = false;
        try {
            evaluate(bad);
        } catch (const std::invalid_argument&) {
            threw = true;
        }
        if (!threw) throw ::check::Failure{std::string("evaluate(\"") + bad + "\") did not throw std::invalid_argument"};
    }
}
