// athanor/sql/types.hpp — SQL types: Integer, String(n), Boolean, DateTime, ...
//
// A type decides how a column renders in DDL ("VARCHAR(50)", "NUMERIC(10, 2)") and how values
// cross the driver boundary. Drivers such as SQLite store a Boolean as 0/1 and a DateTime as
// text, so a type offers a result processor (driver value → the value a program expects) and a
// bind processor (program value → what the driver stores). The compiler records the result
// processor of each result column on the Compiled; the Result applies them.
#pragma once

#include <string>

#include "athanor/value.hpp"

namespace athanor {
class Dialect;
}

namespace athanor::sql {

enum class TypeKind {
  null_,  // no declared type (a bind compared to nothing typed)
  integer,
  big_integer,
  small_integer,
  string,
  text,
  float_,
  numeric,
  boolean,
  date,
  time,
  datetime,
  large_binary,
  uuid,
  json,
};

// Converts one value; a plain function pointer so the per-row cost is one indirect call.
using Processor = Value (*)(const Value&);

// Every type is this one value type: the named types below only choose its fields, so types copy
// cheaply and compare by value (which the cache key relies on).
struct TypeEngine {
  TypeKind kind = TypeKind::null_;
  int length = -1;  // String(n); -1 when not given
  int precision = -1;
  int scale = -1;

  constexpr TypeEngine() = default;
  constexpr explicit TypeEngine(TypeKind k, int len = -1, int p = -1, int s = -1)
      : kind(k), length(len), precision(p), scale(s) {}
  friend bool operator==(const TypeEngine&, const TypeEngine&) = default;

  bool is_integer() const noexcept {
    return kind == TypeKind::integer || kind == TypeKind::big_integer ||
           kind == TypeKind::small_integer;
  }
  bool is_string() const noexcept { return kind == TypeKind::string || kind == TypeKind::text; }
  bool is_numeric() const noexcept {
    return is_integer() || kind == TypeKind::float_ || kind == TypeKind::numeric;
  }

  // nullptr when values pass through unchanged on `dialect` (null: the default dialect).
  Processor result_processor(const Dialect* dialect) const noexcept;
  Processor bind_processor(const Dialect* dialect) const noexcept;
};

struct Integer : TypeEngine {
  constexpr Integer() : TypeEngine(TypeKind::integer) {}
};
struct BigInteger : TypeEngine {
  constexpr BigInteger() : TypeEngine(TypeKind::big_integer) {}
};
struct SmallInteger : TypeEngine {
  constexpr SmallInteger() : TypeEngine(TypeKind::small_integer) {}
};
struct String : TypeEngine {
  constexpr explicit String(int length = -1) : TypeEngine(TypeKind::string, length) {}
};
struct Text : TypeEngine {
  constexpr Text() : TypeEngine(TypeKind::text) {}
};
struct Float : TypeEngine {
  constexpr Float() : TypeEngine(TypeKind::float_) {}
};
struct Numeric : TypeEngine {
  constexpr explicit Numeric(int precision = -1, int scale = -1)
      : TypeEngine(TypeKind::numeric, -1, precision, scale) {}
};
struct Boolean : TypeEngine {
  constexpr Boolean() : TypeEngine(TypeKind::boolean) {}
};
struct Date : TypeEngine {
  constexpr Date() : TypeEngine(TypeKind::date) {}
};
struct Time : TypeEngine {
  constexpr Time() : TypeEngine(TypeKind::time) {}
};
struct DateTime : TypeEngine {
  constexpr DateTime() : TypeEngine(TypeKind::datetime) {}
};
struct LargeBinary : TypeEngine {
  constexpr LargeBinary() : TypeEngine(TypeKind::large_binary) {}
};
struct Uuid : TypeEngine {
  constexpr Uuid() : TypeEngine(TypeKind::uuid) {}
};
struct JSON : TypeEngine {
  constexpr JSON() : TypeEngine(TypeKind::json) {}
};

}  // namespace athanor::sql

// The type names that do not collide with athanor::Date / Time / DateTime (the value types of
// value.hpp): those three are spelled sa::sql::Date, sa::sql::Time, sa::sql::DateTime.
namespace athanor {
using sql::BigInteger;
using sql::Boolean;
using sql::Float;
using sql::Integer;
using sql::JSON;
using sql::LargeBinary;
using sql::Numeric;
using sql::SmallInteger;
using sql::String;
using sql::Text;
using sql::TypeEngine;
using sql::Uuid;
}  // namespace athanor
