#include "athanor/engine/result.hpp"

#include <fmt/format.h>

#include "athanor/exc.hpp"
#include "engine/state.hpp"

namespace athanor {

namespace {
constexpr std::size_t max_spare_row_buffers = 4;

[[noreturn]] void throw_no_rows() {
  throw exc::ResourceClosedError(
      "This result object does not return rows. It has been closed automatically.");
}
}  // namespace

// ---- Result -------------------------------------------------------------------------------------

Result::Result(Result&& other) noexcept
    : metadata_(std::move(other.metadata_)),
      state_(std::exchange(other.state_, State::hard_closed)),
      buffer_(std::move(other.buffer_)) {
  if (metadata_) current_.rebind(metadata_, buffer_.data());
}

Result& Result::operator=(Result&& other) noexcept {
  if (this != &other) {
    metadata_ = std::move(other.metadata_);
    state_ = std::exchange(other.state_, State::hard_closed);
    buffer_ = std::move(other.buffer_);
    current_ = metadata_ ? Row::view(metadata_, buffer_.data()) : Row();
  }
  return *this;
}

Result::~Result() = default;

void Result::init_rows(std::shared_ptr<const ResultMetadata> metadata, std::vector<Value> buffer) {
  metadata_ = std::move(metadata);
  buffer_ = std::move(buffer);
  buffer_.resize(metadata_->size());
  current_.rebind(metadata_, buffer_.data());
}

void Result::check_fetchable() const {
  if (!metadata_) throw_no_rows();
  if (state_ == State::hard_closed) throw exc::ResourceClosedError("This result object is closed.");
}

bool Result::advance() {
  if (state_ != State::open) return false;
  if (next_raw(buffer_)) return true;
  soft_close();
  return false;
}

void Result::soft_close() noexcept {
  if (state_ == State::open) {
    state_ = State::soft_closed;
    release_source();
    if (!buffer_.empty()) recycle_buffer(std::move(buffer_));
    buffer_.clear();
    if (metadata_) current_.rebind(metadata_, buffer_.data());
  }
}

void Result::hard_close() noexcept {
  soft_close();
  state_ = State::hard_closed;
}

void Result::close() noexcept {
  hard_close();
}

Result::iterator Result::begin() {
  check_fetchable();
  return advance() ? iterator(this) : iterator();
}

std::optional<Row> Result::fetchone() {
  check_fetchable();
  if (!advance()) return std::nullopt;
  return current_;
}

std::vector<Row> Result::fetchmany(std::optional<std::size_t> size) {
  check_fetchable();
  const std::size_t n = size.value_or(1);
  std::vector<Row> out;
  while (out.size() < n && advance()) out.push_back(current_);
  return out;
}

std::vector<Row> Result::fetchall() {
  check_fetchable();
  std::vector<Row> out;
  while (advance()) out.push_back(current_);
  return out;
}

std::optional<Row> Result::first() {
  check_fetchable();
  std::optional<Row> row;
  if (advance()) row = current_;
  hard_close();
  return row;
}

std::optional<Row> Result::only_row(bool require_one, std::string_view many_message) {
  check_fetchable();
  if (!advance()) {
    hard_close();
    if (require_one) throw exc::NoResultFound("No row was found when one was required");
    return std::nullopt;
  }
  Row row = current_;
  const bool more = advance();
  hard_close();
  if (more) throw exc::MultipleResultsFound(std::string(many_message));
  return row;
}

Row Result::one() {
  return *only_row(true, "Multiple rows were found when exactly one was required");
}

std::optional<Row> Result::one_or_none() {
  return only_row(false, "Multiple rows were found when one or none was required");
}

Value Result::scalar() {
  check_fetchable();
  Value v;
  if (advance()) v = current_[0];
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

ScalarResult Result::scalars(std::size_t index) & {
  return ScalarResult(this, index);
}
ScalarResult Result::scalars(std::size_t index) && {
  return ScalarResult(std::move(*this).take(), index);
}
ScalarResult Result::scalars(std::string_view name) & {
  check_fetchable();
  return ScalarResult(this, metadata_->index_of(name));
}
ScalarResult Result::scalars(std::string_view name) && {
  check_fetchable();
  const std::size_t index = metadata_->index_of(name);
  return ScalarResult(std::move(*this).take(), index);
}
MappingResult Result::mappings() & {
  return MappingResult(this);
}
MappingResult Result::mappings() && {
  return MappingResult(std::move(*this).take());
}

const std::vector<std::string>& Result::keys() const {
  if (!metadata_) throw_no_rows();
  return metadata_->keys();
}

// ---- CursorResult -------------------------------------------------------------------------------

CursorResult::CursorResult(std::shared_ptr<detail::ConnectionState> conn, dbapi::CursorPtr cursor,
                           std::shared_ptr<const ResultMetadata> metadata)
    : conn_(std::move(conn)), cursor_(std::move(cursor)) {
  rowcount_ = cursor_->rowcount();
  lastrowid_ = cursor_->lastrowid();
  if (!metadata) {
    // No rows to read: the cursor goes back at once (SQLAlchemy's "closed automatically").
    state_ = State::soft_closed;
    cursor_.reset();
    return;
  }
  std::vector<Value> buffer;
  if (!conn_->spare_row_buffers.empty()) {
    buffer = std::move(conn_->spare_row_buffers.back());
    conn_->spare_row_buffers.pop_back();
  }
  init_rows(std::move(metadata), std::move(buffer));
}

CursorResult::~CursorResult() {
  if (state_ == State::open) soft_close();
}

bool CursorResult::next_raw(std::span<Value> row) {
  bool got;
  try {
    got = cursor_->fetch_into(row);
  } catch (const dbapi::Error& e) {
    const std::string sql(cursor_->statement());
    if (conn_->closed()) detail::throw_wrapped(e, sql, {}, conn_->core.hide_parameters, false);
    conn_->handle_dbapi_error(e, sql, {}, cursor_.get());
  }
  if (got && conn_->core.echo.load(std::memory_order_relaxed) > 1) {
    std::string repr = "Row (";
    for (std::size_t i = 0; i < row.size(); ++i) repr += (i ? ", " : "") + row[i].repr();
    conn_->log_debug(repr + (row.size() == 1 ? ",)" : ")"));
  }
  return got;
}

void CursorResult::release_source() noexcept {
  cursor_.reset();
}

void CursorResult::recycle_buffer(std::vector<Value>&& buffer) noexcept {
  if (conn_ && !conn_->closed() && conn_->spare_row_buffers.size() < max_spare_row_buffers) {
    conn_->spare_row_buffers.push_back(std::move(buffer));
  }
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

// ---- ScalarResult
// ---------------------------------------------------------------------------------

ScalarResult::ScalarResult(std::unique_ptr<Result> owned, std::size_t index)
    : owned_(std::move(owned)), base_(owned_.get()), index_(index) {}

ScalarResult::iterator ScalarResult::begin() {
  base_->check_fetchable();
  return base_->advance() ? iterator(base_, index_) : iterator();
}

std::vector<Value> ScalarResult::all() {
  base_->check_fetchable();
  std::vector<Value> out;
  while (base_->advance()) out.push_back(base_->current_.at(static_cast<std::ptrdiff_t>(index_)));
  return out;
}

std::vector<Value> ScalarResult::fetchmany(std::optional<std::size_t> size) {
  base_->check_fetchable();
  const std::size_t n = size.value_or(1);
  std::vector<Value> out;
  while (out.size() < n && base_->advance()) {
    out.push_back(base_->current_.at(static_cast<std::ptrdiff_t>(index_)));
  }
  return out;
}

std::optional<Value> ScalarResult::first() {
  auto row = base_->first();
  if (!row) return std::nullopt;
  return row->at(static_cast<std::ptrdiff_t>(index_));
}

Value ScalarResult::one() {
  return base_->one().at(static_cast<std::ptrdiff_t>(index_));
}

std::optional<Value> ScalarResult::one_or_none() {
  auto row = base_->one_or_none();
  if (!row) return std::nullopt;
  return row->at(static_cast<std::ptrdiff_t>(index_));
}

// ---- MappingResult
// --------------------------------------------------------------------------------

MappingResult::MappingResult(std::unique_ptr<Result> owned)
    : owned_(std::move(owned)), base_(owned_.get()) {}

MappingResult::iterator MappingResult::begin() {
  base_->check_fetchable();
  return base_->advance() ? iterator(base_) : iterator();
}

std::optional<RowMapping> MappingResult::fetchone() {
  auto row = base_->fetchone();
  if (!row) return std::nullopt;
  return RowMapping(std::move(*row));
}

std::vector<RowMapping> MappingResult::fetchmany(std::optional<std::size_t> size) {
  std::vector<RowMapping> out;
  for (Row& row : base_->fetchmany(size)) out.emplace_back(std::move(row));
  return out;
}

std::vector<RowMapping> MappingResult::all() {
  std::vector<RowMapping> out;
  for (Row& row : base_->fetchall()) out.emplace_back(std::move(row));
  return out;
}

std::optional<RowMapping> MappingResult::first() {
  auto row = base_->first();
  if (!row) return std::nullopt;
  return RowMapping(std::move(*row));
}

RowMapping MappingResult::one() {
  return RowMapping(base_->one());
}

std::optional<RowMapping> MappingResult::one_or_none() {
  auto row = base_->one_or_none();
  if (!row) return std::nullopt;
  return RowMapping(std::move(*row));
}

}  // namespace athanor
