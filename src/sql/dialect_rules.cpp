// The default compiler rules (SQLAlchemy's "str()" dialect); a backend overrides them in its
// own folder (src/dialects/<name>/compiler.cpp) and hands them out via Dialect::compiler_rules().
#include <fmt/format.h>

#include <algorithm>
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

// StrCompileDialect: what str(stmt) uses.
class DefaultRules : public DialectRules {
 public:
  bool supports_native_boolean() const override { return true; }
};

}  // namespace

bool DialectRules::is_reserved(std::string_view w) const {
  return std::find(std::begin(default_reserved), std::end(default_reserved), w) !=
         std::end(default_reserved);
}

void DialectRules::limit_clause(SqlCompiler& c, const SelectClauses& s) const {
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

DialectRules::DriverQuery DialectRules::has_table_query(const TableData& t) const {
  // The SQL standard's catalog, with the names inlined: the paramstyle is the driver's.
  std::string sql = "SELECT table_name FROM information_schema.tables WHERE table_name = " +
                    sql_string_literal(t.name);
  if (t.schema) sql += " AND table_schema = " + sql_string_literal(*t.schema);
  return {std::move(sql), {}};
}

const DialectRules& rules_for(const Dialect* dialect) {
  static const DefaultRules default_rules;
  const DialectRules* own = dialect ? dialect->compiler_rules() : nullptr;
  return own ? *own : default_rules;
}

}  // namespace athanor::sql::detail
