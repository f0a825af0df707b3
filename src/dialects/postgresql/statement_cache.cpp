#include "dialects/postgresql/statement_cache.hpp"

#include <algorithm>
#include <array>

#include "dialects/postgresql/driver_sql.hpp"

namespace athanor::dialects::postgresql {

namespace {

std::size_t key_hash(std::size_t sql_hash, std::span<const Oid> types) noexcept {
  std::size_t h = sql_hash;
  for (Oid t : types) h = h * 1099511628211u + t;
  return h;
}

void classify(Statement& st) {
  const SqlShape shape = scan_sql(st.sql);
  st.placeholders = shape.placeholders;
  st.several_statements = shape.several_statements;
  const std::string_view word = shape.first_keyword;
  // Transaction control needs no BEGIN before it (COMMIT PREPARED must even run outside one).
  static constexpr std::array<std::string_view, 6> control = {"BEGIN", "START",    "COMMIT",
                                                              "END",   "ROLLBACK", "ABORT"};
  st.begins_transaction = std::none_of(control.begin(), control.end(),
                                       [&](std::string_view k) { return keyword_is(word, k); });
  st.is_query =
      !shape.several_statements && (keyword_is(word, "SELECT") || keyword_is(word, "WITH") ||
                                    keyword_is(word, "VALUES") || keyword_is(word, "TABLE"));
}

}  // namespace

bool StatementCache::Key::operator==(const Key& o) const noexcept {
  return hash == o.hash && sql == o.sql &&
         std::equal(types.begin(), types.end(), o.types.begin(), o.types.end());
}

Statement* StatementCache::acquire(std::string_view sql, std::size_t sql_hash,
                                   std::span<const Oid> types) {
  const std::size_t hash = key_hash(sql_hash, types);
  if (capacity_ == 0) {
    if (unnamed_.hash != hash || unnamed_.sql != sql ||
        !std::equal(types.begin(), types.end(), unnamed_.param_types.begin(),
                    unnamed_.param_types.end())) {
      unnamed_.sql.assign(sql);
      unnamed_.hash = hash;
      unnamed_.param_types.assign(types.begin(), types.end());
      unnamed_.description.reset();
      unnamed_.decoders.clear();
      classify(unnamed_);
    }
    return &unnamed_;
  }
  // The statement run last is the likeliest to run again (a loop over one query).
  if (Statement* mru = entries_.newest();
      mru && mru->hash == hash && mru->sql == sql &&
      std::equal(types.begin(), types.end(), mru->param_types.begin(), mru->param_types.end())) {
    return mru;
  }
  if (Statement* st = entries_.find(Key{sql, types, hash})) {
    entries_.touch(st);
    return st;
  }
  // DEALLOCATE is not transactional; inside a failed transaction it fails, and the name (never
  // reused) simply stays on the server until the session ends.
  if (entries_.size() >= capacity_) forget(entries_.oldest());
  auto st = std::make_unique<Statement>();
  st->sql.assign(sql);
  st->hash = hash;
  st->param_types.assign(types.begin(), types.end());
  st->name = "athanor_" + std::to_string(++next_name_);
  classify(*st);
  const Key key = key_of(*st);
  return entries_.insert(key, std::move(st));
}

void StatementCache::clear() noexcept {
  entries_.clear();
  unnamed_.hash = 0;
  unnamed_.sql.clear();
}

void StatementCache::forget(Statement* st) noexcept {
  if (!st->cached()) {
    st->description.reset();
    st->prepared = false;
    return;
  }
  const std::unique_ptr<Statement> gone = entries_.remove(key_of(*st));
  if (gone->prepared) PQclear(PQexec(conn_, ("DEALLOCATE " + gone->name).c_str()));
}

}  // namespace athanor::dialects::postgresql
