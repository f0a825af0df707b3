// athanor/engine/result.hpp — Result, CursorResult, ScalarResult, MappingResult.
//
// A Result hands out the rows of one statement, as SQLAlchemy's does: iterate it, or fetch with
// fetchone()/fetchmany()/all(), or take one value with first()/one()/scalar()... The closing rules
// are SQLAlchemy's:
//   - running out of rows (iteration, fetchone() returning nothing, all()) "soft-closes": the
//     cursor goes back to the driver at once, later fetches return nothing, closed() stays false;
//   - first(), one(), one_or_none(), scalar(), scalar_one(), scalar_one_or_none() and close()
//     "hard-close": closed() is true and any later fetch raises exc::ResourceClosedError;
//   - a statement that returns no rows (DML without RETURNING, DDL) gives a result that raises
//     "This result object does not return rows. It has been closed automatically." on any fetch.
// A Result is single-pass and move-only; its destructor closes it.
#pragma once

#include <cstdint>
#include <iterator>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "athanor/dbapi.hpp"
#include "athanor/engine/row.hpp"

namespace athanor {

namespace detail {
class ConnectionState;
}  // namespace detail

class ScalarResult;
class MappingResult;

class Result {
 public:
  Result(Result&& other) noexcept;
  Result& operator=(Result&& other) noexcept;
  Result(const Result&) = delete;
  Result& operator=(const Result&) = delete;
  virtual ~Result();

  // Single-pass input iteration over views of the rows (see athanor/engine/row.hpp).
  class iterator {
   public:
    using value_type = Row;
    using difference_type = std::ptrdiff_t;
    using iterator_category = std::input_iterator_tag;
    iterator() = default;
    explicit iterator(Result* r) : result_(r) {}
    const Row& operator*() const { return result_->current_; }
    const Row* operator->() const { return &result_->current_; }
    iterator& operator++() {
      if (!result_->advance()) result_ = nullptr;
      return *this;
    }
    void operator++(int) { ++*this; }
    friend bool operator==(const iterator& it, std::default_sentinel_t) { return !it.result_; }

   private:
    Result* result_ = nullptr;
  };
  iterator begin();
  std::default_sentinel_t end() noexcept { return {}; }

  std::optional<Row> fetchone();
  // At most `size` rows (default: 1 — the driver's arraysize — as in SQLAlchemy with a plain
  // cursor); empty when exhausted.
  std::vector<Row> fetchmany(std::optional<std::size_t> size = std::nullopt);
  std::vector<Row> fetchall();
  std::vector<Row> all() { return fetchall(); }

  std::optional<Row> first();
  Row one();  // exc::NoResultFound / exc::MultipleResultsFound
  std::optional<Row> one_or_none();

  Value scalar();  // first column of the first row; NULL when there is no row
  template <typename T>
  std::optional<T> scalar() {
    return scalar().as<std::optional<T>>();
  }
  Value scalar_one();
  template <typename T>
  T scalar_one() {
    return scalar_one().as<T>();
  }
  Value scalar_one_or_none();
  template <typename T>
  std::optional<T> scalar_one_or_none() {
    return scalar_one_or_none().as<std::optional<T>>();
  }

  // Views of one column / of rows as mappings, sharing this result's cursor. On an lvalue result
  // they refer to it (keep it alive while you use them); on a temporary they take it over.
  ScalarResult scalars(std::size_t index = 0) &;
  ScalarResult scalars(std::size_t index = 0) &&;
  ScalarResult scalars(std::string_view name) &;
  ScalarResult scalars(std::string_view name) &&;
  MappingResult mappings() &;
  MappingResult mappings() &&;

  // The column names; still available after the rows are exhausted or the result closed.
  const std::vector<std::string>& keys() const;
  void close() noexcept;
  bool closed() const noexcept { return state_ == State::hard_closed; }
  bool returns_rows() const noexcept { return metadata_ != nullptr; }

 protected:
  enum class State { open, soft_closed, hard_closed };

  Result() = default;
  // Reads the next row of the source into `row`; false when there are no more (the source then
  // releases its resources).
  virtual bool next_raw(std::span<Value> row) = 0;
  virtual void release_source() noexcept = 0;

  void init_rows(std::shared_ptr<const ResultMetadata> metadata, std::vector<Value> buffer);
  // The buffer back to whoever lent it; called once the result is done with it.
  virtual void recycle_buffer(std::vector<Value>&& /*buffer*/) noexcept {}
  // Moves this result (its most derived type) to the heap, for views that take a temporary over.
  virtual std::unique_ptr<Result> take() && = 0;

  // Releases the source now (the rows are exhausted); fetching then returns nothing.
  void soft_close() noexcept;

  std::shared_ptr<const ResultMetadata> metadata_;
  State state_ = State::open;

 private:
  friend class ScalarResult;
  friend class MappingResult;
  bool advance();  // moves current_ to the next row; false at the end (soft-closes)
  void check_fetchable() const;
  void hard_close() noexcept;
  std::optional<Row> only_row(bool require_one, std::string_view many_message);

  std::vector<Value> buffer_;
  Row current_;
};

// The result of Connection::execute(): a Result over a driver cursor, plus what the cursor knows.
class CursorResult : public Result {
 public:
  CursorResult(CursorResult&&) noexcept = default;
  CursorResult& operator=(CursorResult&&) noexcept = default;
  ~CursorResult() override;

  // Rows matched by an UPDATE/DELETE (summed over executemany); -1 when not applicable.
  std::int64_t rowcount() const noexcept { return rowcount_; }
  std::optional<std::int64_t> lastrowid() const noexcept { return lastrowid_; }
  bool supports_sane_rowcount() const noexcept;
  bool supports_sane_multi_rowcount() const noexcept;

  // For the execution machinery.
  CursorResult(std::shared_ptr<detail::ConnectionState> conn, dbapi::CursorPtr cursor,
               std::shared_ptr<const ResultMetadata> metadata);

 protected:
  bool next_raw(std::span<Value> row) override;
  void release_source() noexcept override;
  void recycle_buffer(std::vector<Value>&& buffer) noexcept override;
  std::unique_ptr<Result> take() && override;

 private:
  std::shared_ptr<detail::ConnectionState> conn_;
  dbapi::CursorPtr cursor_;
  std::int64_t rowcount_ = -1;
  std::optional<std::int64_t> lastrowid_;
};

// One column of each row (Python's ScalarResult). No fetchone(): use first() / one_or_none().
class ScalarResult {
 public:
  class iterator {
   public:
    using value_type = Value;
    using difference_type = std::ptrdiff_t;
    iterator() = default;
    iterator(Result* r, std::size_t index) : result_(r), index_(index) {}
    const Value& operator*() const {
      return result_->current_.at(static_cast<std::ptrdiff_t>(index_));
    }
    iterator& operator++() {
      if (!result_->advance()) result_ = nullptr;
      return *this;
    }
    void operator++(int) { ++*this; }
    friend bool operator==(const iterator& it, std::default_sentinel_t) { return !it.result_; }

   private:
    Result* result_ = nullptr;
    std::size_t index_ = 0;
  };
  iterator begin();
  std::default_sentinel_t end() noexcept { return {}; }

  std::vector<Value> all();
  std::vector<Value> fetchall() { return all(); }
  std::vector<Value> fetchmany(std::optional<std::size_t> size = std::nullopt);
  std::optional<Value> first();
  Value one();
  std::optional<Value> one_or_none();
  // Typed: all<std::int64_t>() → std::vector<std::int64_t>.
  template <typename T>
  std::vector<T> all() {
    std::vector<T> out;
    for (const Value& v : *this) out.push_back(v.as<T>());
    return out;
  }
  void close() noexcept { base_->close(); }
  bool closed() const noexcept { return base_->closed(); }

  ScalarResult(Result* base, std::size_t index) : base_(base), index_(index) {}
  ScalarResult(std::unique_ptr<Result> owned, std::size_t index);

 private:
  std::unique_ptr<Result> owned_;
  Result* base_;
  std::size_t index_;
};

// Rows as RowMapping (Python's MappingResult).
class MappingResult {
 public:
  class iterator {
   public:
    using value_type = RowMapping;
    using difference_type = std::ptrdiff_t;
    iterator() = default;
    explicit iterator(Result* r) : result_(r) {}
    RowMapping operator*() const { return result_->current_.mapping(); }
    iterator& operator++() {
      if (!result_->advance()) result_ = nullptr;
      return *this;
    }
    void operator++(int) { ++*this; }
    friend bool operator==(const iterator& it, std::default_sentinel_t) { return !it.result_; }

   private:
    Result* result_ = nullptr;
  };
  iterator begin();
  std::default_sentinel_t end() noexcept { return {}; }

  std::optional<RowMapping> fetchone();
  std::vector<RowMapping> fetchmany(std::optional<std::size_t> size = std::nullopt);
  std::vector<RowMapping> all();
  std::vector<RowMapping> fetchall() { return all(); }
  std::optional<RowMapping> first();
  RowMapping one();
  std::optional<RowMapping> one_or_none();
  const std::vector<std::string>& keys() const { return base_->keys(); }
  void close() noexcept { base_->close(); }
  bool closed() const noexcept { return base_->closed(); }

  explicit MappingResult(Result* base) : base_(base) {}
  explicit MappingResult(std::unique_ptr<Result> owned);

 private:
  std::unique_ptr<Result> owned_;
  Result* base_;
};

}  // namespace athanor
