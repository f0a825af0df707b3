// athanor/engine/execution_options.hpp — SQLAlchemy's execution options.
//
// A string-keyed, insertion-ordered set of options, accepted on an Engine, a Connection, a
// statement and a single execute() call; later scopes win (statement < connection < call, as in
// SQLAlchemy 2.0). Any key may be stored and read back; the options Athanor acts on are
// type-checked when set (exc::ArgumentError):
//   isolation_level (text), logging_token (text or NULL), stream_results (bool),
//   max_row_buffer (integer > 0), yield_per (integer), no_parameters (bool),
//   preserve_rowcount (bool), insertmanyvalues_page_size (integer > 0),
//   compiled_cache (NULL only: disables the compiled cache).
#pragma once

#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>
#include <utility>

#include "athanor/value.hpp"

namespace athanor {

class ExecutionOptions {
 public:
  ExecutionOptions() = default;
  ExecutionOptions(std::initializer_list<Params::value_type> items);

  // Options of `over` replace ours (validated when `over` was built).
  void merge(const ExecutionOptions& over);
  void set(std::string key, Value value);

  const Value* find(std::string_view key) const noexcept { return items_.find(key); }
  bool contains(std::string_view key) const noexcept { return items_.contains(key); }
  bool empty() const noexcept { return items_.empty(); }
  std::size_t size() const noexcept { return items_.size(); }
  auto begin() const noexcept { return items_.begin(); }
  auto end() const noexcept { return items_.end(); }
  const Params& items() const noexcept { return items_; }
  friend bool operator==(const ExecutionOptions&, const ExecutionOptions&) = default;

  // Typed reads of the known options.
  std::optional<std::string> isolation_level() const;
  std::optional<std::string> logging_token() const;
  bool stream_results() const;
  std::optional<std::int64_t> yield_per() const;
  std::int64_t max_row_buffer() const;  // 1000 unless set
  bool no_parameters() const;
  bool preserve_rowcount() const;
  bool compiled_cache_disabled() const;

 private:
  static void validate(std::string_view key, const Value& value);
  Params items_;
};

}  // namespace athanor
