#include "serve/api/multipart.h"

#include <gtest/gtest.h>

namespace ragscale::serve {
namespace {

TEST(MultipartTest, FindsBoundaryInContentType) {
  EXPECT_EQ(multipart_boundary("multipart/form-data; boundary=abc123"), "abc123");
  EXPECT_EQ(multipart_boundary("Multipart/Form-Data; charset=utf-8; boundary=\"x y\""), "x y");
  EXPECT_FALSE(multipart_boundary("application/json"));
  EXPECT_FALSE(multipart_boundary("multipart/form-data"));
}

TEST(MultipartTest, ParsesFieldsAndFiles) {
  std::string body =
      "--XB\r\n"
      "Content-Disposition: form-data; name=\"title\"\r\n\r\n"
      "My notes\r\n"
      "--XB\r\n"
      "Content-Disposition: form-data; name=\"file\"; filename=\"notes.md\"\r\n"
      "Content-Type: text/markdown\r\n\r\n"
      "# Heading\r\nline two\r\n"
      "--XB--\r\n";
  auto parts = parse_multipart(body, "XB");
  ASSERT_EQ(parts.size(), 2u);
  EXPECT_EQ(parts[0].name, "title");
  EXPECT_EQ(parts[0].body, "My notes");
  EXPECT_EQ(parts[1].name, "file");
  EXPECT_EQ(parts[1].filename, "notes.md");
  EXPECT_EQ(parts[1].content_type, "text/markdown");
  EXPECT_EQ(parts[1].body, "# Heading\r\nline two");
}

TEST(MultipartTest, RejectsMalformedBodies) {
  EXPECT_THROW(parse_multipart("no boundary here", "XB"), std::invalid_argument);
  EXPECT_THROW(parse_multipart("--XB\r\nContent-Disposition: form-data; name=\"f\"\r\n\r\nunterminated", "XB"),
               std::invalid_argument);
  EXPECT_THROW(parse_multipart("--XB\r\nno header end", "XB"), std::invalid_argument);
}

}  // namespace
}  // namespace ragscale::serve
