// Result's row machinery (the buffer, its refills, the closing rules) and CursorResult.
// ScalarResult/MappingResult are in result_views.cpp, the in-memory results in result_memory.cpp.
#include "athanor/engine/result.hpp"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <limits>

#include "athanor/exc.hpp"
#include "engine/result_detail.hpp"
#include "engine/state.hpp"

namespace athanor {

namespace {
constexpr std::size_t growth_factor = 5;  // SQLAlchemy's BufferedRowCursorFetchStrategy
constexpr std::size_t everything = std::numeric_limits<std::size_t>::max();

// Out of line, so that check_fetchable() is two inlined tests on every fetch.
[[noreturn]] void throw_closed() {
  throw exc::ResourceClosedError("This result object is closed.");
}
}  // namespace

namespace detail {
void throw_no_rows() {
  throw exc::ResourceClosedError(
      "This result object does not return rows. It has been closed automatically.");
}
}  // namespace detail

// ---- Result -------------------------------------------------------------------------------------

Result::Result(Result&& other) noexcept
    : state_(std::exchange(other.state_, State::hard_closed)),
      filter_(std::move(other.filter_)),
      width_(other.width_),
      buffering_(other.buffering_),
      yield_per_(other.yield_per_),
      buffer_(std::move(other.buffer_)),
      buffered_(std::exchange(other.buffered_, 0)),
      position_(std::exchange(other.position_, 0)),
      source_done_(std::exchange(other.source_done_, true)) {}

Result& Result::operator=(Result&& other) noexcept {
  if (this != &other) {
    state_ = std::exchange(other.state_, State::hard_closed);
    filter_ = std::move(other.filter_);
    width_ = other.width_;
    buffering_ = other.buffering_;
    yield_per_ = other.yield_per_;
    buffer_ = std::move(other.buffer_);
    buffered_ = std::exchange(other.buffered_, 0);
    position_ = std::exchange(other.position_, 0);
    source_done_ = std::exchange(other.source_done_, true);
  }
  return *this;
}

Result::Result(std::shared_ptr<const ResultMetadata>&& source,
               detail::RowBuffering buffering) noexcept
    : filter_(std::move(source)) {
  adopt(buffering);
}

Result::~Result() = default;

void Result::adopt(detail::RowBuffering buffering) noexcept {
  width_ = filter_.source() ? filter_.source()->size() : 0;
  buffering_ = buffering;
  if (buffering.mode == detail::RowBuffering::Mode::fixed) yield_per_ = buffering.size;
}

void Result::init_rows(detail::RowFilter&& filter, std::vector<Value>&& buffer,
                       detail::RowBuffering buffering) {
  filter_ = std::move(filter);
  buffer_ = std::move(buffer);
  adopt(buffering);
}

void Result::prefetch(std::size_t rows) {
  refill(rows);
}

// Apart from refill() (whose loop for everything makes a call save more registers) and inline:
// a plain cursor's result comes here for every row.
inline void Result::fill(std::size_t rows) {
  const std::size_t w = width();
  position_ = 0;
  buffered_ = 0;
  if (buffer_.size() < rows * w) buffer_.resize(rows * w);
  buffered_ = fetch_raw({buffer_.data(), rows * w}, rows);
  if (buffered_ < rows) source_done_ = true;
}

void Result::refill(std::size_t rows) {
  if (rows != everything) return fill(rows);
  const std::size_t w = width();
  position_ = 0;
  buffered_ = 0;
  // Everything that is left, in doubling chunks.
  for (std::size_t chunk = 64;; chunk *= 2) {
    if (buffer_.size() < (buffered_ + chunk) * w) buffer_.resize((buffered_ + chunk) * w);
    const std::size_t got = fetch_raw({buffer_.data() + buffered_ * w, chunk * w}, chunk);
    buffered_ += got;
    if (got < chunk || source_done_) break;
  }
  source_done_ = true;
}

const Value* Result::next_raw(bool exact) {
  const std::size_t w = width();
  if (position_ < buffered_) return buffer_.data() + w * position_++;
  if (state_ != State::open) return nullptr;
  if (!source_done_) {
    using Mode = detail::RowBuffering::Mode;
    if (exact && buffering_.mode != Mode::all) {
      fill(1);
    } else if (buffering_.mode == Mode::all) {
      refill(everything);
    } else {
      fill(buffering_.size);
      if (buffering_.mode == Mode::growing) {
        buffering_.size = std::min(buffering_.max_row_buffer, buffering_.size * growth_factor);
      }
    }
    if (position_ < buffered_) return buffer_.data() + w * position_++;
  }
  soft_close();
  return nullptr;
}

const Row* Result::next_row_refilling(detail::RowFilter& filter, bool exact) {
  while (const Value* raw = next_raw(exact)) {
    if (const Row* row = filter.apply(raw)) return row;
  }
  return nullptr;
}

std::size_t Result::default_fetch_size() const noexcept {
  if (yield_per_) return *yield_per_;
  return buffering_.mode == detail::RowBuffering::Mode::plain ? 1 : everything;
}

void Result::check_fetchable() const {
  if (!filter_.source()) detail::throw_no_rows();
  if (state_ == State::hard_closed) throw_closed();
}

void Result::soft_close() noexcept {
  if (state_ != State::open) return;
  state_ = State::soft_closed;
  // A source that ran out has released itself already (see fetch_raw()).
  if (!source_done_) release_source();
  source_done_ = true;
  buffered_ = position_ = 0;
  if (!buffer_.empty()) recycle_buffer(buffer_);
  buffer_.clear();
}

void Result::hard_close() noexcept {
  soft_close();
  state_ = State::hard_closed;
}

void Result::close() noexcept {
  hard_close();
  on_close();
}

Result::iterator Result::begin() {
  check_fetchable();
  return iterator(this);
}

std::optional<Row> Result::fetchone() {
  check_fetchable();
  const Row* row = next_row(filter_);
  return row ? std::optional<Row>(*row) : std::nullopt;
}

std::vector<Row> Result::fetchmany(std::optional<std::size_t> size) {
  check_fetchable();
  const std::size_t n = size.value_or(default_fetch_size());
  std::vector<Row> out;
  while (out.size() < n) {
    const Row* row = next_row(filter_, true);
    if (!row) break;
    out.push_back(*row);
  }
  return out;
}

std::vector<Row> Result::fetchall() {
  check_fetchable();
  std::vector<Row> out;
  while (const Row* row = next_row(filter_)) out.push_back(*row);
  return out;
}

std::optional<Row> Result::first() {
  check_fetchable();
  std::optional<Row> out;
  if (const Row* row = next_row(filter_)) out = *row;
  hard_close();
  return out;
}

std::optional<Row> Result::only_row(detail::RowFilter& filter, bool require_one,
                                    std::string_view many_message) {
  check_fetchable();
  const Row* row = next_row(filter);
  if (!row) {
    hard_close();
    if (require_one) throw exc::NoResultFound("No row was found when one was required");
    return std::nullopt;
  }
  Row out = *row;
  // With unique() this reads on until a second distinct row shows up, or to the end.
  const bool more = next_row(filter) != nullptr;
  hard_close();
  if (more) throw exc::MultipleResultsFound(std::string(many_message));
  return out;
}

Row Result::one() {
  return *only_row(filter_, true, "Multiple rows were found when exactly one was required");
}

std::optional<Row> Result::one_or_none() {
  return only_row(filter_, false, "Multiple rows were found when one or none was required");
}

Value Result::scalar() {
  check_fetchable();
  Value v;
  if (const Row* row = next_row(filter_)) v = *row->begin();
  hard_close();
  return v;
}

Value Result::scalar_one() {
  return one()[0];
}

Value Result::scalar_one_or_none() {
  auto row = one_or_none();
  return row ? (*row)[0] : Value();
}

Result& Result::columns_impl(std::span<const ColumnKey> keys) {
  if (!filter_.source()) detail::throw_no_rows();
  filter_.columns(keys);
  return *this;
}

Result& Result::unique(UniqueStrategy strategy) {
  if (!filter_.source()) detail::throw_no_rows();
  filter_.unique(std::move(strategy));
  return *this;
}

Result& Result::yield_per(std::int64_t n) {
  using Mode = detail::RowBuffering::Mode;
  if (n >= 1) {
    yield_per_ = static_cast<std::size_t>(n);
    buffering_.mode = Mode::fixed;
    buffering_.size = *yield_per_;
  } else {
    yield_per_.reset();
    buffering_.mode = Mode::all;
  }
  return *this;
}

ScalarResult Result::scalars(ColumnKey column) & {
  return ScalarResult(this, column);
}
ScalarResult Result::scalars(ColumnKey column) && {
  if (!filter_.source()) detail::throw_no_rows();
  return ScalarResult(std::move(*this).take(), column);
}
MappingResult Result::mappings() & {
  return MappingResult(this);
}
MappingResult Result::mappings() && {
  if (!filter_.source()) detail::throw_no_rows();
  return MappingResult(std::move(*this).take());
}

const std::vector<std::string>& Result::keys() const {
  if (!filter_.source()) detail::throw_no_rows();
  return filter_.metadata()->keys();
}

std::vector<Value> Result::read_raw_rows() {
  check_fetchable();
  const std::size_t w = width();
  std::vector<Value> rows;
  while (const Value* raw = next_raw()) rows.insert(rows.end(), raw, raw + w);
  return rows;
}

void Result::init_buffered(detail::RowFilter&& filter, std::vector<Value>&& rows) {
  init_rows(std::move(filter), std::move(rows), {detail::RowBuffering::Mode::all, 0, 0});
  const std::size_t w = width();
  buffered_ = w ? buffer_.size() / w : 0;
  position_ = 0;
  source_done_ = true;
}

FrozenResult Result::freeze() {
  std::vector<Value> rows = read_raw_rows();
  return FrozenResult(filter_.fresh(), std::move(rows), yield_per_);
}

// ---- CursorResult -------------------------------------------------------------------------------

CursorResult::CursorResult(std::shared_ptr<detail::ConnectionState>&& conn,
                           dbapi::CursorPtr&& cursor,
                           std::shared_ptr<const ResultMetadata>&& metadata,
                           detail::RowBuffering buffering)
    : Result(std::move(metadata), buffering), conn_(std::move(conn)), cursor_(std::move(cursor)) {
  if (!returns_rows()) {
    // No rows to read: the cursor goes back at once (SQLAlchemy's "closed automatically").
    state_ = State::soft_closed;
    CursorResult::release_source();
    return;
  }
  if (!source_metadata()->processors().empty()) processors_ = &source_metadata()->processors();
  conn_->spare_row_buffers.lend(row_buffer());
  // SQLAlchemy's buffered strategy reads one row at creation (fetchmany(1)).
  if (buffering.mode == detail::RowBuffering::Mode::growing) prefetch(1);
}

CursorResult::CursorResult(const CursorResult& like, std::shared_ptr<const ResultMetadata> metadata,
                           std::vector<Value> rows)
    : conn_(like.conn_),
      rowcount_(like.rowcount()),
      lastrowid_(like.lastrowid()),
      insert_(like.insert_) {
  init_buffered(detail::RowFilter(std::move(metadata)), std::move(rows));
}

CursorResult::CursorResult(std::shared_ptr<detail::ConnectionState> conn,
                           std::shared_ptr<const ResultMetadata> metadata, std::vector<Value> rows,
                           std::int64_t rowcount, std::optional<std::int64_t> lastrowid)
    : conn_(std::move(conn)), rowcount_(rowcount), lastrowid_(lastrowid) {
  if (!metadata) {
    state_ = State::soft_closed;
    return;
  }
  init_buffered(detail::RowFilter(std::move(metadata)), std::move(rows));
}

std::vector<Row> CursorResult::read_and_rewind() {
  const std::shared_ptr<const ResultMetadata> metadata = source_metadata();
  std::vector<Value> raw = read_raw_rows();
  const std::size_t w = width();
  std::vector<Row> rows;
  for (std::size_t i = 0; w && i < raw.size(); i += w) {
    rows.emplace_back(metadata,
                      std::vector<Value>(raw.begin() + static_cast<std::ptrdiff_t>(i),
                                         raw.begin() + static_cast<std::ptrdiff_t>(i + w)));
  }
  init_buffered(detail::RowFilter(metadata), std::move(raw));
  state_ = State::open;
  return rows;
}

CursorResult CursorResult::splice_horizontally(CursorResult& other) {
  check_fetchable();
  other.check_fetchable();
  std::vector<Value> left = read_raw_rows();
  std::vector<Value> right = other.read_raw_rows();
  const std::size_t left_width = width(), right_width = other.width();
  const std::size_t rows = left.size() / left_width;
  if (right.size() / right_width != rows) {
    throw exc::InvalidRequestError(
        fmt::format("Can't splice results with different numbers of rows horizontally: {} and {}",
                    rows, right.size() / right_width));
  }
  std::vector<Value> spliced;
  spliced.reserve(left.size() + right.size());
  for (std::size_t i = 0; i < rows; ++i) {
    const auto l = left.begin() + static_cast<std::ptrdiff_t>(i * left_width);
    const auto r = right.begin() + static_cast<std::ptrdiff_t>(i * right_width);
    spliced.insert(spliced.end(), std::make_move_iterator(l),
                   std::make_move_iterator(l + static_cast<std::ptrdiff_t>(left_width)));
    spliced.insert(spliced.end(), std::make_move_iterator(r),
                   std::make_move_iterator(r + static_cast<std::ptrdiff_t>(right_width)));
  }
  std::vector<std::string> keys = source_metadata()->keys();
  const auto& right_keys = other.source_metadata()->keys();
  keys.insert(keys.end(), right_keys.begin(), right_keys.end());
  return CursorResult(*this,
                      std::make_shared<const ResultMetadata>(std::move(keys),
                                                             ResultMetadata::Duplicates::ambiguous),
                      std::move(spliced));
}

CursorResult CursorResult::splice_vertically(CursorResult& other) {
  check_fetchable();
  other.check_fetchable();
  const auto& keys = source_metadata()->keys();
  const auto& other_keys = other.source_metadata()->keys();
  if (other_keys != keys) {
    throw exc::InvalidRequestError(
        fmt::format("Can't splice results with different keys vertically: [{}] and [{}]",
                    fmt::join(keys, ", "), fmt::join(other_keys, ", ")));
  }
  std::vector<Value> rows = read_raw_rows();
  std::vector<Value> more = other.read_raw_rows();
  rows.insert(rows.end(), std::make_move_iterator(more.begin()),
              std::make_move_iterator(more.end()));
  return CursorResult(*this, source_metadata(), std::move(rows));
}

CursorResult::~CursorResult() {
  if (state_ == State::open) soft_close();
}

std::size_t CursorResult::fetch_raw(std::span<Value> out, std::size_t rows) {
  const std::size_t w = width();
  std::size_t got = 0;
  try {
    // One call for the whole batch: no per-row virtual call on the hot path.
    got = cursor_->fetch_many_into(out, w, rows);
  } catch (const dbapi::Error& e) {
    const std::string sql(cursor_->statement());
    if (conn_->closed()) detail::throw_wrapped(e, sql, {}, conn_->core.hide_parameters, false);
    conn_->handle_dbapi_error(e, sql, {}, cursor_.get());
  }
  if (processors_) {
    for (std::size_t i = 0; i < got; ++i) {
      for (std::size_t k = 0; k < w; ++k) {
        if (const ValueProcessor p = (*processors_)[k]) out[i * w + k] = p(out[i * w + k]);
      }
    }
  }
  if (conn_->core.echo.load(std::memory_order_relaxed) > 1) {
    for (std::size_t i = 0; i < got; ++i) {
      std::string repr = "Row (";
      for (std::size_t k = 0; k < w; ++k) repr += (k ? ", " : "") + out[i * w + k].repr();
      conn_->log_debug(repr + (w == 1 ? ",)" : ")"));
    }
  }
  // As soon as the rows run out: fewer came than asked, or the driver knows none follows (then
  // a one-row result needs no second fetch to find its end).
  if (got < rows || cursor_->at_end()) {
    release_source();
    source_ended();
  }
  return got;
}

void CursorResult::release_source() noexcept {
  if (!cursor_) return;
  // DML with RETURNING has counted its rows only now that they are read.
  rowcount_ = cursor_->rowcount();
  lastrowid_ = cursor_->lastrowid();
  cursor_.reset();
}

void CursorResult::recycle_buffer(std::vector<Value>& buffer) noexcept {
  if (conn_ && !conn_->closed()) conn_->spare_row_buffers.give_back(buffer);
}

std::unique_ptr<Result> CursorResult::take() && {
  return std::make_unique<CursorResult>(std::move(*this));
}

bool CursorResult::supports_sane_rowcount() const noexcept {
  return conn_->core.dialect->supports_sane_rowcount();
}

bool CursorResult::supports_sane_multi_rowcount() const noexcept {
  return conn_->core.dialect->supports_sane_multi_rowcount();
}

namespace {

const CursorResult::InsertInfo::Records no_records;

void require_compiled(const CursorResult::InsertInfo& info) {
  if (!info.compiled) {
    throw exc::InvalidRequestError("Statement is not a compiled expression construct.");
  }
}

void require_insert(const CursorResult::InsertInfo& info) {
  require_compiled(info);
  if (!info.is_insert) {
    throw exc::InvalidRequestError("Statement is not an insert() expression construct.");
  }
}

void require_insert_or_update(const CursorResult::InsertInfo& info) {
  require_compiled(info);
  if (!info.is_insert && !info.is_update) {
    throw exc::InvalidRequestError(
        "Statement is not an insert() or update() expression construct.");
  }
}

}  // namespace

const CursorResult::InsertInfo::Records& CursorResult::InsertInfo::rows() const noexcept {
  return records ? *records : no_records;
}

const Row& CursorResult::inserted_primary_key() const {
  require_insert(insert_);
  if (insert_.explicit_returning) {
    throw exc::InvalidRequestError("Can't call inserted_primary_key when returning() is used.");
  }
  if (insert_.executemany || insert_.rows().inserted_primary_key_rows.size() != 1) {
    throw exc::InvalidRequestError(
        "This statement was an executemany call; if primary key returning is supported, please "
        "use .inserted_primary_key_rows.");
  }
  return insert_.rows().inserted_primary_key_rows.front();
}

const std::vector<Row>& CursorResult::inserted_primary_key_rows() const {
  require_insert(insert_);
  return insert_.rows().inserted_primary_key_rows;
}

std::optional<Row> CursorResult::returned_defaults() const {
  if (insert_.executemany) {
    throw exc::InvalidRequestError(
        "This statement was an executemany call; if return defaults is supported, please use "
        ".returned_defaults_rows.");
  }
  if (insert_.rows().returned_defaults_rows.empty()) return std::nullopt;
  return insert_.rows().returned_defaults_rows.front();
}

const std::vector<Row>& CursorResult::returned_defaults_rows() const noexcept {
  return insert_.rows().returned_defaults_rows;
}

bool CursorResult::lastrow_has_defaults() const noexcept {
  return (insert_.is_insert || insert_.is_update) && !insert_.rows().postfetch_cols.empty();
}

const std::vector<Params>& CursorResult::last_inserted_params() const {
  require_insert(insert_);
  return insert_.rows().parameters;
}

const std::vector<Params>& CursorResult::last_updated_params() const {
  require_compiled(insert_);
  if (!insert_.is_update) {
    throw exc::InvalidRequestError("Statement is not an update() expression construct.");
  }
  return insert_.rows().parameters;
}

const std::vector<std::string>& CursorResult::prefetch_cols() const {
  require_insert_or_update(insert_);
  return insert_.rows().prefetch_cols;
}

const std::vector<std::string>& CursorResult::postfetch_cols() const {
  require_insert_or_update(insert_);
  return insert_.rows().postfetch_cols;
}

}  // namespace athanor
