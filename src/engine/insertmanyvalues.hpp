// insertmanyvalues (SPEC §16): an executemany insert() with RETURNING runs as batches of one
// multi-row INSERT .. VALUES each, and the RETURNING rows of every batch make one fully buffered
// result (src/engine only).
#pragma once

#include <cstddef>
#include <memory>
#include <optional>
#include <string>

#include "athanor/sql/compiled.hpp"
#include "engine/state.hpp"

namespace athanor::detail {

// Why `c` cannot run with several parameter sets (SQLAlchemy's InvalidRequestError message): it
// has RETURNING the dialect cannot give for executemany. nullopt when it can run.
std::optional<std::string> executemany_returning_refusal(const Dialect& dialect,
                                                         const sql::Compiled& c);

// An executemany of `c` runs as insertmanyvalues batches: an insert() with RETURNING (its own or
// return_defaults()'s) and a VALUES group to repeat.
inline bool uses_insertmanyvalues(const sql::Compiled& c) noexcept {
  return c.values_group.end != 0 && (c.has_returning || c.implicit_returning);
}

// Rows per batch: `page_size`, fewer when more would bind over `max_parameters` (`slots`
// parameters in all, `row_slots` of them in the VALUES group); at least one.
std::size_t insertmanyvalues_batch_size(std::size_t page_size, std::size_t max_parameters,
                                        std::size_t slots, std::size_t row_slots);

// The SQL of a batch of `rows` rows: the VALUES group repeated ", "-joined, numeric placeholders
// renumbered.
std::string insertmanyvalues_sql(const sql::Compiled& c, Paramstyle style, std::size_t rows);

struct InsertManyValuesCall {
  const sql::Compiled* compiled = nullptr;
  dbapi::ParamRows params;  // every parameter set, positional
  std::size_t sets = 0;
  const ExecutionOptions* options = nullptr;
  std::string cache_badge;  // "generated in 0.00010s", for the first batch's log line
};

// Runs the batches on one cursor, with a log line pair and a before/after_cursor_execute pair per
// batch, and returns their RETURNING rows as one fully buffered result.
CursorResult execute_insertmanyvalues(ConnectionState& self, const InsertManyValuesCall& call);

// The result keys for the cursor's description of `compiled` (src/engine/execute.cpp).
std::shared_ptr<const ResultMetadata> result_metadata(ConnectionState& self,
                                                      const dbapi::Description& desc,
                                                      const sql::Compiled* compiled);

}  // namespace athanor::detail
