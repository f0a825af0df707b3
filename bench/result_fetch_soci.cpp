#include <soci/soci.h>
#include <soci/sqlite3/soci-sqlite3.h>

#include <memory>
#include <string>

#include "result_fetch.hpp"

namespace result_fetch {

std::function<void()> make_soci_pass(Sink& sink) {
  struct State {
    soci::session db{soci::sqlite3, ":memory:"};
    long long id = 0;
    std::string name;
    double value = 0;
    std::unique_ptr<soci::statement> stmt;
  };
  auto s = std::make_shared<State>();
  s->db << sqlite_bench::create_sql;
  s->db << sqlite_bench::fill_sql(table_rows);
  s->stmt = std::make_unique<soci::statement>(
      (s->db.prepare << select_sql, soci::into(s->id), soci::into(s->name), soci::into(s->value)));
  return [s, &sink] {
    s->stmt->execute(false);
    while (s->stmt->fetch()) sink.add(s->id, s->name, s->value);
  };
}

}  // namespace result_fetch
