// UTF-8 validation for uploaded text and questions. Rejects overlong encodings,
// surrogates, code points above U+10FFFF and truncated sequences, and reports where
// the first bad byte is so the client can find it.
#pragma once

#include <cstddef>
#include <optional>
#include <string_view>

namespace ragscale::serve {

// Byte offset of the first invalid sequence, or nullopt when `text` is valid UTF-8.
std::optional<size_t> find_invalid_utf8(std::string_view text);

}  // namespace ragscale::serve
