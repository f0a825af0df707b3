// Value, Params and value_traits: construction, typed reads, Python text forms, equality.
#include "athanor/value.hpp"

#include <gtest/gtest.h>

#include <cstdint>
#include <limits>
#include <optional>
#include <sstream>
#include <string>

#include "athanor/exc.hpp"

namespace sa = athanor;
using namespace std::chrono;
using namespace std::chrono_literals;

namespace {

using K = sa::Value::Kind;

// The message of the ValueTypeError thrown by reading `v` as T.
template <typename T>
std::string read_error(const sa::Value& v) {
  try {
    (void)v.as<T>();
  } catch (const sa::exc::ValueTypeError& e) {
    return e.what();
  }
  ADD_FAILURE() << "no ValueTypeError reading " << v.repr();
  return {};
}

std::string str(const sa::Value& v) {
  std::ostringstream os;
  os << v;
  return os.str();
}

sa::Blob bytes(std::string_view s) {
  sa::Blob b;
  for (const char c : s) b.push_back(static_cast<std::byte>(c));
  return b;
}

constexpr sa::Date kDate = 2024y / January / 31d;
const sa::Time kTime{12h + 34min + 56s + 120000us};
const sa::DateTime kDateTime = local_days{kDate} + 12h + 34min + 56s;

struct Money {
  std::int64_t cents;
};

}  // namespace

template <>
struct athanor::value_traits<Money> {
  static Money from(const Value& v) { return Money{v.as<std::int64_t>()}; }
  static Value to(const Money& m) { return m.cents; }
};

namespace {

TEST(Value, DefaultIsNull) {
  const sa::Value v;
  EXPECT_TRUE(v.is_null());
  EXPECT_EQ(v.kind(), K::null);
  EXPECT_EQ(sa::Value(sa::null), v);
  EXPECT_EQ(v.repr(), "None");
  EXPECT_EQ(str(v), "None");
}

TEST(Value, ConstructorsPickKinds) {
  EXPECT_EQ(sa::Value(true).kind(), K::boolean);
  EXPECT_EQ(sa::Value(7).kind(), K::integer);
  EXPECT_EQ(sa::Value(std::uint8_t{7}).kind(), K::integer);
  EXPECT_EQ(sa::Value(7LL).kind(), K::integer);
  EXPECT_EQ(sa::Value(1.5).kind(), K::real);
  EXPECT_EQ(sa::Value(1.5f).kind(), K::real);
  EXPECT_EQ(sa::Value("a").kind(), K::text);
  EXPECT_EQ(sa::Value(std::string_view("a")).kind(), K::text);
  EXPECT_EQ(sa::Value(std::string("a")).kind(), K::text);
  EXPECT_EQ(sa::Value(bytes("ab")).kind(), K::blob);
  const sa::Blob b = bytes("xy");
  EXPECT_EQ(sa::Value(std::span<const std::byte>(b)).kind(), K::blob);
  EXPECT_EQ(sa::Value(kDate).kind(), K::date);
  EXPECT_EQ(sa::Value(kTime).kind(), K::time);
  EXPECT_EQ(sa::Value(kDateTime).kind(), K::datetime);
  EXPECT_EQ(sa::Value(sa::Decimal{"12.50"}).kind(), K::decimal);
  EXPECT_EQ(sa::Value(std::optional<int>{}).kind(), K::null);
  EXPECT_EQ(sa::Value(std::optional<int>{3}).kind(), K::integer);
  EXPECT_EQ(sa::Value(Money{250}).kind(), K::integer);
}

TEST(Value, KindNames) {
  EXPECT_EQ(sa::Value::kind_name(K::null), "NULL");
  EXPECT_EQ(sa::Value::kind_name(K::boolean), "boolean");
  EXPECT_EQ(sa::Value::kind_name(K::integer), "integer");
  EXPECT_EQ(sa::Value::kind_name(K::real), "real");
  EXPECT_EQ(sa::Value::kind_name(K::text), "text");
  EXPECT_EQ(sa::Value::kind_name(K::blob), "blob");
  EXPECT_EQ(sa::Value::kind_name(K::date), "date");
  EXPECT_EQ(sa::Value::kind_name(K::time), "time");
  EXPECT_EQ(sa::Value::kind_name(K::datetime), "datetime");
  EXPECT_EQ(sa::Value::kind_name(K::decimal), "decimal");
}

TEST(Value, IntegerReads) {
  EXPECT_EQ(sa::Value(42).as<std::int64_t>(), 42);
  EXPECT_EQ(sa::Value(42).as<int>(), 42);
  EXPECT_EQ(sa::Value(-5).as<short>(), -5);
  EXPECT_EQ(sa::Value(true).as<int>(), 1);
  const std::int64_t big = std::numeric_limits<std::int64_t>::max();
  EXPECT_EQ(sa::Value(big).as<std::int64_t>(), big);
  EXPECT_EQ(sa::Value(255).as<std::uint8_t>(), 255);
}

TEST(Value, IntegerRangeErrors) {
  EXPECT_EQ(read_error<std::uint8_t>(sa::Value(300)),
            "Can't convert integer value 300 to this integer type: out of range");
  EXPECT_THROW(sa::Value(-1).as<unsigned>(), sa::exc::ValueTypeError);
  EXPECT_THROW(sa::Value(std::int64_t{1} << 40).as<int>(), sa::exc::ValueTypeError);
}

TEST(Value, BoolReads) {
  EXPECT_TRUE(sa::Value(true).as<bool>());
  EXPECT_FALSE(sa::Value(false).as<bool>());
  EXPECT_TRUE(sa::Value(2).as<bool>());
  EXPECT_FALSE(sa::Value(0).as<bool>());
  EXPECT_EQ(read_error<bool>(sa::Value("yes")), "Can't convert text value 'yes' to a bool");
  EXPECT_THROW(sa::Value(1.0).as<bool>(), sa::exc::ValueTypeError);
}

TEST(Value, DoubleReads) {
  EXPECT_EQ(sa::Value(1.5).as<double>(), 1.5);
  EXPECT_EQ(sa::Value(3).as<double>(), 3.0);
  EXPECT_EQ(sa::Value(true).as<double>(), 1.0);
  EXPECT_EQ(sa::Value(2.5).as<float>(), 2.5f);
  EXPECT_EQ(sa::Value(sa::Decimal{"12.50"}).as<double>(), 12.5);
  EXPECT_EQ(sa::Value(sa::Decimal{"-1e3"}).as<double>(), -1000.0);
  EXPECT_EQ(read_error<double>(sa::Value("1.5")), "Can't convert text value '1.5' to a double");
  EXPECT_THROW(sa::Value(1.5).as<int>(), sa::exc::ValueTypeError);
}

TEST(Value, StringReads) {
  const sa::Value v("hello");
  EXPECT_EQ(v.as<std::string>(), "hello");
  const auto view = v.as<std::string_view>();
  EXPECT_EQ(view, "hello");
  EXPECT_EQ(view.data(), v.text_unchecked().data());  // a view, not a copy
  EXPECT_EQ(sa::Value(sa::Decimal{"1.10"}).as<std::string>(), "1.10");
  EXPECT_EQ(read_error<std::string>(sa::Value(5)), "Can't convert integer value 5 to a string");
  EXPECT_THROW(sa::Value(bytes("a")).as<std::string_view>(), sa::exc::ValueTypeError);
}

TEST(Value, BlobReads) {
  const sa::Blob b = bytes(std::string_view("\x00\x01\xff", 3));
  const sa::Value v(b);
  EXPECT_EQ(v.as<sa::Blob>(), b);
  const auto span = v.as<std::span<const std::byte>>();
  ASSERT_EQ(span.size(), 3u);
  EXPECT_EQ(span[2], std::byte{0xff});
  EXPECT_EQ(read_error<sa::Blob>(sa::Value("abc")), "Can't convert text value 'abc' to a blob");
}

TEST(Value, DateReads) {
  EXPECT_EQ(sa::Value(kDate).as<sa::Date>(), kDate);
  EXPECT_EQ(sa::Value("2024-01-31").as<sa::Date>(), kDate);
  EXPECT_EQ(sa::Value(sa::Date{1901y / December / 13d}).as<sa::Date>(), 1901y / December / 13d);
  EXPECT_EQ(read_error<sa::Date>(sa::Value("2024-02-30")),
            "Can't convert text value '2024-02-30' to a date");
  EXPECT_THROW(sa::Value("2024-1-31").as<sa::Date>(), sa::exc::ValueTypeError);
  EXPECT_THROW(sa::Value("31/01/2024").as<sa::Date>(), sa::exc::ValueTypeError);
  EXPECT_THROW(sa::Value(kDateTime).as<sa::Date>(), sa::exc::ValueTypeError);
}

TEST(Value, TimeReads) {
  EXPECT_EQ(sa::Value(kTime).as<sa::Time>().to_duration(), kTime.to_duration());
  EXPECT_EQ(sa::Value("12:34:56.12").as<sa::Time>().to_duration(), kTime.to_duration());
  EXPECT_EQ(sa::Value("12:34:56").as<sa::Time>().to_duration(), 12h + 34min + 56s);
  EXPECT_EQ(sa::Value("12:34").as<sa::Time>().to_duration(), 12h + 34min);
  EXPECT_EQ(sa::Value("00:00:00.000001").as<sa::Time>().to_duration(), 1us);
  for (const char* bad : {"24:00:00", "12:60:00", "12:34:56.", "12:34:56.1234567", "1:02:03"}) {
    EXPECT_THROW(sa::Value(bad).as<sa::Time>(), sa::exc::ValueTypeError) << bad;
  }
}

TEST(Value, DateTimeReads) {
  EXPECT_EQ(sa::Value(kDateTime).as<sa::DateTime>(), kDateTime);
  EXPECT_EQ(sa::Value("2024-01-31 12:34:56").as<sa::DateTime>(), kDateTime);
  EXPECT_EQ(sa::Value("2024-01-31T12:34:56").as<sa::DateTime>(), kDateTime);
  EXPECT_EQ(sa::Value("2024-01-31 12:34:56.5").as<sa::DateTime>(), kDateTime + 500ms);
  EXPECT_EQ(sa::Value("2024-01-31").as<sa::DateTime>(), local_days{kDate});
  EXPECT_EQ(read_error<sa::DateTime>(sa::Value("2024-01-31X12:34:56")),
            "Can't convert text value '2024-01-31X12:34:56' to a datetime");
  EXPECT_THROW(sa::Value(kDate).as<sa::DateTime>(), sa::exc::ValueTypeError);
  // Before the epoch, the time of day still counts forwards from midnight.
  const sa::DateTime old = local_days{1969y / December / 31d} + 23h + 59min;
  EXPECT_EQ(sa::Value(old).repr(), "datetime.datetime(1969, 12, 31, 23, 59)");
}

TEST(Value, DecimalReads) {
  EXPECT_EQ(sa::Value(sa::Decimal{"12.50"}).as<sa::Decimal>(), sa::Decimal{"12.50"});
  EXPECT_EQ(sa::Value(42).as<sa::Decimal>(), sa::Decimal{"42"});
  EXPECT_EQ(sa::Value(" -1.5e3 ").as<sa::Decimal>(), sa::Decimal{"-1.5e3"});
  EXPECT_EQ(sa::Value("NaN").as<sa::Decimal>(), sa::Decimal{"NaN"});
  EXPECT_EQ(sa::Value("-Infinity").as<sa::Decimal>(), sa::Decimal{"-Infinity"});
  EXPECT_EQ(read_error<sa::Decimal>(sa::Value("abc")),
            "Can't convert text value 'abc' to a decimal");
  EXPECT_THROW(sa::Value("1.2.3").as<sa::Decimal>(), sa::exc::ValueTypeError);
  EXPECT_THROW(sa::Value(1.5).as<sa::Decimal>(), sa::exc::ValueTypeError);
}

TEST(Value, ErrorMessagesNameKindAndTarget) {
  EXPECT_EQ(read_error<std::int64_t>(sa::Value("abc")),
            "Can't convert text value 'abc' to an integer");
  EXPECT_EQ(read_error<int>(sa::Value(1.5)), "Can't convert real value 1.5 to an integer");
  EXPECT_EQ(read_error<int>(sa::Value(kDate)),
            "Can't convert date value datetime.date(2024, 1, 31) to an integer");
  const std::string long_text(500, 'x');
  const std::string msg = read_error<int>(sa::Value(long_text));
  EXPECT_LT(msg.size(), 200u);
  EXPECT_TRUE(msg.starts_with("Can't convert text value 'xxx")) << msg;
}

TEST(Value, NullNeedsOptional) {
  const sa::Value v;
  EXPECT_EQ(read_error<std::int64_t>(v),
            "Can't convert NULL to an integer; read it as std::optional");
  EXPECT_EQ(read_error<std::string>(v), "Can't convert NULL to a string; read it as std::optional");
  EXPECT_THROW(v.as<sa::Date>(), sa::exc::ValueTypeError);
  EXPECT_EQ(v.as<std::optional<int>>(), std::nullopt);
  EXPECT_EQ(v.as<std::optional<std::string>>(), std::nullopt);
  EXPECT_EQ(sa::Value(5).as<std::optional<int>>(), 5);
  EXPECT_THROW(sa::Value("x").as<std::optional<int>>(), sa::exc::ValueTypeError);
  EXPECT_TRUE(v.as<sa::Value>().is_null());
}

TEST(Value, ValueTypeErrorIsAnInvalidRequestError) {
  EXPECT_THROW(sa::Value("x").as<int>(), sa::exc::InvalidRequestError);
  EXPECT_THROW(sa::Value().as<int>(), sa::exc::SQLAlchemyError);
}

TEST(Value, UserTraits) {
  const sa::Value v = Money{1999};
  EXPECT_EQ(v.as<Money>().cents, 1999);
}

TEST(Value, ReprOfScalars) {
  EXPECT_EQ(sa::Value(true).repr(), "True");
  EXPECT_EQ(sa::Value(false).repr(), "False");
  EXPECT_EQ(sa::Value(5).repr(), "5");
  EXPECT_EQ(sa::Value(-17).repr(), "-17");
  EXPECT_EQ(sa::Value(std::numeric_limits<std::int64_t>::min()).repr(), "-9223372036854775808");
  EXPECT_EQ(sa::Value(sa::Decimal{"12.50"}).repr(), "Decimal('12.50')");
}

TEST(Value, ReprOfFloatsLikePython) {
  EXPECT_EQ(sa::Value(1.5).repr(), "1.5");
  EXPECT_EQ(sa::Value(1.0).repr(), "1.0");
  EXPECT_EQ(sa::Value(0.0).repr(), "0.0");
  EXPECT_EQ(sa::Value(-0.0).repr(), "-0.0");
  EXPECT_EQ(sa::Value(1e20).repr(), "1e+20");
  EXPECT_EQ(sa::Value(1e16).repr(), "1e+16");
  EXPECT_EQ(sa::Value(1e15).repr(), "1000000000000000.0");
  EXPECT_EQ(sa::Value(0.0001).repr(), "0.0001");
  EXPECT_EQ(sa::Value(0.00001).repr(), "1e-05");
  EXPECT_EQ(sa::Value(1.5e-7).repr(), "1.5e-07");
  EXPECT_EQ(sa::Value(1.0 / 3).repr(), "0.3333333333333333");
  EXPECT_EQ(sa::Value(123456789012345678.0).repr(), "1.2345678901234568e+17");
  EXPECT_EQ(sa::Value(2.5e300).repr(), "2.5e+300");
  EXPECT_EQ(sa::Value(std::numeric_limits<double>::infinity()).repr(), "inf");
  EXPECT_EQ(sa::Value(-std::numeric_limits<double>::infinity()).repr(), "-inf");
  EXPECT_EQ(sa::Value(std::numeric_limits<double>::quiet_NaN()).repr(), "nan");
}

TEST(Value, ReprOfTextLikePython) {
  EXPECT_EQ(sa::Value("text").repr(), "'text'");
  EXPECT_EQ(sa::Value("").repr(), "''");
  EXPECT_EQ(sa::Value("it's").repr(), "\"it's\"");
  EXPECT_EQ(sa::Value("say \"hi\"").repr(), "'say \"hi\"'");
  EXPECT_EQ(sa::Value("both ' \"").repr(), "'both \\' \"'");
  EXPECT_EQ(sa::Value("a\\b\tc\nd\re").repr(), "'a\\\\b\\tc\\nd\\re'");
  EXPECT_EQ(sa::Value(std::string_view("\x00\x1f\x7f", 3)).repr(), "'\\x00\\x1f\\x7f'");
  // é and 😀 are printable; U+0080, NBSP and U+2028 are not.
  EXPECT_EQ(sa::Value("caf\xC3\xA9 \xF0\x9F\x98\x80").repr(), "'caf\xC3\xA9 \xF0\x9F\x98\x80'");
  EXPECT_EQ(sa::Value("\xC2\x80\xC2\xA0\xE2\x80\xA8").repr(), "'\\x80\\xa0\\u2028'");
  EXPECT_EQ(sa::Value("bad\xFF").repr(), "'bad\\xff'");
}

TEST(Value, ReprOfBlobsLikePython) {
  EXPECT_EQ(sa::Value(bytes(std::string_view("\x00"
                                             "ab",
                                             3)))
                .repr(),
            "b'\\x00ab'");
  EXPECT_EQ(sa::Value(bytes("it's")).repr(), "b\"it's\"");
  EXPECT_EQ(sa::Value(bytes("\xff\n\\")).repr(), "b'\\xff\\n\\\\'");
  EXPECT_EQ(sa::Value(sa::Blob{}).repr(), "b''");
}

TEST(Value, ReprOfDatesLikePython) {
  EXPECT_EQ(sa::Value(kDate).repr(), "datetime.date(2024, 1, 31)");
  EXPECT_EQ(sa::Value(kTime).repr(), "datetime.time(12, 34, 56, 120000)");
  EXPECT_EQ(sa::Value(sa::Time{12h + 34min + 56s}).repr(), "datetime.time(12, 34, 56)");
  EXPECT_EQ(sa::Value(sa::Time{12h + 34min}).repr(), "datetime.time(12, 34)");
  EXPECT_EQ(sa::Value(sa::Time{5us}).repr(), "datetime.time(0, 0, 0, 5)");
  EXPECT_EQ(sa::Value(kDateTime).repr(), "datetime.datetime(2024, 1, 31, 12, 34, 56)");
  EXPECT_EQ(sa::Value(kDateTime + 7us).repr(), "datetime.datetime(2024, 1, 31, 12, 34, 56, 7)");
  EXPECT_EQ(sa::Value(sa::DateTime{local_days{kDate}}).repr(),
            "datetime.datetime(2024, 1, 31, 0, 0)");
}

TEST(Value, StreamsLikePythonStr) {
  EXPECT_EQ(str(sa::Value("plain 'text'")), "plain 'text'");
  EXPECT_EQ(str(sa::Value(true)), "True");
  EXPECT_EQ(str(sa::Value(42)), "42");
  EXPECT_EQ(str(sa::Value(1.0)), "1.0");
  EXPECT_EQ(str(sa::Value(sa::Decimal{"12.50"})), "12.50");
  EXPECT_EQ(str(sa::Value(bytes("ab"))), "b'ab'");
  EXPECT_EQ(str(sa::Value(kDate)), "2024-01-31");
  EXPECT_EQ(str(sa::Value(sa::Time{12h + 34min + 56s})), "12:34:56");
  EXPECT_EQ(str(sa::Value(kTime)), "12:34:56.120000");
  EXPECT_EQ(str(sa::Value(kDateTime)), "2024-01-31 12:34:56");
  EXPECT_EQ(str(sa::Value(kDateTime + 4us)), "2024-01-31 12:34:56.000004");
  EXPECT_EQ(str(sa::Value(sa::Date{5y / March / 1d})), "0005-03-01");
}

TEST(Value, EqualityWithinKinds) {
  EXPECT_EQ(sa::Value(), sa::Value());
  EXPECT_EQ(sa::Value("a"), sa::Value("a"));
  EXPECT_NE(sa::Value("a"), sa::Value("b"));
  EXPECT_EQ(sa::Value(bytes("a")), sa::Value(bytes("a")));
  EXPECT_EQ(sa::Value(kDate), sa::Value(kDate));
  EXPECT_NE(sa::Value(kDate), sa::Value(sa::Date{2024y / January / 30d}));
  EXPECT_EQ(sa::Value(kTime), sa::Value(kTime));
  EXPECT_EQ(sa::Value(kDateTime), sa::Value(kDateTime));
  const double nan = std::numeric_limits<double>::quiet_NaN();
  EXPECT_NE(sa::Value(nan), sa::Value(nan));  // as in Python
}

TEST(Value, NumbersCompareAcrossKinds) {
  EXPECT_EQ(sa::Value(1), sa::Value(1.0));
  EXPECT_EQ(sa::Value(1), sa::Value(true));
  EXPECT_EQ(sa::Value(true), sa::Value(1.0));
  EXPECT_EQ(sa::Value(0), sa::Value(false));
  EXPECT_NE(sa::Value(1), sa::Value(1.5));
  EXPECT_NE(sa::Value(2), sa::Value(true));
  // Exact, as in Python: 2**53 + 1 != float(2**53).
  EXPECT_NE(sa::Value((std::int64_t{1} << 53) + 1), sa::Value(9007199254740992.0));
  EXPECT_EQ(sa::Value(std::int64_t{1} << 53), sa::Value(9007199254740992.0));
  EXPECT_NE(sa::Value(std::numeric_limits<std::int64_t>::max()), sa::Value(9.3e18));
}

TEST(Value, DifferentKindsAreUnequal) {
  EXPECT_NE(sa::Value(1), sa::Value("1"));
  EXPECT_NE(sa::Value("a"), sa::Value(bytes("a")));
  EXPECT_NE(sa::Value(), sa::Value(0));
  EXPECT_NE(sa::Value(), sa::Value(""));
  EXPECT_NE(sa::Value(kDate), sa::Value(sa::DateTime{local_days{kDate}}));
  EXPECT_NE(sa::Value(sa::Decimal{"1.5"}), sa::Value("1.5"));
}

TEST(Value, DecimalsCompareByValue) {
  EXPECT_EQ(sa::Value(sa::Decimal{"1.50"}), sa::Value(sa::Decimal{"1.5"}));
  EXPECT_EQ(sa::Value(sa::Decimal{"15E-1"}), sa::Value(sa::Decimal{"1.5"}));
  EXPECT_EQ(sa::Value(sa::Decimal{"-0.00"}), sa::Value(sa::Decimal{"0"}));
  EXPECT_EQ(sa::Value(sa::Decimal{"100"}), sa::Value(sa::Decimal{"1e2"}));
  EXPECT_EQ(sa::Value(sa::Decimal{"007.10"}), sa::Value(sa::Decimal{".71E1"}));
  EXPECT_NE(sa::Value(sa::Decimal{"1.5"}), sa::Value(sa::Decimal{"-1.5"}));
  EXPECT_NE(sa::Value(sa::Decimal{"1.5"}), sa::Value(sa::Decimal{"15"}));
  EXPECT_NE(sa::Value(sa::Decimal{"NaN"}), sa::Value(sa::Decimal{"NaN"}));
  EXPECT_EQ(sa::Value(sa::Decimal{"Infinity"}), sa::Value(sa::Decimal{"Infinity"}));
  EXPECT_EQ(sa::Value(sa::Decimal{"2.0"}), sa::Value(2));
  EXPECT_EQ(sa::Value(3), sa::Value(sa::Decimal{"3"}));
  EXPECT_NE(sa::Value(sa::Decimal{"2.5"}), sa::Value(2));
}

TEST(Value, SetTextKeepsTheBuffer) {
  sa::Value v;
  v.set_text(std::string(1000, 'x'));
  const char* buffer = v.text_unchecked().data();
  v.set_text("short");
  EXPECT_EQ(v.text_unchecked().data(), buffer);
  EXPECT_EQ(v.as<std::string_view>(), "short");
  v.set_integer(5);
  v.set_null();
  v.set_real(2.5);
  v.set_text("again");
  EXPECT_EQ(v.text_unchecked().data(), buffer);
  const sa::Blob b = bytes("blob");
  v.set_blob(b);
  EXPECT_EQ(v.kind(), K::blob);
  EXPECT_EQ(v.text_unchecked().data(), buffer);
  EXPECT_EQ(v.as<sa::Blob>(), b);
}

TEST(Value, SetterKinds) {
  sa::Value v("x");
  v.set_integer(3);
  EXPECT_EQ(v, sa::Value(3));
  v.set_real(0.5);
  EXPECT_EQ(v.as<double>(), 0.5);
  v.set_null();
  EXPECT_TRUE(v.is_null());
}

TEST(Params, LastValueWinsAtFirstPosition) {
  const sa::Params p{{"x", 1}, {"y", "a"}, {"x", 3}};
  ASSERT_EQ(p.size(), 2u);
  EXPECT_EQ(p.begin()->first, "x");
  EXPECT_EQ(*p.find("x"), sa::Value(3));
  EXPECT_EQ(p.repr(), "{'x': 3, 'y': 'a'}");
}

TEST(Params, FindSetAndIndex) {
  sa::Params p;
  EXPECT_TRUE(p.empty());
  EXPECT_EQ(p.find("x"), nullptr);
  p.set("x", 1).set("y", "a");
  EXPECT_TRUE(p.contains("y"));
  EXPECT_FALSE(p.contains("z"));
  p.set("x", 2);
  EXPECT_EQ(*p.find("x"), sa::Value(2));
  EXPECT_TRUE(p["z"].is_null());  // inserts NULL
  EXPECT_EQ(p.size(), 3u);
  p["z"] = 9;
  EXPECT_EQ(p.find("z")->as<int>(), 9);
  EXPECT_EQ(p.repr(), "{'x': 2, 'y': 'a', 'z': 9}");
}

TEST(Params, ReprAndEquality) {
  EXPECT_EQ(sa::Params{}.repr(), "{}");
  EXPECT_EQ((sa::Params{{"x", 1}, {"y", "a"}}.repr()), "{'x': 1, 'y': 'a'}");
  EXPECT_EQ((sa::Params{{"n", sa::null}, {"it's", 1.5}, {"d", sa::Value(kDate)}}.repr()),
            "{'n': None, \"it's\": 1.5, 'd': datetime.date(2024, 1, 31)}");
  EXPECT_EQ((sa::Params{{"x", 1}}), (sa::Params{{"x", 1}}));
  EXPECT_NE((sa::Params{{"x", 1}}), (sa::Params{{"x", 2}}));
  // Works as an executemany list.
  const std::vector<sa::Params> many{{{"x", 1}}, {{"x", 2}}};
  EXPECT_EQ(many[1].find("x")->as<int>(), 2);
}

}  // namespace
