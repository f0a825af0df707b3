#include "athanor/engine/row.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <limits>
#include <ostream>
#include <stdexcept>

#include "athanor/exc.hpp"
#include "athanor/sql/schema.hpp"

namespace athanor {

// Past this many columns a hash lookup beats comparing names one by one.
constexpr std::size_t linear_lookup_limit = 8;
// The index_ entry of an ambiguous name.
constexpr std::size_t ambiguous_slot = std::numeric_limits<std::size_t>::max();

ResultMetadata::ResultMetadata(std::vector<std::string> keys, std::uint64_t description_serial)
    : keys_(std::move(keys)), serial_(description_serial) {
  if (keys_.size() > linear_lookup_limit) {
    for (std::size_t i = 0; i < keys_.size(); ++i) index_[keys_[i]] = i;  // last one wins
  }
}

ResultMetadata::ResultMetadata(std::vector<std::string> keys, Duplicates duplicates)
    : ResultMetadata(std::move(keys)) {
  if (duplicates == Duplicates::last_wins) return;
  index_.clear();
  for (std::size_t i = 0; i < keys_.size(); ++i) {
    const auto [it, added] = index_.try_emplace(keys_[i], i);
    if (!added) it->second = ambiguous_slot;
  }
}

ResultMetadata::ResultMetadata(std::vector<std::string> keys, std::uint64_t description_serial,
                               std::vector<ColumnIdentity> columns,
                               std::vector<ValueProcessor> processors)
    : ResultMetadata(std::move(keys), description_serial) {
  columns_ = std::move(columns);
  const bool any = std::any_of(processors.begin(), processors.end(),
                               [](ValueProcessor p) { return p != nullptr; });
  if (any) processors_ = std::move(processors);
}

ColumnIdentity identity_of(const sql::Column& column) {
  const sql::Node& n = *column.node();
  return {n.from.get(), n.column, n.name};
}

std::size_t ResultMetadata::index_of(const sql::Column& column) const {
  const ColumnIdentity wanted = identity_of(column);
  for (std::size_t i = 0; i < columns_.size(); ++i) {
    if (columns_[i] == wanted) return i;
  }
  const sql::Node& n = *column.node();
  std::string shown = n.name;
  if (n.from && n.from->kind == sql::FromKind::table) {
    shown = static_cast<const sql::TableData&>(*n.from).name + "." + n.name;
  }
  throw exc::NoSuchColumnError(
      fmt::format("Could not locate column in row for column '{}'", shown));
}

std::ptrdiff_t ResultMetadata::find(std::string_view name) const noexcept {
  if (!index_.empty()) {
    const auto it = index_.find(name);
    if (it == index_.end()) return -1;
    return it->second == ambiguous_slot ? ambiguous_name : static_cast<std::ptrdiff_t>(it->second);
  }
  for (std::size_t i = keys_.size(); i-- > 0;) {
    if (keys_[i] == name) return static_cast<std::ptrdiff_t>(i);
  }
  return -1;
}

std::size_t ResultMetadata::index_of(std::string_view name) const {
  const std::ptrdiff_t i = find(name);
  if (i == ambiguous_name) {
    throw exc::InvalidRequestError(
        fmt::format("Ambiguous column name '{}' in result set column descriptions", name));
  }
  if (i < 0) {
    throw exc::NoSuchColumnError(
        fmt::format("Could not locate column in row for column '{}'", name));
  }
  return static_cast<std::size_t>(i);
}

Row::Row(std::shared_ptr<const ResultMetadata> metadata, std::vector<Value> values)
    : metadata_(metadata.get()),
      size_(metadata ? metadata->size() : 0),
      owned_metadata_(std::move(metadata)),
      owned_(std::move(values)) {
  values_ = owned_.data();
}

Row::Row(const Row& other)
    : metadata_(other.metadata_),
      size_(other.size_),
      owned_metadata_(other.owned_metadata_ ? other.owned_metadata_
                      : other.view_of_      ? *other.view_of_
                                            : nullptr),
      owned_(other.begin(), other.end()) {
  values_ = owned_.data();
}

Row::Row(Row&& other) noexcept
    : metadata_(other.metadata_),
      values_(other.values_),
      size_(other.size_),
      view_of_(other.view_of_),
      owned_metadata_(std::move(other.owned_metadata_)),
      owned_(std::move(other.owned_)) {
  if (owned_metadata_) values_ = owned_.data();
}

Row& Row::operator=(const Row& other) {
  if (this != &other) *this = Row(other);
  return *this;
}

Row& Row::operator=(Row&& other) noexcept {
  if (this != &other) {
    metadata_ = other.metadata_;
    values_ = other.values_;
    size_ = other.size_;
    view_of_ = other.view_of_;
    owned_metadata_ = std::move(other.owned_metadata_);
    owned_ = std::move(other.owned_);
    if (owned_metadata_) values_ = owned_.data();
  }
  return *this;
}

void Row::throw_index_error() {
  throw std::out_of_range("tuple index out of range");
}

void Row::check_arity(std::size_t n) const {
  if (n != size()) {
    throw exc::ArgumentError(
        fmt::format("Row has {} columns, but as<...>() names {} types", size(), n));
  }
}

RowMapping Row::mapping() const {
  Row view;
  view.metadata_ = metadata_;
  view.values_ = values_;
  view.size_ = size_;
  view.view_of_ = owned_metadata_ ? &owned_metadata_ : view_of_;
  return RowMapping(std::move(view));
}

Params Row::asdict() const {
  Params out;
  for (std::size_t i = 0; i < size(); ++i) out.set(metadata_->keys()[i], values_[i]);
  return out;
}

std::string Row::repr() const {
  std::string out = "(";
  for (std::size_t i = 0; i < size(); ++i) {
    if (i) out += ", ";
    out += values_[i].repr();
  }
  out += size() == 1 ? ",)" : ")";
  return out;
}

bool operator==(const Row& a, const Row& b) noexcept {
  return std::equal(a.begin(), a.end(), b.begin(), b.end());
}

std::ostream& operator<<(std::ostream& os, const Row& row) {
  return os << row.repr();
}

}  // namespace athanor
