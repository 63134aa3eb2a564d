#include "solution.h"

#include <sstream>

namespace {
bool known_level(const std::string& level) {
    return level == "DEBUG" || level == "INFO" || level == "WARN" || level == "ERROR";
}
}  // namespace

LogSummary summarize_log(const std::string& text) {
    LogSummary s;
    std::istringstream in(text);
    std::string line;
    while (std::getline(in, line)) {
        if (!line.empty() && line.back() == '\r') line.pop_back();
        if (line.find_first_not_of(" \t") == std::string::npos) continue;
        std::size_t a = line.find(' ');
        std::size_t b = a == std::string::npos ? a : line.find(' ', a + 1);
        if (a == 0 || b == std::string::npos || b + 1 >= line.size()) {
            ++s.malformed;
            continue;
        }
        std::string ts = line.substr(0, a);
        std::string level = line.substr(a + 1, b - a - 1);
        if (!known_level(level)) {
            ++s.malformed;
            continue;
        }
        ++s.counts[level];
        if (level == "ERROR") {
            if (s.first_error.empty()) s.first_error = ts;
            s.last_error = ts;
        }
    }
    return s;
}
