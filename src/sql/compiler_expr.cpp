// Rendering expressions: identifiers, binds and their names, operators with SQLAlchemy's
// precedence-driven parenthesisation.
#include <fmt/format.h>

#include <algorithm>

#include "athanor/exc.hpp"
#include "sql/compiler.hpp"

namespace athanor::sql::detail {

namespace {

// operators._PRECEDENCE
int precedence(Op op) {
  switch (op) {
    case Op::mul:
    case Op::div:
    case Op::mod:
    case Op::neg:
      return 8;
    case Op::add:
    case Op::sub:
      return 7;
    case Op::and_:
    case Op::asc:
    case Op::desc:
      return 3;
    case Op::or_:
      return 2;
    case Op::comma:
      return -1;
    case Op::none:
      return -100;  // _smallest: a plain element never needs parentheses
    default:
      return 5;  // comparisons, LIKE, IN, IS, BETWEEN, NOT, ||
  }
}

// operators.is_precedent: `op` inside `against` needs parentheses.
bool is_precedent(Op op, Op against) {
  if (against == Op::none) return true;  // a standalone element (a CASE condition) is grouped
  const bool associative =
      op == Op::add || op == Op::mul || op == Op::concat || op == Op::and_ || op == Op::or_;
  if (op == against && associative) return false;
  return precedence(op) <= precedence(against);
}

const char* binary_operator(Op op) {
  switch (op) {
    case Op::eq:
      return " = ";
    case Op::ne:
      return " != ";
    case Op::lt:
      return " < ";
    case Op::le:
      return " <= ";
    case Op::gt:
      return " > ";
    case Op::ge:
      return " >= ";
    case Op::add:
      return " + ";
    case Op::sub:
      return " - ";
    case Op::mul:
      return " * ";
    case Op::div:
      return " / ";
    case Op::mod:
      return " % ";
    case Op::concat:
      return " || ";
    case Op::like:
      return " LIKE ";
    case Op::not_like:
      return " NOT LIKE ";
    case Op::in_:
      return " IN ";
    case Op::not_in:
      return " NOT IN ";
    case Op::is_:
      return " IS ";
    case Op::is_not:
      return " IS NOT ";
    case Op::and_:
      return " AND ";
    case Op::or_:
      return " OR ";
    default:
      return " ? ";
  }
}

bool legal_identifier(std::string_view s) {
  if (s.empty()) return false;
  if ((s[0] >= '0' && s[0] <= '9') || s[0] == '$') return false;
  for (char c : s) {
    const bool ok = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '$';
    if (!ok) return false;  // upper case counts as "mixed case": quoted
  }
  return true;
}

}  // namespace

SqlCompiler::SqlCompiler(const Dialect* d, const Params* params, const ExecutionOptions* options)
    : dialect(d),
      rules(rules_for(d)),
      style(d ? d->paramstyle() : Paramstyle::named),
      is_str(d == nullptr),
      parameters(params) {
  if (options) {
    if (const Value* v = options->find("schema_translate_map")) {
      translate_ = decode_schema_translate_map(*v);
    }
  }
}

std::string enclosed(std::string_view s, char quote) {
  std::string out(1, quote);
  for (char ch : s) {
    if (ch == quote) out += quote;
    out += ch;
  }
  out += quote;
  return out;
}

std::string SqlCompiler::quote(std::string_view ident) const {
  if (legal_identifier(ident) && !rules.is_reserved(ident)) return std::string(ident);
  return quoted_identifier(ident);
}

std::optional<std::string> SqlCompiler::effective_schema(const TableData& t) const {
  for (const auto& [from, to] : translate_) {
    if (from == t.schema) return to;
  }
  return t.schema;
}

std::string SqlCompiler::table_name(const TableData& t) const {
  const std::optional<std::string> schema = effective_schema(t);
  std::string out;
  if (schema) {
    out = quote(*schema);
    out += '.';
  }
  out += quote(t.name);
  return out;
}

std::string SqlCompiler::anon(std::string_view base) {
  auto it = anon_counters_.find(base);
  if (it == anon_counters_.end()) it = anon_counters_.emplace(std::string(base), 0).first;
  return fmt::format("{}_{}", base, ++it->second);
}

std::string SqlCompiler::alias_name(const FromData& f) {
  if (auto it = alias_names_.find(&f); it != alias_names_.end()) return it->second;
  std::string name;
  if (f.kind == FromKind::alias) {
    const auto& a = static_cast<const AliasData&>(f);
    name = a.name.empty() ? anon(underlying_table(f).name) : a.name;
  } else {
    const auto& q = static_cast<const SubqueryData&>(f);
    name = q.name.empty() ? anon("anon") : q.name;
  }
  alias_names_.emplace(&f, name);
  return name;
}

void SqlCompiler::placeholder(const std::string& name, bool expanded) {
  if (expanded && (style == Paramstyle::numeric || style == Paramstyle::numeric_dollar)) {
    // SQLAlchemy numbers the statement's binds first and an IN list's values as it expands them,
    // after all the others: their numbers are known once the whole statement is rendered.
    deferred_numbers_.emplace_back(out.size(), name);
    if (std::find(expanded_names_.begin(), expanded_names_.end(), name) == expanded_names_.end()) {
      expanded_names_.push_back(name);
    }
    return;
  }
  auto& names = compiled->bind_names;
  auto pos = std::find(names.begin(), names.end(), name);
  const std::size_t number = static_cast<std::size_t>(pos - names.begin()) + 1;
  if (pos == names.end()) names.push_back(name);
  switch (style) {
    case Paramstyle::qmark:
      out += '?';
      break;
    case Paramstyle::format:
      out += "%s";
      break;
    case Paramstyle::numeric:
      out += fmt::format(":{}", number);
      break;
    case Paramstyle::numeric_dollar:
      out += fmt::format("${}", number);
      break;
    case Paramstyle::named:
      out += ':';
      out += name;
      break;
    case Paramstyle::pyformat:
      out += fmt::format("%({})s", name);
      break;
  }
  if (style == Paramstyle::qmark || style == Paramstyle::format) {
    compiled->positional_names.push_back(name);
  }
}

void SqlCompiler::finish() {
  if (deferred_numbers_.empty()) return;
  auto& names = compiled->bind_names;
  const std::size_t first = names.size();
  names.insert(names.end(), expanded_names_.begin(), expanded_names_.end());
  const char mark = style == Paramstyle::numeric_dollar ? '$' : ':';
  std::string sql;
  sql.reserve(out.size() + deferred_numbers_.size() * 4);
  std::size_t from = 0;
  for (const auto& [offset, name] : deferred_numbers_) {
    sql.append(out, from, offset - from);
    const auto at = std::find(expanded_names_.begin(), expanded_names_.end(), name);
    sql += mark;
    sql += std::to_string(first + static_cast<std::size_t>(at - expanded_names_.begin()) + 1);
    from = offset;
  }
  sql.append(out, from);
  out = std::move(sql);
}

void SqlCompiler::fixed_bind(const Value& v) {
  const std::string name = anon("param");
  compiled->fixed_values.set(name, v);
  placeholder(name);
}

void SqlCompiler::bind(const Node& n) {
  std::string name;
  if (auto it = node_bind_names.find(&n); it != node_bind_names.end()) {
    name = it->second;
  } else {
    const std::string& key = bind_key(n);
    name = n.unique ? anon(key.empty() ? "param" : key) : key;
    node_bind_names.emplace(&n, name);
  }
  if (!n.expanding) {
    placeholder(name);
    return;
  }
  // An IN list: one placeholder per element, so each length is its own compiled form; str()
  // shows SQLAlchemy's post-compile marker instead.
  if (is_str) {
    out += fmt::format("(__[POSTCOMPILE_{}])", name);
    compiled->bind_names.push_back(name);
    return;
  }
  out += '(';
  const auto& values = n.extra->values;
  if (values.empty()) out += rules.empty_set();
  for (std::size_t i = 0; i < values.size(); ++i) {
    if (i) out += ", ";
    placeholder(fmt::format("{}_{}", name, i + 1), true);
  }
  out += ')';
}

void SqlCompiler::column(const Node& n) {
  if (n.from) {
    switch (n.from->kind) {
      case FromKind::table:
        out += table_name(static_cast<const TableData&>(*n.from));
        break;
      case FromKind::alias:
      case FromKind::subquery:
        out += quote(alias_name(*n.from));
        break;
      case FromKind::join:
        break;
    }
    out += '.';
  }
  out += quote(n.name);
}

void SqlCompiler::operand(const Node& n, Op against) {
  // EXISTS has precedence 0: parenthesised inside any operator.
  const bool grouped = ((n.kind == NodeKind::binary || n.kind == NodeKind::clauses ||
                         (n.kind == NodeKind::unary && n.op == Op::not_)) &&
                        is_precedent(n.op, against)) ||
                       (n.kind == NodeKind::exists && against != Op::none && against != Op::comma);
  if (grouped) out += '(';
  expr(n);
  if (grouped) out += ')';
}

void SqlCompiler::expr(const Node& n) {
  switch (n.kind) {
    case NodeKind::column:
      column(n);
      return;
    case NodeKind::bind:
      bind(n);
      return;
    case NodeKind::null_:
      out += "NULL";
      return;
    case NodeKind::true_:
      out += rules.supports_native_boolean() ? "true" : "1";
      return;
    case NodeKind::false_:
      out += rules.supports_native_boolean() ? "false" : "0";
      return;
    case NodeKind::binary: {
      const Node& l = *n.args[0];
      const Node& r = *n.args[1];
      switch (n.op) {
        case Op::between:
        case Op::not_between:
          operand(l, n.op);
          out += n.op == Op::between ? " BETWEEN " : " NOT BETWEEN ";
          operand(r, n.op);
          out += " AND ";
          operand(*n.args[2], n.op);
          return;
        case Op::ilike:
        case Op::not_ilike:
          if (rules.native_ilike()) {
            expr(l);
            out += n.op == Op::ilike ? " ILIKE " : " NOT ILIKE ";
            expr(r);
            return;
          }
          out += "lower(";
          expr(l);
          out += n.op == Op::ilike ? ") LIKE lower(" : ") NOT LIKE lower(";
          expr(r);
          out += ')';
          return;
        case Op::div:
          // SQLAlchemy 2.0's true division on a floor-dividing backend: the divisor is cast to
          // NUMERIC (or its own Numeric type).
          operand(l, n.op);
          if (rules.truediv_adds_zero()) {
            out += " / (";
            expr(r);
            out += " + 0.0)";
            return;
          }
          out += " / CAST(";
          expr(r);
          out += " AS ";
          out += rules.type_ddl(r.type.kind == TypeKind::numeric ? r.type : Numeric());
          out += ')';
          return;
        case Op::not_in:
          // SQLAlchemy groups a NOT IN as the negation of an IN: "(x NOT IN (...))".
          out += '(';
          operand(l, n.op);
          out += " NOT IN ";
          operand(r, n.op);
          out += ')';
          return;
        default:
          operand(l, n.op);
          out += binary_operator(n.op);
          operand(r, n.op);
          return;
      }
    }
    case NodeKind::unary: {
      const Node& e = *n.args[0];
      switch (n.op) {
        case Op::not_:
          out += "NOT ";
          operand(e, Op::not_);
          return;
        case Op::is_false:
          if (rules.supports_native_boolean()) {
            out += "NOT ";
            expr(e);
          } else {
            expr(e);
            out += " = 0";
          }
          return;
        case Op::neg:
          out += '-';
          operand(e, Op::neg);
          return;
        case Op::distinct:
          out += "DISTINCT ";
          expr(e);
          return;
        default:
          operand(e, n.op);
          out += n.op == Op::asc           ? " ASC"
                 : n.op == Op::desc        ? " DESC"
                 : n.op == Op::nulls_first ? " NULLS FIRST"
                                           : " NULLS LAST";
          return;
      }
    }
    case NodeKind::clauses:
      for (std::size_t i = 0; i < n.args.size(); ++i) {
        if (i) out += binary_operator(n.op);
        operand(*n.args[i], n.op);
      }
      return;
    case NodeKind::grouping:
      out += '(';
      expr(*n.args[0]);
      out += ')';
      return;
    case NodeKind::function: {
      if (std::string kw = rules.keyword_function(n.name); !kw.empty() && n.args.empty()) {
        out += kw;
        return;
      }
      out += n.name;
      out += '(';
      if (n.args.empty() && n.name == "count") out += '*';
      for (std::size_t i = 0; i < n.args.size(); ++i) {
        if (i) out += ", ";
        expr(*n.args[i]);
      }
      out += ')';
      return;
    }
    case NodeKind::label:
      expr(*n.args[0]);
      return;
    case NodeKind::cast:
      out += "CAST(";
      expr(*n.args[0]);
      out += " AS ";
      out += rules.type_ddl(n.type);
      out += ')';
      return;
    case NodeKind::case_: {
      out += "CASE ";
      const bool has_else = n.op != Op::eq;
      const std::size_t pairs = (n.args.size() - (has_else ? 1 : 0)) / 2;
      for (std::size_t i = 0; i < pairs; ++i) {
        out += "WHEN ";
        operand(*n.args[2 * i], Op::none);  // conditions are grouped: "WHEN (x = ?)"
        out += " THEN ";
        expr(*n.args[2 * i + 1]);
        out += ' ';
      }
      if (has_else) {
        out += "ELSE ";
        expr(*n.args.back());
        out += ' ';
      }
      out += "END";
      return;
    }
    case NodeKind::text:
      out += n.name;
      return;
    case NodeKind::tuple:
      out += '(';
      for (std::size_t i = 0; i < n.args.size(); ++i) {
        if (i) out += ", ";
        expr(*n.args[i]);
      }
      out += ')';
      return;
    case NodeKind::exists:
      out += "EXISTS (";
      select(*n.extra->select, false, true);
      out += ')';
      return;
    case NodeKind::scalar_select:
      out += '(';
      select(*n.extra->select, false, true);
      out += ')';
      return;
  }
}

}  // namespace athanor::sql::detail
