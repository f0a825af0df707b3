// athanor/engine/url.hpp — database URLs, SQLAlchemy's `sqlalchemy.engine.URL`.
//
//   auto u = sa::make_url("postgresql+libpq://scott:p%40ss@[::1]:5432/test?sslmode=disable");
//   u.drivername;                 // "postgresql+libpq"
//   *u.password;                  // "p@ss" (percent-decoded)
//   u.render_as_string();         // "postgresql+libpq://scott:***@[::1]:5432/test?sslmode=disable"
//
// A URL is a value: its fields are plain data members, and set()/update_query_dict()/
// difference_update_query() return modified copies. `database` and friends are optionals because
// SQLAlchemy tells "absent" (None) from "empty" (""): "sqlite://" has no database, "h/" an empty
// one.
#pragma once

#include <initializer_list>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace athanor {

class URL {
 public:
  // Query parameters: key → values in order of appearance (a repeated key has several). Keys
  // sorted.
  using Query = std::map<std::string, std::vector<std::string>>;

  std::string drivername;
  std::optional<std::string> username;
  std::optional<std::string> password;
  std::optional<std::string> host;
  std::optional<int> port;
  std::optional<std::string> database;
  Query query;

  // Fields for create() and set(); in set(), an absent field keeps the current value.
  // (The `= {}` initializers keep GCC's -Wmissing-field-initializers quiet for `{.host = "h"}`.)
  struct Parts {
    std::optional<std::string> drivername = {};
    std::optional<std::string> username = {};
    std::optional<std::string> password = {};
    std::optional<std::string> host = {};
    std::optional<int> port = {};
    std::optional<std::string> database = {};
    std::optional<Query> query = {};
  };

  // Validated constructor: drivername must be non-empty, port in 0..65535 (ArgumentError).
  // (Two overloads rather than `Parts parts = {}`: a default argument cannot use Parts' member
  // initializers inside URL's own definition.)
  static URL create(std::string drivername);
  static URL create(std::string drivername, Parts parts);
  URL set(Parts parts) const;

  // Text before '+' ("postgresql"), and after it; without '+', the backend's default driver
  // ("sqlite3" for sqlite, "libpq" for postgresql, "mariadbconnector" for mysql/mariadb).
  std::string get_backend_name() const;
  std::string get_driver_name() const;

  // The URL as text; the password shows as "***" unless hide_password is false. Round trip:
  // make_url(u.render_as_string(false)) == u.
  std::string render_as_string(bool hide_password = true) const;

  // Adds query parameters. append = false replaces the values of the keys given and keeps the
  // others; append = true adds the new values after the existing ones.
  URL update_query_dict(const std::map<std::string, std::vector<std::string>>& params,
                        bool append = false) const;
  URL update_query_dict(const std::map<std::string, std::string>& params,
                        bool append = false) const;
  URL update_query_pairs(const std::vector<std::pair<std::string, std::string>>& pairs,
                         bool append = false) const;
  // "a=1&b=2", form-decoded.
  URL update_query_string(std::string_view query_string, bool append = false) const;
  URL difference_update_query(std::initializer_list<std::string_view> names) const;
  URL difference_update_query(const std::vector<std::string>& names) const;

  // The first value of a query key, if present.
  std::optional<std::string> query_value(std::string_view key) const;

  // host, database, username, password, port as a string map, omitting absent and empty values
  // (and port 0); `renames` maps a field name to the key to use (e.g. {"username", "user"}).
  std::map<std::string, std::string> translate_connect_args(
      const std::map<std::string, std::string>& renames = {}) const;

  friend bool operator==(const URL&, const URL&) = default;
};

// Parses "dialect+driver://user:password@host:port/database?key=value". A string that does not
// parse is an exc::ArgumentError quoting it with the password masked.
URL make_url(std::string_view text);

}  // namespace athanor
