// Results over rows in memory (FrozenResult's) and over other results (MergedResult).
#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>

#include "athanor/engine/result.hpp"
#include "athanor/exc.hpp"
#include "engine/result_detail.hpp"

namespace athanor {

namespace {
// Rows copied into the result's buffer per refill: the rows are in memory already, so this only
// bounds the copy. A buffered mode (not plain) also makes fetchmany() default to all remaining
// rows, as for SQLAlchemy's in-memory results.
constexpr std::size_t memory_batch = 64;
constexpr detail::RowBuffering memory_buffering{detail::RowBuffering::Mode::growing, memory_batch,
                                                memory_batch};
}  // namespace

// ---- InMemoryResult -----------------------------------------------------------------------------

InMemoryResult::InMemoryResult(detail::RowFilter filter,
                               std::shared_ptr<const std::vector<Value>> rows,
                               std::optional<std::size_t> yield_per)
    : rows_(std::move(rows)) {
  init_rows(std::move(filter), {}, memory_buffering);
  if (yield_per) Result::yield_per(static_cast<std::int64_t>(*yield_per));
}

std::size_t InMemoryResult::fetch_raw(std::span<Value> out, std::size_t rows) {
  const std::size_t w = width();
  const std::size_t left = rows_ && w ? (rows_->size() - next_) / w : 0;
  const std::size_t n = std::min(rows, left);
  if (n) std::copy_n(rows_->data() + next_, n * w, out.data());
  next_ += n * w;
  if (n < rows) release_source();
  return n;
}

std::unique_ptr<Result> InMemoryResult::take() && {
  return std::make_unique<InMemoryResult>(std::move(*this));
}

// ---- FrozenResult -------------------------------------------------------------------------------

FrozenResult::FrozenResult(detail::RowFilter filter, std::vector<Value> rows,
                           std::optional<std::size_t> yield_per)
    : filter_(std::move(filter)),
      rows_(std::make_shared<const std::vector<Value>>(std::move(rows))),
      yield_per_(yield_per) {}

InMemoryResult FrozenResult::operator()() const {
  return InMemoryResult(filter_.fresh(), rows_, yield_per_);
}

std::vector<std::vector<Value>> FrozenResult::rewrite_rows() const {
  std::vector<std::vector<Value>> out;
  for (const Row& row : (*this)()) out.emplace_back(row.begin(), row.end());
  return out;
}

FrozenResult FrozenResult::with_new_rows(const std::vector<std::vector<Value>>& rows) const {
  const std::size_t width = keys().size();
  std::vector<Value> flat;
  flat.reserve(rows.size() * width);
  for (std::size_t i = 0; i < rows.size(); ++i) {
    if (rows[i].size() != width) {
      throw exc::ArgumentError(
          fmt::format("with_new_rows(): row {} has {} values; the result has {} columns ({})", i,
                      rows[i].size(), width, fmt::join(keys(), ", ")));
    }
    flat.insert(flat.end(), rows[i].begin(), rows[i].end());
  }
  return FrozenResult(filter_.over_output(), std::move(flat), yield_per_);
}

// ---- MergedResult -------------------------------------------------------------------------------

MergedResult::MergedResult(Result* first, std::initializer_list<Result*> others) : results_{first} {
  first->check_fetchable();
  const auto& keys = first->filter_.source()->keys();
  for (Result* r : others) {
    r->check_fetchable();
    if (r->filter_.source()->keys() != keys) {
      throw exc::InvalidRequestError(
          fmt::format("Can't merge results with different keys: [{}] and [{}]",
                      fmt::join(keys, ", "), fmt::join(r->filter_.source()->keys(), ", ")));
    }
    results_.push_back(r);
  }
  init_rows(detail::RowFilter(first->filter_), {}, memory_buffering);
  if (first->yield_per_) Result::yield_per(static_cast<std::int64_t>(*first->yield_per_));
}

MergedResult::~MergedResult() = default;

std::int64_t MergedResult::rowcount() const noexcept {
  std::int64_t sum = 0;
  for (const Result* r : results_) {
    const auto* cursor = dynamic_cast<const CursorResult*>(r);
    if (!cursor || cursor->rowcount() < 0) return -1;
    sum += cursor->rowcount();
  }
  return sum;
}

std::size_t MergedResult::fetch_raw(std::span<Value> out, std::size_t rows) {
  const std::size_t w = width();
  std::size_t n = 0;
  while (n < rows && current_ < results_.size()) {
    const Value* raw = results_[current_]->next_raw();
    if (!raw) {
      ++current_;
      continue;
    }
    std::copy_n(raw, w, out.begin() + static_cast<std::ptrdiff_t>(n * w));
    ++n;
  }
  return n;
}

void MergedResult::release_source() noexcept {
  for (Result* r : results_) r->soft_close();
}

void MergedResult::on_close() noexcept {
  for (Result* r : results_) r->close();
}

std::unique_ptr<Result> MergedResult::take() && {
  return std::make_unique<MergedResult>(std::move(*this));
}

}  // namespace athanor
