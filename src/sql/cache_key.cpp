// The structural cache key, and the structural facts both the key walk and the compiler need
// (FROM lists, INSERT/UPDATE column sets, bind keys).
#include <algorithm>
#include <cstring>
#include <functional>
#include <typeinfo>

#include "athanor/exc.hpp"
#include "short_name.hpp"
#include "sql/compiler.hpp"

namespace athanor::sql {
namespace detail {

void KeyWalk::grow(std::size_t n) {
  const std::size_t used = key().size();
  buffer_.resize(std::max<std::size_t>({buffer_.size() * 2, used + n, 256}));
  at_ = buffer_.data() + used;
  end_ = buffer_.data() + buffer_.size();
}

void KeyWalk::text(std::string_view s) {
  char* at = put_number(reserve(max_number + s.size()), static_cast<std::int64_t>(s.size()));
  std::memcpy(at, s.data(), s.size());
  at_ = at + s.size();
}

char* KeyWalk::put_type(char* at, const TypeEngine& t) {
  const bool sized = t.length >= 0 || t.precision >= 0 || t.scale >= 0;
  at = put(at, static_cast<char>(static_cast<int>(t.kind) | (sized ? 0x80 : 0)));  // 0x80: sizes
  if (sized) {
    at = put_number(at, t.length);
    at = put_number(at, t.precision);
    at = put_number(at, t.scale);
  }
  return at;
}

void KeyWalk::type(const TypeEngine& t) {
  at_ = put_type(reserve(max_type), t);
}

void KeyWalk::literal(const Node* n, int index) {
  slots.push_back({n, index});
}

void KeyWalk::column_default(const ColumnData* column, bool onupdate) {
  LiteralSlot s;
  s.default_column = column;
  s.onupdate = onupdate;
  slots.push_back(s);
}

void KeyWalk::nodes(std::span<const NodePtr> ns) {
  number(static_cast<std::int64_t>(ns.size()));
  for (const auto& n : ns) node(n);
}

namespace {

// True when `n` is one of a table's own column nodes (TableData::column_nodes): its address then
// stands for its table, name and type, which never change.
bool is_table_column_node(const Node& n) {
  if (n.kind != NodeKind::column || !n.from || n.from->kind != FromKind::table) return false;
  const auto& nodes = static_cast<const TableData&>(*n.from).column_nodes;
  return !nodes.empty() && !std::less<>()(&n, nodes.data()) &&
         std::less<>()(&n, nodes.data() + nodes.size());
}

// The number of columns from `at` on that are a table's own column nodes in table order (what
// select(table) lists), or 0.
std::size_t whole_table_at(std::span<const NodePtr> columns, std::size_t at) {
  const Node& n = *columns[at];
  if (!is_table_column_node(n)) return 0;
  const auto& nodes = static_cast<const TableData&>(*n.from).column_nodes;
  if (&n != &nodes.front() || columns.size() - at < nodes.size()) return 0;
  for (std::size_t i = 1; i < nodes.size(); ++i) {
    if (columns[at + i].get() != &nodes[i]) return 0;
  }
  return nodes.size();
}

}  // namespace

void KeyWalk::node(const NodePtr& p) {
  // Room for what this function writes before text() and the children take their own.
  char* at = reserve(3 + max_type);
  if (!p) {
    at_ = put(at, '0');
    return;
  }
  const Node& n = *p;
  if (is_table_column_node(n)) {
    at = put(at, 'C');  // not a NodeKind: cannot be read as the start of a node
    at_ = put_pointer(at, &n);
    if (collect_) anchors.push_back(p);  // the node owns its table
    return;
  }
  at = put(at, static_cast<char>(n.kind));
  at = put(at, static_cast<char>(n.op));
  at_ = put_type(at, n.type);
  switch (n.kind) {
    case NodeKind::column:
      if (collect_) anchors.push_back(p);
      if (n.from)
        from(n.from);
      else
        tag('-');
      if (n.column && n.from && n.from->kind != FromKind::subquery) {
        pointer(n.column);
      } else {
        text(n.name);
      }
      return;
    case NodeKind::bind:  // within the room taken above
      at_ = put(at_, static_cast<char>((n.unique ? 1 : 0) | (n.has_value ? 2 : 0) |
                                       (n.expanding ? 4 : 0)));
      text(bind_key(n));
      if (n.expanding) {
        number(static_cast<std::int64_t>(n.extra->values.size()));
        for (std::size_t i = 0; i < n.extra->values.size(); ++i) literal(&n, static_cast<int>(i));
      } else if (n.has_value) {
        literal(&n, -1);
      }
      return;
    case NodeKind::function:
    case NodeKind::label:
    case NodeKind::text:
      text(n.name);
      break;
    default:
      break;
  }
  nodes(as_span(n.args));
  if (n.extra && n.extra->select) select(*n.extra->select);
}

void KeyWalk::from(const std::shared_ptr<const FromData>& f) {
  switch (f->kind) {
    case FromKind::table:
      at_ = put_pointer(put(reserve(1 + sizeof(void*)), 'T'), f.get());
      if (collect_) anchors.push_back(f);
      return;
    case FromKind::alias: {
      const auto& a = static_cast<const AliasData&>(*f);
      tag('A');
      text(a.name);
      // An anonymous alias is named by its position among the statement's aliases, so two
      // anonymous aliases of one table must stay distinct: key them by identity too.
      if (a.name.empty()) pointer(f.get());
      from(a.element);
      return;
    }
    case FromKind::join: {
      const auto& j = static_cast<const JoinData&>(*f);
      tag(j.full ? 'F' : j.isouter ? 'L' : 'J');
      from(j.left);
      from(j.right);
      node(j.onclause);
      return;
    }
    case FromKind::subquery: {
      const auto& q = static_cast<const SubqueryData&>(*f);
      tag('Q');
      text(q.name);
      if (q.name.empty()) pointer(f.get());
      select(*q.select);
      return;
    }
  }
}

void KeyWalk::select(const SelectData& s) {
  char* at = put(reserve(2 + max_number), 'S');
  at = put(at, static_cast<char>((s.distinct ? 1 : 0) | (s.star ? 2 : 0)));
  // A whole table's columns are one token (its address), not one entry per column.
  const auto columns = s.columns();
  at_ = put_number(at, static_cast<std::int64_t>(columns.size()));
  for (std::size_t i = 0; i < columns.size();) {
    if (const std::size_t whole = whole_table_at(columns, i)) {
      tag('*');  // not a NodeKind: cannot be read as the start of a node
      pointer(columns[i]->from.get());
      // A select(table)'s columns own nothing: its FROM, walked below, anchors the table then.
      if (collect_) anchors.push_back(columns[i]);
      i += whole;
    } else {
      node(columns[i++]);
    }
  }
  number(static_cast<std::int64_t>(s.froms.size()));
  for (const auto& f : s.froms) from(f);
  // Which of the optional clauses follow: one byte, where most statements leave most empty.
  const SelectClauses* more = s.clauses.get();
  tag(static_cast<char>((s.where.empty() ? 0 : 1) |
                        (more ? (more->group_by.empty() ? 0 : 2) | (more->having.empty() ? 0 : 4) |
                                    (more->order_by.empty() ? 0 : 8) | (more->limit ? 16 : 0) |
                                    (more->offset ? 32 : 0)
                              : 0)));
  if (!s.where.empty()) nodes(as_span(s.where));
  if (!more) return;
  if (!more->group_by.empty()) nodes(as_span(more->group_by));
  if (!more->having.empty()) nodes(as_span(more->having));
  if (!more->order_by.empty()) nodes(as_span(more->order_by));
  if (more->limit) node(more->limit);
  if (more->offset) node(more->offset);
}

// ---- comparing two trees
// --------------------------------------------------------------------------

namespace {

// Compares a statement's tree with a prototype's (Statement::same_shape): true only when the walk
// above would write the same key for both. It reads the fields the walk reads, in the walk's
// order, and lists the new tree's literals as the walk would. Where the walk would follow a
// subquery, a join or a nested select, it gives up: the walk decides those.
class ShapeMatch {
 public:
  explicit ShapeMatch(std::vector<LiteralSlot>& slots) : slots_(slots) { slots_.clear(); }

  bool select(const SelectData& a, const SelectData& b) {
    if (a.distinct != b.distinct || a.star != b.star || a.froms.size() != b.froms.size() ||
        a.where.size() != b.where.size()) {
      return false;
    }
    for (std::size_t i = 0; i < a.froms.size(); ++i) {
      if (!plain_from(a.froms[i], b.froms[i])) return false;
    }
    // Two select(table)s of one table (their FROMs are the same, above) list the same nodes.
    if (!(a.whole_table && b.whole_table)) {
      const auto x = a.columns();
      const auto y = b.columns();
      if (x.size() != y.size() || !nodes(x, y)) return false;
    }
    if (!nodes(as_span(a.where), as_span(b.where))) return false;
    // An empty SelectClauses keys as none at all.
    const SelectClauses* x = a.clauses.get();
    const SelectClauses* y = b.clauses.get();
    if (!x || !y) return (!x || empty(*x)) && (!y || empty(*y));
    return clauses(*x, *y);
  }

 private:
  static bool empty(const SelectClauses& c) {
    return c.group_by.empty() && c.having.empty() && c.order_by.empty() && !c.limit && !c.offset;
  }

  bool clauses(const SelectClauses& a, const SelectClauses& b) {
    if (a.group_by.size() != b.group_by.size() || a.having.size() != b.having.size() ||
        a.order_by.size() != b.order_by.size() || !a.limit != !b.limit || !a.offset != !b.offset) {
      return false;
    }
    return nodes(as_span(a.group_by), as_span(b.group_by)) &&
           nodes(as_span(a.having), as_span(b.having)) &&
           nodes(as_span(a.order_by), as_span(b.order_by)) && item(a.limit.get(), b.limit.get()) &&
           item(a.offset.get(), b.offset.get());
  }

  // The same table, or the same alias of one: keyed by what never changes, with no literals.
  static bool plain_from(const std::shared_ptr<const FromData>& a,
                         const std::shared_ptr<const FromData>& b) {
    if (a != b) return false;
    return a->kind == FromKind::table ||
           (a->kind == FromKind::alias &&
            static_cast<const AliasData&>(*a).element->kind == FromKind::table);
  }

  // Lists of equal size (checked by the caller), compared in the caller's own loop.
  [[gnu::always_inline]] bool nodes(std::span<const NodePtr> a, std::span<const NodePtr> b) {
    for (std::size_t i = 0; i < a.size(); ++i) {
      if (!item(a[i].get(), b[i].get())) return false;
    }
    return true;
  }

  // Columns and binds, the nodes met most (and the operands of most comparisons), are decided
  // here in line: only a node with operands of its own costs a call.
  [[gnu::always_inline]] bool item(const Node* x, const Node* y) {
    if (!x || !y) return x == y;
    switch (x->kind) {
      case NodeKind::column:
        // A column's key is its own fields and its FROM's: the same node has the same key,
        // unless it is a subquery's column (the subquery's key carries literals).
        return x == y && !(x->from && x->from->kind == FromKind::subquery);
      case NodeKind::bind:
        return bind(*x, *y);
      default:
        return node(*x, *y);
    }
  }

  // The walk keys a bind by these fields alone, its operand (bind_key's) and extra unread.
  bool bind(const Node& a, const Node& b) {
    if (b.kind != NodeKind::bind || a.op != b.op || a.type != b.type || a.unique != b.unique ||
        a.has_value != b.has_value || a.expanding != b.expanding) {
      return false;
    }
    // Two binds keyed after one node (the same column) have the same key.
    const bool same_operand =
        !a.args.empty() && !b.args.empty() && a.args.front() == b.args.front();
    if (!same_operand && !athanor::detail::same_short_name(bind_key(a), bind_key(b))) {
      return false;
    }
    if (a.expanding) return expanding(a, b);
    if (a.has_value) slots_.push_back({&a, -1});
    return true;
  }

  // An IN list: one slot per element. Out of line, so that the loop's registers are saved only
  // for it, not for every bind.
  [[gnu::noinline]] bool expanding(const Node& a, const Node& b) {
    const std::size_t size = a.extra->values.size();
    if (size != b.extra->values.size()) return false;
    for (std::size_t i = 0; i < size; ++i) {
      slots_.push_back({&a, static_cast<int>(i)});
    }
    return true;
  }

  // A node with operands: neither a column nor a bind. Out of line, so that the lists around it
  // are compared in their callers' loops, the recursion being the only call.
  [[gnu::noinline]] bool node(const Node& a, const Node& b) {
    if (a.kind != b.kind || a.op != b.op || a.type != b.type || a.extra || b.extra ||
        a.args.size() != b.args.size()) {
      return false;
    }
    switch (a.kind) {
      case NodeKind::function:
      case NodeKind::label:
      case NodeKind::text:
        if (!athanor::detail::same_short_name(a.name, b.name)) return false;
        break;
      default:
        break;
    }
    return nodes(as_span(a.args), as_span(b.args));
  }

  std::vector<LiteralSlot>& slots_;
};

}  // namespace

// ---- structural helpers
// --------------------------------------------------------------------------

const TableData& underlying_table(const FromData& f) {
  switch (f.kind) {
    case FromKind::table:
      return static_cast<const TableData&>(f);
    case FromKind::alias:
      return underlying_table(*static_cast<const AliasData&>(f).element);
    default:
      throw exc::ArgumentError("this FROM clause is not a table or an alias of one");
  }
}

const std::string& anonymous_bind_key() {
  static const std::string anonymous = "param";
  return anonymous;
}

std::string exported_name(const Node& n) {
  if (n.kind == NodeKind::column || n.kind == NodeKind::label) return n.name;
  return {};
}

void collect_froms(const Node& n, std::vector<std::shared_ptr<const FromData>>& out) {
  if (n.kind == NodeKind::column) {
    if (n.from && std::find(out.begin(), out.end(), n.from) == out.end()) out.push_back(n.from);
    return;
  }
  // A nested SELECT brings its own FROMs; it adds none to the enclosing statement.
  for (const auto& a : n.args) collect_froms(*a, out);
}

namespace {

// True when `f` is `inner` or contains it (a join of it).
bool covers(const FromData& f, const FromData& inner) {
  if (&f == &inner) return true;
  if (f.kind == FromKind::join) {
    const auto& j = static_cast<const JoinData&>(f);
    return covers(*j.left, inner) || covers(*j.right, inner);
  }
  return false;
}

}  // namespace

std::vector<std::shared_ptr<const FromData>> select_froms(const SelectData& s) {
  std::vector<std::shared_ptr<const FromData>> raw;
  for (const auto& c : s.columns()) collect_froms(*c, raw);
  for (const auto& w : s.where) collect_froms(*w, raw);
  for (const auto& f : s.froms) {
    if (std::find(raw.begin(), raw.end(), f) == raw.end()) raw.push_back(f);
  }
  std::vector<std::shared_ptr<const FromData>> out;
  for (const auto& f : raw) {
    bool hidden = false;
    for (const auto& other : raw) {
      if (other != f && other->kind == FromKind::join && covers(*other, *f)) hidden = true;
    }
    if (!hidden) out.push_back(f);
  }
  return out;
}

std::vector<CrudColumn> crud_columns(const DmlData& d, const ValuesMap* row, const Params* params,
                                     bool is_insert) {
  std::vector<CrudColumn> out;
  const bool all_columns = params == nullptr && (!row || row->empty());
  for (const auto& col : d.table->columns) {
    CrudColumn cc{col.get()};
    const Node* explicit_value = nullptr;
    if (row) {
      for (const auto& [name, value] : *row) {
        if (name == col->name) explicit_value = value.node().get();
      }
    }
    if (explicit_value) {
      cc.value = explicit_value;
    } else if (all_columns || (params && params->contains(col->name))) {
      cc.from_parameters = true;
    } else if (is_insert ? col->options.default_.present()
                         : col->options.onupdate && col->options.onupdate->present()) {
      cc.client_default = true;
    } else {
      continue;
    }
    out.push_back(cc);
  }
  return out;
}

}  // namespace detail

// ---- each statement's walk
// ------------------------------------------------------------------------

namespace {

void walk_parameter_keys(detail::KeyWalk& w) {
  // Which columns an INSERT/UPDATE renders depends on the first parameter set's keys.
  if (!w.parameters()) {
    w.tag('N');
    return;
  }
  std::vector<std::string_view> keys;
  for (const auto& [k, v] : *w.parameters()) keys.push_back(k);
  std::sort(keys.begin(), keys.end());
  w.number(static_cast<std::int64_t>(keys.size()));
  for (auto k : keys) w.text(k);
}

void walk_crud(detail::KeyWalk& w, const DmlData& d, bool is_insert) {
  w.from(d.table);
  walk_parameter_keys(w);
  w.number(static_cast<std::int64_t>(d.rows.size()));
  for (const auto& row : d.rows) {
    w.number(static_cast<std::int64_t>(row.size()));
    for (const auto& [name, value] : row) {
      w.text(name);
      w.node(value.node());
    }
  }
  if (d.rows.size() <= 1 && !d.from_select) {
    const auto cols = detail::crud_columns(d, d.rows.empty() ? nullptr : &d.rows.front(),
                                           w.parameters(), is_insert);
    for (const auto& cc : cols) {
      if (cc.client_default) w.column_default(cc.column, !is_insert);
    }
  }
}

void walk_return_defaults(detail::KeyWalk& w, const DmlData& d) {
  if (!d.return_defaults) return;
  w.tag('D');
  w.nodes(d.return_defaults_columns);
  w.nodes(d.supplemental_returning);
}

}  // namespace

void Select::walk(detail::KeyWalk& w) const {
  w.tag('s');
  w.select(*data_);
}

std::shared_ptr<const Statement> Select::prototype() const {
  return std::make_shared<const Select>(*this);
}

bool Select::same_shape(const Statement& prototype, std::vector<detail::LiteralSlot>& slots) const {
  if (typeid(prototype) != typeid(Select)) return false;
  return detail::ShapeMatch(slots).select(*data_, *static_cast<const Select&>(prototype).data_);
}

void Insert::walk(detail::KeyWalk& w) const {
  w.tag('i');
  walk_crud(w, *data_, true);
  if (data_->from_select) {
    w.number(static_cast<std::int64_t>(data_->from_select_columns.size()));
    for (const auto& c : data_->from_select_columns) w.text(c);
    w.select(*data_->from_select);
  }
  w.nodes(data_->returning);
  w.tag(data_->sort_by_parameter_order ? '1' : '0');
  walk_return_defaults(w, *data_);
}

void Update::walk(detail::KeyWalk& w) const {
  w.tag('u');
  w.nodes(data_->where);  // the WHERE binds come after SET ones in SQL; order here is free
  walk_crud(w, *data_, false);
  w.nodes(data_->returning);
  walk_return_defaults(w, *data_);
}

void Delete::walk(detail::KeyWalk& w) const {
  w.tag('d');
  w.from(data_->table);
  w.nodes(data_->where);
  w.nodes(data_->returning);
}

}  // namespace athanor::sql
