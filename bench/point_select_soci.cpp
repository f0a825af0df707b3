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
  s->db << create_sql;
  {
    soci::transaction tr(s->db);
    int id = 0;
    std::string name;
    double value = 0;
    soci::statement ins = (s->db.prepare << "INSERT INTO t VALUES (:id, :name, :value)",
                           soci::use(id), soci::use(name), soci::use(value));
    for (int i = 1; i <= table_rows; ++i) {
      id = i, name = "name_" + std::to_string(i), value = i * 0.5;
      ins.execute(true);
    }
    tr.commit();
  }
  s->stmt = std::make_unique<soci::statement>((s->db.prepare << select_sql, soci::into(s->id),
                                               soci::into(s->name), soci::into(s->value),
                                               soci::use(s->id_in)));
  return [s, &sink] {
    for (long i = 0; i < executions; ++i) {
      s->id_in = id_at(i);
      if (s->stmt->execute(true)) {
        sink.ints += s->id;
        sink.chars += s->name.size() + static_cast<unsigned char>(s->name[0]);
        sink.reals += s->value;
      }
    }
  };
}

}  // namespace point_select
