// Dialect defaults shared by every backend (athanor/dialect.hpp).
#include "athanor/dialect.hpp"

#include <cctype>

namespace athanor {

void Dialect::initialize(dbapi::Connection& conn) {
  set_default_isolation_level(get_isolation_level(conn));
}

bool Dialect::do_ping(dbapi::Connection& conn) {
  try {
    auto cursor = conn.cursor();
    cursor->execute("SELECT 1");
  } catch (const dbapi::Error& e) {
    // A dead connection is the answer pre-ping asks for; anything else is a real error.
    if (is_disconnect(e, &conn, nullptr)) return false;
    throw;
  }
  return true;
}

std::string Dialect::savepoint_sql(std::string_view name) const {
  return "SAVEPOINT " + std::string(name);
}

std::string Dialect::release_savepoint_sql(std::string_view name) const {
  return "RELEASE SAVEPOINT " + std::string(name);
}

std::string Dialect::rollback_to_savepoint_sql(std::string_view name) const {
  return "ROLLBACK TO SAVEPOINT " + std::string(name);
}

namespace {

[[noreturn]] void raise_no_two_phase(const Dialect& d) {
  throw dbapi::Error(dbapi::ErrorKind::not_supported_error, std::string(d.driver()),
                     "two-phase transactions are not supported by " + std::string(d.name()));
}

}  // namespace

void Dialect::do_begin_twophase(dbapi::Connection&, std::string_view) {
  raise_no_two_phase(*this);
}

void Dialect::do_prepare_twophase(dbapi::Connection&, std::string_view) {
  raise_no_two_phase(*this);
}

void Dialect::do_commit_twophase(dbapi::Connection&, std::string_view, bool) {
  raise_no_two_phase(*this);
}

void Dialect::do_rollback_twophase(dbapi::Connection&, std::string_view, bool) {
  raise_no_two_phase(*this);
}

std::vector<std::string> Dialect::do_recover_twophase(dbapi::Connection&) {
  raise_no_two_phase(*this);
}

std::string normalize_isolation_level(std::string_view level) {
  std::string out(level);
  for (char& c : out) {
    c = c == '_' ? ' ' : static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  }
  return out;
}

}  // namespace athanor
