// The libpq driver (our DBAPI over libpq) against a real PostgreSQL server: connect, values both
// ways, the prepared-statement cache, transactions, errors and disconnects.
#include "dialects/postgresql/driver.hpp"

#include <gtest/gtest.h>
#include <libpq-fe.h>

#include <cmath>
#include <limits>
#include <string>

#include "alloc_counter.hpp"
#include "dialects/postgresql/driver_test_support.hpp"

namespace {

using namespace athanor;
using namespace std::chrono_literals;
using athanor::testing::pg::PgDriverTest;
using athanor::testing::pg::Rows;
using dbapi::ErrorKind;

class PgDriver : public PgDriverTest {};

Blob all_bytes() {
  Blob b;
  for (int i = 0; i < 256; ++i) b.push_back(static_cast<std::byte>(i));
  return b;
}

// ---- connect ----------------------------------------------------------------------------------

TEST_F(PgDriver, RefusedConnectionIsOperationalErrorNamingHostAndPortNotPassword) {
  Params args = base_args();
  args.set("port", "1");  // nothing listens there
  args.set("password", "s3cret-pw");
  try {
    dialects::postgresql::connect(args);
    FAIL() << "connected to port 1";
  } catch (const dbapi::Error& e) {
    EXPECT_EQ(e.kind(), ErrorKind::operational_error);
    EXPECT_EQ(e.driver(), "libpq");
    const std::string msg = e.what();
    EXPECT_NE(msg.find(args.find("host")->as<std::string>()), std::string::npos) << msg;
    EXPECT_NE(msg.find("port 1"), std::string::npos) << msg;
    EXPECT_EQ(msg.find("s3cret-pw"), std::string::npos) << msg;
  }
}

TEST_F(PgDriver, WrongPasswordIsOperationalError) {
  try {
    connect({{"password", "not-the-password"}});
    FAIL() << "connected with a wrong password";
  } catch (const dbapi::Error& e) {
    EXPECT_EQ(e.kind(), ErrorKind::operational_error);
    EXPECT_EQ(std::string(e.what()).find("not-the-password"), std::string::npos);
  }
}

TEST_F(PgDriver, UnknownConnectArgumentIsInterfaceError) {
  try {
    connect({{"no_such_option", 1}});
    FAIL();
  } catch (const dbapi::Error& e) {
    EXPECT_EQ(e.kind(), ErrorKind::interface_error);
    EXPECT_NE(std::string(e.what()).find("no_such_option"), std::string::npos);
  }
}

TEST_F(PgDriver, LibpqKeywordsPassThroughAndEncodingIsUtf8) {
  auto c = connect({{"application_name", "athanor-driver-test"}, {"connect_timeout", 5}});
  EXPECT_EQ(scalar(*c, "SELECT current_setting('application_name')"), Value("athanor-driver-test"));
  EXPECT_EQ(scalar(*c, "SHOW client_encoding"), Value("UTF8"));
  EXPECT_EQ(PQstatus(static_cast<PGconn*>(c->native_handle())), CONNECTION_OK);
}

// ---- values -----------------------------------------------------------------------------------

TEST_F(PgDriver, ReadsEveryColumnTypeByOid) {
  auto c = connect();
  const Rows rows = query(*c,
                          "SELECT 1::int2, 2::int4, 3000000000::int8, 1.5::float4, 0.1::float8, "
                          "12.50::numeric, 'x'::text, 'y'::varchar, 'z'::char(3), 'nm'::name, "
                          "true, false, '\\x00ff10'::bytea, '2024-02-29'::date, "
                          "'13:45:01.25'::time, '2024-02-29 13:45:01.000001'::timestamp, "
                          "'2024-02-29 13:45:01+02:30'::timestamptz, "
                          "'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11'::uuid, '{\"a\": 1}'::json, "
                          "'{\"a\": 1}'::jsonb, NULL::int4, NULL::text");
  ASSERT_EQ(rows.size(), 1u);
  const auto& r = rows[0];
  EXPECT_EQ(r[0], Value(1));
  EXPECT_EQ(r[1], Value(2));
  EXPECT_EQ(r[2], Value(std::int64_t{3000000000}));
  EXPECT_EQ(r[3], Value(1.5));
  EXPECT_EQ(r[4], Value(0.1));
  EXPECT_EQ(r[5], Value(Decimal{"12.50"}));
  EXPECT_EQ(r[6], Value("x"));
  EXPECT_EQ(r[7], Value("y"));
  EXPECT_EQ(r[8], Value("z  "));
  EXPECT_EQ(r[9], Value("nm"));
  EXPECT_EQ(r[10], Value(true));
  EXPECT_EQ(r[11], Value(false));
  EXPECT_EQ(r[12], Value(Blob{std::byte{0}, std::byte{0xff}, std::byte{0x10}}));
  EXPECT_EQ(r[13], Value(Date{2024y / 2 / 29}));
  EXPECT_EQ(r[14], Value(Time{13h + 45min + 1s + 250ms}));
  EXPECT_EQ(r[15],
            Value(DateTime{std::chrono::local_days{2024y / 2 / 29} + 13h + 45min + 1s + 1us}));
  // A Value's datetime is naive: timestamptz arrives converted to UTC.
  EXPECT_EQ(r[16], Value(DateTime{std::chrono::local_days{2024y / 2 / 29} + 11h + 15min + 1s}));
  EXPECT_EQ(r[17], Value("a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11"));
  EXPECT_EQ(r[18], Value("{\"a\": 1}"));
  EXPECT_EQ(r[19], Value("{\"a\": 1}"));
  EXPECT_TRUE(r[20].is_null());
  EXPECT_TRUE(r[21].is_null());
}

TEST_F(PgDriver, ParametersRoundTripThroughEveryType) {
  auto c = connect();
  auto cur = c->cursor();
  // A naive timestamp bound to timestamptz is read in the session's zone; UTC reads back as is.
  cur->execute("SET TimeZone = 'UTC'");
  cur->execute(
      "CREATE TEMP TABLE t (i2 int2, i4 int4, i8 int8, f4 float4, f8 float8, n numeric, "
      "s text, v varchar(20), b bool, y bytea, d date, tm time, ts timestamp, tz timestamptz, "
      "u uuid, j json, jb jsonb)");
  const DateTime ts{std::chrono::local_days{1999y / 12 / 31} + 23h + 59min + 59s + 999999us};
  const std::vector<Value> values = {
      Value(-32768),
      Value(std::numeric_limits<std::int32_t>::min()),
      Value(std::numeric_limits<std::int64_t>::max()),
      Value(0.25),
      Value(0.1 + 0.2),
      Value(Decimal{"-123456789012345678901234567890.000000001"}),
      Value("it's \"quoted\"\\ and ünïcødé ✓ \t\n"),
      Value(""),
      Value(true),
      Value(all_bytes()),
      Value(Date{1970y / 1 / 1}),
      Value(Time{0h + 0min + 0s + 1us}),
      Value(ts),
      Value(ts),
      Value("a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11"),
      Value("[1, 2.5, \"x\"]"),
      Value("{\"k\": [true, null]}"),
  };
  cur->execute(
      "INSERT INTO t VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, "
      "$14, $15, $16, $17)",
      values);
  EXPECT_EQ(cur->rowcount(), 1);
  cur->execute(
      "INSERT INTO t VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, "
      "$14, $15, $16, $17)",
      std::vector<Value>(17));  // all NULL
  cur->execute("SELECT * FROM t ORDER BY i2 NULLS LAST");
  const Rows rows = cur->fetchall();
  ASSERT_EQ(rows.size(), 2u);
  for (std::size_t i = 0; i < values.size(); ++i) {
    EXPECT_EQ(rows[0][i], values[i]) << "column " << i;
    EXPECT_TRUE(rows[1][i].is_null()) << "column " << i;
  }
}

TEST_F(PgDriver, UntypedParametersComeBackAsTheirOwnKind) {
  auto c = connect();
  const Rows rows = query(
      *c, "SELECT $1, $2, $3, $4, $5, $6, $7, $8, $9",
      {Value(5), Value(std::int64_t{1} << 40), Value(1e300), Value(false), Value("text"),
       Value(Date{2000y / 1 / 2}), Value(Decimal{"1.10"}), Value(Blob{std::byte{1}}), Value()});
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_EQ(rows[0][0], Value(5));
  EXPECT_EQ(rows[0][1], Value(std::int64_t{1} << 40));
  EXPECT_EQ(rows[0][2], Value(1e300));
  EXPECT_EQ(rows[0][3], Value(false));
  EXPECT_EQ(rows[0][4], Value("text"));
  EXPECT_EQ(rows[0][5], Value(Date{2000y / 1 / 2}));
  EXPECT_EQ(rows[0][6], Value(Decimal{"1.10"}));
  EXPECT_EQ(rows[0][7], Value(Blob{std::byte{1}}));
  EXPECT_TRUE(rows[0][8].is_null());
}

TEST_F(PgDriver, SpecialFloatsAndBeforeChristDatesRoundTrip) {
  auto c = connect();
  const double inf = std::numeric_limits<double>::infinity();
  const DateTime bc{std::chrono::local_days{std::chrono::year{-43} / 3 / 15} + 12h};
  const Rows rows = query(*c, "SELECT $1::float8, $2::float8, $3::float8, $4::date, $5::timestamp",
                          {Value(inf), Value(-inf), Value(std::nan("")),
                           Value(Date{std::chrono::year{-43} / 3 / 15}), Value(bc)});
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_EQ(rows[0][0], Value(inf));
  EXPECT_EQ(rows[0][1], Value(-inf));
  EXPECT_TRUE(std::isnan(rows[0][2].as<double>()));
  EXPECT_EQ(rows[0][3], Value(Date{std::chrono::year{-43} / 3 / 15}));  // 44 BC
  EXPECT_EQ(rows[0][4], Value(bc));
  EXPECT_EQ(scalar(*c, "SELECT $1::date::text", {Value(Date{std::chrono::year{-43} / 3 / 15})}),
            Value("0044-03-15 BC"));
}

TEST_F(PgDriver, TextWithNulCharacterIsDataError) {
  auto c = connect();
  try {
    query(*c, "SELECT $1", {Value(std::string("a\0b", 3))});
    FAIL();
  } catch (const dbapi::Error& e) {
    EXPECT_EQ(e.kind(), ErrorKind::data_error);
  }
}

TEST_F(PgDriver, InfiniteDateIsDataErrorNamingTheValue) {
  auto c = connect();
  try {
    query(*c, "SELECT 'infinity'::date");
    FAIL();
  } catch (const dbapi::Error& e) {
    EXPECT_EQ(e.kind(), ErrorKind::data_error);
    EXPECT_NE(std::string(e.what()).find("infinity"), std::string::npos);
  }
}

TEST_F(PgDriver, WrongParameterCountIsProgrammingError) {
  auto c = connect();
  try {
    query(*c, "SELECT $1, $2", {Value(1)});
    FAIL();
  } catch (const dbapi::Error& e) {
    EXPECT_EQ(e.kind(), ErrorKind::programming_error);
    EXPECT_NE(std::string(e.what()).find("2 placeholders"), std::string::npos) << e.what();
  }
  auto cur = c->cursor();
  try {
    cur->execute("SELECT $1", Params{{"x", 1}});
    FAIL();
  } catch (const dbapi::Error& e) {
    EXPECT_EQ(e.kind(), ErrorKind::programming_error);
  }
}

// ---- description, statement cache -------------------------------------------------------------

TEST_F(PgDriver, DescriptionNamesColumnsWithTypeOidsSharedPerStatement) {
  auto c = connect();
  auto cur = c->cursor();
  cur->execute("SELECT 1 AS a, 'x'::text AS b");
  const dbapi::Description* d = cur->description();
  ASSERT_NE(d, nullptr);
  ASSERT_EQ(d->columns.size(), 2u);
  EXPECT_EQ(d->columns[0].name, "a");
  EXPECT_EQ(d->columns[0].type_code, 23);
  EXPECT_EQ(d->columns[1].name, "b");
  EXPECT_EQ(d->columns[1].type_code, 25);
  const auto serial = d->serial;
  cur->execute("SELECT 1 AS a, 'x'::text AS b");
  EXPECT_EQ(cur->description()->serial, serial);
  cur->execute("SELECT 2 AS c");
  EXPECT_NE(cur->description()->serial, serial);
  cur->execute("CREATE TEMP TABLE nothing (x int)");
  EXPECT_EQ(cur->description(), nullptr);
  EXPECT_EQ(cur->rowcount(), -1);
}

TEST_F(PgDriver, PreparedStatementsAreCachedPerConnection) {
  auto c = connect();
  for (int i = 0; i < 3; ++i) EXPECT_EQ(scalar(*c, "SELECT $1 + 1", {Value(i)}), Value(i + 1));
  EXPECT_EQ(
      peek(*c, "SELECT count(*) FROM pg_prepared_statements WHERE statement = 'SELECT $1 + 1'"),
      "1");
}

TEST_F(PgDriver, CacheEvictsTheLeastRecentlyUsedStatement) {
  auto c = connect({{"prepared_statement_cache_size", 2}});
  scalar(*c, "SELECT 1");
  scalar(*c, "SELECT 2");
  scalar(*c, "SELECT 1");  // now the newest
  scalar(*c, "SELECT 3");  // evicts SELECT 2
  EXPECT_EQ(peek(*c,
                 "SELECT string_agg(statement, ',' ORDER BY statement) FROM "
                 "pg_prepared_statements"),
            "SELECT 1,SELECT 3");
  EXPECT_EQ(scalar(*c, "SELECT 2"), Value(2));  // prepared again
}

TEST_F(PgDriver, CacheSizeZeroPreparesNothing) {
  auto c = connect({{"prepared_statement_cache_size", 0}});
  for (int i = 0; i < 3; ++i) EXPECT_EQ(scalar(*c, "SELECT $1::int * 2", {Value(i)}), Value(2 * i));
  EXPECT_EQ(peek(*c, "SELECT count(*) FROM pg_prepared_statements"), "0");
}

TEST_F(PgDriver, StatementPreparedBeforeATableChangeIsPreparedAgainAfterTheError) {
  auto c = connect({{"prepared_statement_cache_size", 10}});
  c->set_autocommit(true);
  auto cur = c->cursor();
  cur->execute("CREATE TEMP TABLE shape (a int)");
  cur->execute("SELECT * FROM shape");
  cur->execute("ALTER TABLE shape ADD COLUMN b text");
  EXPECT_THROW(cur->execute("SELECT * FROM shape"), dbapi::Error);  // cached plan changed
  cur->execute("SELECT * FROM shape");
  EXPECT_EQ(cur->description()->columns.size(), 2u);
}

TEST_F(PgDriver, PointSelectAllocatesNothingOnceWarm) {
  auto c = connect();
  auto cur = c->cursor();
  const std::string sql = "SELECT $1::int8 + 1, 'row'::text";
  const std::size_t hash = std::hash<std::string_view>{}(sql);
  Value param(1);
  const Value* ptr = &param;
  std::vector<Value> row(2);
  auto once = [&] {
    cur->execute_raw(sql, hash, 0, dbapi::ParamRows::positional({&ptr, 1}, 1), false);
    return cur->fetch_into(row) && !cur->fetch_into(row);
  };
  ASSERT_TRUE(once());
  ASSERT_TRUE(once());
  const long before = athanor::testing::g_allocations.load();
  for (int i = 0; i < 50; ++i) ASSERT_TRUE(once());
  EXPECT_EQ(athanor::testing::g_allocations.load() - before, 0);
}

// ---- transactions -----------------------------------------------------------------------------

TEST_F(PgDriver, BeginsLazilyAndCommitsOrRollsBack) {
  auto c = connect();
  auto other = connect();
  query(*other, "CREATE TABLE IF NOT EXISTS lazy_begin (x int)");
  other->commit();
  query(*other, "TRUNCATE lazy_begin");
  other->commit();
  EXPECT_FALSE(c->in_transaction());
  c->rollback();  // nothing to roll back: no round trip, no error
  c->commit();
  auto cur = c->cursor();
  cur->execute("INSERT INTO lazy_begin VALUES (1)");
  EXPECT_TRUE(c->in_transaction());
  EXPECT_EQ(scalar(*other, "SELECT count(*) FROM lazy_begin"), Value(0));
  other->rollback();
  c->rollback();
  EXPECT_FALSE(c->in_transaction());
  cur->execute("INSERT INTO lazy_begin VALUES (2)");
  c->commit();
  EXPECT_FALSE(c->in_transaction());
  EXPECT_EQ(query(*other, "SELECT x FROM lazy_begin"), (Rows{{Value(2)}}));
  other->rollback();
  query(*other, "DROP TABLE lazy_begin");
  other->commit();
}

TEST_F(PgDriver, AutocommitRunsWithoutTransaction) {
  auto c = connect();
  auto cur = c->cursor();
  cur->execute("SELECT 1");
  EXPECT_TRUE(c->in_transaction());
  c->set_autocommit(true);  // commits what was open
  EXPECT_TRUE(c->autocommit());
  EXPECT_FALSE(c->in_transaction());
  cur->execute("SELECT 1");
  EXPECT_FALSE(c->in_transaction());
  // VACUUM refuses to run inside a transaction block: proof that none was begun.
  cur->execute("VACUUM pg_class");
  c->set_autocommit(false);
  cur->execute("SELECT 1");
  EXPECT_TRUE(c->in_transaction());
}

TEST_F(PgDriver, TransactionControlStatementsAreNotPrecededByBegin) {
  auto c = connect();
  auto cur = c->cursor();
  cur->execute("BEGIN");
  EXPECT_TRUE(c->in_transaction());
  cur->execute("COMMIT");
  EXPECT_FALSE(c->in_transaction());
}

TEST_F(PgDriver, ErrorInsideTransactionThenRollbackLeavesConnectionUsable) {
  auto c = connect();
  auto cur = c->cursor();
  cur->execute("SELECT 1");
  EXPECT_THROW(cur->execute("SELECT 1/0"), dbapi::Error);
  EXPECT_TRUE(c->in_transaction());
  try {
    cur->execute("SELECT 1");
    FAIL() << "an aborted transaction accepted a statement";
  } catch (const dbapi::Error& e) {
    EXPECT_EQ(e.native_code(), "25P02");  // in_failed_sql_transaction
    EXPECT_EQ(e.kind(), ErrorKind::internal_error);
  }
  c->rollback();
  EXPECT_FALSE(c->in_transaction());
  EXPECT_EQ(scalar(*c, "SELECT 41 + 1"), Value(42));
}

// ---- errors -----------------------------------------------------------------------------------

struct SqlstateCase {
  const char* sqlstate;
  ErrorKind kind;
};

class PgDriverSqlstate : public PgDriverTest, public ::testing::WithParamInterface<SqlstateCase> {};

TEST_P(PgDriverSqlstate, MapsToItsDbapiClass) {
  auto c = connect();
  const SqlstateCase& p = GetParam();
  try {
    query(*c, std::string("DO $$ BEGIN RAISE EXCEPTION 'raised on purpose' USING ERRCODE = '") +
                  p.sqlstate + "'; END $$");
    FAIL();
  } catch (const dbapi::Error& e) {
    EXPECT_EQ(e.native_code(), p.sqlstate);
    EXPECT_EQ(e.kind(), p.kind) << dbapi::error_class_name(e.kind());
    EXPECT_EQ(std::string(e.what()), "raised on purpose");
  }
}

INSTANTIATE_TEST_SUITE_P(Classes, PgDriverSqlstate,
                         ::testing::Values(SqlstateCase{"23505", ErrorKind::integrity_error},
                                           SqlstateCase{"23503", ErrorKind::integrity_error},
                                           SqlstateCase{"42601", ErrorKind::programming_error},
                                           SqlstateCase{"42P01", ErrorKind::programming_error},
                                           SqlstateCase{"22012", ErrorKind::data_error},
                                           SqlstateCase{"40001", ErrorKind::operational_error},
                                           SqlstateCase{"40P01", ErrorKind::operational_error},
                                           SqlstateCase{"08006", ErrorKind::operational_error},
                                           SqlstateCase{"57014", ErrorKind::operational_error},
                                           SqlstateCase{"53200", ErrorKind::operational_error},
                                           SqlstateCase{"0A000", ErrorKind::not_supported_error},
                                           SqlstateCase{"25P02", ErrorKind::internal_error},
                                           SqlstateCase{"XX000", ErrorKind::internal_error},
                                           SqlstateCase{"P0001", ErrorKind::internal_error},
                                           SqlstateCase{"2201B", ErrorKind::data_error},
                                           SqlstateCase{"01000", ErrorKind::database_error}));

TEST_F(PgDriver, ServerErrorsCarryPrimaryMessageAndDetail) {
  auto c = connect();
  auto cur = c->cursor();
  cur->execute("CREATE TEMP TABLE uq (id int PRIMARY KEY)");
  cur->execute("INSERT INTO uq VALUES (1)");
  try {
    cur->execute("INSERT INTO uq VALUES (1)");
    FAIL();
  } catch (const dbapi::Error& e) {
    EXPECT_EQ(e.kind(), ErrorKind::integrity_error);
    EXPECT_EQ(e.native_code(), "23505");
    EXPECT_EQ(std::string(e.what()),
              "duplicate key value violates unique constraint \"uq_pkey\"\nDETAIL:  Key "
              "(id)=(1) already exists.");
  }
  c->rollback();
  try {
    query(*c, "SELEC 1");
    FAIL();
  } catch (const dbapi::Error& e) {
    EXPECT_EQ(e.kind(), ErrorKind::programming_error);
    EXPECT_EQ(e.native_code(), "42601");
  }
  c->rollback();
  try {
    query(*c, "SELECT * FROM no_such_table");
    FAIL();
  } catch (const dbapi::Error& e) {
    EXPECT_EQ(e.kind(), ErrorKind::programming_error);
    EXPECT_EQ(e.native_code(), "42P01");
  }
}

TEST_F(PgDriver, TerminatedBackendIsDisconnectThenConnectionReportsClosed) {
  auto victim = connect();
  auto admin = connect();
  auto cur = victim->cursor();
  cur->execute("SELECT pg_backend_pid()");
  const Value pid = cur->fetchall().at(0).at(0);
  EXPECT_TRUE(victim->in_transaction());
  // The 5-second timeout makes pg_terminate_backend wait until the backend has exited.
  EXPECT_EQ(scalar(*admin, "SELECT pg_terminate_backend($1, 5000)", {pid}), Value(true));
  try {
    cur->execute("SELECT 1");
    FAIL() << "a terminated backend answered";
  } catch (const dbapi::Error& e) {
    EXPECT_EQ(e.kind(), ErrorKind::operational_error);
    EXPECT_TRUE(e.native_code() == "57P01" || e.native_code() == "08006") << e.native_code();
  }
  EXPECT_TRUE(victim->closed());
  EXPECT_FALSE(victim->in_transaction());
  try {
    victim->rollback();
    FAIL();
  } catch (const dbapi::Error& e) {
    EXPECT_EQ(e.kind(), ErrorKind::operational_error);
    EXPECT_EQ(e.native_code(), "08006");
  }
  victim->close();
  victim->close();  // idempotent
  try {
    victim->cursor();
    FAIL();
  } catch (const dbapi::Error& e) {
    EXPECT_EQ(e.kind(), ErrorKind::interface_error);
  }
}

TEST_F(PgDriver, CloseClosesCursorsAndIsIdempotent) {
  auto c = connect();
  auto cur = c->cursor();
  cur->execute("SELECT generate_series(1, 3)");
  c->close_cursors();
  EXPECT_TRUE(cur->closed());
  EXPECT_THROW(cur->fetchone(), dbapi::Error);
  auto cur2 = c->cursor();
  cur2->execute("SELECT 1");
  c->close();
  EXPECT_TRUE(c->closed());
  EXPECT_TRUE(cur2->closed());
  EXPECT_EQ(c->native_handle(), nullptr);
  c->close();
}

}  // namespace
