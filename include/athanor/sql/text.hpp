// athanor/sql/text.hpp — textual SQL with named binds, SQLAlchemy's text().
//
//   auto stmt = sa::text("SELECT x, y FROM some_table WHERE y > :y");
//   conn.execute(stmt, {{"y", 6}});
//
// ":name" is a bind parameter; "\:" escapes a colon (":foo\:\:int" renders "?::int");
// "::", "a:b" and "05:06:07" are left alone. At execution the binds are rewritten into the
// driver's paramstyle ("?" for SQLite, "$1" for PostgreSQL); that rewrite is done once per
// paramstyle and shared by every copy of the TextClause, across threads.
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "athanor/sql/compiled.hpp"

namespace athanor::sql {

class TextClause : public Executable {
 public:
  explicit TextClause(std::string sql);

  const std::string& text() const noexcept;
  // Distinct bind names in order of first appearance.
  const std::vector<std::string>& bind_names() const noexcept;

  // A copy carrying values for some of its binds; a name the text does not define is an
  // exc::ArgumentError "This text() construct doesn't define a bound parameter named 'x'".
  TextClause bindparams(const Params& values) const;
  // A copy with statement-level execution options (isolation_level is refused here).
  TextClause execution_options(const ExecutionOptions& options) const;

  // The engine's cache keys a text() by its SQL, so equal SQL in another TextClause is a cache
  // hit; each TextClause also keeps what it got, to skip the engine cache's lock next time.
  CompileResult compile(const CompileRequest& request) const override;
  bool is_text() const noexcept override { return true; }
  // The values given with bindparams(); null when none.
  const Params* bound_values() const noexcept { return bound_.empty() ? nullptr : &bound_; }
  std::string str() const override { return text(); }

  // The SQL rewritten for a paramstyle (exposed for tests and tools).
  static std::unique_ptr<Compiled> compile_text(std::string_view sql, Paramstyle style);

 private:
  struct Shared;
  std::shared_ptr<Shared> shared_;
  Params bound_;
};

inline TextClause text(std::string sql) {
  return TextClause(std::move(sql));
}

}  // namespace athanor::sql

namespace athanor {
using sql::text;
using sql::TextClause;
}  // namespace athanor
