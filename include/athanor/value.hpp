// athanor/value.hpp — one SQL value, and the parameter sets that carry values to a statement.
//
// A Value is what Python's DBAPI passes around as a plain object: NULL, a bool, a 64-bit integer,
// a double, UTF-8 text, a blob, a date, a time of day, a (naive) datetime, or a decimal kept as its
// exact text. Reading a Value as a C++ type goes through `value_traits<T>`; specialise it to teach
// Athanor a type of your own (libpqxx's string_traits idea):
//
//   template <> struct athanor::value_traits<Money> {
//     static Money from(const athanor::Value& v) { return Money::cents(v.as<std::int64_t>()); }
//     static athanor::Value to(const Money& m) { return m.cents(); }
//   };
//
// A Value keeps its text buffer when it is overwritten, so a result that reuses one Value per
// column allocates nothing per row once the buffer has grown to the longest value it has seen.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <initializer_list>
#include <iosfwd>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <vector>

namespace athanor {

struct Null {
  friend bool operator==(Null, Null) = default;
};
inline constexpr Null null{};

using Blob = std::vector<std::byte>;
using Date = std::chrono::year_month_day;
using Time = std::chrono::hh_mm_ss<std::chrono::microseconds>;
using DateTime = std::chrono::local_time<std::chrono::microseconds>;  // naive, like Python's

// A decimal number carried as its exact text ("12.50"), never rounded through a double.
struct Decimal {
  std::string text;
  friend bool operator==(const Decimal&, const Decimal&) = default;
};

template <typename T>
struct value_traits;  // from(const Value&) -> T and to(const T&) -> Value

class Value {
 public:
  enum class Kind : std::uint8_t {
    null,
    boolean,
    integer,
    real,
    text,
    blob,
    date,
    time,
    datetime,
    decimal
  };

  Value() noexcept = default;
  Value(Null) noexcept {}
  Value(bool b) noexcept : kind_(Kind::boolean) { num_.i = b; }
  template <typename I>
  requires(std::is_integral_v<I> && !std::is_same_v<I, bool> && !std::is_same_v<I, char>) Value(I i)
  noexcept : kind_(Kind::integer) { num_.i = static_cast<std::int64_t>(i); }
  Value(double d) noexcept : kind_(Kind::real) { num_.d = d; }
  Value(float d) noexcept : Value(static_cast<double>(d)) {}
  Value(const char* s) : kind_(Kind::text), str_(s) {}
  Value(std::string_view s) : kind_(Kind::text), str_(s) {}
  Value(std::string s) noexcept : kind_(Kind::text), str_(std::move(s)) {}
  Value(const Blob& b);
  Value(std::span<const std::byte> b);
  Value(Date d) noexcept;
  Value(Time t) noexcept;
  Value(DateTime dt) noexcept;
  Value(Decimal d) noexcept : kind_(Kind::decimal), str_(std::move(d.text)) {}
  // Any type with a value_traits<T>::to specialisation.
  template <typename T>
  requires requires(const T& t) { value_traits<T>::to(t); }
  Value(const T& t) : Value(value_traits<T>::to(t)) {}

  Kind kind() const noexcept { return kind_; }
  bool is_null() const noexcept { return kind_ == Kind::null; }

  // Typed read; throws exc::ValueTypeError on a kind that does not convert, or on NULL unless T
  // is a std::optional. `std::string_view` and `std::span<const std::byte>` view this Value.
  template <typename T>
  T as() const {
    return value_traits<T>::from(*this);
  }

  // Raw accessors, valid only for the matching kind (checked by as<T>()).
  std::int64_t integer_unchecked() const noexcept { return num_.i; }
  double real_unchecked() const noexcept { return num_.d; }
  std::string_view text_unchecked() const noexcept { return str_; }

  // Overwrite in place, keeping the text buffer's capacity (the row-buffer fast path).
  void set_null() noexcept { kind_ = Kind::null; }
  void set_integer(std::int64_t i) noexcept { kind_ = Kind::integer, num_.i = i; }
  void set_real(double d) noexcept { kind_ = Kind::real, num_.d = d; }
  void set_text(std::string_view s) { kind_ = Kind::text, overwrite(s.data(), s.size()); }
  void set_blob(std::span<const std::byte> b) {
    kind_ = Kind::blob, overwrite(reinterpret_cast<const char*>(b.data()), b.size());
  }

  // Python's repr() of the equivalent object: None, 5, 1.5, 'text', b'..', datetime.date(...).
  std::string repr() const;
  // The kind's name for error messages: "NULL", "integer", "text", ...
  static std::string_view kind_name(Kind k) noexcept;

  friend bool operator==(const Value& a, const Value& b) noexcept;

 private:
  // Bytes no longer than those they replace (most values of a reused row buffer) are moved over
  // them, without std::string::assign's general path (growth, aliasing). memmove, not memcpy:
  // the new bytes may be a view of the old.
  void overwrite(const char* p, std::size_t n) {
    if (n > str_.size()) {
      str_.assign(p, n);
      return;
    }
    std::char_traits<char>::move(str_.data(), p, n);
    str_.resize(n);
  }

  Kind kind_ = Kind::null;
  union {
    std::int64_t i;
    double d;
  } num_{0};
  std::string str_;  // text, blob bytes or decimal text
};

std::ostream& operator<<(std::ostream& os, const Value& v);

// One named parameter set, in insertion order (Python's dict): `sa::Params{{"x", 1}, {"y", "a"}}`.
// A repeated name keeps its last value.
class Params {
 public:
  using value_type = std::pair<std::string, Value>;
  Params() = default;
  Params(std::initializer_list<value_type> items);

  // The value for `name`, or nullptr. Inline: every execution asks a few mostly empty sets.
  const Value* find(std::string_view name) const noexcept {
    for (const auto& item : items_) {
      if (item.first == name) return &item.second;
    }
    return nullptr;
  }
  // Inserts or replaces.
  Params& set(std::string name, Value v);
  Value& operator[](std::string_view name);
  bool contains(std::string_view name) const noexcept { return find(name) != nullptr; }
  std::size_t size() const noexcept { return items_.size(); }
  bool empty() const noexcept { return items_.empty(); }
  auto begin() const noexcept { return items_.begin(); }
  auto end() const noexcept { return items_.end(); }
  friend bool operator==(const Params&, const Params&) = default;

  // Python's dict repr: {'x': 1, 'y': 'a'}.
  std::string repr() const;

 private:
  std::vector<value_type> items_;
};

// ---- value_traits for the built-in types ------------------------------------------------------

namespace detail {
[[noreturn]] void throw_value_type_error(const Value& v, std::string_view target);
[[noreturn]] void throw_integer_range_error(std::int64_t i, std::string_view target);
}  // namespace detail

template <typename T>
struct value_traits<std::optional<T>> {
  static std::optional<T> from(const Value& v) {
    if (v.is_null()) return std::nullopt;
    return value_traits<T>::from(v);
  }
  static Value to(const std::optional<T>& o) { return o ? Value(*o) : Value(); }
};

template <>
struct value_traits<Value> {
  static Value from(const Value& v) { return v; }
};

template <>
struct value_traits<bool> {
  static bool from(const Value& v);
};

template <typename I>
requires(std::is_integral_v<I> && !std::is_same_v<I, bool>) struct value_traits<I> {
  static I from(const Value& v) {
    if (v.kind() != Value::Kind::integer && v.kind() != Value::Kind::boolean) {
      detail::throw_value_type_error(v, "an integer");
    }
    const std::int64_t i = v.integer_unchecked();
    if constexpr (!std::is_same_v<I, std::int64_t>) {
      if (!std::in_range<I>(i)) detail::throw_integer_range_error(i, "this integer type");
    }
    return static_cast<I>(i);
  }
};

template <>
struct value_traits<double> {
  // Inline for the kinds read without parsing: every real of a row read as a double comes here.
  static double from(const Value& v) {
    if (v.kind() == Value::Kind::real) return v.real_unchecked();
    if (v.kind() == Value::Kind::integer || v.kind() == Value::Kind::boolean) {
      return static_cast<double>(v.integer_unchecked());
    }
    return from_decimal(v);
  }

 private:
  // A decimal's text; exc::ValueTypeError for the other kinds.
  static double from_decimal(const Value& v);
};
template <>
struct value_traits<float> {
  static float from(const Value& v) { return static_cast<float>(value_traits<double>::from(v)); }
};
template <>
struct value_traits<std::string> {
  static std::string from(const Value& v);  // text or decimal
};
template <>
struct value_traits<std::string_view> {
  // A view of this Value's text or decimal; inline, as every text of a row read so comes here.
  static std::string_view from(const Value& v) {
    if (v.kind() != Value::Kind::text && v.kind() != Value::Kind::decimal) {
      detail::throw_value_type_error(v, "a string_view");
    }
    return v.text_unchecked();
  }
};
template <>
struct value_traits<Blob> {
  static Blob from(const Value& v);
};
template <>
struct value_traits<std::span<const std::byte>> {
  static std::span<const std::byte> from(const Value& v);
};
template <>
struct value_traits<Date> {
  static Date from(const Value& v);  // also parses ISO text, as SQLAlchemy's SQLite Date does
};
template <>
struct value_traits<Time> {
  static Time from(const Value& v);
};
template <>
struct value_traits<DateTime> {
  static DateTime from(const Value& v);
};
template <>
struct value_traits<Decimal> {
  static Decimal from(const Value& v);  // decimal, integer or text
};

}  // namespace athanor
