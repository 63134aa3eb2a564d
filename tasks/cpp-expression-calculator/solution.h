#pragma once
#include <string>

// Evaluates an arithmetic expression; see task.toml for the grammar and errors.
double evaluate(const std::string& expression);
