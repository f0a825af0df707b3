// athanor/engine/row.hpp — result rows: Row (a named tuple) and RowMapping (its dict view).
//
// A Row read while iterating a result is a view: its values live in the result's buffer and are
// valid until the result moves on. Copying a Row (or taking one from fetchone(), all(), first(),
// one(), ...) makes an owning Row that lives as long as you keep it:
//
//   for (const sa::Row& row : result) use(row.get<std::int64_t>(0));   // no copies
//   std::vector<sa::Row> rows = result.all();                          // owning rows
//
// Keys are shared by every row of a result; a name is found by a lookup prepared once per result.
#pragma once

#include <concepts>
#include <cstddef>
#include <memory>
#include <string>
#include <string_view>
#include <tuple>
#include <unordered_map>
#include <vector>

#include "athanor/value.hpp"

namespace athanor {

namespace sql {
class Column;
}

// Which table column a result column is, for lookups by Column object: the FROM it belongs to
// (table, alias or subquery), the table column behind it and its name. Compared, never followed.
struct ColumnIdentity {
  const void* from = nullptr;
  const void* column = nullptr;
  std::string name;
  friend bool operator==(const ColumnIdentity&, const ColumnIdentity&) = default;
};
ColumnIdentity identity_of(const sql::Column& column);

// Converts one raw driver value to the value a program expects (a Boolean from SQLite's 0/1).
using ValueProcessor = Value (*)(const Value&);

// The column keys of a result and the lookup from name to position. For duplicate names the last
// column wins, as for SQLAlchemy's textual results, or, for horizontally spliced results, the name
// is ambiguous and looking it up raises.
class ResultMetadata {
 public:
  enum class Duplicates { last_wins, ambiguous };
  // find()'s answer for a name several columns share under Duplicates::ambiguous.
  static constexpr std::ptrdiff_t ambiguous_name = -2;

  explicit ResultMetadata(std::vector<std::string> keys, std::uint64_t description_serial = 0);
  ResultMetadata(std::vector<std::string> keys, Duplicates duplicates);
  // A compiled construct's columns: besides the keys, which column each one is and the result
  // processor of its type (nullptr: the value passes through), one per key.
  ResultMetadata(std::vector<std::string> keys, std::uint64_t description_serial,
                 std::vector<ColumnIdentity> columns, std::vector<ValueProcessor> processors);

  const std::vector<std::string>& keys() const noexcept { return keys_; }
  std::size_t size() const noexcept { return keys_.size(); }
  std::uint64_t description_serial() const noexcept { return serial_; }
  // Position of `name`, -1 when absent, or ambiguous_name.
  std::ptrdiff_t find(std::string_view name) const noexcept;
  // Position of `name`; exc::NoSuchColumnError "Could not locate column in row for column 'x'",
  // exc::InvalidRequestError for an ambiguous name.
  std::size_t index_of(std::string_view name) const;
  // Position of `column`; exc::NoSuchColumnError when the result has no such column.
  std::size_t index_of(const sql::Column& column) const;
  // Empty for results of text() and driver SQL.
  const std::vector<ColumnIdentity>& columns() const noexcept { return columns_; }
  // Empty unless at least one column has a processor.
  const std::vector<ValueProcessor>& processors() const noexcept { return processors_; }

 private:
  std::vector<std::string> keys_;
  std::vector<ColumnIdentity> columns_;
  std::vector<ValueProcessor> processors_;
  // Only for wide results and those with ambiguous names (marked by the largest size_t).
  std::unordered_map<std::string_view, std::size_t> index_;
  std::uint64_t serial_;
};

class RowMapping;

class Row {
 public:
  Row() = default;
  // A view over `values` (size = metadata size) owned by someone else.
  static Row view(const std::shared_ptr<const ResultMetadata>& metadata, const Value* values) {
    Row r;
    r.rebind(metadata, values);
    return r;
  }
  // Points this view at other values (of the same metadata owner).
  void rebind(const std::shared_ptr<const ResultMetadata>& metadata, const Value* values) noexcept {
    metadata_ = metadata.get(), values_ = values, view_of_ = &metadata;
    size_ = metadata ? metadata->size() : 0;
  }
  // An owning row.
  Row(std::shared_ptr<const ResultMetadata> metadata, std::vector<Value> values);
  Row(const Row& other);
  Row(Row&& other) noexcept;
  Row& operator=(const Row& other);
  Row& operator=(Row&& other) noexcept;

  std::size_t size() const noexcept { return size_; }
  // By position (negative counts from the end); std::out_of_range past the end.
  template <std::integral I>
  const Value& operator[](I index) const {
    return at(static_cast<std::ptrdiff_t>(index));
  }
  const Value& at(std::ptrdiff_t index) const {
    const auto n = static_cast<std::ptrdiff_t>(size());
    if (index < 0) index += n;
    if (index < 0 || index >= n) throw_index_error();
    return values_[index];
  }
  // By column name; exc::NoSuchColumnError when absent.
  const Value& operator[](std::string_view name) const {
    return values_[metadata_->index_of(name)];
  }
  const Value& operator[](const char* name) const { return (*this)[std::string_view(name)]; }
  // By Column object, for rows of a select() naming it; exc::NoSuchColumnError otherwise.
  const Value& operator[](const sql::Column& column) const {
    return values_[metadata_->index_of(column)];
  }

  template <typename T, std::integral I>
  T get(I index) const {
    return at(static_cast<std::ptrdiff_t>(index)).template as<T>();
  }
  template <typename T>
  T get(std::string_view name) const {
    return (*this)[name].template as<T>();
  }
  template <typename T>
  T get(const char* name) const {
    return (*this)[std::string_view(name)].template as<T>();
  }
  template <typename T>
  T get(const sql::Column& column) const {
    return (*this)[column].template as<T>();
  }

  // The whole row as typed values, for structured bindings:
  //   auto [x, y] = row.as<std::int64_t, std::string>();
  template <typename... T>
  std::tuple<T...> as() const {
    check_arity(sizeof...(T));
    return as_impl<T...>(std::index_sequence_for<T...>{});
  }

  RowMapping mapping() const;
  const std::vector<std::string>& fields() const noexcept { return metadata_->keys(); }
  Params asdict() const;
  const ResultMetadata& metadata() const noexcept { return *metadata_; }

  const Value* begin() const noexcept { return values_; }
  const Value* end() const noexcept { return values_ + size(); }

  // Python's tuple repr: (1, 'a').
  std::string repr() const;
  // Rows compare as tuples of values.
  friend bool operator==(const Row& a, const Row& b) noexcept;

 private:
  friend class RowMapping;
  void check_arity(std::size_t n) const;
  [[noreturn]] static void throw_index_error();
  template <typename... T, std::size_t... I>
  std::tuple<T...> as_impl(std::index_sequence<I...>) const {
    return std::tuple<T...>(values_[I].template as<T>()...);
  }

  const ResultMetadata* metadata_ = nullptr;
  const Value* values_ = nullptr;
  // metadata_'s size, kept here: every access by position checks against it.
  std::size_t size_ = 0;
  // Views: the owner's handle on the metadata, so that a copy can share it.
  const std::shared_ptr<const ResultMetadata>* view_of_ = nullptr;
  std::shared_ptr<const ResultMetadata> owned_metadata_;  // owning rows
  std::vector<Value> owned_;
};

std::ostream& operator<<(std::ostream& os, const Row& row);

// A read-only mapping of column name → value over one Row (Python's row._mapping). Keys are
// names (or Column objects); `mapping()["nope"]` is exc::NoSuchColumnError.
class RowMapping {
 public:
  explicit RowMapping(Row row) : row_(std::move(row)) {}
  const Value& operator[](std::string_view key) const { return row_[key]; }
  const Value& operator[](const char* key) const { return row_[std::string_view(key)]; }
  const Value& operator[](const sql::Column& key) const { return row_[key]; }
  template <typename T>
  T get(std::string_view key) const {
    return row_[key].template as<T>();
  }
  bool contains(std::string_view key) const noexcept { return row_.metadata_->find(key) != -1; }
  const std::vector<std::string>& keys() const noexcept { return row_.fields(); }
  std::size_t size() const noexcept { return row_.size(); }
  Params asdict() const { return row_.asdict(); }
  const Row& row() const noexcept { return row_; }
  // Python's dict repr: {'x': 1, 'y': 'a'}.
  std::string repr() const { return asdict().repr(); }
  friend bool operator==(const RowMapping& a, const RowMapping& b) noexcept {
    return a.row_ == b.row_ && a.keys() == b.keys();
  }

 private:
  Row row_;
};

}  // namespace athanor
