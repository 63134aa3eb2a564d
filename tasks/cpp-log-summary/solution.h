#pragma once
#include <map>
#include <string>

struct LogSummary {
    std::map<std::string, int> counts;
    std::string first_error;
    std::string last_error;
    int malformed = 0;
};

LogSummary summarize_log(const std::string& text);
