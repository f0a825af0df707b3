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
  s->db << create_sql;
  {
    soci::transaction tr(s->db);
    s->db << "WITH RECURSIVE g(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM g WHERE n < " +
                 std::to_string(table_rows) +
                 ") INSERT INTO t SELECT n, 'name_' || n, n * 0.5 FROM g";
    tr.commit();
  }
  s->stmt = std::make_unique<soci::statement>(
      (s->db.prepare << select_sql, soci::into(s->id), soci::into(s->name), soci::into(s->value)));
  return [s, &sink] {
    s->stmt->execute(false);
    while (s->stmt->fetch()) {
      sink.ints += s->id;
      sink.chars += s->name.size() + static_cast<unsigned char>(s->name[0]);
      sink.reals += s->value;
    }
  };
}

}  // namespace result_fetch
