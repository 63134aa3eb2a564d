#pragma once
#include <string>

std::string base64_encode(const std::string& bytes);
std::string base64_decode(const std::string& text);
