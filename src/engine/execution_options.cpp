#include "athanor/engine/execution_options.hpp"

#include <fmt/format.h>

#include "athanor/exc.hpp"

namespace athanor {

namespace {

[[noreturn]] void reject(std::string_view key, std::string_view expected, const Value& v) {
  throw exc::ArgumentError(fmt::format("execution option '{}' must be {}, not {} {}", key, expected,
                                       Value::kind_name(v.kind()), v.repr()));
}

bool flag(const Value* v) {
  return v && !v->is_null() && v->as<bool>();
}

}  // namespace

ExecutionOptions::ExecutionOptions(std::initializer_list<Params::value_type> items) {
  for (const auto& [key, value] : items) set(key, value);
}

void ExecutionOptions::validate(std::string_view key, const Value& v) {
  using K = Value::Kind;
  if (key == "isolation_level") {
    if (v.kind() != K::text) reject(key, "a string such as \"SERIALIZABLE\"", v);
  } else if (key == "logging_token") {
    if (v.kind() != K::text && !v.is_null()) reject(key, "a string or NULL", v);
  } else if (key == "stream_results" || key == "no_parameters" || key == "preserve_rowcount") {
    if (v.kind() != K::boolean) reject(key, "a bool", v);
  } else if (key == "max_row_buffer" || key == "insertmanyvalues_page_size") {
    if (v.kind() != K::integer || v.integer_unchecked() < 1) reject(key, "a positive integer", v);
  } else if (key == "yield_per") {
    if (v.kind() != K::integer) reject(key, "an integer", v);
  } else if (key == "compiled_cache") {
    if (!v.is_null()) reject(key, "NULL (to disable the compiled cache)", v);
  }
}

void ExecutionOptions::set(std::string key, Value value) {
  validate(key, value);
  items_.set(std::move(key), std::move(value));
}

void ExecutionOptions::merge(const ExecutionOptions& over) {
  for (const auto& [key, value] : over.items_) items_.set(key, value);
}

std::optional<std::string> ExecutionOptions::isolation_level() const {
  const Value* v = find("isolation_level");
  return v ? std::optional<std::string>(v->as<std::string>()) : std::nullopt;
}

std::optional<std::string> ExecutionOptions::logging_token() const {
  const Value* v = find("logging_token");
  return v && !v->is_null() ? std::optional<std::string>(v->as<std::string>()) : std::nullopt;
}

bool ExecutionOptions::stream_results() const {
  return flag(find("stream_results"));
}
bool ExecutionOptions::no_parameters() const {
  return flag(find("no_parameters"));
}
bool ExecutionOptions::preserve_rowcount() const {
  return flag(find("preserve_rowcount"));
}

std::optional<std::int64_t> ExecutionOptions::yield_per() const {
  const Value* v = find("yield_per");
  return v ? std::optional<std::int64_t>(v->as<std::int64_t>()) : std::nullopt;
}

std::int64_t ExecutionOptions::max_row_buffer() const {
  const Value* v = find("max_row_buffer");
  return v ? v->as<std::int64_t>() : 1000;
}

bool ExecutionOptions::compiled_cache_disabled() const {
  const Value* v = find("compiled_cache");
  return v && v->is_null();
}

}  // namespace athanor
