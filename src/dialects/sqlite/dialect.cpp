#include "dialects/sqlite/dialect.hpp"

#include <fmt/format.h>

#include <charconv>
#include <filesystem>

#include <sqlite3.h>

#include "athanor/exc.hpp"
#include "dialects/sqlite/compiler.hpp"
#include "dialects/sqlite/driver.hpp"
#include "dialects/sqlite/errors.hpp"

namespace athanor::dialects::sqlite {

namespace {

[[noreturn]] void raise_bad_query_value(std::string_view key, std::string_view value,
                                        std::string_view expected) {
  throw exc::ArgumentError(fmt::format(
      "Invalid value '{}' for SQLite URL query parameter '{}': expected {}", value, key, expected));
}

std::string_view trimmed(std::string_view s) noexcept {
  while (!s.empty() && s.front() == ' ') s.remove_prefix(1);
  while (!s.empty() && s.back() == ' ') s.remove_suffix(1);
  return s;
}

template <typename T>
T parse_number(std::string_view key, std::string_view text, std::string_view expected) {
  std::string_view s = trimmed(text);
  if (!s.empty() && s.front() == '+') s.remove_prefix(1);
  T value{};
  const auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), value);
  if (s.empty() || ec != std::errc() || end != s.data() + s.size()) {
    raise_bad_query_value(key, text, expected);
  }
  return value;
}

// SQLAlchemy's asbool(): the spellings its URLs accept for booleans.
bool parse_bool(std::string_view key, std::string_view text) {
  std::string s(trimmed(text));
  for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  for (std::string_view t : {"true", "yes", "on", "y", "t", "1"}) {
    if (s == t) return true;
  }
  for (std::string_view f : {"false", "no", "off", "n", "f", "0"}) {
    if (s == f) return false;
  }
  raise_bad_query_value(key, text, "true or false");
}

// Query keys meant for the driver; in URI mode every other key belongs to the SQLite URI.
constexpr std::string_view kDriverKeys[] = {"uri", "timeout", "check_same_thread",
                                            "cached_statements"};

bool is_driver_key(std::string_view key) noexcept {
  for (std::string_view k : kDriverKeys) {
    if (k == key) return true;
  }
  return false;
}

class SQLiteDialect final : public Dialect {
 public:
  std::string_view name() const noexcept override { return "sqlite"; }
  std::string_view driver() const noexcept override { return kDriverName; }
  Paramstyle paramstyle() const noexcept override { return Paramstyle::qmark; }
  const sql::detail::DialectRules* compiler_rules() const noexcept override {
    return &sqlite::compiler_rules();
  }

  ConnectArgs create_connect_args(const URL& url) const override;
  dbapi::ConnectionPtr connect(const ConnectArgs& args) const override {
    return sqlite::connect(args);
  }
  PoolClass default_pool_class(const URL& url) const override;

  // RETURNING came in SQLite 3.35; before 3.32 a statement could bind at most 999 parameters.
  bool supports_insertmanyvalues() const noexcept override {
    return sqlite3_libversion_number() >= 3035000;
  }
  std::size_t insertmanyvalues_max_parameters() const noexcept override {
    return sqlite3_libversion_number() < 3032000 ? 999 : 32700;
  }

  std::vector<std::string> isolation_levels() const override {
    return {"READ UNCOMMITTED", "SERIALIZABLE", "AUTOCOMMIT"};
  }
  void set_isolation_level(dbapi::Connection& conn, std::string_view level) override;
  std::string get_isolation_level(dbapi::Connection& conn) override;

  bool is_disconnect(const dbapi::Error& e, dbapi::Connection*, dbapi::Cursor*) const override {
    return e.kind() == dbapi::ErrorKind::programming_error &&
           std::string_view(e.what()).find("Cannot operate on a closed database.") !=
               std::string_view::npos;
  }
};

ConnectArgs SQLiteDialect::create_connect_args(const URL& url) const {
  const auto given = [](const std::optional<std::string>& s) { return s && !s->empty(); };
  if (given(url.username) || given(url.password) || given(url.host) || url.port.value_or(0)) {
    throw exc::ArgumentError(
        fmt::format("Invalid SQLite URL: {}\n"
                    "Valid SQLite URL forms are:\n"
                    " sqlite:///:memory: (or, sqlite://)\n"
                    " sqlite:///relative/path/to/file.db\n"
                    " sqlite:////absolute/path/to/file.db",
                    url.render_as_string()));
  }

  ConnectArgs args;
  const auto uri_value = url.query_value("uri");
  const bool uri = uri_value && parse_bool("uri", *uri_value);
  std::string database = url.database.value_or("");
  if (uri) {
    // The remaining query keys are the SQLite URI's own ("mode=ro", "cache=shared").
    char sep = '?';
    for (const auto& [key, values] : url.query) {
      if (is_driver_key(key)) continue;
      for (const std::string& v : values) {
        database += sep;
        database += key;
        database += '=';
        database += v;
        sep = '&';
      }
    }
  } else if (database.empty() || database == ":memory:") {
    database = ":memory:";
  } else {
    // As SQLAlchemy does: the file stays the same when the process changes directory later.
    database = std::filesystem::absolute(database).lexically_normal().string();
  }
  args.set("database", std::move(database));
  if (uri) args.set("uri", true);
  if (const auto v = url.query_value("timeout")) {
    args.set("timeout", parse_number<double>("timeout", *v, "a number of seconds"));
  }
  if (const auto v = url.query_value("cached_statements")) {
    args.set("cached_statements",
             parse_number<std::int64_t>("cached_statements", *v, "an integer"));
  }
  if (const auto v = url.query_value("check_same_thread")) parse_bool("check_same_thread", *v);
  return args;
}

PoolClass SQLiteDialect::default_pool_class(const URL& url) const {
  const bool memory = !url.database || url.database->empty() || *url.database == ":memory:" ||
                      url.query_value("mode") == "memory";
  return memory ? PoolClass::singleton_thread : PoolClass::queue;
}

void SQLiteDialect::set_isolation_level(dbapi::Connection& conn, std::string_view level) {
  if (level == "AUTOCOMMIT") {
    conn.set_autocommit(true);
    return;
  }
  conn.set_autocommit(false);
  auto cursor = conn.cursor();
  cursor->execute(level == "READ UNCOMMITTED" ? "PRAGMA read_uncommitted = 1"
                                              : "PRAGMA read_uncommitted = 0");
}

std::string SQLiteDialect::get_isolation_level(dbapi::Connection& conn) {
  auto cursor = conn.cursor();
  cursor->execute("PRAGMA read_uncommitted");
  const auto row = cursor->fetchone();
  const bool uncommitted = row && !row->empty() && (*row)[0].as<std::int64_t>() != 0;
  return uncommitted ? "READ UNCOMMITTED" : "SERIALIZABLE";
}

}  // namespace

std::unique_ptr<Dialect> make_dialect() {
  return std::make_unique<SQLiteDialect>();
}

}  // namespace athanor::dialects::sqlite
