// Per-dialect compiler rules: the default ("str()") dialect and SQLite.
#include <fmt/format.h>

#include <array>
#include <string_view>

#include "sql/compiler.hpp"

namespace athanor::sql::detail {

namespace {

// SQLAlchemy's compiler.RESERVED_WORDS (the default dialect's).
constexpr std::string_view default_reserved[] = {"all",
                                                 "analyse",
                                                 "analyze",
                                                 "and",
                                                 "any",
                                                 "array",
                                                 "as",
                                                 "asc",
                                                 "asymmetric",
                                                 "authorization",
                                                 "between",
                                                 "binary",
                                                 "both",
                                                 "case",
                                                 "cast",
                                                 "check",
                                                 "collate",
                                                 "column",
                                                 "constraint",
                                                 "create",
                                                 "cross",
                                                 "current_date",
                                                 "current_role",
                                                 "current_time",
                                                 "current_timestamp",
                                                 "current_user",
                                                 "default",
                                                 "deferrable",
                                                 "desc",
                                                 "distinct",
                                                 "do",
                                                 "else",
                                                 "end",
                                                 "except",
                                                 "false",
                                                 "for",
                                                 "foreign",
                                                 "freeze",
                                                 "from",
                                                 "full",
                                                 "grant",
                                                 "group",
                                                 "having",
                                                 "ilike",
                                                 "in",
                                                 "initially",
                                                 "inner",
                                                 "intersect",
                                                 "into",
                                                 "is",
                                                 "isnull",
                                                 "join",
                                                 "leading",
                                                 "left",
                                                 "like",
                                                 "limit",
                                                 "localtime",
                                                 "localtimestamp",
                                                 "natural",
                                                 "new",
                                                 "not",
                                                 "notnull",
                                                 "null",
                                                 "off",
                                                 "offset",
                                                 "old",
                                                 "on",
                                                 "only",
                                                 "or",
                                                 "order",
                                                 "outer",
                                                 "overlaps",
                                                 "placing",
                                                 "primary",
                                                 "references",
                                                 "right",
                                                 "select",
                                                 "session_user",
                                                 "set",
                                                 "similar",
                                                 "some",
                                                 "symmetric",
                                                 "table",
                                                 "then",
                                                 "to",
                                                 "trailing",
                                                 "true",
                                                 "union",
                                                 "unique",
                                                 "user",
                                                 "using",
                                                 "verbose",
                                                 "when",
                                                 "where"};

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

template <std::size_t N>
bool contains(const std::string_view (&words)[N], std::string_view w) {
  for (auto r : words) {
    if (r == w) return true;
  }
  return false;
}

// StrCompileDialect: what str(stmt) uses.
class DefaultRules : public DialectRules {
 public:
  bool supports_native_boolean() const override { return true; }
};

class SqliteRules : public DialectRules {
 public:
  bool is_reserved(std::string_view w) const override { return contains(sqlite_reserved, w); }
  void limit_clause(SqlCompiler& c, const SelectData& s) const override {
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
  bool truediv_adds_zero() const override { return true; }
  std::string empty_set() const override { return "SELECT 1 FROM (SELECT 1) WHERE 1!=1"; }
};

}  // namespace

bool DialectRules::is_reserved(std::string_view w) const {
  return contains(default_reserved, w);
}

void DialectRules::limit_clause(SqlCompiler& c, const SelectData& s) const {
  if (s.limit) {
    c.out += "\n LIMIT ";
    c.bind(*s.limit);
  }
  if (s.offset) {
    if (!s.limit) c.out += "\n LIMIT -1";
    c.out += " OFFSET ";
    c.bind(*s.offset);
  }
}

std::string DialectRules::type_ddl(const TypeEngine& t) const {
  switch (t.kind) {
    case TypeKind::integer:
      return "INTEGER";
    case TypeKind::big_integer:
      return "BIGINT";
    case TypeKind::small_integer:
      return "SMALLINT";
    case TypeKind::string:
      return t.length >= 0 ? fmt::format("VARCHAR({})", t.length) : "VARCHAR";
    case TypeKind::text:
      return "TEXT";
    case TypeKind::float_:
      return "FLOAT";
    case TypeKind::numeric:
      if (t.precision >= 0 && t.scale >= 0) {
        return fmt::format("NUMERIC({}, {})", t.precision, t.scale);
      }
      return t.precision >= 0 ? fmt::format("NUMERIC({})", t.precision) : "NUMERIC";
    case TypeKind::boolean:
      return "BOOLEAN";
    case TypeKind::date:
      return "DATE";
    case TypeKind::time:
      return "TIME";
    case TypeKind::datetime:
      return "DATETIME";
    case TypeKind::large_binary:
      return "BLOB";
    case TypeKind::uuid:
      return "CHAR(32)";  // without a native UUID type: 32 hex digits
    case TypeKind::json:
      return "JSON";
    case TypeKind::null_:
      break;
  }
  return "NULL";
}

const DialectRules& rules_for(const Dialect* dialect) {
  static const DefaultRules default_rules;
  static const SqliteRules sqlite_rules;
  if (dialect && dialect->name() == "sqlite") return sqlite_rules;
  return default_rules;
}

}  // namespace athanor::sql::detail
