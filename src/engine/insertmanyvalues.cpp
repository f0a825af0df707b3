// insertmanyvalues: one INSERT .. VALUES (...), (...), ... RETURNING per batch of parameter sets
// instead of cursor.executemany(), which gives no RETURNING rows (SPEC §16, SQLAlchemy 2.0's
// "insertmanyvalues" execution style).
#include "engine/insertmanyvalues.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <utility>

#include "athanor/exc.hpp"

namespace athanor::detail {

std::optional<std::string> executemany_returning_refusal(const Dialect& dialect,
                                                         const sql::Compiled& c) {
  const bool returning = c.has_returning || c.implicit_returning;
  if (!returning) return std::nullopt;
  const char* kind = c.is_insert ? "INSERT" : c.is_update ? "UPDATE" : c.is_delete ? "DELETE" : "";
  if (!*kind) return std::nullopt;
  if (c.is_insert && dialect.use_insertmanyvalues()) {
    if (uses_insertmanyvalues(c)) return std::nullopt;
    return std::string(
        "Statement does not have \"insertmanyvalues\" enabled, can't use INSERT..RETURNING with "
        "executemany in this case.");
  }
  // Neither backend here returns rows from an UPDATE / DELETE run as executemany.
  return fmt::format(
      "Dialect {}+{} with current server capabilities does not support {}..RETURNING when "
      "executemany is used",
      dialect.name(), dialect.driver(), kind);
}

std::size_t insertmanyvalues_batch_size(std::size_t page_size, std::size_t max_parameters,
                                        std::size_t slots, std::size_t row_slots) {
  std::size_t size = page_size;
  if (row_slots > 0) {
    const std::size_t outside = slots - row_slots;
    const std::size_t fit = max_parameters > outside ? (max_parameters - outside) / row_slots : 0;
    size = std::min(size, fit);
  }
  return std::max<std::size_t>(size, 1);
}

namespace {

bool is_digit(char ch) {
  return ch >= '0' && ch <= '9';
}

// Appends `text` with the number of each placeholder `mark`N raised by `shift`, leaving quoted
// strings and identifiers alone.
void append_shifted(std::string& out, std::string_view text, char mark, std::size_t shift) {
  if (shift == 0) {
    out += text;
    return;
  }
  char quote = 0;
  for (std::size_t i = 0; i < text.size();) {
    const char ch = text[i];
    if (quote) {
      if (ch == quote) quote = 0;
    } else if (ch == '\'' || ch == '"') {
      quote = ch;
    } else if (ch == mark && i + 1 < text.size() && is_digit(text[i + 1]) &&
               (i == 0 || text[i - 1] != mark)) {
      std::size_t number = 0;
      std::size_t j = i + 1;
      for (; j < text.size() && is_digit(text[j]); ++j) {
        number = number * 10 + static_cast<std::size_t>(text[j] - '0');
      }
      out += mark;
      out += std::to_string(number + shift);
      i = j;
      continue;
    }
    out += ch;
    ++i;
  }
}

// SQLAlchemy's _long_statement: past 500 characters, the first 250 and the last 100.
std::string long_statement(std::string_view sql) {
  if (sql.size() <= 500) return std::string(sql);
  return fmt::format("{} ... {} characters truncated ... {}", sql.substr(0, 250), sql.size() - 350,
                     sql.substr(sql.size() - 100));
}

// "insertmanyvalues 2/3 (unordered)", after the cache badge for the first batch.
std::string batch_badge(const InsertManyValuesCall& call, std::size_t batch, std::size_t total) {
  std::string out = batch == 1 ? call.cache_badge + " (insertmanyvalues)" : "insertmanyvalues";
  const bool ordered = call.compiled->values_group.ordered;
  return out + fmt::format(" {}/{} ({})", batch, total,
                           ordered ? "ordered; batch not supported" : "unordered");
}

}  // namespace

std::string insertmanyvalues_sql(const sql::Compiled& c, Paramstyle style, std::size_t rows) {
  const auto& g = c.values_group;
  const std::string_view sql = c.sql;
  const std::string_view group = sql.substr(g.begin, g.end - g.begin);
  const bool numeric = style == Paramstyle::numeric || style == Paramstyle::numeric_dollar;
  const char mark = style == Paramstyle::numeric_dollar ? '$' : ':';
  std::string out;
  out.reserve(sql.size() + (group.size() + 8) * rows);
  out += sql.substr(0, g.begin);
  for (std::size_t k = 0; k < rows; ++k) {
    if (k) out += ", ";
    if (numeric) {
      append_shifted(out, group, mark, k * g.slots);
    } else {
      out += group;
    }
  }
  // Numbered binds after the group (in RETURNING) follow the last row's.
  const std::string_view tail = sql.substr(g.end);
  if (numeric) {
    append_shifted(out, tail, mark, (rows - 1) * g.slots);
  } else {
    out += tail;
  }
  return out;
}

CursorResult execute_insertmanyvalues(ConnectionState& self, const InsertManyValuesCall& call) {
  const sql::Compiled& c = *call.compiled;
  const auto& g = c.values_group;
  const std::size_t width = call.params.width();
  const Value* page = call.options ? call.options->find("insertmanyvalues_page_size") : nullptr;
  const std::size_t page_size =
      page ? static_cast<std::size_t>(page->as<std::int64_t>())
           : static_cast<std::size_t>(self.core.insertmanyvalues_page_size);
  // Rows in the order of their parameter sets need a sentinel column to sort a batch's RETURNING
  // rows by; Athanor renders none, so it goes row by row, as SQLAlchemy does on SQLite.
  const std::size_t batch_size =
      g.ordered
          ? 1
          : insertmanyvalues_batch_size(
                page_size, self.core.dialect->insertmanyvalues_max_parameters(), width, g.slots);
  const std::size_t total = (call.sets + batch_size - 1) / batch_size;
  const Paramstyle style = self.core.dialect->paramstyle();
  const bool events = self.has_events() && self.owner &&
                      (self.engine.layer().listens(event::before_cursor_execute) ||
                       self.engine.layer().listens(event::after_cursor_execute));
  const bool preserve_rowcount = call.options && call.options->preserve_rowcount();

  dbapi::CursorPtr cursor;
  try {
    cursor = self.dbapi_connection().cursor();
  } catch (const dbapi::Error& e) {
    self.handle_dbapi_error(e, c.sql, {}, nullptr);
  }
  // after_cursor_execute sees the statement as compiled and every parameter set (SQLAlchemy 2.0).
  CursorParameters all_sets;
  if (events) {
    for (std::size_t r = 0; r < call.params.rows(); ++r) {
      auto& row = all_sets.emplace_back();
      for (const Value* v : call.params.row(r)) row.push_back(*v);
    }
  }
  ExecutionContext context{call.compiled, call.options, true};

  std::shared_ptr<const ResultMetadata> metadata;
  std::vector<Value> rows;  // every batch's RETURNING rows, processed
  std::vector<const Value*> batch_params;
  std::string batch_sql;
  std::size_t batch_sql_rows = 0;
  for (std::size_t batch = 0; batch < total; ++batch) {
    const std::size_t first = batch * batch_size;
    const std::size_t n = std::min(batch_size, call.sets - first);
    if (n != batch_sql_rows) {
      batch_sql = insertmanyvalues_sql(c, style, n);
      batch_sql_rows = n;
    }
    // Parameters outside the VALUES group come from the batch's first set, as in SQLAlchemy.
    batch_params.clear();
    if (width) {
      const auto lead = call.params.row(first);
      batch_params.insert(batch_params.end(), lead.begin(), lead.begin() + g.first_slot);
      for (std::size_t r = first; r < first + n; ++r) {
        const auto row = call.params.row(r).subspan(g.first_slot, g.slots);
        batch_params.insert(batch_params.end(), row.begin(), row.end());
      }
      batch_params.insert(batch_params.end(), lead.begin() + g.first_slot + g.slots, lead.end());
    }

    std::string_view sql = batch_sql;
    std::string rewritten;
    CursorParameters listener_params;
    if (events) {
      // Listeners get copies they may rewrite, and those copies are what runs.
      rewritten = batch_sql;
      auto& row = listener_params.emplace_back();
      for (const Value* v : batch_params) row.push_back(*v);
      self.engine.layer().fire(event::before_cursor_execute, *self.owner, *cursor, rewritten,
                               listener_params, context, true);
      sql = rewritten;
      batch_params.clear();
      for (const auto& row_set : listener_params) {
        for (const Value& v : row_set) batch_params.push_back(&v);
      }
    }
    const auto params = batch_params.empty()
                            ? dbapi::ParamRows()
                            : dbapi::ParamRows::positional(batch_params, batch_params.size());
    if (self.echo()) {
      log_execution(self, long_statement(sql), batch_badge(call, batch + 1, total), params, false);
    }
    try {
      cursor->execute_raw(sql, std::hash<std::string_view>{}(sql), 0, params, false);
      if (const dbapi::Description* desc = cursor->description()) {
        if (!metadata) metadata = result_metadata(self, *desc, &c);
        const std::size_t w = metadata->size();
        const std::size_t start = rows.size();
        rows.resize(start + (n + 1) * w);
        const std::size_t got =
            w ? cursor->fetch_many_into(std::span(rows).subspan(start), w, n + 1) : 0;
        rows.resize(start + got * w);
      }
    } catch (const dbapi::Error& e) {
      self.handle_dbapi_error(e, long_statement(sql), repr_params(params, false), cursor.get());
    }
    if (events) {
      self.engine.layer().fire(event::after_cursor_execute, *self.owner, *cursor, c.sql,
                               std::as_const(all_sets), context, true);
    }
  }

  if (metadata && !metadata->processors().empty()) {
    const auto& processors = metadata->processors();
    const std::size_t w = metadata->size();
    for (std::size_t i = 0; i < rows.size(); ++i) {
      if (const ValueProcessor p = processors[i % w]) rows[i] = p(rows[i]);
    }
  }
  if (metadata && self.core.echo.load(std::memory_order_relaxed) > 1) {
    const std::size_t w = metadata->size();
    for (std::size_t i = 0; i + w <= rows.size() && w; i += w) {
      std::string repr = "Row (";
      for (std::size_t k = 0; k < w; ++k) repr += (k ? ", " : "") + rows[i + k].repr();
      self.log_debug(repr + (w == 1 ? ",)" : ")"));
    }
  }
  // Without preserve_rowcount the count is the cursor's, as of the last batch (SPEC §14.1).
  const std::int64_t rowcount =
      preserve_rowcount ? static_cast<std::int64_t>(call.sets) : cursor->rowcount();
  return CursorResult(self.shared_from_this(), std::move(metadata), std::move(rows), rowcount,
                      cursor->lastrowid());
}

}  // namespace athanor::detail
