// PostgreSQL's rules for the SQL expression compiler (the sql/ layer's per-dialect seam).
#pragma once

namespace athanor::sql::detail {
class DialectRules;
}

namespace athanor::dialects::postgresql {

const sql::detail::DialectRules& compiler_rules();

}  // namespace athanor::dialects::postgresql
