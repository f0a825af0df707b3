// select() and the constructs made from it: subqueries, scalar subqueries, EXISTS.
#include "athanor/sql/selectable.hpp"

#include <algorithm>

#include "athanor/exc.hpp"
#include "sql/compiler.hpp"

namespace athanor::sql {

Select::Select(std::span<const SelectArg> items) : data_(detail::make_tree_part<SelectData>()) {
  // select(table) alone: its columns are the table's, listed by SelectData::columns().
  if (items.size() == 1 && items.front().from() &&
      items.front().from()->from_data()->kind == FromKind::table) {
    data_->froms.push_back(items.front().from()->from_data());
    data_->whole_table = true;
    return;
  }
  std::size_t columns = 0;
  for (const auto& item : items) {
    const FromClause* f = item.from();
    columns += f && f->from_data()->kind == FromKind::table
                   ? static_cast<const TableData&>(*f->from_data()).columns.size()
                   : 1;
  }
  data_->listed_columns.reserve(columns);
  for (const auto& item : items) {
    if (const ColumnElement* e = item.column()) {
      data_->listed_columns.push_back(e->node());
    } else {
      const FromClause& f = *item.from();
      data_->froms.push_back(f.from_data());
      if (f.from_data()->kind == FromKind::subquery) {
        const auto& sq = static_cast<const SubqueryData&>(*f.from_data());
        for (const auto& col : sq.select->columns()) {
          Node n{.kind = NodeKind::column, .name = detail::exported_name(*col), .type = col->type};
          n.from = f.from_data();
          data_->listed_columns.push_back(detail::make_tree_part<Node>(std::move(n)));
        }
      } else if (f.from_data()->kind == FromKind::table) {
        const auto& refs = static_cast<const TableData&>(*f.from_data()).column_refs;
        data_->listed_columns.insert(data_->listed_columns.end(), refs.begin(), refs.end());
      } else {
        for (const auto& c : f.columns()) data_->listed_columns.push_back(c.node());
      }
    }
  }
}

namespace {

// Building on a statement that is shared (kept by a cache entry, or copied) copies it first.
// Out of line and cold: a chain on a temporary never shares, and each step of it then costs a
// reference-count check rather than a call saving every register the copy would need.
[[gnu::cold, gnu::noinline]] void unshare(std::shared_ptr<SelectData>& data) {
  data = detail::make_tree_part<SelectData>(*data);
}

// Appends past the list's inline room. Out of line and cold, like unshare(): .where() on a
// temporary then saves no registers for a growth it almost never needs.
[[gnu::cold, gnu::noinline]] void append_growing(NodeList& list, NodePtr&& node) {
  list.push_back(std::move(node));
}

}  // namespace

SelectData& Select::mut() {
  if (data_.use_count() > 1) unshare(data_);
  return *data_;
}

SelectClauses& Select::mut_clauses() {
  SelectData& d = mut();
  if (!d.clauses) {
    d.clauses = detail::make_tree_part<SelectClauses>();
  } else if (d.clauses.use_count() > 1) {
    d.clauses = detail::make_tree_part<SelectClauses>(*d.clauses);
  }
  return *d.clauses;
}

Select&& Select::where(ColumnElement c) && {
  NodeList& where = mut().where;
  NodePtr node = std::move(c).node();
  // stable_emplace_back() leaves `node` alone when the inline room is used up.
  if (!where.stable_emplace_back(std::move(node))) append_growing(where, std::move(node));
  return std::move(*this);
}
Select&& Select::order_by(std::vector<ColumnElement> cs) && {
  for (auto& c : cs) mut_clauses().order_by.push_back(c.node());
  return std::move(*this);
}
Select&& Select::group_by(std::vector<ColumnElement> cs) && {
  for (auto& c : cs) mut_clauses().group_by.push_back(c.node());
  return std::move(*this);
}
Select&& Select::having(const ColumnElement& c) && {
  mut_clauses().having.push_back(c.node());
  return std::move(*this);
}
Select&& Select::limit(std::int64_t n) && {
  mut_clauses().limit = literal(Value(n), Integer()).node();
  return std::move(*this);
}
Select&& Select::offset(std::int64_t n) && {
  mut_clauses().offset = literal(Value(n), Integer()).node();
  return std::move(*this);
}
Select&& Select::distinct() && {
  mut().distinct = true;
  return std::move(*this);
}
Select&& Select::select_from(const FromClause& f) && {
  mut().froms.push_back(f.from_data());
  return std::move(*this);
}

Select Select::join(const FromClause& right, std::optional<ColumnElement> on, bool isouter) const {
  // Join onto the leftmost FROM the statement already has (SQLAlchemy's Select.join picks the
  // FROM the ON clause or the foreign keys connect to; the first is that FROM in simple cases).
  auto froms = detail::select_froms(*data_);
  if (froms.empty()) throw exc::InvalidRequestError("Select.join(): no FROM to join from");
  Select out(*this);
  FromClause left(froms.front());
  FromClause joined = left.join(right, std::move(on), isouter);
  auto& d = out.mut();
  if (d.whole_table) {  // froms[0] becomes the join: list the table's columns
    const auto columns = d.columns();
    d.listed_columns.assign(columns.begin(), columns.end());
    d.whole_table = false;
  }
  d.froms.erase(std::remove(d.froms.begin(), d.froms.end(), froms.front()), d.froms.end());
  d.froms.insert(d.froms.begin(), joined.from_data());
  return out;
}

Select Select::execution_options(const ExecutionOptions& options) const {
  Select out(*this);
  out.set_options(options);
  return out;
}

FromClause Select::subquery(std::string name) const {
  auto sq = std::make_shared<SubqueryData>();
  sq->select = data_;
  sq->name = std::move(name);
  return FromClause(std::move(sq));
}

ColumnElement Select::scalar_subquery() const {
  Node n{.kind = NodeKind::scalar_select,
         .type = data_->columns().empty() ? TypeEngine() : data_->columns().front()->type};
  n.extra = std::make_shared<const NodeExtra>(NodeExtra{.select = data_});
  return ColumnElement(detail::make_tree_part<Node>(std::move(n)));
}

ColumnElement Select::exists() const {
  Node n{.kind = NodeKind::exists, .type = Boolean()};
  n.extra = std::make_shared<const NodeExtra>(NodeExtra{.select = data_});
  return ColumnElement(detail::make_tree_part<Node>(std::move(n)));
}

ColumnElement exists(const Select& s) {
  return s.exists();
}

}  // namespace athanor::sql
