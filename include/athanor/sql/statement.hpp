// athanor/sql/statement.hpp — what select(), insert(), update() and delete_() share: compiling
// through the engine's compiled cache, and str().
//
// Each execution walks the statement once: the walk yields its structural cache key (tables by
// identity, columns, operators, types — never bound values) and its literal values in walk
// order. A cache hit pairs those values with the names the cached Compiled recorded for them, so
// a statement rebuilt on every call with new values compiles once per structure. A select() run
// again on the same thread compares its tree with the one its cached form was compiled from
// (same_shape) instead of walking its key.
#pragma once

#include <initializer_list>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "athanor/sql/compiled.hpp"
#include "athanor/value.hpp"

namespace athanor::sql {

namespace detail {
class KeyWalk;
class SqlCompiler;
struct LiteralSlot;
}  // namespace detail

// The value of the schema_translate_map execution option: schema → schema, nullopt standing for
// Python's None (tables without a schema). Execution options hold Values, so the map travels
// encoded as text; build it with this function only.
//   conn.execution_options({{"schema_translate_map", sa::schema_translate_map({{std::nullopt,
//   "user_schema_one"}})}});
Value schema_translate_map(
    std::initializer_list<std::pair<std::optional<std::string>, std::optional<std::string>>> map);

class Statement : public Executable {
 public:
  CompileResult compile(const CompileRequest& request) const override;
  // The statement in the default dialect with named binds, as SQLAlchemy's str(stmt).
  std::string str() const override;
  // The SQL this statement compiles to on `dialect` (a fresh compile, no cache).
  std::string compile_sql(const Dialect& dialect, const Params* parameters = nullptr) const;
  // A fresh compile, for tests and tools; `dialect` null means the default (str()) dialect.
  // `executemany`: compiled for several parameter sets (no implicit RETURNING then).
  std::unique_ptr<Compiled> compile_fresh(const Dialect* dialect,
                                          const Params* parameters = nullptr,
                                          const ExecutionOptions* options = nullptr,
                                          bool executemany = false) const;
  // The structural cache key (empty when the statement has none).
  std::string cache_key() const;

  // Statement kinds the compiler dispatches on.
  virtual void walk(detail::KeyWalk& w) const = 0;
  virtual void render(detail::SqlCompiler& c) const = 0;
  // A copy for a cached Compiled to keep as its prototype, from a class that can compare later
  // statements with it (same_shape); null from the others.
  virtual std::shared_ptr<const Statement> prototype() const { return nullptr; }
  // True only when this statement's cache key equals `prototype`'s (its Compiled's, of any
  // class), decided by comparing the two trees; `slots` then lists this statement's literals as
  // the key walk would. False leaves the question to the key walk.
  virtual bool same_shape(const Statement& /*prototype*/,
                          std::vector<detail::LiteralSlot>& /*slots*/) const {
    return false;
  }

 protected:
  Statement() = default;
};

}  // namespace athanor::sql

namespace athanor {
using sql::schema_translate_map;
}  // namespace athanor
