// executemany: a single-row INSERT ... VALUES becomes multi-row VALUES batches; anything else
// runs through libpq's pipeline mode. Either way one network round trip serves a whole batch.
#include <fmt/format.h>

#include <algorithm>
#include <functional>

#include "dialects/postgresql/driver.hpp"
#include "dialects/postgresql/driver_impl.hpp"
#include "dialects/postgresql/driver_sql.hpp"
#include "dialects/postgresql/errors.hpp"

namespace athanor::dialects::postgresql {

namespace {

// SPEC §16: at most 1000 rows per multi-row VALUES, and fewer than 32767 parameters (the
// protocol's limit is 65535; the lower one leaves room for the server's own use).
constexpr std::size_t kMaxBatchRows = 1000;
constexpr std::size_t kMaxBatchParams = 32766;
// Rows sent per pipeline sync: bounds what either side buffers before the other reads it.
constexpr std::size_t kPipelineBatch = 1000;

[[noreturn]] void raise_width(int placeholders, std::size_t width) {
  raise_programming_error(
      fmt::format("the query has {} placeholder{} but executemany rows have {} parameter{}",
                  placeholders, placeholders == 1 ? "" : "s", width, width == 1 ? "" : "s"));
}

}  // namespace

void PgCursor::merge_types(const dbapi::ParamRows& params) {
  constexpr Oid unseen = ~Oid{0};
  const std::size_t width = params.is_named() ? 0 : params.width();
  types_.assign(width, unseen);
  for (std::size_t r = 0; r < params.rows() && width; ++r) {
    const auto row = params.row(r);
    for (std::size_t c = 0; c < width; ++c) {
      // NULLs say nothing about a column's type.
      if (row[c]->is_null()) continue;
      const Oid t = param_type(*row[c]);
      types_[c] = types_[c] == unseen ? t : merge_param_type(types_[c], t);
    }
  }
  std::replace(types_.begin(), types_.end(), unseen, oid::unknown);
}

void PgCursor::execute_many(std::string_view sql, std::size_t sql_hash,
                            const dbapi::ParamRows& params) {
  rowcount_ = 0;
  if (params.rows() == 0) return;
  if (!params.is_named() && execute_values_batches(sql, params)) return;
  execute_pipelined(sql, sql_hash, params);
}

bool PgCursor::execute_values_batches(std::string_view sql, const dbapi::ParamRows& params) {
  const auto insert = split_values_insert(sql);
  if (!insert) return false;
  const std::size_t width = params.width();
  const int placeholders = scan_sql(insert->tuple).placeholders;
  if (static_cast<std::size_t>(placeholders) != width) raise_width(placeholders, width);
  merge_types(params);
  const std::size_t per_batch = std::min(kMaxBatchRows, kMaxBatchParams / width);
  std::size_t built_rows = 0;
  for (std::size_t start = 0; start < params.rows(); start += per_batch) {
    const std::size_t n = std::min(per_batch, params.rows() - start);
    if (n != built_rows) {
      batch_sql_.assign(insert->head);
      batch_types_.clear();
      for (std::size_t k = 0; k < n; ++k) {
        if (k) batch_sql_ += ", ";
        append_renumbered(batch_sql_, insert->tuple, static_cast<int>(k * width));
        batch_types_.insert(batch_types_.end(), types_.begin(), types_.end());
      }
      built_rows = n;
    }
    Statement& st = *conn_->statements().acquire(
        batch_sql_, std::hash<std::string_view>{}(batch_sql_), batch_types_);
    params_.resize(n * width);
    for (std::size_t k = 0; k < n; ++k) {
      const auto row = params.row(start + k);
      for (std::size_t c = 0; c < width; ++c) params_.set(k * width + c, *row[c]);
    }
    conn_->begin_if_needed(st.begins_transaction);
    ResultPtr r = conn_->run_statement(st, params_);
    rowcount_ += std::max<std::int64_t>(command_rowcount(r.get()), 0);
  }
  return true;
}

namespace {

// Leaves pipeline mode however the batch ended. Rows are checked before a segment is sent, so
// only a broken connection leaves commands unsynced; they are synced and drained regardless.
struct PipelineScope {
  PGconn* pg;
  ~PipelineScope() {
    if (PQexitPipelineMode(pg) || PQstatus(pg) != CONNECTION_OK) return;
    if (PQpipelineSync(pg)) {
      for (int nulls = 0; nulls < 2;) {
        PGresult* r = PQgetResult(pg);
        if (!r) {
          ++nulls;
          continue;
        }
        nulls = 0;
        const bool sync = PQresultStatus(r) == PGRES_PIPELINE_SYNC;
        PQclear(r);
        if (sync) break;
      }
    }
    PQexitPipelineMode(pg);
  }
};

// Throws what ParamBuffer::set would, before anything of the segment is sent.
void check_rows(const dbapi::ParamRows& params, std::size_t begin, std::size_t end) {
  if (params.is_named()) return;
  for (std::size_t i = begin; i < end; ++i) {
    for (const Value* v : params.row(i)) check_sendable(*v);
  }
}

}  // namespace

// Sends the rows in segments of kPipelineBatch executions and one sync, then reads the segment's
// results: the first error aborts the rest of the segment on the server and is raised once the
// segment is read. A leading BEGIN and PREPARE travel in the first segment.
void PgCursor::execute_pipelined(std::string_view sql, std::size_t sql_hash,
                                 const dbapi::ParamRows& params) {
  merge_types(params);
  Statement& st = *conn_->statements().acquire(sql, sql_hash, types_);
  if (static_cast<std::size_t>(st.placeholders) != types_.size()) {
    raise_width(st.placeholders, types_.size());
  }
  PGconn* pg = conn_->pg();
  if (!PQenterPipelineMode(pg)) throw error_from_result(pg, nullptr);
  PipelineScope scope{pg};
  const int n = static_cast<int>(types_.size());
  const Oid* types = types_.empty() ? nullptr : st.param_types.data();
  std::size_t controls = 0;  // BEGIN / PREPARE results ahead of the rows' in this segment
  if (conn_->needs_begin(st.begins_transaction)) {
    if (!PQsendQueryParams(pg, "BEGIN", 0, nullptr, nullptr, nullptr, nullptr, 0)) {
      throw error_from_result(pg, nullptr);
    }
    ++controls;
  }
  const bool prepare = !st.name.empty() && !st.prepared;
  if (prepare) {
    if (!PQsendPrepare(pg, st.name.c_str(), st.sql.c_str(), n, types)) {
      throw error_from_result(pg, nullptr);
    }
    ++controls;
  }
  params_.resize(types_.size());
  for (std::size_t start = 0; start < params.rows(); start += kPipelineBatch) {
    const std::size_t end = std::min(params.rows(), start + kPipelineBatch);
    check_rows(params, start, end);
    for (std::size_t i = start; i < end; ++i) {
      if (n) {
        const auto row = params.row(i);
        for (int c = 0; c < n; ++c)
          params_.set(static_cast<std::size_t>(c), *row[static_cast<std::size_t>(c)]);
      }
      const int sent = st.name.empty()
                           ? PQsendQueryParams(pg, st.sql.c_str(), n, types, params_.values(),
                                               params_.lengths(), params_.formats(), 0)
                           : PQsendQueryPrepared(pg, st.name.c_str(), n, params_.values(),
                                                 params_.lengths(), params_.formats(), 0);
      if (!sent) throw error_from_result(pg, nullptr);
    }
    if (!PQpipelineSync(pg)) throw error_from_result(pg, nullptr);

    ResultPtr failed;
    std::size_t index = 0;  // of the command whose results are being read
    int nulls = 0;
    for (;;) {
      ResultPtr r(PQgetResult(pg));
      if (!r) {
        // One NULL ends each command's results; two in a row mean nothing more will come.
        if (++nulls > 1 || PQstatus(pg) == CONNECTION_BAD) break;
        ++index;
        continue;
      }
      nulls = 0;
      const auto status = PQresultStatus(r.get());
      if (status == PGRES_PIPELINE_SYNC) break;
      if (status == PGRES_COMMAND_OK || status == PGRES_TUPLES_OK) {
        if (index >= controls) {
          rowcount_ += std::max<std::int64_t>(command_rowcount(r.get()), 0);
        } else if (prepare && index == controls - 1) {
          st.prepared = true;
        }
      } else if (status != PGRES_PIPELINE_ABORTED && !failed) {
        failed = std::move(r);
      }
    }
    controls = 0;
    if (failed || PQstatus(pg) == CONNECTION_BAD) {
      conn_->check(std::move(failed), &st);
    }
  }
}

}  // namespace athanor::dialects::postgresql
