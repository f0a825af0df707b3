// The driver-independent half of athanor/dbapi.hpp: error names and PEP 249's convenience
// methods, which every driver gets by implementing execute_raw() and fetch_into().
#include "athanor/dbapi.hpp"

#include <atomic>
#include <functional>

namespace athanor::dbapi {

std::string_view error_class_name(ErrorKind kind) noexcept {
  switch (kind) {
    case ErrorKind::error:
      return "Error";
    case ErrorKind::interface_error:
      return "InterfaceError";
    case ErrorKind::database_error:
      return "DatabaseError";
    case ErrorKind::data_error:
      return "DataError";
    case ErrorKind::operational_error:
      return "OperationalError";
    case ErrorKind::integrity_error:
      return "IntegrityError";
    case ErrorKind::internal_error:
      return "InternalError";
    case ErrorKind::programming_error:
      return "ProgrammingError";
    case ErrorKind::not_supported_error:
      return "NotSupportedError";
  }
  return "Error";
}

std::string Error::qualified_name() const {
  std::string name = driver_;
  name += '.';
  name += error_class_name(kind_);
  return name;
}

std::uint64_t next_serial() noexcept {
  // Starts at 1 so that 0 can mean "none" to a layer that caches by serial.
  static std::atomic<std::uint64_t> counter{0};
  return counter.fetch_add(1, std::memory_order_relaxed) + 1;
}

void CursorRelease::operator()(Cursor* c) const noexcept {
  c->release();
}

namespace {

std::size_t hash_sql(std::string_view sql) noexcept {
  return std::hash<std::string_view>{}(sql);
}

std::vector<const Value*> pointers_to(const std::vector<Value>& values) {
  std::vector<const Value*> ptrs;
  ptrs.reserve(values.size());
  for (const Value& v : values) ptrs.push_back(&v);
  return ptrs;
}

}  // namespace

void Cursor::execute(std::string_view sql) {
  execute_raw(sql, hash_sql(sql), 0, ParamRows(), false);
}

void Cursor::execute(std::string_view sql, const std::vector<Value>& params) {
  const std::vector<const Value*> ptrs = pointers_to(params);
  execute_raw(sql, hash_sql(sql), 0, ParamRows::positional(ptrs, ptrs.size()), false);
}

void Cursor::execute(std::string_view sql, const Params& params) {
  const Params* sets[] = {&params};
  execute_raw(sql, hash_sql(sql), 0, ParamRows::named(sets), false);
}

void Cursor::executemany(std::string_view sql, const std::vector<std::vector<Value>>& seq) {
  const std::size_t hash = hash_sql(sql);
  if (seq.empty()) {
    execute_raw(sql, hash, 0, ParamRows(), true);
    return;
  }
  // Rows of differing widths cannot share one flat array: each stretch of equal width runs as its
  // own batch, and the driver rejects the first stretch that does not fit the statement. Rows of
  // width 0 ("INSERT ... DEFAULT VALUES" N times) travel as empty named sets, since a positional
  // ParamRows of width 0 has no rows.
  const Params no_names;
  std::vector<const Value*> flat;
  std::vector<const Params*> empty_sets;
  for (std::size_t begin = 0, end = 0; begin < seq.size(); begin = end) {
    const std::size_t width = seq[begin].size();
    flat.clear();
    for (end = begin; end < seq.size() && seq[end].size() == width; ++end) {
      for (const Value& v : seq[end]) flat.push_back(&v);
    }
    if (width == 0) {
      empty_sets.assign(end - begin, &no_names);
      execute_raw(sql, hash, 0, ParamRows::named(empty_sets), true);
    } else {
      execute_raw(sql, hash, 0, ParamRows::positional(flat, width), true);
    }
  }
}

void Cursor::executemany(std::string_view sql, const std::vector<Params>& seq) {
  std::vector<const Params*> sets;
  sets.reserve(seq.size());
  for (const Params& p : seq) sets.push_back(&p);
  execute_raw(sql, hash_sql(sql), 0, ParamRows::named(sets), true);
}

namespace {

std::size_t row_width(const Cursor& c) noexcept {
  const Description* d = c.description();
  return d ? d->columns.size() : 0;
}

}  // namespace

// A statement without columns still goes through fetch_into, so the driver reports a closed
// cursor or connection exactly as it would for a query.
std::optional<std::vector<Value>> Cursor::fetchone() {
  std::vector<Value> row(row_width(*this));
  if (!fetch_into(row)) return std::nullopt;
  return row;
}

std::vector<std::vector<Value>> Cursor::fetchmany(std::optional<std::size_t> size) {
  const std::size_t n = size.value_or(arraysize);
  std::vector<std::vector<Value>> rows;
  while (rows.size() < n) {
    std::vector<Value> row(row_width(*this));
    if (!fetch_into(row)) break;
    rows.push_back(std::move(row));
  }
  return rows;
}

std::vector<std::vector<Value>> Cursor::fetchall() {
  std::vector<std::vector<Value>> rows;
  for (;;) {
    std::vector<Value> row(row_width(*this));
    if (!fetch_into(row)) break;
    rows.push_back(std::move(row));
  }
  return rows;
}

}  // namespace athanor::dbapi
