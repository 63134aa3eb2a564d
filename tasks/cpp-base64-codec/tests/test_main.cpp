#include <stdexcept>

#include <crucible/check.h>
#include "solution.h"

TEST_CASE(rfc4648_vectors) {
    CHECK_EQ(base64_encode(""), std::string(""));
    CHECK_EQ(base64_encode("f"), std::string("Zg=="));
    CHECK_EQ(base64_encode("fo"), std::string("Zm8="));
    CHECK_EQ(base64_encode("foo"), std::string("Zm9v"));
    CHECK_EQ(base64_encode("foobar"), std::string("Zm9vYmFy"));
}

TEST_CASE(decodes_vectors) {
    CHECK_EQ(base64_decode(""), std::string(""));
    CHECK_EQ(base64_decode("Zg=="), std::string("f"));
    CHECK_EQ(base64_decode("Zm8="), std::string("fo"));
    CHECK_EQ(base64_decode("Zm9vYmFy"), std::string("foobar"));
}

TEST_CASE(binary_bytes_round_trip) {
    std::string all;
    for (int i = 0; i < 256; ++i) all.push_back(static_cast<char>(i));
    CHECK_EQ(base64_decode(base64_encode(all)), all);
    CHECK_EQ(base64_encode(std::string("\0\xff\xfe", 3)), std::string("AP/+"));
}

TEST_CASE(rejects_bad_length_and_characters) {
    CHECK_THROWS_AS(base64_decode("Zg="), std::invalid_argument);
    CHECK_THROWS_AS(base64_decode("Zm9v YmFy"), std::invalid_argument);
    CHECK_THROWS_AS(base64_decode("Zm9*"), std::invalid_argument);
}

TEST_CASE(rejects_misplaced_padding) {
    CHECK_THROWS_AS(base64_decode("Z==="), std::invalid_argument);
    CHECK_THROWS_AS(base64_decode("Zg=a"), std::invalid_argument);
    CHECK_THROWS_AS(base64_decode("Zg==Zm9v"), std::invalid_argument);
}

TEST_CASE(rejects_nonzero_unused_bits) {
    CHECK_THROWS_AS(base64_decode("Zh=="), std::invalid_argument);
    CHECK_THROWS_AS(base64_decode("Zm9="), std::invalid_argument);
}
