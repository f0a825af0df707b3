// Values ↔ PostgreSQL's wire forms: parameters as libpq's arrays (text format, typed the way
// psycopg2 types its literals), result columns decoded from text format by type OID.
#pragma once

#include <libpq-fe.h>

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string_view>
#include <vector>

#include "athanor/value.hpp"

namespace athanor::dialects::postgresql {

namespace oid {
inline constexpr Oid unknown = 0, boolean = 16, bytea = 17, int8 = 20, int2 = 21, int4 = 23,
                     text = 25, oid = 26, float4 = 700, float8 = 701, date = 1082, time = 1083,
                     timestamp = 1114, timestamptz = 1184, numeric = 1700;
}  // namespace oid

// The type a parameter is declared with when its statement is prepared: what psycopg2's literal
// would be (5 → int4, 5e9 → int8, 1.5 → float8, a date → date, ...), except that text and NULL
// stay unknown (0) so the server infers them from where they stand, as it does for a quoted
// literal.
Oid param_type(const Value& v) noexcept;
// The type of a column of parameters across executemany rows: their common type, int8 when ints
// of both sizes mix, unknown when kinds conflict. `merged` starts as the first row's.
Oid merge_param_type(Oid merged, Oid next) noexcept;

// The text form of a number, bool, date, time or datetime, written into `slot` (NUL-terminated);
// nullopt for the other kinds (NULL, text, decimal, blob), which carry their own bytes.
using TextSlot = std::array<char, 64>;
std::optional<std::string_view> format_scalar(const Value& v, TextSlot& slot);

// Throws the data error ParamBuffer::set would throw for `v` (text with a NUL character, a blob
// over 2 GiB).
void check_sendable(const Value& v);

// libpq's parameter arrays for one execution, reused from one execution to the next (no
// allocation once grown). Text and blobs point into the Values, which must outlive the call.
class ParamBuffer {
 public:
  void resize(std::size_t count);
  // Throws a data error for text holding a NUL character, which PostgreSQL cannot store.
  void set(std::size_t i, const Value& v);
  std::size_t size() const noexcept { return values_.size(); }
  const char* const* values() const noexcept { return values_.data(); }
  const int* lengths() const noexcept { return lengths_.data(); }
  const int* formats() const noexcept { return formats_.data(); }

 private:
  std::vector<const char*> values_;
  std::vector<int> lengths_;
  std::vector<int> formats_;
  std::vector<TextSlot> slots_;
};

// How one result column becomes a Value.
enum class Decoder : std::uint8_t {
  integer,
  real,
  boolean,
  numeric,
  bytea,
  date,
  time,
  timestamp,
  timestamptz,  // converted to UTC: a Value's datetime is naive
  text,         // text, varchar, char, name, uuid, json, jsonb and every type not listed here
};
Decoder decoder_for(Oid type) noexcept;

// Decodes one non-NULL text-format field into `out`, reusing its buffer; `scratch` holds decoded
// bytea between calls. Throws a data error for a value Value cannot hold (infinite dates).
void decode_field(Decoder d, std::string_view text, Value& out, std::vector<std::byte>& scratch);

}  // namespace athanor::dialects::postgresql
