// ScalarResult and MappingResult: other views of a Result's rows, each with its own columns and
// unique() state, reading the same buffer and cursor.
#include "athanor/engine/result.hpp"
#include "engine/result_detail.hpp"

namespace athanor {

namespace {
constexpr std::string_view exactly_one_message =
    "Multiple rows were found when exactly one was required";
constexpr std::string_view one_or_none_message =
    "Multiple rows were found when one or none was required";
}  // namespace

// ---- ScalarResult -------------------------------------------------------------------------------

ScalarResult::ScalarResult(Result* base, ColumnKey column) : base_(base), filter_(base->filter_) {
  if (!filter_.source()) detail::throw_no_rows();
  const ColumnKey keys[] = {column};
  filter_.columns(keys);
}

ScalarResult::ScalarResult(std::unique_ptr<Result> owned, ColumnKey column)
    : ScalarResult(owned.get(), column) {
  owned_ = std::move(owned);
}

ScalarResult::iterator ScalarResult::begin() {
  base_->check_fetchable();
  return iterator(this);
}

std::vector<Value> ScalarResult::all() {
  base_->check_fetchable();
  std::vector<Value> out;
  while (const Row* row = base_->next_row(filter_)) out.push_back(*row->begin());
  return out;
}

std::vector<Value> ScalarResult::fetchmany(std::optional<std::size_t> size) {
  base_->check_fetchable();
  const std::size_t n = size.value_or(base_->default_fetch_size());
  std::vector<Value> out;
  while (out.size() < n) {
    const Row* row = base_->next_row(filter_, true);
    if (!row) break;
    out.push_back(*row->begin());
  }
  return out;
}

std::optional<Value> ScalarResult::first() {
  base_->check_fetchable();
  std::optional<Value> out;
  if (const Row* row = base_->next_row(filter_)) out = *row->begin();
  base_->hard_close();
  return out;
}

Value ScalarResult::one() {
  return *base_->only_row(filter_, true, exactly_one_message)->begin();
}

std::optional<Value> ScalarResult::one_or_none() {
  auto row = base_->only_row(filter_, false, one_or_none_message);
  if (!row) return std::nullopt;
  return *row->begin();
}

ScalarResult& ScalarResult::unique(UniqueStrategy strategy) {
  filter_.unique(std::move(strategy));
  return *this;
}

ScalarResult& ScalarResult::yield_per(std::int64_t n) {
  base_->yield_per(n);
  return *this;
}

// ---- MappingResult ------------------------------------------------------------------------------

MappingResult::MappingResult(Result* base) : base_(base), filter_(base->filter_) {
  if (!filter_.source()) detail::throw_no_rows();
}

MappingResult::MappingResult(std::unique_ptr<Result> owned) : MappingResult(owned.get()) {
  owned_ = std::move(owned);
}

MappingResult::iterator MappingResult::begin() {
  base_->check_fetchable();
  return iterator(this);
}

std::optional<RowMapping> MappingResult::fetchone() {
  base_->check_fetchable();
  const Row* row = base_->next_row(filter_);
  if (!row) return std::nullopt;
  return RowMapping(Row(*row));
}

std::vector<RowMapping> MappingResult::fetchmany(std::optional<std::size_t> size) {
  base_->check_fetchable();
  const std::size_t n = size.value_or(base_->default_fetch_size());
  std::vector<RowMapping> out;
  while (out.size() < n) {
    const Row* row = base_->next_row(filter_, true);
    if (!row) break;
    out.emplace_back(Row(*row));
  }
  return out;
}

std::vector<RowMapping> MappingResult::all() {
  base_->check_fetchable();
  std::vector<RowMapping> out;
  while (const Row* row = base_->next_row(filter_)) out.emplace_back(Row(*row));
  return out;
}

std::optional<RowMapping> MappingResult::first() {
  base_->check_fetchable();
  std::optional<RowMapping> out;
  if (const Row* row = base_->next_row(filter_)) out.emplace(Row(*row));
  base_->hard_close();
  return out;
}

RowMapping MappingResult::one() {
  return RowMapping(*base_->only_row(filter_, true, exactly_one_message));
}

std::optional<RowMapping> MappingResult::one_or_none() {
  auto row = base_->only_row(filter_, false, one_or_none_message);
  if (!row) return std::nullopt;
  return RowMapping(std::move(*row));
}

MappingResult& MappingResult::unique(UniqueStrategy strategy) {
  filter_.unique(std::move(strategy));
  return *this;
}

MappingResult& MappingResult::yield_per(std::int64_t n) {
  base_->yield_per(n);
  return *this;
}

const std::vector<std::string>& MappingResult::keys() const {
  return filter_.metadata()->keys();
}

}  // namespace athanor
