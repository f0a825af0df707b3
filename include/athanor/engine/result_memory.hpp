// athanor/engine/result_memory.hpp — results that do not read a cursor: FrozenResult's fresh
// results (over rows kept in memory) and MergedResult (the rows of several results in turn).
// Included by athanor/engine/result.hpp; both produce ordinary Results, with every method and
// modifier.
//
//   sa::FrozenResult frozen = conn.execute(stmt).freeze();   // reads every row now
//   for (const sa::Row& row : frozen()) ...                   // a fresh Result each call
//   sa::MergedResult merged = r1.merge(r2, r3);               // r1's rows, then r2's, then r3's
#pragma once

#include <cstdint>
#include <initializer_list>
#include <memory>
#include <vector>

namespace athanor {

// A Result over rows held in memory (shared, never copied per result).
class InMemoryResult final : public Result {
 public:
  InMemoryResult(detail::RowFilter filter, std::shared_ptr<const std::vector<Value>> rows,
                 std::optional<std::size_t> yield_per);
  InMemoryResult(InMemoryResult&&) noexcept = default;
  InMemoryResult& operator=(InMemoryResult&&) noexcept = default;

 protected:
  std::size_t fetch_raw(std::span<Value> out, std::size_t rows) override;
  void release_source() noexcept override { rows_.reset(); }
  std::unique_ptr<Result> take() && override;

 private:
  std::shared_ptr<const std::vector<Value>> rows_;  // raw rows, width × count values
  std::size_t next_ = 0;                            // index of the next value to read
};

// Python's FrozenResult: the rows of a result, read once; calling it gives a fresh Result over
// them, any number of times, with the same columns() and unique() settings.
class FrozenResult {
 public:
  InMemoryResult operator()() const;
  const std::vector<std::string>& keys() const noexcept { return filter_.metadata()->keys(); }
  // The rows as each fresh result gives them, as lists of values (Python's rewrite_rows()), e.g.
  // to change them and make a FrozenResult of the changed rows with with_new_rows().
  std::vector<std::vector<Value>> rewrite_rows() const;
  // A FrozenResult over `rows` instead, with this one's keys(), unique() setting and yield_per;
  // each row must have keys().size() values (exc::ArgumentError otherwise).
  FrozenResult with_new_rows(const std::vector<std::vector<Value>>& rows) const;

  // For Result::freeze().
  FrozenResult(detail::RowFilter filter, std::vector<Value> rows,
               std::optional<std::size_t> yield_per);

 private:
  detail::RowFilter filter_;
  std::shared_ptr<const std::vector<Value>> rows_;
  std::optional<std::size_t> yield_per_;
};

// Python's MergedResult: the raw rows of each result in turn, read through the first result's
// columns(), unique() and yield_per settings. The results are referred to (keep them alive) and
// must have the same keys (exc::InvalidRequestError otherwise); closing the merged result closes
// them all.
class MergedResult final : public Result {
 public:
  MergedResult(Result* first, std::initializer_list<Result*> others);
  MergedResult(MergedResult&&) noexcept = default;
  MergedResult& operator=(MergedResult&&) noexcept = default;
  ~MergedResult() override;

  // As SQLAlchemy's merge() of CursorResults: the sum of the parts' rowcount(), as they count now
  // (DML with RETURNING counts once its rows are read); -1 when a part is not a CursorResult or
  // has no rowcount (a SELECT).
  std::int64_t rowcount() const noexcept;

 protected:
  std::size_t fetch_raw(std::span<Value> out, std::size_t rows) override;
  void release_source() noexcept override;
  void on_close() noexcept override;
  std::unique_ptr<Result> take() && override;

 private:
  std::vector<Result*> results_;
  std::size_t current_ = 0;  // the result being read
};

}  // namespace athanor
