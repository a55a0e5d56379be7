// multipart/form-data parsing (RFC 7578) for document uploads: the boundary from the
// Content-Type header, then each part's name, filename and body. Bodies are views into
// the request body, which must outlive them. Malformed input throws
// std::invalid_argument saying what is wrong.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace ragscale::serve {

struct MultipartPart {
  std::string name;
  std::string filename;
  std::string content_type;
  std::string_view body;
};

// The boundary parameter of a multipart/form-data Content-Type, if it is one.
std::optional<std::string> multipart_boundary(std::string_view content_type);

std::vector<MultipartPart> parse_multipart(std::string_view body, std::string_view boundary);

}  // namespace ragscale::serve
