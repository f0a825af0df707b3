#include <soci/soci.h>
#include <soci/sqlite3/soci-sqlite3.h>

#include <memory>
#include <string>

#include "point_select.hpp"

namespace point_select {

std::function<void()> make_soci_pass(Sink& sink) {
  struct State {
    soci::session db{soci::sqlite3, ":memory:"};
    long id_in = 0;
    long long id = 0;
    std::string name;
    double value = 0;
    std::unique_ptr<soci::statement> stmt;
  };
  auto s = std::make_shared<State>();
  s->db << sqlite_bench::create_sql;
  s->db << sqlite_bench::fill_sql(bench::point_table_rows);
  s->stmt = std::make_unique<soci::statement>((s->db.prepare << select_sql, soci::into(s->id),
                                               soci::into(s->name), soci::into(s->value),
                                               soci::use(s->id_in)));
  return [s, &sink] {
    for (long i = 0; i < executions; ++i) {
      s->id_in = bench::point_id(i);
      if (s->stmt->execute(true)) sink.add(s->id, s->name, s->value);
    }
  };
}

}  // namespace point_select
