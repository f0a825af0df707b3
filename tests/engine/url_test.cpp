// URL parsing, rendering and the copy-returning modifiers (SPEC §1).
#include "athanor/engine/url.hpp"

#include <gtest/gtest.h>

#include <string>

#include "athanor/exc.hpp"

namespace sa = athanor;

namespace {

using Query = sa::URL::Query;

// The message of the ArgumentError `text` raises; fails the test when nothing is thrown.
std::string parse_error(std::string_view text) {
  try {
    sa::make_url(text);
  } catch (const sa::exc::ArgumentError& e) {
    return e.what();
  }
  ADD_FAILURE() << "no ArgumentError for " << text;
  return {};
}

void expect_round_trip(const sa::URL& u) {
  EXPECT_EQ(sa::make_url(u.render_as_string(false)), u) << u.render_as_string(false);
}

TEST(URL, SqliteMemoryHasNoDatabase) {
  const auto u = sa::make_url("sqlite://");
  EXPECT_EQ(u.drivername, "sqlite");
  EXPECT_EQ(u.username, std::nullopt);
  EXPECT_EQ(u.password, std::nullopt);
  EXPECT_EQ(u.host, std::nullopt);
  EXPECT_EQ(u.port, std::nullopt);
  EXPECT_EQ(u.database, std::nullopt);
  EXPECT_TRUE(u.query.empty());
  EXPECT_EQ(u.render_as_string(), "sqlite://");
}

TEST(URL, SqliteRelativePath) {
  const auto u = sa::make_url("sqlite:///relative.db");
  EXPECT_EQ(u.host, std::nullopt);
  EXPECT_EQ(u.database, "relative.db");
  EXPECT_EQ(u.render_as_string(), "sqlite:///relative.db");
}

TEST(URL, SqliteAbsolutePath) {
  const auto u = sa::make_url("sqlite:////abs/path.db");
  EXPECT_EQ(u.host, std::nullopt);
  EXPECT_EQ(u.database, "/abs/path.db");
  EXPECT_EQ(u.render_as_string(), "sqlite:////abs/path.db");
}

TEST(URL, MemoryDatabaseKeepsColons) {
  const auto u = sa::make_url("dbtype:///:memory:");
  EXPECT_EQ(u.drivername, "dbtype");
  EXPECT_EQ(u.host, std::nullopt);
  EXPECT_EQ(u.port, std::nullopt);
  EXPECT_EQ(u.database, ":memory:");
}

TEST(URL, PostgresqlFullForm) {
  const auto u = sa::make_url("postgresql://user:p%40ss@host:5432/db?sslmode=disable");
  EXPECT_EQ(u.drivername, "postgresql");
  EXPECT_EQ(u.username, "user");
  EXPECT_EQ(u.password, "p@ss");
  EXPECT_EQ(u.host, "host");
  EXPECT_EQ(u.port, 5432);
  EXPECT_EQ(u.database, "db");
  EXPECT_EQ(u.query, (Query{{"sslmode", {"disable"}}}));
  EXPECT_EQ(u.query_value("sslmode"), "disable");
  EXPECT_EQ(u.query_value("nope"), std::nullopt);
  EXPECT_EQ(u.render_as_string(), "postgresql://user:***@host:5432/db?sslmode=disable");
  EXPECT_EQ(u.render_as_string(false), "postgresql://user:p%40ss@host:5432/db?sslmode=disable");
}

TEST(URL, BackendAndDriverNames) {
  const auto pg = sa::make_url("postgresql+libpq://scott:tiger@localhost/test");
  EXPECT_EQ(pg.drivername, "postgresql+libpq");
  EXPECT_EQ(pg.get_backend_name(), "postgresql");
  EXPECT_EQ(pg.get_driver_name(), "libpq");
  EXPECT_EQ(sa::make_url("postgresql://h/db").get_driver_name(), "libpq");
  EXPECT_EQ(sa::make_url("sqlite://").get_driver_name(), "sqlite3");
  EXPECT_EQ(sa::make_url("sqlite+pysqlite://").get_driver_name(), "pysqlite");
  EXPECT_EQ(sa::make_url("mysql://h/db").get_driver_name(), "mariadbconnector");
  EXPECT_EQ(sa::make_url("mariadb://h/db").get_driver_name(), "mariadbconnector");
  EXPECT_EQ(sa::make_url("oracle://h/db").get_driver_name(), "oracle");
  EXPECT_EQ(sa::make_url("a+b+c://").get_backend_name(), "a");
  EXPECT_EQ(sa::make_url("a+b+c://").get_driver_name(), "b");
}

TEST(URL, MysqlAndMariadbForms) {
  const auto my = sa::make_url("mysql://scott:tiger@localhost:3306/test?charset=utf8mb4");
  EXPECT_EQ(my.get_backend_name(), "mysql");
  EXPECT_EQ(my.port, 3306);
  EXPECT_EQ(my.query_value("charset"), "utf8mb4");
  const auto maria = sa::make_url("mariadb+mariadbconnector://scott@db.example.com/test");
  EXPECT_EQ(maria.get_backend_name(), "mariadb");
  EXPECT_EQ(maria.username, "scott");
  EXPECT_EQ(maria.password, std::nullopt);
  EXPECT_EQ(maria.host, "db.example.com");
  EXPECT_EQ(maria.render_as_string(), "mariadb+mariadbconnector://scott@db.example.com/test");
}

TEST(URL, Ipv6HostLosesItsBrackets) {
  const auto u = sa::make_url("postgresql://scott:tiger@[::1]:5432/test");
  EXPECT_EQ(u.host, "::1");
  EXPECT_EQ(u.port, 5432);
  EXPECT_EQ(u.database, "test");
  EXPECT_EQ(u.render_as_string(), "postgresql://scott:***@[::1]:5432/test");
  const auto bare = sa::make_url("postgresql://[2001:db8::7]/x");
  EXPECT_EQ(bare.host, "2001:db8::7");
  EXPECT_EQ(bare.port, std::nullopt);
  expect_round_trip(bare);
}

TEST(URL, UsernameMayContainAt) {
  const auto u = sa::make_url("dbtype://user@domain:pass@host/db");
  EXPECT_EQ(u.username, "user@domain");
  EXPECT_EQ(u.password, "pass");
  EXPECT_EQ(u.host, "host");
  EXPECT_EQ(sa::make_url("dbtype://user@domain@host/db").username, "user@domain");
}

TEST(URL, RawAtInPasswordSplitsEarly) {
  const auto u = sa::make_url("dbtype://scott:ti@ger@host/db");
  EXPECT_EQ(u.username, "scott");
  EXPECT_EQ(u.password, "ti");
  EXPECT_EQ(u.host, "ger@host");
  EXPECT_EQ(u.database, "db");
}

TEST(URL, EmptyUsernameAndPassword) {
  const auto pw_only = sa::make_url("dbtype://:pw@h");
  EXPECT_EQ(pw_only.username, "");
  EXPECT_EQ(pw_only.password, "pw");
  const auto at_only = sa::make_url("dbtype://@h");
  EXPECT_EQ(at_only.username, "");
  EXPECT_EQ(at_only.password, std::nullopt);
  EXPECT_EQ(at_only.host, "h");
  EXPECT_EQ(at_only.render_as_string(), "dbtype://@h");
  const auto empty_pw = sa::make_url("dbtype://username%40:@hostspec/database");
  EXPECT_EQ(empty_pw.username, "username@");
  EXPECT_EQ(empty_pw.password, "");
  EXPECT_EQ(empty_pw.render_as_string(), "dbtype://username%40:***@hostspec/database");
  EXPECT_EQ(empty_pw.render_as_string(false), "dbtype://username%40:@hostspec/database");
}

TEST(URL, UserinfoDecodingKeepsPlus) {
  const auto u = sa::make_url("dbtype://a+b%20c:x+y%2Fz%3A@h/d");
  EXPECT_EQ(u.username, "a+b c");
  EXPECT_EQ(u.password, "x+y/z:");
  EXPECT_EQ(u.render_as_string(false), "dbtype://a+b c:x+y%2Fz%3A@h/d");
  expect_round_trip(u);
}

TEST(URL, MalformedPercentStaysLiteral) {
  const auto u = sa::make_url("dbtype://us%zzer:p%4@h");
  EXPECT_EQ(u.username, "us%zzer");
  EXPECT_EQ(u.password, "p%4");
}

TEST(URL, HostAndDatabaseAreNotDecoded) {
  const auto u = sa::make_url("dbtype://h%41st/db%20name");
  EXPECT_EQ(u.host, "h%41st");
  EXPECT_EQ(u.database, "db%20name");
  const auto odd = sa::make_url("dbtype://h/a/b:c@d e");
  EXPECT_EQ(odd.database, "a/b:c@d e");
}

TEST(URL, AbsentVersusEmptyDatabase) {
  EXPECT_EQ(sa::make_url("dbtype://h").database, std::nullopt);
  EXPECT_EQ(sa::make_url("dbtype://h/").database, "");
  EXPECT_NE(sa::make_url("dbtype://h"), sa::make_url("dbtype://h/"));
  EXPECT_EQ(sa::make_url("dbtype://h/").render_as_string(), "dbtype://h/");
}

TEST(URL, PortParsing) {
  EXPECT_EQ(sa::make_url("dbtype://h:05432/db").port, 5432);
  EXPECT_EQ(sa::make_url("dbtype://h:0").port, 0);
  EXPECT_EQ(sa::make_url("dbtype://h:65535").port, 65535);
  EXPECT_EQ(sa::make_url("dbtype://:5432/db").host, std::nullopt);
  EXPECT_EQ(sa::make_url("dbtype://:5432/db").port, 5432);
}

TEST(URL, BadPortIsArgumentError) {
  for (const char* text :
       {"dbtype://h:/db", "dbtype://h:abc/db", "dbtype://h:-1", "dbtype://h:65536",
        "dbtype://h:12x", "dbtype://h:99999999999999999999"}) {
    EXPECT_THROW(sa::make_url(text), sa::exc::ArgumentError) << text;
  }
  const std::string msg = parse_error("postgresql://scott:s3cret@h:port/db");
  EXPECT_NE(msg.find("'port'"), std::string::npos) << msg;
  EXPECT_NE(msg.find("postgresql://scott:***@h:port/db"), std::string::npos) << msg;
  EXPECT_EQ(msg.find("s3cret"), std::string::npos) << msg;
  // Without an '@' the "password" is parsed as a port; it is still not shown.
  EXPECT_EQ(parse_error("postgresql://scott:s3cret"),
            "Invalid port '***' in SQLAlchemy URL 'postgresql://scott:***': the port must be an "
            "integer from 0 to 65535");
  EXPECT_EQ(parse_error("dbtype://h:70000/db"),
            "Invalid port '70000' in SQLAlchemy URL 'dbtype://h:70000/db': the port must be an "
            "integer from 0 to 65535");
}

TEST(URL, QueryIsFormDecoded) {
  const auto u = sa::make_url("dbtype://h/db?a=x+y&b=%2F%26%3D&c=caf%C3%A9");
  EXPECT_EQ(u.query_value("a"), "x y");
  EXPECT_EQ(u.query_value("b"), "/&=");
  EXPECT_EQ(u.query_value("c"), "caf\xC3\xA9");
}

TEST(URL, BlankQueryValuesAreDropped) {
  EXPECT_TRUE(sa::make_url("dbtype://h?q").query.empty());
  EXPECT_TRUE(sa::make_url("dbtype://h?q=").query.empty());
  EXPECT_TRUE(sa::make_url("dbtype://h?").query.empty());
  EXPECT_TRUE(sa::make_url("dbtype://h?&&").query.empty());
  EXPECT_EQ(sa::make_url("dbtype://h?q=&r=1").query, (Query{{"r", {"1"}}}));
  EXPECT_EQ(sa::make_url("dbtype://h?a=+").query_value("a"), " ");
}

TEST(URL, RepeatedQueryKeysKeepOrder) {
  const auto u = sa::make_url("dbtype://h/db?plugin=b&x=1&plugin=a&plugin=c");
  EXPECT_EQ(u.query, (Query{{"plugin", {"b", "a", "c"}}, {"x", {"1"}}}));
  EXPECT_EQ(u.query_value("plugin"), "b");
  EXPECT_EQ(u.render_as_string(), "dbtype://h/db?plugin=b&plugin=a&plugin=c&x=1");
}

TEST(URL, RenderSortsAndEncodesQuery) {
  const auto u = sa::URL::create(
      "dbtype",
      {.host = "h", .query = Query{{"z", {"a b"}}, {"a", {"x/y&z=w+v"}}, {"m k", {"1"}}}});
  EXPECT_EQ(u.render_as_string(), "dbtype://h?a=x%2Fy%26z%3Dw%2Bv&m+k=1&z=a+b");
  expect_round_trip(u);
}

TEST(URL, RenderHidesPasswordByDefault) {
  const auto u = sa::make_url("dbtype://scott:tiger@h/db");
  EXPECT_EQ(u.render_as_string(), "dbtype://scott:***@h/db");
  EXPECT_EQ(u.render_as_string(true), "dbtype://scott:***@h/db");
  EXPECT_EQ(u.render_as_string(false), "dbtype://scott:tiger@h/db");
}

TEST(URL, PasswordWithoutUsernameIsNotRendered) {
  const auto u = sa::URL::create("dbtype", {.password = "secret", .host = "h"});
  EXPECT_EQ(u.render_as_string(false), "dbtype://h");
}

TEST(URL, RenderEncodesUserinfo) {
  const auto u =
      sa::URL::create("dbtype", {.username = "us:er/@x", .password = "p@ss:w/rd ~+", .host = "h"});
  EXPECT_EQ(u.render_as_string(false), "dbtype://us%3Aer%2F%40x:p%40ss%3Aw%2Frd ~+@h");
  expect_round_trip(u);
}

TEST(URL, RoundTrips) {
  for (const char* text :
       {"sqlite://", "sqlite:///relative.db", "sqlite:////abs/path.db",
        "dbtype:///:memory:", "postgresql://user:p%40ss@host:5432/db?sslmode=disable",
        "postgresql+libpq://scott:tiger@[::1]:5432/test", "mysql://scott@localhost/test",
        "mariadb://h/?a=1&a=2&b=3", "dbtype://user@domain:pass@host/db", "dbtype://:pw@h",
        "dbtype://@h", "dbtype://h/", "dbtype://h/db%20name", "dbtype://username%40:@hostspec/x"}) {
    SCOPED_TRACE(text);
    expect_round_trip(sa::make_url(text));
  }
}

TEST(URL, EqualityComparesEveryField) {
  const auto a = sa::make_url("dbtype://scott:tiger@h:1/db?x=1");
  EXPECT_EQ(a, sa::make_url("dbtype://scott:tiger@h:1/db?x=1"));
  EXPECT_NE(a, sa::make_url("dbtype://scott:lion@h:1/db?x=1"));
  EXPECT_NE(a, sa::make_url("dbtype://scott:tiger@h:2/db?x=1"));
  EXPECT_NE(a, sa::make_url("dbtype://scott:tiger@h:1/db?x=2"));
  EXPECT_NE(a, sa::make_url("other://scott:tiger@h:1/db?x=1"));
}

TEST(URL, NotAUrlIsArgumentError) {
  EXPECT_EQ(parse_error("notarealurl"),
            "Could not parse SQLAlchemy URL from given URL string: 'notarealurl'");
  EXPECT_THROW(sa::make_url(""), sa::exc::ArgumentError);
  EXPECT_THROW(sa::make_url("://h/db"), sa::exc::ArgumentError);
  EXPECT_THROW(sa::make_url("sqlite:/x.db"), sa::exc::ArgumentError);
  // ArgumentError is an SQLAlchemyError, like every Athanor error.
  EXPECT_THROW(sa::make_url("nope"), sa::exc::SQLAlchemyError);
}

TEST(URL, DashOrDotInSchemeFailsTheParse) {
  EXPECT_EQ(parse_error("my-db://h/db"),
            "Could not parse SQLAlchemy URL from given URL string: 'my-db://h/db'");
  EXPECT_THROW(sa::make_url("postgresql.x://h/db"), sa::exc::ArgumentError);
  EXPECT_NO_THROW(sa::make_url("my_db2+drv_x://h/db"));
}

TEST(URL, ParseErrorNeverShowsThePassword) {
  for (const char* text :
       {"my-db://scott:s3cret@host/db", "my-db://scott:s3cret@x@host/db",
        "postgresql:/scott:s3cret@host/db", "pg-x://u:s3cret/more@h", "-://:s3cret@"}) {
    const std::string msg = parse_error(text);
    EXPECT_TRUE(msg.starts_with("Could not parse SQLAlchemy URL from given URL string: '")) << msg;
    EXPECT_EQ(msg.find("s3cret"), std::string::npos) << msg;
    EXPECT_NE(msg.find("***"), std::string::npos) << msg;
  }
  EXPECT_EQ(parse_error("my-db://scott:s3cret@host/db"),
            "Could not parse SQLAlchemy URL from given URL string: 'my-db://scott:***@host/db'");
  EXPECT_EQ(parse_error("my-db://scott:s3cret/db"),
            "Could not parse SQLAlchemy URL from given URL string: 'my-db://scott:***/db'");
  EXPECT_EQ(parse_error("my-db://h:5432/db"),
            "Could not parse SQLAlchemy URL from given URL string: 'my-db://h:5432/db'");
}

TEST(URL, TrailingNewlineIsToleratedLikePython) {
  EXPECT_EQ(sa::make_url("dbtype://h?a=1\n").query, (Query{{"a", {"1"}}}));
  EXPECT_THROW(sa::make_url("dbtype://h?a=1\nb=2"), sa::exc::ArgumentError);
}

TEST(URL, CreateValidates) {
  const auto u = sa::URL::create("postgresql", {.username = "scott", .port = 5432});
  EXPECT_EQ(u.drivername, "postgresql");
  EXPECT_EQ(u.username, "scott");
  EXPECT_EQ(u.port, 5432);
  EXPECT_EQ(u.render_as_string(), "postgresql://scott@:5432");
  EXPECT_THROW(sa::URL::create(""), sa::exc::ArgumentError);
  EXPECT_THROW(sa::URL::create("x", {.port = -1}), sa::exc::ArgumentError);
  EXPECT_THROW(sa::URL::create("x", {.port = 65536}), sa::exc::ArgumentError);
  try {
    sa::URL::create("x", {.port = 70000});
    ADD_FAILURE();
  } catch (const sa::exc::ArgumentError& e) {
    EXPECT_TRUE(std::string(e.what()).starts_with("Port argument must be an integer")) << e.what();
  }
  // create() ignores Parts::drivername: the first argument is the drivername.
  EXPECT_EQ(sa::URL::create("a", {.drivername = "b"}).drivername, "a");
}

TEST(URL, SetReplacesOnlyGivenFields) {
  const auto u = sa::make_url("dbtype://scott:tiger@h:1/db?x=1");
  const auto v = u.set({.username = "bob", .port = 2, .database = ""});
  EXPECT_EQ(v.render_as_string(false), "dbtype://bob:tiger@h:2/?x=1");
  EXPECT_EQ(u.render_as_string(false), "dbtype://scott:tiger@h:1/db?x=1");  // unchanged
  EXPECT_EQ(u.set({}), u);
  EXPECT_EQ(u.set({.drivername = "other+drv"}).get_driver_name(), "drv");
  EXPECT_EQ(u.set({.query = Query{{"y", {"2"}}}}).query, (Query{{"y", {"2"}}}));
  EXPECT_THROW(u.set({.drivername = ""}), sa::exc::ArgumentError);
  EXPECT_THROW(u.set({.port = 100000}), sa::exc::ArgumentError);
}

TEST(URL, UpdateQueryReplacesOrAppends) {
  const auto u = sa::make_url("dbtype://h/db?a=1&b=2");
  EXPECT_EQ(u.update_query_dict(std::map<std::string, std::string>{{"a", "9"}, {"c", "3"}}).query,
            (Query{{"a", {"9"}}, {"b", {"2"}}, {"c", {"3"}}}));
  EXPECT_EQ(
      u.update_query_dict(std::map<std::string, std::string>{{"a", "9"}, {"c", "3"}}, true).query,
      (Query{{"a", {"1", "9"}}, {"b", {"2"}}, {"c", {"3"}}}));
  EXPECT_EQ(u.update_query_dict(Query{{"b", {"x", "y"}}}, true).query,
            (Query{{"a", {"1"}}, {"b", {"2", "x", "y"}}}));
  EXPECT_EQ(u.query, (Query{{"a", {"1"}}, {"b", {"2"}}}));  // unchanged
}

TEST(URL, UpdateQueryPairsAccumulateRepeatedKeys) {
  const auto u = sa::make_url("dbtype://h/db?a=1&b=2");
  EXPECT_EQ(u.update_query_pairs({{"a", "x"}, {"a", "y"}}).query,
            (Query{{"a", {"x", "y"}}, {"b", {"2"}}}));
  EXPECT_EQ(u.update_query_pairs({{"a", "x"}, {"a", "y"}}, true).query,
            (Query{{"a", {"1", "x", "y"}}, {"b", {"2"}}}));
}

TEST(URL, UpdateQueryStringFormDecodes) {
  const auto u = sa::make_url("dbtype://h/db?a=1");
  EXPECT_EQ(u.update_query_string("a=x+y&c=%2F&d=&c=z").query,
            (Query{{"a", {"x y"}}, {"c", {"/", "z"}}}));
  EXPECT_EQ(u.update_query_string("a=2", true).query, (Query{{"a", {"1", "2"}}}));
}

TEST(URL, DifferenceUpdateQuery) {
  const auto u = sa::make_url("dbtype://h/db?a=1&b=2&c=3&c=4");
  EXPECT_EQ(u.difference_update_query({"a", "c"}).query, (Query{{"b", {"2"}}}));
  EXPECT_EQ(u.difference_update_query({"zz"}), u);
  EXPECT_EQ(u.difference_update_query(std::vector<std::string>{"b", "nope"}).query,
            (Query{{"a", {"1"}}, {"c", {"3", "4"}}}));
  EXPECT_EQ(u.query.size(), 3u);  // unchanged
}

TEST(URL, TranslateConnectArgs) {
  const auto u = sa::make_url("dbtype://scott:tiger@h:5432/db?x=1");
  EXPECT_EQ(u.translate_connect_args(), (std::map<std::string, std::string>{{"host", "h"},
                                                                            {"database", "db"},
                                                                            {"username", "scott"},
                                                                            {"password", "tiger"},
                                                                            {"port", "5432"}}));
  EXPECT_EQ(u.translate_connect_args({{"username", "user"}, {"database", "dbname"}}),
            (std::map<std::string, std::string>{{"host", "h"},
                                                {"dbname", "db"},
                                                {"user", "scott"},
                                                {"password", "tiger"},
                                                {"port", "5432"}}));
}

TEST(URL, TranslateConnectArgsOmitsEmptyValues) {
  const auto u = sa::make_url("dbtype://scott:@:0/");
  EXPECT_EQ(u.translate_connect_args(),
            (std::map<std::string, std::string>{{"username", "scott"}}));
  EXPECT_TRUE(sa::make_url("sqlite://").translate_connect_args().empty());
  EXPECT_EQ(sa::make_url("sqlite:///x.db").translate_connect_args(),
            (std::map<std::string, std::string>{{"database", "x.db"}}));
  // A rename to "" drops the field.
  EXPECT_TRUE(u.translate_connect_args({{"username", ""}}).empty());
}

}  // namespace
