// athanor/engine/row_filter.hpp — what columns(), scalars() and unique() do to a result's rows.
//
// A RowFilter turns the raw rows of a result's source into the rows handed out: it picks and
// reorders columns (columns(...), scalars(i)) and drops rows already seen (unique()). SQLAlchemy
// applies uniquing to the filtered row whatever the order of the calls, so the filter keeps the two
// apart: the projection is applied first, then uniquing, every time.
//
// Without a projection the row handed out is a view of the raw values themselves (no copy); with
// one, the picked values are copied into the filter's own slot, reused row after row.
#pragma once

#include <concepts>
#include <cstddef>
#include <functional>
#include <memory>
#include <span>
#include <string_view>
#include <unordered_set>
#include <variant>
#include <vector>

#include "athanor/engine/row.hpp"

namespace athanor {

// A column named in columns(...) or scalars(...): a position (negative counts from the end), a
// name, or a Column object (for results of select() constructs; it must outlive the call).
class ColumnKey {
 public:
  template <std::integral I>
  ColumnKey(I index) : key_(static_cast<std::ptrdiff_t>(index)) {}  // NOLINT: implicit by design
  ColumnKey(std::string_view name) : key_(name) {}                  // NOLINT
  ColumnKey(const char* name) : key_(std::string_view(name)) {}     // NOLINT
  ColumnKey(const sql::Column& column) : key_(&column) {}           // NOLINT
  // The position of this key among `metadata`'s columns; exc::NoSuchColumnError when absent.
  std::size_t resolve(const ResultMetadata& metadata) const;

 private:
  std::variant<std::ptrdiff_t, std::string_view, const sql::Column*> key_;
};

// unique(strategy): the value a row is told apart by (SQLAlchemy's `strategy(row)`).
using UniqueStrategy = std::function<Value(const Row&)>;

namespace detail {

struct ValuesHash {
  std::size_t operator()(const std::vector<Value>& values) const noexcept;
};

class RowFilter {
 public:
  RowFilter() = default;
  explicit RowFilter(std::shared_ptr<const ResultMetadata> source) : source_(std::move(source)) {}
  // Copies and moves carry the settings; the row view is rebound at the next apply().
  RowFilter(const RowFilter& other);
  RowFilter& operator=(const RowFilter& other);
  RowFilter(RowFilter&& other) noexcept
      : source_(std::move(other.source_)), shaping_(std::move(other.shaping_)) {}
  RowFilter& operator=(RowFilter&& other) noexcept;

  // Keeps the columns `keys` of the current output, in that order.
  void columns(std::span<const ColumnKey> keys);
  void unique(UniqueStrategy strategy);
  bool is_unique() const noexcept { return shaping_ && shaping_->unique; }
  // The same projection and unique setting, with nothing seen yet (FrozenResult's fresh results).
  RowFilter fresh() const;
  // The unique() setting alone, over rows shaped as this filter's output, with nothing seen
  // (FrozenResult::with_new_rows: the new rows are already projected).
  RowFilter over_output() const;

  // The row for raw values `raw` (laid out as the source metadata says), or nullptr when
  // unique() has seen it. The row is valid until the next call or until `raw` changes.
  const Row* apply(const Value* raw) {
    if (shaping_) return apply_shaped(raw);
    row_.rebind(source_, raw);  // rebound for each row: the filter may have moved since the last
    return &row_;
  }
  const std::shared_ptr<const ResultMetadata>& metadata() const noexcept {
    return shaping_ && shaping_->out ? shaping_->out : source_;
  }
  const std::shared_ptr<const ResultMetadata>& source() const noexcept { return source_; }

 private:
  // What columns() and unique() add. Most results use neither, so it lives out of line and a
  // plain result's filter is two pointers to make, move and destroy on each execution.
  struct Shaping {
    std::shared_ptr<const ResultMetadata> out;  // null: the source's columns, all of them
    std::vector<std::size_t> index;             // positions in the raw row, when `out` is set
    std::vector<Value> slot;                    // the projected values
    bool unique = false;
    UniqueStrategy strategy;
    std::unordered_set<std::vector<Value>, ValuesHash> seen;
  };
  Shaping& shaping();
  const Row* apply_shaped(const Value* raw);

  std::shared_ptr<const ResultMetadata> source_;
  std::unique_ptr<Shaping> shaping_;
  Row row_;
};

}  // namespace detail
}  // namespace athanor
