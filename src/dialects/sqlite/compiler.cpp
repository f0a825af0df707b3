// SQLite's SQL compiler rules: its reserved words, LIMIT/OFFSET always bound, now() as
// CURRENT_TIMESTAMP, unqualified RETURNING columns, real division forced with "+ 0.0".
#include "dialects/sqlite/compiler.hpp"

#include <algorithm>
#include <string_view>

#include "sql/compiler.hpp"

namespace athanor::dialects::sqlite {

namespace {

using sql::SelectClauses;
using sql::detail::DialectRules;
using sql::detail::SqlCompiler;

// SQLite's own list (sqlite/base.py), which replaces the default one: "user" is not in it.
constexpr std::string_view sqlite_reserved[] = {"add",          "after",
                                                "all",          "alter",
                                                "analyze",      "and",
                                                "as",           "asc",
                                                "attach",       "autoincrement",
                                                "before",       "begin",
                                                "between",      "by",
                                                "cascade",      "case",
                                                "cast",         "check",
                                                "collate",      "column",
                                                "commit",       "conflict",
                                                "constraint",   "create",
                                                "cross",        "current_date",
                                                "current_time", "current_timestamp",
                                                "database",     "default",
                                                "deferrable",   "deferred",
                                                "delete",       "desc",
                                                "detach",       "distinct",
                                                "drop",         "each",
                                                "else",         "end",
                                                "escape",       "except",
                                                "exclusive",    "exists",
                                                "explain",      "false",
                                                "fail",         "for",
                                                "foreign",      "from",
                                                "full",         "glob",
                                                "group",        "having",
                                                "if",           "ignore",
                                                "immediate",    "in",
                                                "index",        "indexed",
                                                "initially",    "inner",
                                                "insert",       "instead",
                                                "intersect",    "into",
                                                "is",           "isnull",
                                                "join",         "key",
                                                "left",         "like",
                                                "limit",        "match",
                                                "natural",      "not",
                                                "notnull",      "null",
                                                "of",           "offset",
                                                "on",           "or",
                                                "order",        "outer",
                                                "plan",         "pragma",
                                                "primary",      "query",
                                                "raise",        "references",
                                                "reindex",      "rename",
                                                "replace",      "restrict",
                                                "right",        "rollback",
                                                "row",          "select",
                                                "set",          "table",
                                                "temp",         "temporary",
                                                "then",         "to",
                                                "transaction",  "trigger",
                                                "true",         "union",
                                                "unique",       "update",
                                                "using",        "vacuum",
                                                "values",       "view",
                                                "virtual",      "when",
                                                "where"};

class SqliteRules : public DialectRules {
 public:
  bool is_reserved(std::string_view w) const override {
    return std::find(std::begin(sqlite_reserved), std::end(sqlite_reserved), w) !=
           std::end(sqlite_reserved);
  }
  void limit_clause(SqlCompiler& c, const SelectClauses& s) const override {
    // Always LIMIT ? OFFSET ?: the same SQL serves every page.
    if (s.limit) {
      c.out += "\n LIMIT ";
      c.bind(*s.limit);
    }
    if (s.offset) {
      if (!s.limit) {
        c.out += "\n LIMIT ";
        c.fixed_bind(Value(-1));
      }
      c.out += " OFFSET ";
      c.bind(*s.offset);
    } else {
      c.out += " OFFSET ";
      c.fixed_bind(Value(0));
    }
  }
  std::string keyword_function(std::string_view name) const override {
    return name == "now" ? "CURRENT_TIMESTAMP" : std::string();
  }
  bool returning_includes_table() const override { return false; }
  bool insert_null_pk_still_autoincrements() const override { return true; }
  bool truediv_adds_zero() const override { return true; }
  std::string empty_set() const override { return "SELECT 1 FROM (SELECT 1) WHERE 1!=1"; }
  DriverQuery has_table_query(const sql::TableData& t) const override {
    // As SQLAlchemy's SQLite dialect asks: a table exists when its table_info has columns.
    std::string quoted = "\"";
    for (char ch : t.name) {
      if (ch == '"') quoted += '"';
      quoted += ch;
    }
    quoted += '"';
    return {"PRAGMA " + t.schema.value_or("main") + ".table_info(" + quoted + ")", {}};
  }
};

}  // namespace

const sql::detail::DialectRules& compiler_rules() {
  static const SqliteRules rules;
  return rules;
}

}  // namespace athanor::dialects::sqlite
