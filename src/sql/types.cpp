// Result / bind processors: what crosses the driver boundary differently from what a program
// expects. SQLite has no boolean or datetime storage: Boolean is stored 0/1, DateTime as ISO text.
#include "athanor/sql/types.hpp"

#include "athanor/dialect.hpp"

namespace athanor::sql {

namespace {

bool stores_as_text_and_integers(const Dialect* dialect) {
  return dialect && dialect->name() == "sqlite";
}

Value boolean_from_integer(const Value& v) {
  if (v.kind() == Value::Kind::integer) return Value(v.as<std::int64_t>() != 0);
  return v;
}

Value datetime_from_text(const Value& v) {
  if (v.kind() == Value::Kind::text) return Value(v.as<athanor::DateTime>());
  return v;
}

Value date_from_text(const Value& v) {
  if (v.kind() == Value::Kind::text) return Value(v.as<athanor::Date>());
  return v;
}

Value time_from_text(const Value& v) {
  if (v.kind() == Value::Kind::text) return Value(v.as<athanor::Time>());
  return v;
}

}  // namespace

Processor TypeEngine::result_processor(const Dialect* dialect) const noexcept {
  if (!stores_as_text_and_integers(dialect)) return nullptr;
  switch (kind) {
    case TypeKind::boolean:
      return &boolean_from_integer;
    case TypeKind::datetime:
      return &datetime_from_text;
    case TypeKind::date:
      return &date_from_text;
    case TypeKind::time:
      return &time_from_text;
    default:
      return nullptr;
  }
}

Processor TypeEngine::bind_processor(const Dialect* /*dialect*/) const noexcept {
  // The SQLite driver already stores bool as 0/1 and chrono values as ISO text.
  return nullptr;
}

}  // namespace athanor::sql
