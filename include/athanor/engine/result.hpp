// athanor/engine/result.hpp — Result, CursorResult, ScalarResult, MappingResult, TupleResult.
//
// A Result hands out the rows of one statement, as SQLAlchemy's does: iterate it, or fetch with
// fetchone()/fetchmany()/all()/partitions(), or take one value with first()/one()/scalar()... The
// closing rules are SQLAlchemy's:
//   - running out of rows (iteration, fetchone() returning nothing, all()) "soft-closes": the
//     cursor goes back to the driver at once, later fetches return nothing, closed() stays false;
//   - first(), one(), one_or_none(), scalar(), scalar_one(), scalar_one_or_none() and close()
//     "hard-close": closed() is true and any later fetch raises exc::ResourceClosedError;
//   - a statement that returns no rows (DML without RETURNING, DDL) gives a result that raises
//     "This result object does not return rows. It has been closed automatically." on any fetch.
// A Result is single-pass and move-only; its destructor closes it, so a result used as a scope
// gives its cursor back even when an exception leaves the loop.
//
// Modifiers (SQLAlchemy 2.0): columns(...), unique(...) and yield_per(n) change the result in
// place and return it; scalars() and mappings() return new objects reading the same rows (on an
// lvalue they refer to it — keep it alive —, on a temporary they take it over). Uniquing applies
// to the row after columns()/scalars() whatever the order of the calls.
//
// Rows are read into the result's own buffer (one row at a time, or batches when streaming, see
// CursorResult) and a Row from iteration is a view of it, valid until the result moves on.
// fetchone(), all(), first()... return owning Rows.
#pragma once

#include <cstdint>
#include <iterator>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <tuple>
#include <vector>

#include "athanor/dbapi.hpp"
#include "athanor/engine/row.hpp"
#include "athanor/engine/row_filter.hpp"

namespace athanor {

namespace detail {
class ConnectionState;

// How a result refills its row buffer from its source (SPEC §14.3).
struct RowBuffering {
  enum class Mode {
    plain,    // one row at a time; fetchmany() defaults to 1 (the DBAPI arraysize)
    growing,  // stream_results: 1 row at creation, then 5, 25, ... up to max_row_buffer
    fixed,    // yield_per(n): n rows per refill
    all,      // yield_per(n < 1) and in-memory results: everything at the next refill
  };
  Mode mode = Mode::plain;
  std::size_t size = 1;  // rows per refill (growing: the next refill's)
  std::size_t max_row_buffer = 1000;
};

// An input range of the lists fetchmany(n) returns until it returns none (partitions()). Made
// from a temporary result it owns it, so `for (auto& part : conn.execute(...).partitions(100))`
// is safe.
template <typename Source, typename Item>
class Partitions {
 public:
  Partitions(Source* source, std::optional<std::size_t> size) : source_(source), size_(size) {}
  template <typename Owned>
  Partitions(std::unique_ptr<Owned> owned, std::optional<std::size_t> size)
      : owned_(std::move(owned)), source_(owned_.get()), size_(size) {}
  class iterator {
   public:
    using value_type = std::vector<Item>;
    using difference_type = std::ptrdiff_t;
    iterator() = default;
    explicit iterator(Partitions* p) : p_(p) { ++*this; }
    const std::vector<Item>& operator*() const { return chunk_; }
    std::vector<Item>& operator*() { return chunk_; }
    iterator& operator++() {
      chunk_ = p_->source_->fetchmany(p_->size_);
      if (chunk_.empty()) p_ = nullptr;
      return *this;
    }
    void operator++(int) { ++*this; }
    friend bool operator==(const iterator& it, std::default_sentinel_t) { return !it.p_; }

   private:
    Partitions* p_ = nullptr;
    std::vector<Item> chunk_;
  };
  iterator begin() { return iterator(this); }
  std::default_sentinel_t end() noexcept { return {}; }

 private:
  std::unique_ptr<Source> owned_;
  Source* source_;
  std::optional<std::size_t> size_;
};
}  // namespace detail

class ScalarResult;
class MappingResult;
class FrozenResult;
class MergedResult;
template <typename... T>
class TupleResult;

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
    explicit iterator(Result* r) : result_(r) { ++*this; }
    const Row& operator*() const { return *row_; }
    const Row* operator->() const { return row_; }
    iterator& operator++() {
      row_ = result_->next_row(result_->filter_);
      if (!row_) result_ = nullptr;
      return *this;
    }
    void operator++(int) { ++*this; }
    friend bool operator==(const iterator& it, std::default_sentinel_t) { return !it.result_; }

   private:
    Result* result_ = nullptr;
    const Row* row_ = nullptr;
  };
  iterator begin();
  std::default_sentinel_t end() noexcept { return {}; }

  std::optional<Row> fetchone();
  // At most `size` rows; empty when exhausted. Default: yield_per when set, else 1 (the DBAPI
  // arraysize) for a plain cursor and all remaining rows for streamed and in-memory results.
  std::vector<Row> fetchmany(std::optional<std::size_t> size = std::nullopt);
  std::vector<Row> fetchall();
  std::vector<Row> all() { return fetchall(); }
  // Lists of `size` rows (the last may be shorter, none is empty); size as for fetchmany().
  detail::Partitions<Result, Row> partitions(std::optional<std::size_t> size = std::nullopt) & {
    return {this, size};
  }
  detail::Partitions<Result, Row> partitions(std::optional<std::size_t> size = std::nullopt) && {
    return {std::move(*this).take(), size};
  }

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

  // ---- modifiers, in place ----------------------------------------------------------------
  // Keeps these columns (positions — negative from the end — or names) in this order; chained
  // calls pick from the columns already kept. exc::NoSuchColumnError for an unknown one.
  template <typename... K>
  Result& columns(const K&... keys) {
    const ColumnKey list[] = {ColumnKey(keys)...};
    return columns_impl(list);
  }
  // Drops rows equal to one already handed out (or whose strategy(row) is).
  Result& unique(UniqueStrategy strategy = {});
  // Reads `n` rows per trip to the cursor and makes fetchmany()/partitions() default to n;
  // n < 1 reads everything at the next trip.
  Result& yield_per(std::int64_t n);

  // ---- other views of the same rows -----------------------------------------------------------
  ScalarResult scalars(ColumnKey column = 0) &;
  ScalarResult scalars(ColumnKey column = 0) &&;
  MappingResult mappings() &;
  MappingResult mappings() &&;
  // Rows as std::tuple<T...> (the row must have sizeof...(T) columns).
  template <typename... T>
  TupleResult<T...> tuples() & {
    return TupleResult<T...>(this);
  }
  template <typename... T>
  TupleResult<T...> tuples() && {
    return TupleResult<T...>(std::move(*this).take());
  }

  // Reads every remaining row now; the FrozenResult makes fresh results over them.
  FrozenResult freeze();
  // The rows of this result, then of each of `others` in turn (they must have the same keys).
  template <typename... R>
  MergedResult merge(R&... others);

  // The column names; still available after the rows are exhausted or the result closed.
  const std::vector<std::string>& keys() const;
  void close() noexcept;
  bool closed() const noexcept { return state_ == State::hard_closed; }
  bool returns_rows() const noexcept { return filter_.source() != nullptr; }

 protected:
  enum class State { open, soft_closed, hard_closed };

  Result() = default;
  // Over the raw rows of `source` (null: the statement returns no rows).
  Result(std::shared_ptr<const ResultMetadata>&& source, detail::RowBuffering buffering) noexcept;
  // Reads up to `rows` raw rows into `out` (rows × width values, reusing their buffers) and
  // returns how many it read; fewer than asked means the source is exhausted, and it then has
  // released its resources (a cursor goes back to the driver). A source that knows it is
  // exhausted with the rows asked releases them then too, and says so with source_ended().
  virtual std::size_t fetch_raw(std::span<Value> out, std::size_t rows) = 0;
  void source_ended() noexcept { source_done_ = true; }
  virtual void release_source() noexcept = 0;
  // close() was called: results that read others close them too.
  virtual void on_close() noexcept {}
  // The buffer back to whoever lent it, by swapping it with an empty one (or leaving it); called
  // once the result is done with it.
  virtual void recycle_buffer(std::vector<Value>& /*buffer*/) noexcept {}
  // Moves this result (its most derived type) to the heap, for views that take a temporary over.
  virtual std::unique_ptr<Result> take() && = 0;

  void init_rows(detail::RowFilter&& filter, std::vector<Value>&& buffer,
                 detail::RowBuffering buffering);
  // The buffer the rows are read into (empty until the first refill), for lending it one.
  std::vector<Value>& row_buffer() noexcept { return buffer_; }
  // Reads the first rows now (stream_results pre-buffers one row at creation).
  void prefetch(std::size_t rows);
  // Releases the source now (the rows are exhausted); fetching then returns nothing.
  void soft_close() noexcept;
  // Values per raw row.
  std::size_t width() const noexcept { return width_; }
  // The keys of the raw rows (before columns()).
  const std::shared_ptr<const ResultMetadata>& source_metadata() const noexcept {
    return filter_.source();
  }
  // exc::ResourceClosedError when the rows cannot be fetched (none, or hard-closed).
  void check_fetchable() const;
  // Every remaining raw row (rows × width values), read now; the result is then exhausted.
  std::vector<Value> read_raw_rows();
  // Makes this a fully buffered result over `rows` (rows × width raw values): the source has
  // nothing more, and fetchmany() defaults to all remaining rows.
  void init_buffered(detail::RowFilter&& filter, std::vector<Value>&& rows);

  State state_ = State::open;

 private:
  friend class ScalarResult;
  friend class MappingResult;
  friend class MergedResult;
  template <typename... T>
  friend class TupleResult;

  Result& columns_impl(std::span<const ColumnKey> keys);
  // The next raw row from the buffer, refilling it from the source when empty (`exact`: read
  // just one row, leaving the growth schedule alone — fetchmany() reads exactly what it needs).
  // nullptr at the end; the result then soft-closes.
  const Value* next_raw(bool exact = false);
  void refill(std::size_t rows);
  // refill() of a bounded number of rows.
  void fill(std::size_t rows);
  // The next row through `filter`; nullptr at the end. Inline for a row already in the buffer;
  // next_row_refilling() does the rest.
  const Row* next_row(detail::RowFilter& filter, bool exact = false) {
    if (position_ < buffered_) {
      if (const Row* row = filter.apply(buffer_.data() + width_ * position_++)) return row;
    }
    return next_row_refilling(filter, exact);
  }
  const Row* next_row_refilling(detail::RowFilter& filter, bool exact);
  std::size_t default_fetch_size() const noexcept;
  void hard_close() noexcept;
  std::optional<Row> only_row(detail::RowFilter& filter, bool require_one,
                              std::string_view many_message);
  // Takes `buffering` for the source now in filter_, and what follows from both: the width and,
  // for a fixed buffer (the yield_per option), the default size of fetchmany() and partitions().
  void adopt(detail::RowBuffering buffering) noexcept;

  detail::RowFilter filter_;
  std::size_t width_ = 0;  // the source's columns, read per row
  detail::RowBuffering buffering_;
  std::optional<std::size_t> yield_per_;
  std::vector<Value> buffer_;  // rows × width raw values
  std::size_t buffered_ = 0;   // rows in the buffer
  std::size_t position_ = 0;   // the next one to hand out
  bool source_done_ = false;   // the source has no more rows and was released
};

// The result of Connection::execute(): a Result over a driver cursor, plus what the cursor knows.
class CursorResult : public Result {
 public:
  CursorResult(CursorResult&&) noexcept = default;
  CursorResult& operator=(CursorResult&&) noexcept = default;
  ~CursorResult() override;

  // Rows changed by an UPDATE/DELETE (summed over executemany, as the driver counts them); for a
  // DML statement with RETURNING, known once its rows are read; -1 when not applicable (SELECT).
  // Trust it for a single statement only when supports_sane_rowcount(), for executemany only when
  // supports_sane_multi_rowcount().
  std::int64_t rowcount() const noexcept { return cursor_ ? cursor_->rowcount() : rowcount_; }
  std::optional<std::int64_t> lastrowid() const noexcept {
    return cursor_ ? cursor_->lastrowid() : lastrowid_;
  }
  bool supports_sane_rowcount() const noexcept;
  bool supports_sane_multi_rowcount() const noexcept;

  // What a compiled insert() / update() leaves behind (SPEC §14.1). Each raises
  // exc::InvalidRequestError with SQLAlchemy's wording when the statement was not a construct
  // ("Statement is not a compiled expression construct.") or not of the right kind.
  bool is_insert() const noexcept { return insert_.is_insert; }
  // The primary key of the row a single-row insert() made, in the table's primary-key order:
  // the values given (or defaulted), the database's lastrowid for the autoincrement column, NULL
  // where the value is not known. Not for executemany or an insert with returning().
  const Row& inserted_primary_key() const;
  // One such Row per parameter set (executemany: generated values NULL unless RETURNING).
  const std::vector<Row>& inserted_primary_key_rows() const;
  // The row an insert() / update() fetched back with RETURNING the compiler added for
  // return_defaults() or, on PostgreSQL, for a single-row insert()'s generated primary key;
  // nullopt when nothing was fetched (SQLite without return_defaults(), text()). Raises
  // exc::InvalidRequestError for executemany (use returned_defaults_rows()).
  std::optional<Row> returned_defaults() const;
  // Every such row (empty when nothing was fetched).
  const std::vector<Row>& returned_defaults_rows() const noexcept;
  // True when an insert() / update() left columns for the server to fill that were not fetched
  // back (postfetch_cols() is not empty).
  bool lastrow_has_defaults() const noexcept;
  // The statement's bound parameters as executed, one Params per parameter set (SQLAlchemy
  // gives a dict for one set and a list for executemany; here it is always the list).
  const std::vector<Params>& last_inserted_params() const;
  const std::vector<Params>& last_updated_params() const;
  // Names of the columns whose values the client computed (Column defaults) and of those the
  // server filled (server_default), for an insert() or update().
  const std::vector<std::string>& prefetch_cols() const;
  const std::vector<std::string>& postfetch_cols() const;

  // Filled by the execution of a construct (src/engine/execute.cpp); text() and driver SQL
  // leave it empty.
  struct InsertInfo {
    bool compiled = false;  // the statement was a compiled construct (not text()/driver SQL)
    bool is_insert = false;
    bool is_update = false;
    bool executemany = false;
    bool explicit_returning = false;
    // What only an insert() / update() (or the compiler's own RETURNING) leaves: other results
    // have none, and make and destroy no vector for it.
    struct Records {
      std::vector<Row> inserted_primary_key_rows;  // insert()
      std::vector<Row> returned_defaults_rows;     // the compiler's own RETURNING rows
      std::vector<Params> parameters;              // insert() / update(): per parameter set
      std::vector<std::string> prefetch_cols;
      std::vector<std::string> postfetch_cols;
    };
    std::shared_ptr<const Records> records;  // shared by spliced results
    const Records& rows() const noexcept;    // empty Records when there are none
  };
  InsertInfo& insert_info() noexcept { return insert_; }
  // Every remaining row, read now and left in the result to be read again (the execution's own
  // RETURNING rows with return_defaults(supplemental_cols)).
  std::vector<Row> read_and_rewind();

  // New fully buffered results over the remaining rows of this result and `other` (SQLAlchemy
  // 2.0, meant for showing INSERT..RETURNING results of related tables side by side, as a JOIN
  // would). Both are read to the end now, as raw rows (before columns()/unique()); the new result
  // starts without modifiers and keeps this result's rowcount(), lastrowid() and insert facts.
  //  - splice_horizontally: row i is this result's row i followed by `other`'s row i; both must
  //    have as many rows (exc::InvalidRequestError otherwise). A name both have is ambiguous in
  //    the new result: looking it up raises exc::InvalidRequestError; positions still work.
  //  - splice_vertically: this result's rows, then `other`'s; the keys must be the same
  //    (exc::InvalidRequestError otherwise).
  CursorResult splice_horizontally(CursorResult& other);
  CursorResult splice_vertically(CursorResult& other);

  // For the execution machinery. `buffering` says how rows are read (SPEC §14.3).
  CursorResult(std::shared_ptr<detail::ConnectionState>&& conn, dbapi::CursorPtr&& cursor,
               std::shared_ptr<const ResultMetadata>&& metadata, detail::RowBuffering buffering);
  // A fully buffered result over rows already read and processed (insertmanyvalues: the
  // RETURNING rows of every batch); null metadata: no rows.
  CursorResult(std::shared_ptr<detail::ConnectionState> conn,
               std::shared_ptr<const ResultMetadata> metadata, std::vector<Value> rows,
               std::int64_t rowcount, std::optional<std::int64_t> lastrowid);

 protected:
  std::size_t fetch_raw(std::span<Value> out, std::size_t rows) override;
  void release_source() noexcept override;
  void recycle_buffer(std::vector<Value>& buffer) noexcept override;
  std::unique_ptr<Result> take() && override;

 private:
  // A fully buffered result over `rows`, with `like`'s connection and cursor facts (splices).
  CursorResult(const CursorResult& like, std::shared_ptr<const ResultMetadata> metadata,
               std::vector<Value> rows);

  std::shared_ptr<detail::ConnectionState> conn_;
  dbapi::CursorPtr cursor_;
  // The cursor's, taken when it goes back (until then it is asked, which an execution that
  // never looks at them does not pay for).
  std::int64_t rowcount_ = -1;
  std::optional<std::int64_t> lastrowid_;
  // The result processors of the columns (in the metadata this result holds), run on each value
  // read; nullptr when none applies.
  const std::vector<ValueProcessor>* processors_ = nullptr;
  InsertInfo insert_;
};

// One column of each row (Python's ScalarResult). No fetchone(): use first() / one_or_none().
// Starts with the unique() setting of the result it came from; its own unique() applies to the
// values.
class ScalarResult {
 public:
  class iterator {
   public:
    using value_type = Value;
    using difference_type = std::ptrdiff_t;
    iterator() = default;
    explicit iterator(ScalarResult* s) : s_(s) { ++*this; }
    const Value& operator*() const { return *row_->begin(); }
    iterator& operator++() {
      row_ = s_->base_->next_row(s_->filter_);
      if (!row_) s_ = nullptr;
      return *this;
    }
    void operator++(int) { ++*this; }
    friend bool operator==(const iterator& it, std::default_sentinel_t) { return !it.s_; }

   private:
    ScalarResult* s_ = nullptr;
    const Row* row_ = nullptr;
  };
  iterator begin();
  std::default_sentinel_t end() noexcept { return {}; }

  std::vector<Value> all();
  std::vector<Value> fetchall() { return all(); }
  std::vector<Value> fetchmany(std::optional<std::size_t> size = std::nullopt);
  detail::Partitions<ScalarResult, Value> partitions(std::optional<std::size_t> size = {}) & {
    return {this, size};
  }
  detail::Partitions<ScalarResult, Value> partitions(std::optional<std::size_t> size = {}) && {
    return {std::make_unique<ScalarResult>(std::move(*this)), size};
  }
  std::optional<Value> first();
  Value one();
  std::optional<Value> one_or_none();
  ScalarResult& unique(UniqueStrategy strategy = {});
  ScalarResult& yield_per(std::int64_t n);
  // Typed: all<std::int64_t>() → std::vector<std::int64_t>.
  template <typename T>
  std::vector<T> all() {
    std::vector<T> out;
    for (const Value& v : *this) out.push_back(v.as<T>());
    return out;
  }
  void close() noexcept { base_->close(); }
  bool closed() const noexcept { return base_->closed(); }

  ScalarResult(Result* base, ColumnKey column);
  ScalarResult(std::unique_ptr<Result> owned, ColumnKey column);

 private:
  std::unique_ptr<Result> owned_;
  Result* base_;
  detail::RowFilter filter_;
};

// Rows as RowMapping (Python's MappingResult).
class MappingResult {
 public:
  class iterator {
   public:
    using value_type = RowMapping;
    using difference_type = std::ptrdiff_t;
    iterator() = default;
    explicit iterator(MappingResult* m) : m_(m) { ++*this; }
    RowMapping operator*() const { return row_->mapping(); }
    iterator& operator++() {
      row_ = m_->base_->next_row(m_->filter_);
      if (!row_) m_ = nullptr;
      return *this;
    }
    void operator++(int) { ++*this; }
    friend bool operator==(const iterator& it, std::default_sentinel_t) { return !it.m_; }

   private:
    MappingResult* m_ = nullptr;
    const Row* row_ = nullptr;
  };
  iterator begin();
  std::default_sentinel_t end() noexcept { return {}; }

  std::optional<RowMapping> fetchone();
  std::vector<RowMapping> fetchmany(std::optional<std::size_t> size = std::nullopt);
  std::vector<RowMapping> all();
  std::vector<RowMapping> fetchall() { return all(); }
  detail::Partitions<MappingResult, RowMapping> partitions(std::optional<std::size_t> size = {}) & {
    return {this, size};
  }
  detail::Partitions<MappingResult, RowMapping> partitions(
      std::optional<std::size_t> size = {}) && {
    return {std::make_unique<MappingResult>(std::move(*this)), size};
  }
  std::optional<RowMapping> first();
  RowMapping one();
  std::optional<RowMapping> one_or_none();
  template <typename... K>
  MappingResult& columns(const K&... keys) {
    const ColumnKey list[] = {ColumnKey(keys)...};
    filter_.columns(list);
    return *this;
  }
  MappingResult& unique(UniqueStrategy strategy = {});
  MappingResult& yield_per(std::int64_t n);
  const std::vector<std::string>& keys() const;
  void close() noexcept { base_->close(); }
  bool closed() const noexcept { return base_->closed(); }

  explicit MappingResult(Result* base);
  explicit MappingResult(std::unique_ptr<Result> owned);

 private:
  std::unique_ptr<Result> owned_;
  Result* base_;
  detail::RowFilter filter_;
};

// Rows as std::tuple<T...>: `for (auto [id, name] : result.tuples<std::int64_t,
// std::string_view>())`. String views point into the result's buffer, valid until it moves on.
template <typename... T>
class TupleResult {
 public:
  using Tuple = std::tuple<T...>;
  class iterator {
   public:
    using value_type = Tuple;
    using difference_type = std::ptrdiff_t;
    iterator() = default;
    explicit iterator(Result* r) : it_(r) {}
    Tuple operator*() const { return (*it_).template as<T...>(); }
    iterator& operator++() {
      ++it_;
      return *this;
    }
    void operator++(int) { ++*this; }
    friend bool operator==(const iterator& it, std::default_sentinel_t s) { return it.it_ == s; }

   private:
    Result::iterator it_;
  };
  iterator begin() {
    base_->check_fetchable();
    return iterator(base_);
  }
  std::default_sentinel_t end() noexcept { return {}; }

  std::vector<Tuple> all() { return convert(base_->all()); }
  std::vector<Tuple> fetchmany(std::optional<std::size_t> size = std::nullopt) {
    return convert(base_->fetchmany(size));
  }
  std::optional<Tuple> fetchone() { return convert(base_->fetchone()); }
  std::optional<Tuple> first() { return convert(base_->first()); }
  Tuple one() { return base_->one().template as<T...>(); }
  std::optional<Tuple> one_or_none() { return convert(base_->one_or_none()); }
  void close() noexcept { base_->close(); }
  bool closed() const noexcept { return base_->closed(); }

  explicit TupleResult(Result* base) : base_(base) {}
  explicit TupleResult(std::unique_ptr<Result> owned)
      : owned_(std::move(owned)), base_(owned_.get()) {}

 private:
  static std::vector<Tuple> convert(const std::vector<Row>& rows) {
    std::vector<Tuple> out;
    out.reserve(rows.size());
    for (const Row& row : rows) out.push_back(row.template as<T...>());
    return out;
  }
  static std::optional<Tuple> convert(const std::optional<Row>& row) {
    if (!row) return std::nullopt;
    return row->template as<T...>();
  }
  std::unique_ptr<Result> owned_;
  Result* base_;
};

}  // namespace athanor

#include "athanor/engine/result_memory.hpp"

namespace athanor {
template <typename... R>
MergedResult Result::merge(R&... others) {
  return MergedResult(this, {static_cast<Result*>(&others)...});
}
}  // namespace athanor
