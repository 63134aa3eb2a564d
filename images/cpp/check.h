// Minimal test harness for crucible C++ tasks.
// Each TEST_CASE runs in order; results go to the file named by $CRUCIBLE_REPORT in crucible's
// simple format (`PASS name` / `FAIL name: message`), one line per case, flushed as it goes so
// a crash mid-run still leaves the finished cases on record.
#pragma once
#include <cstdio>
#include <cstdlib>
#include <exception>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

namespace check {

struct Failure {
    std::string message;
};

struct Case {
    const char* name;
    void (*fn)();
};

inline std::vector<Case>& registry() {
    static std::vector<Case> cases;
    return cases;
}

struct Registrar {
    Registrar(const char* name, void (*fn)()) { registry().push_back({name, fn}); }
};

template <class T> std::string show(const T& v);
template <class A, class B> std::string show(const std::pair<A, B>& p);
template <class T> std::string show(const std::vector<T>& v);

inline std::string show(const std::string& s) { return "\"" + s + "\""; }
inline std::string show(const char* s) { return show(std::string(s)); }

template <class T> std::string show(const T& v) {
    std::ostringstream out;
    out << v;
    return out.str();
}

template <class A, class B> std::string show(const std::pair<A, B>& p) {
    return "(" + show(p.first) + ", " + show(p.second) + ")";
}

template <class T> std::string show(const std::vector<T>& v) {
    std::string out = "[";
    for (std::size_t i = 0; i < v.size(); ++i) {
        out += (i ? ", " : "") + show(v[i]);
    }
    return out + "]";
}

inline std::string where(const char* file, int line) {
    return std::string(file) + ":" + std::to_string(line) + ": ";
}

// The report is line-based: a message must stay on one line.
inline std::string one_line(std::string s) {
    for (char& c : s) {
        if (c == '\n' || c == '\r') c = ' ';
    }
    return s;
}

}  // namespace check

#define TEST_CASE(name)                                                   \
    static void name();                                                   \
    static ::check::Registrar name##_registrar(#name, name);              \
    static void name()

#define CHECK(cond)                                                                   \
    do {                                                                              \
        if (!(cond))                                                                  \
            throw ::check::Failure{::check::where(__FILE__, __LINE__) + "CHECK(" #cond \
                                   ") failed"};                                      \
    } while (0)

#define CHECK_EQ(actual, expected)                                                      \
    do {                                                                                \
        const auto& check_a_ = (actual);                                                \
        const auto& check_e_ = (expected);                                              \
        if (!(check_a_ == check_e_))                                                    \
            throw ::check::Failure{::check::where(__FILE__, __LINE__) + #actual ": expected " + \
                                   ::check::show(check_e_) + ", got " +                 \
                                   ::check::show(check_a_)};                            \
    } while (0)

#define CHECK_THROWS_AS(expr, type)                                                    \
    do {                                                                               \
        bool check_threw_ = false;                                                     \
        try {                                                                          \
            (void)(expr);                                                              \
        } catch (const type&) {                                                        \
            check_threw_ = true;                                                       \
        }                                                                              \
        if (!check_threw_)                                                             \
            throw ::check::Failure{::check::where(__FILE__, __LINE__) + #expr          \
                                   " did not throw " #type};                           \
    } while (0)

int main() {
    const char* path = std::getenv("CRUCIBLE_REPORT");
    std::FILE* report = path ? std::fopen(path, "w") : stdout;
    if (!report) {
        std::perror("check.h: cannot open $CRUCIBLE_REPORT");
        return 3;
    }
    int passed = 0, failed = 0;
    for (const auto& c : ::check::registry()) {
        std::string message;
        bool ok = false;
        try {
            c.fn();
            ok = true;
        } catch (const ::check::Failure& f) {
            message = f.message;
        } catch (const std::exception& e) {
            message = std::string("unexpected exception: ") + e.what();
        } catch (...) {
            message = "unexpected non-standard exception";
        }
        if (ok) {
            ++passed;
            std::fprintf(report, "PASS %s\n", c.name);
        } else {
            ++failed;
            std::fprintf(report, "FAIL %s: %s\n", c.name, ::check::one_line(message).c_str());
            std::fprintf(stderr, "FAIL %s: %s\n", c.name, message.c_str());
        }
        std::fflush(report);
    }
    std::fprintf(stderr, "check.h: %d passed, %d failed\n", passed, failed);
    if (report != stdout) std::fclose(report);
    return failed ? 1 : 0;
}
