// Equality of short names (column names, bind keys, function names) on hot paths: a loop over
// a few bytes costs less than a call to memcmp, which std::string_view's == makes.
#pragma once

#include <cstddef>
#include <string_view>

namespace athanor::detail {

inline bool same_short_name(std::string_view a, std::string_view b) noexcept {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    if (a[i] != b[i]) return false;
  }
  return true;
}

}  // namespace athanor::detail
