#include "dialects/postgresql/types.hpp"

#include <fmt/format.h>

#include <charconv>
#include <chrono>
#include <cmath>
#include <cstring>
#include <limits>
#include <optional>
#include <string>

#include "dialects/postgresql/driver.hpp"

namespace athanor::dialects::postgresql {

namespace {

using std::chrono::microseconds;

[[noreturn]] void raise_data_error(std::string message) {
  throw dbapi::Error(dbapi::ErrorKind::data_error, std::string(kDriverName), std::move(message));
}

[[noreturn]] void raise_unreadable(std::string_view what, std::string_view text) {
  raise_data_error(fmt::format("cannot read {} value '{}'", what, text));
}

// ---- parameters -------------------------------------------------------------------------------

// Writes into `slot`, returning the text's length.
template <typename... Args>
int format_into(TextSlot& slot, fmt::format_string<Args...> format, Args&&... args) {
  const auto r =
      fmt::format_to_n(slot.data(), slot.size() - 1, format, std::forward<Args>(args)...);
  *r.out = '\0';
  return static_cast<int>(r.out - slot.data());
}

int format_real(TextSlot& slot, double d) {
  if (std::isnan(d)) return format_into(slot, "NaN");
  if (std::isinf(d)) return format_into(slot, "{}", d > 0 ? "Infinity" : "-Infinity");
  // Shortest text that reads back as the same double.
  const auto r = std::to_chars(slot.data(), slot.data() + slot.size() - 1, d);
  *r.ptr = '\0';
  return static_cast<int>(r.ptr - slot.data());
}

int format_date(TextSlot& slot, Date d) {
  const int y = static_cast<int>(d.year());
  const auto m = static_cast<unsigned>(d.month()), day = static_cast<unsigned>(d.day());
  if (y > 0) return format_into(slot, "{:04}-{:02}-{:02}", y, m, day);
  return format_into(slot, "{:04}-{:02}-{:02} BC", 1 - y, m, day);  // year 0 is 1 BC
}

// Writes the time of day at `at`, NUL-terminated; returns the end of the text.
int format_time_of_day(TextSlot& slot, int at, std::int64_t us) {
  const auto t = Time{microseconds{us}};
  const auto r = fmt::format_to_n(slot.data() + at, slot.size() - 1 - static_cast<std::size_t>(at),
                                  "{:02}:{:02}:{:02}.{:06}", t.hours().count(), t.minutes().count(),
                                  t.seconds().count(), t.subseconds().count());
  *r.out = '\0';
  return static_cast<int>(r.out - slot.data());
}

// ---- results ----------------------------------------------------------------------------------

template <typename T>
bool parse_number(std::string_view s, T& out) noexcept {
  const auto r = std::from_chars(s.data(), s.data() + s.size(), out);
  return r.ec == std::errc() && r.ptr == s.data() + s.size();
}

// Reads up to `max` digits as a number, advancing `s`; nullopt when there is none.
std::optional<std::int64_t> take_digits(std::string_view& s, std::size_t max = 18) {
  std::size_t n = 0;
  std::int64_t v = 0;
  while (n < s.size() && n < max && s[n] >= '0' && s[n] <= '9') v = v * 10 + (s[n++] - '0');
  if (n == 0) return std::nullopt;
  s.remove_prefix(n);
  return v;
}

bool take(std::string_view& s, char c) {
  if (s.empty() || s.front() != c) return false;
  s.remove_prefix(1);
  return true;
}

// "YYYY-MM-DD" (more year digits allowed), advancing `s`.
std::optional<Date> take_date(std::string_view& s) {
  const auto y = take_digits(s, 9);
  if (!y || !take(s, '-')) return std::nullopt;
  const auto m = take_digits(s, 2);
  if (!m || !take(s, '-')) return std::nullopt;
  const auto d = take_digits(s, 2);
  if (!d) return std::nullopt;
  return Date{std::chrono::year{static_cast<int>(*y)},
              std::chrono::month{static_cast<unsigned>(*m)},
              std::chrono::day{static_cast<unsigned>(*d)}};
}

// "HH:MM:SS[.ffffff]" as microseconds, advancing `s`.
std::optional<std::int64_t> take_time(std::string_view& s) {
  const auto h = take_digits(s, 2);
  if (!h || !take(s, ':')) return std::nullopt;
  const auto m = take_digits(s, 2);
  if (!m || !take(s, ':')) return std::nullopt;
  const auto sec = take_digits(s, 2);
  if (!sec) return std::nullopt;
  std::int64_t us = ((*h * 60 + *m) * 60 + *sec) * 1'000'000;
  if (take(s, '.')) {
    std::int64_t scale = 100'000;
    std::size_t n = 0;
    for (; n < s.size() && s[n] >= '0' && s[n] <= '9'; ++n, scale /= 10) us += (s[n] - '0') * scale;
    if (n == 0) return std::nullopt;
    s.remove_prefix(n);
  }
  return us;
}

// A BC suffix turns the year astronomical (1 BC is year 0).
Date apply_era(Date d, std::string_view& rest) {
  if (rest != " BC") return d;
  rest = {};
  return Date{std::chrono::year{1 - static_cast<int>(d.year())}, d.month(), d.day()};
}

std::int64_t datetime_us(Date d, std::int64_t us) {
  return std::chrono::duration_cast<microseconds>(std::chrono::sys_days{d}.time_since_epoch())
             .count() +
         us;
}

// "+HH[:MM[:SS]]" as seconds east of UTC, advancing `s`.
std::optional<std::int64_t> take_utc_offset(std::string_view& s) {
  if (s.empty() || (s.front() != '+' && s.front() != '-')) return std::nullopt;
  const std::int64_t sign = s.front() == '-' ? -1 : 1;
  s.remove_prefix(1);
  const auto h = take_digits(s, 2);
  if (!h) return std::nullopt;
  std::int64_t seconds = *h * 3600;
  if (take(s, ':')) {
    const auto m = take_digits(s, 2);
    if (!m) return std::nullopt;
    seconds += *m * 60;
    if (take(s, ':')) {
      const auto sec = take_digits(s, 2);
      if (!sec) return std::nullopt;
      seconds += *sec;
    }
  }
  return sign * seconds;
}

void decode_timestamp(std::string_view text, bool with_zone, Value& out) {
  std::string_view s = text;
  const auto d = take_date(s);
  if (!d || !take(s, ' ')) raise_unreadable("timestamp", text);
  const auto us = take_time(s);
  if (!us) raise_unreadable("timestamp", text);
  std::int64_t total_us = 0;
  if (with_zone) {
    const auto offset = take_utc_offset(s);
    if (!offset) raise_unreadable("timestamptz", text);
    total_us = datetime_us(apply_era(*d, s), *us - *offset * 1'000'000);
  } else {
    total_us = datetime_us(apply_era(*d, s), *us);
  }
  if (!s.empty()) raise_unreadable("timestamp", text);
  out = Value(DateTime{microseconds{total_us}});
}

int hex_digit(char c) noexcept {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// bytea's output: hex ("\x0102", the default) or the older escape format ("a\\b\001").
void decode_bytea(std::string_view text, Value& out, std::vector<std::byte>& scratch) {
  scratch.clear();
  if (text.starts_with("\\x")) {
    for (std::size_t i = 2; i + 1 < text.size(); i += 2) {
      const int hi = hex_digit(text[i]), lo = hex_digit(text[i + 1]);
      if (hi < 0 || lo < 0) raise_unreadable("bytea", text.substr(0, 32));
      scratch.push_back(static_cast<std::byte>(hi * 16 + lo));
    }
  } else {
    for (std::size_t i = 0; i < text.size(); ++i) {
      if (text[i] != '\\') {
        scratch.push_back(static_cast<std::byte>(text[i]));
      } else if (i + 1 < text.size() && text[i + 1] == '\\') {
        scratch.push_back(std::byte{'\\'});
        ++i;
      } else if (i + 3 < text.size()) {
        const int v = (text[i + 1] - '0') * 64 + (text[i + 2] - '0') * 8 + (text[i + 3] - '0');
        scratch.push_back(static_cast<std::byte>(v));
        i += 3;
      } else {
        raise_unreadable("bytea", text.substr(0, 32));
      }
    }
  }
  out.set_blob(scratch);
}

}  // namespace

Oid param_type(const Value& v) noexcept {
  switch (v.kind()) {
    case Value::Kind::null:
    case Value::Kind::text:
      return oid::unknown;
    case Value::Kind::boolean:
      return oid::boolean;
    case Value::Kind::integer: {
      const std::int64_t i = v.integer_unchecked();
      return i >= std::numeric_limits<std::int32_t>::min() &&
                     i <= std::numeric_limits<std::int32_t>::max()
                 ? oid::int4
                 : oid::int8;
    }
    case Value::Kind::real:
      return oid::float8;
    case Value::Kind::blob:
      return oid::bytea;
    case Value::Kind::date:
      return oid::date;
    case Value::Kind::time:
      return oid::time;
    case Value::Kind::datetime:
      return oid::timestamp;
    case Value::Kind::decimal:
      return oid::numeric;
  }
  return oid::unknown;
}

Oid merge_param_type(Oid merged, Oid next) noexcept {
  if (merged == next) return merged;
  const auto is_int = [](Oid t) { return t == oid::int4 || t == oid::int8; };
  if (is_int(merged) && is_int(next)) return oid::int8;
  return oid::unknown;
}

void ParamBuffer::resize(std::size_t count) {
  values_.resize(count);
  lengths_.resize(count);
  formats_.resize(count);
  slots_.resize(count);
}

std::optional<std::string_view> format_scalar(const Value& v, TextSlot& slot) {
  int n = 0;
  switch (v.kind()) {
    case Value::Kind::null:
    case Value::Kind::text:
    case Value::Kind::decimal:
    case Value::Kind::blob:
      return std::nullopt;
    case Value::Kind::boolean:
      return v.integer_unchecked() ? "true" : "false";
    case Value::Kind::integer: {
      const auto r =
          std::to_chars(slot.data(), slot.data() + slot.size() - 1, v.integer_unchecked());
      *r.ptr = '\0';
      n = static_cast<int>(r.ptr - slot.data());
      break;
    }
    case Value::Kind::real:
      n = format_real(slot, v.real_unchecked());
      break;
    case Value::Kind::date:
      n = format_date(slot, v.as<Date>());
      break;
    case Value::Kind::time:
      n = format_time_of_day(slot, 0, v.integer_unchecked());
      break;
    case Value::Kind::datetime: {
      const DateTime dt = v.as<DateTime>();
      const auto day = std::chrono::floor<std::chrono::days>(dt);
      const Date date{day};
      const bool bc = static_cast<int>(date.year()) <= 0;
      // The era comes last in PostgreSQL's input: "0044-03-15 12:00:00.000000 BC".
      n = format_into(slot, "{:04}-{:02}-{:02} ",
                      bc ? 1 - static_cast<int>(date.year()) : static_cast<int>(date.year()),
                      static_cast<unsigned>(date.month()), static_cast<unsigned>(date.day()));
      n = format_time_of_day(slot, n, (dt - day).count());
      std::memcpy(slot.data() + n, bc ? " BC" : "", bc ? 4 : 1);
      if (bc) n += 3;
      break;
    }
  }
  return std::string_view(slot.data(), static_cast<std::size_t>(n));
}

void check_sendable(const Value& v) {
  if (v.kind() == Value::Kind::text || v.kind() == Value::Kind::decimal) {
    const std::string_view text = v.text_unchecked();
    if (std::memchr(text.data(), '\0', text.size())) {
      raise_data_error("A string literal cannot contain NUL (0x00) characters.");
    }
  } else if (v.kind() == Value::Kind::blob &&
             v.as<std::span<const std::byte>>().size() >
                 static_cast<std::size_t>(std::numeric_limits<int>::max())) {
    raise_data_error("a blob parameter is larger than libpq can send (2 GiB)");
  }
}

void ParamBuffer::set(std::size_t i, const Value& v) {
  formats_[i] = 0;
  lengths_[i] = 0;
  switch (v.kind()) {
    case Value::Kind::null:
      values_[i] = nullptr;
      return;
    case Value::Kind::text:
    case Value::Kind::decimal:
      // Text format is NUL-terminated; a Value's text always is (it lives in a std::string).
      check_sendable(v);
      values_[i] = v.text_unchecked().data();
      return;
    case Value::Kind::blob: {
      // Binary format: the bytes as they are, no hex doubling.
      check_sendable(v);
      const auto bytes = v.as<std::span<const std::byte>>();
      values_[i] = reinterpret_cast<const char*>(bytes.data());
      lengths_[i] = static_cast<int>(bytes.size());
      formats_[i] = 1;
      return;
    }
    default:
      values_[i] = format_scalar(v, slots_[i])->data();
  }
}

Decoder decoder_for(Oid type) noexcept {
  switch (type) {
    case oid::int2:
    case oid::int4:
    case oid::int8:
    case oid::oid:
      return Decoder::integer;
    case oid::float4:
    case oid::float8:
      return Decoder::real;
    case oid::boolean:
      return Decoder::boolean;
    case oid::numeric:
      return Decoder::numeric;
    case oid::bytea:
      return Decoder::bytea;
    case oid::date:
      return Decoder::date;
    case oid::time:
      return Decoder::time;
    case oid::timestamp:
      return Decoder::timestamp;
    case oid::timestamptz:
      return Decoder::timestamptz;
    default:
      return Decoder::text;
  }
}

void decode_field(Decoder d, std::string_view text, Value& out, std::vector<std::byte>& scratch) {
  switch (d) {
    case Decoder::integer: {
      std::int64_t i = 0;
      if (!parse_number(text, i)) raise_unreadable("integer", text);
      out.set_integer(i);
      return;
    }
    case Decoder::real: {
      double v = 0;
      if (!parse_number(text, v)) raise_unreadable("float", text);
      out.set_real(v);
      return;
    }
    case Decoder::boolean:
      out = Value(text == "t");
      return;
    case Decoder::numeric:
      // Exact, as psycopg2's Decimal; NaN and Infinity stay text the Decimal kind carries.
      out = Value(Decimal{std::string(text)});
      return;
    case Decoder::bytea:
      decode_bytea(text, out, scratch);
      return;
    case Decoder::date: {
      std::string_view s = text;
      const auto date = take_date(s);
      if (!date) raise_unreadable("date", text);
      const Date value = apply_era(*date, s);
      if (!s.empty() || !value.ok()) raise_unreadable("date", text);
      out = Value(value);
      return;
    }
    case Decoder::time: {
      std::string_view s = text;
      const auto us = take_time(s);
      if (!us || !s.empty()) raise_unreadable("time", text);
      out = Value(Time{microseconds{*us}});
      return;
    }
    case Decoder::timestamp:
      decode_timestamp(text, false, out);
      return;
    case Decoder::timestamptz:
      decode_timestamp(text, true, out);
      return;
    case Decoder::text:
      out.set_text(text);
      return;
  }
}

}  // namespace athanor::dialects::postgresql
