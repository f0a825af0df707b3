// Shared by the result sources.
#pragma once

namespace athanor::detail {

// exc::ResourceClosedError for a result of a statement that returns no rows.
[[noreturn]] void throw_no_rows();

}  // namespace athanor::detail
