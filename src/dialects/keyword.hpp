// SQL keywords as the drivers recognise them in statement text (to tell a SELECT from a COMMIT
// without parsing): case-insensitive, ASCII, as every SQL lexer treats them.
#pragma once

#include <cstddef>
#include <string_view>

namespace athanor::dialects {

// Whether `word`, as written, is the keyword `upper` (given in upper case).
inline bool keyword_is(std::string_view word, std::string_view upper) noexcept {
  if (word.size() != upper.size()) return false;
  for (std::size_t i = 0; i < word.size(); ++i) {
    char c = word[i];
    if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
    if (c != upper[i]) return false;
  }
  return true;
}

}  // namespace athanor::dialects
