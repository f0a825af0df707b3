// URL parsing and rendering, after SQLAlchemy's engine/url.py (SPEC §1).
//
// SQLAlchemy parses with one backtracking regular expression. Rather than run a regex engine on
// user text (std::regex recurses per character), the parser below walks the same grammar by hand
// and tries the alternatives in the order the regex would, so that corner cases such as an '@'
// inside the username come out identically.
#include "athanor/engine/url.hpp"

#include <algorithm>
#include <charconv>
#include <cstddef>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "athanor/exc.hpp"

namespace athanor {
namespace {

constexpr std::string_view kParseError = "Could not parse SQLAlchemy URL from given URL string: ";

bool is_scheme_char(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
         c == '+';
}

// Python's urllib "always safe" set: never percent-encoded.
bool is_unreserved(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
         c == '.' || c == '-' || c == '~';
}

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// urllib.parse.unquote, except that bytes which are not valid UTF-8 are kept as they are (Python
// would substitute U+FFFD): a C++ string is bytes, and keeping them preserves the round trip.
// A '%' not followed by two hex digits stays literal.
std::string percent_decode(std::string_view s, bool plus_is_space) {
  std::string out;
  out.reserve(s.size());
  for (std::size_t i = 0; i < s.size(); ++i) {
    const char c = s[i];
    if (c == '%' && i + 2 < s.size()) {
      const int hi = hex_value(s[i + 1]);
      const int lo = hex_value(s[i + 2]);
      if (hi >= 0 && lo >= 0) {
        out.push_back(static_cast<char>(hi * 16 + lo));
        i += 2;
        continue;
      }
    }
    out.push_back(plus_is_space && c == '+' ? ' ' : c);
  }
  return out;
}

// urllib.parse.quote(s, safe=...): everything but the unreserved characters and `safe` becomes
// %XX. With `plus` (quote_plus), a space becomes '+' and '+' itself is encoded.
std::string percent_encode(std::string_view s, std::string_view safe, bool plus) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  out.reserve(s.size());
  for (const char c : s) {
    if (plus && c == ' ') {
      out.push_back('+');
    } else if (is_unreserved(c) || (!plus && safe.find(c) != std::string_view::npos)) {
      out.push_back(c);
    } else {
      const auto b = static_cast<unsigned char>(c);
      out.push_back('%');
      out.push_back(kHex[b >> 4]);
      out.push_back(kHex[b & 0xF]);
    }
  }
  return out;
}

// urllib.parse.parse_qsl with keep_blank_values=False: '&'-separated, pairs without '=' or with a
// blank value dropped (the test is on the raw value, so "a=+" keeps a single space).
std::vector<std::pair<std::string, std::string>> parse_qsl(std::string_view qs) {
  std::vector<std::pair<std::string, std::string>> pairs;
  while (true) {
    const std::size_t amp = qs.find('&');
    const std::string_view item = qs.substr(0, amp);
    const std::size_t eq = item.find('=');
    if (eq != std::string_view::npos && eq + 1 < item.size()) {
      pairs.emplace_back(percent_decode(item.substr(0, eq), true),
                         percent_decode(item.substr(eq + 1), true));
    }
    if (amp == std::string_view::npos) break;
    qs.remove_prefix(amp + 1);
  }
  return pairs;
}

// A failed parse has no password to point at, so mask generously: from the first ':' after the
// scheme separator to the last '@' anywhere; without an '@', a non-numeric "port" (the password of
// "user:secret" whose "@host" went missing). Hiding too much is harmless in an error message;
// showing a password is not.
std::string mask_unparsed(std::string_view text) {
  const std::size_t sep = text.find("://");
  const std::size_t start = sep == std::string_view::npos ? 0 : sep + 3;
  const std::size_t colon = text.find(':', start);
  if (colon == std::string_view::npos) return std::string(text);
  std::size_t at = text.rfind('@');
  if (at == std::string_view::npos || at < colon) {
    at = std::min(text.find_first_of("/?", colon + 1), text.size());
    const std::string_view port = text.substr(colon + 1, at - colon - 1);
    if (port.find_first_not_of("0123456789") == std::string_view::npos) return std::string(text);
  }
  std::string out(text.substr(0, colon + 1));
  out += "***";
  out += text.substr(at);
  return out;
}

void check_drivername(const std::string& drivername) {
  if (drivername.empty()) throw exc::ArgumentError("drivername must be a non-empty string");
}

void check_port(const std::optional<int>& port) {
  if (port && (*port < 0 || *port > 65535)) {
    throw exc::ArgumentError("Port argument must be an integer from 0 to 65535, or absent; got " +
                             std::to_string(*port));
  }
}

// ---- the grammar ---------------------------------------------------------------------------
//
//   scheme "://" [ username [":" password] "@" ] [ "[" ipv6 "]" | ipv4 ] [":" port]
//   ["/" database] ["?" query] END
//
// where END is the end of the text or a final '\n' (Python's '$'), and the query runs to the
// first newline (Python's '.'). Spans are positions in the original text.

struct Span {
  std::size_t begin = 0, end = 0;
  std::string_view of(std::string_view t) const { return t.substr(begin, end - begin); }
};

struct Match {
  std::optional<Span> username, password, host, port, database, query;
};

// Everything after the host. Each piece is optional and starts with a distinct character, and a
// shorter match of any greedy run would leave a character no later piece can start with, so this
// part needs no backtracking.
bool match_tail(std::string_view t, std::size_t pos, Match& m) {
  const auto run_until = [&](std::size_t from, std::string_view stops) {
    const std::size_t e = t.find_first_of(stops, from);
    return e == std::string_view::npos ? t.size() : e;
  };
  if (pos < t.size() && t[pos] == ':') {
    const std::size_t e = run_until(pos + 1, "/?");
    m.port = Span{pos + 1, e};
    pos = e;
  }
  if (pos < t.size() && t[pos] == '/') {
    const std::size_t e = run_until(pos + 1, "?");
    m.database = Span{pos + 1, e};
    pos = e;
  }
  if (pos < t.size() && t[pos] == '?') {
    const std::size_t e = run_until(pos + 1, "\n");
    m.query = Span{pos + 1, e};
    pos = e;
  }
  return pos == t.size() || (pos + 1 == t.size() && t[pos] == '\n');
}

// Host alternatives in the regex's order: bracketed IPv6 (longest bracketed run first), then a
// plain host, then none.
bool match_host_and_tail(std::string_view t, std::size_t pos, Match& m) {
  const Match base = m;
  if (pos < t.size() && t[pos] == '[') {
    std::size_t run_end = t.find_first_of("/?", pos + 1);
    if (run_end == std::string_view::npos) run_end = t.size();
    for (std::size_t close = run_end; close-- > pos + 2;) {
      if (t[close] != ']') continue;
      m = base;
      m.host = Span{pos + 1, close};
      if (match_tail(t, close + 1, m)) return true;
    }
  }
  std::size_t host_end = t.find_first_of("/:?", pos);
  if (host_end == std::string_view::npos) host_end = t.size();
  if (host_end > pos) {
    m = base;
    m.host = Span{pos, host_end};
    if (match_tail(t, host_end, m)) return true;
  }
  m = base;
  return match_tail(t, pos, m);
}

// Userinfo alternatives in the regex's order: the username is the longest run without ':' or
// '/', shortened until an '@' follows it, so "user@domain:pass@host" keeps "user@domain" whole.
// A password runs to the first '@' after the ':'.
std::optional<Match> match_after_scheme(std::string_view t, std::size_t start) {
  std::size_t run_end = t.find_first_of(":/", start);
  if (run_end == std::string_view::npos) run_end = t.size();
  for (std::size_t k = run_end + 1; k-- > start;) {
    if (k < t.size() && t[k] == ':') {
      const std::size_t at = t.find('@', k + 1);
      if (at != std::string_view::npos) {
        Match m;
        m.username = Span{start, k};
        m.password = Span{k + 1, at};
        if (match_host_and_tail(t, at + 1, m)) return m;
      }
    }
    if (k < t.size() && t[k] == '@') {
      Match m;
      m.username = Span{start, k};
      if (match_host_and_tail(t, k + 1, m)) return m;
    }
  }
  Match m;
  if (match_host_and_tail(t, start, m)) return m;
  return std::nullopt;
}

}  // namespace

// ---- URL --------------------------------------------------------------------------------------

URL URL::create(std::string drivername) {
  return create(std::move(drivername), Parts{});
}

URL URL::create(std::string drivername, Parts parts) {
  check_drivername(drivername);
  check_port(parts.port);
  URL u;
  u.drivername = std::move(drivername);
  u.username = std::move(parts.username);
  u.password = std::move(parts.password);
  u.host = std::move(parts.host);
  u.port = parts.port;
  u.database = std::move(parts.database);
  if (parts.query) u.query = std::move(*parts.query);
  return u;
}

URL URL::set(Parts parts) const {
  URL u = *this;
  if (parts.drivername) {
    check_drivername(*parts.drivername);
    u.drivername = std::move(*parts.drivername);
  }
  if (parts.username) u.username = std::move(parts.username);
  if (parts.password) u.password = std::move(parts.password);
  if (parts.host) u.host = std::move(parts.host);
  if (parts.port) {
    check_port(parts.port);
    u.port = parts.port;
  }
  if (parts.database) u.database = std::move(parts.database);
  if (parts.query) u.query = std::move(*parts.query);
  return u;
}

std::string URL::get_backend_name() const {
  return drivername.substr(0, drivername.find('+'));
}

std::string URL::get_driver_name() const {
  const std::size_t plus = drivername.find('+');
  if (plus != std::string::npos) {
    // Like Python's drivername.split("+")[1]: a second '+' ends the driver name.
    const std::size_t next = drivername.find('+', plus + 1);
    return drivername.substr(plus + 1,
                             next == std::string::npos ? std::string::npos : next - plus - 1);
  }
  const std::string backend = get_backend_name();
  if (backend == "sqlite") return "sqlite3";
  if (backend == "postgresql") return "libpq";
  if (backend == "mysql" || backend == "mariadb") return "mariadbconnector";
  return backend;
}

std::string URL::render_as_string(bool hide_password) const {
  std::string s = drivername + "://";
  if (username) {
    s += percent_encode(*username, " +", false);
    if (password) {
      s += ':';
      s += hide_password ? std::string("***") : percent_encode(*password, " +", false);
    }
    s += '@';
  }
  if (host) {
    if (host->find(':') != std::string::npos) {
      s += '[' + *host + ']';
    } else {
      s += *host;
    }
  }
  if (port) s += ':' + std::to_string(*port);
  if (database) s += '/' + *database;
  if (!query.empty()) {
    char sep = '?';
    for (const auto& [key, values] : query) {
      for (const std::string& v : values) {
        s += sep;
        s += percent_encode(key, "", true);
        s += '=';
        s += percent_encode(v, "", true);
        sep = '&';
      }
    }
  }
  return s;
}

URL URL::update_query_pairs(const std::vector<std::pair<std::string, std::string>>& pairs,
                            bool append) const {
  Query incoming;
  for (const auto& [key, value] : pairs) incoming[key].push_back(value);
  return update_query_dict(incoming, append);
}

URL URL::update_query_dict(const std::map<std::string, std::vector<std::string>>& params,
                           bool append) const {
  URL u = *this;
  for (const auto& [key, values] : params) {
    std::vector<std::string>& slot = u.query[key];
    if (!append) slot.clear();
    slot.insert(slot.end(), values.begin(), values.end());
  }
  return u;
}

URL URL::update_query_dict(const std::map<std::string, std::string>& params, bool append) const {
  Query incoming;
  for (const auto& [key, value] : params) incoming[key].push_back(value);
  return update_query_dict(incoming, append);
}

URL URL::update_query_string(std::string_view query_string, bool append) const {
  return update_query_pairs(parse_qsl(query_string), append);
}

URL URL::difference_update_query(std::initializer_list<std::string_view> names) const {
  URL u = *this;
  for (const std::string_view name : names) {
    const auto it = u.query.find(std::string(name));
    if (it != u.query.end()) u.query.erase(it);
  }
  return u;
}

URL URL::difference_update_query(const std::vector<std::string>& names) const {
  URL u = *this;
  for (const std::string& name : names) u.query.erase(name);
  return u;
}

std::optional<std::string> URL::query_value(std::string_view key) const {
  const auto it = query.find(std::string(key));
  if (it == query.end() || it->second.empty()) return std::nullopt;
  return it->second.front();
}

// Python omits falsy values, hence no empty strings and no port 0. A rename to "" drops the
// field, as a rename to None does in SQLAlchemy.
std::map<std::string, std::string> URL::translate_connect_args(
    const std::map<std::string, std::string>& renames) const {
  std::map<std::string, std::string> out;
  const auto put = [&](const std::string& field, const std::optional<std::string>& value) {
    if (!value || value->empty()) return;
    const auto it = renames.find(field);
    const std::string& key = it == renames.end() ? field : it->second;
    if (!key.empty()) out[key] = *value;
  };
  put("host", host);
  put("database", database);
  put("username", username);
  put("password", password);
  if (port && *port != 0) put("port", std::to_string(*port));
  return out;
}

// ---- make_url ---------------------------------------------------------------------------------

URL make_url(std::string_view text) {
  std::size_t scheme_end = 0;
  while (scheme_end < text.size() && is_scheme_char(text[scheme_end])) ++scheme_end;
  std::optional<Match> m;
  if (scheme_end > 0 && text.substr(scheme_end, 3) == "://") {
    m = match_after_scheme(text, scheme_end + 3);
  }
  if (!m) {
    throw exc::ArgumentError(std::string(kParseError) + "'" + mask_unparsed(text) + "'");
  }

  URL u;
  u.drivername = std::string(text.substr(0, scheme_end));
  if (m->username) u.username = percent_decode(m->username->of(text), false);
  if (m->password) u.password = percent_decode(m->password->of(text), false);
  if (m->host) u.host = std::string(m->host->of(text));
  if (m->database) u.database = std::string(m->database->of(text));
  if (m->query) {
    for (auto& [key, value] : parse_qsl(m->query->of(text))) {
      u.query[std::move(key)].push_back(std::move(value));
    }
  }
  if (m->port) {
    // Python's int() raises ValueError here; C++ callers get the ArgumentError every other bad
    // URL gives. Without an '@', "scott:tiger" reads as host and port, so a port that is not a
    // number may well be a password: it is masked like one.
    const std::string_view digits = m->port->of(text);
    int port = 0;
    const auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), port);
    const bool numeric = !digits.empty() && digits.find_first_not_of("0123456789") == digits.npos;
    if (!numeric || ec != std::errc() || end != digits.data() + digits.size() || port > 65535) {
      const bool port_is_secret = !numeric && !digits.empty() && !m->username;
      const std::optional<Span> secret = port_is_secret ? m->port : m->password;
      std::string shown(text);
      if (secret) {
        shown = std::string(text.substr(0, secret->begin)) + "***" +
                std::string(text.substr(secret->end));
      }
      const std::string port_shown = port_is_secret ? "***" : std::string(digits);
      throw exc::ArgumentError("Invalid port '" + port_shown + "' in SQLAlchemy URL '" + shown +
                               "': the port must be an integer from 0 to 65535");
    }
    u.port = port;
  }
  return u;
}

}  // namespace athanor
