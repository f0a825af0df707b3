// Tables, columns and metadata; FROM-clause handles (aliases, joins) over them.
#include "athanor/sql/schema.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <functional>

#include "athanor/exc.hpp"
#include "athanor/sql/dml.hpp"
#include "athanor/sql/selectable.hpp"
#include "short_name.hpp"
#include "sql/compiler.hpp"

namespace athanor::sql {

namespace {

NodePtr column_node(std::shared_ptr<const FromData> from, const ColumnData* c, std::string name) {
  Node n{.kind = NodeKind::column, .name = std::move(name), .type = c ? c->type : TypeEngine()};
  n.from = std::move(from);
  n.column = c;
  return detail::make_tree_part<Node>(std::move(n));
}

}  // namespace

const ColumnData* TableData::find(std::string_view column) const noexcept {
  for (const auto& c : columns) {
    if (c->name == column) return c.get();
  }
  return nullptr;
}

Column::Column(std::string name, TypeEngine type, ColumnOptions options)
    : owned_(std::make_shared<ColumnData>()) {
  owned_->name = std::move(name);
  owned_->type = type;
  owned_->options = std::move(options);
  data_ = owned_.get();
  node_ = column_node(nullptr, data_, data_->name);
}

Column::Column(std::string name, TypeEngine type, ForeignKey fk, ColumnOptions options)
    : Column(std::move(name), type, std::move(options)) {
  owned_->foreign_keys.push_back(std::move(fk));
}

Column::Column(std::shared_ptr<const FromData> from, const ColumnData* column) : data_(column) {
  node_ = column_node(std::move(from), column, column->name);
}

Column::Column(NodePtr node, const ColumnData* column)
    : ColumnElement(std::move(node)), data_(column) {}

Column::Column(std::shared_ptr<const FromData> from, std::string name, TypeEngine type,
               const ColumnData* column)
    : data_(column) {
  Node n{.kind = NodeKind::column, .name = std::move(name), .type = type};
  n.from = std::move(from);
  n.column = column;
  node_ = detail::make_tree_part<Node>(std::move(n));
}

const std::string& Column::name() const noexcept {
  return node_->name;
}

// ---- FromClause ---------------------------------------------------------------------------------

namespace {

[[noreturn]] void throw_no_column(const TableData& t, std::string_view name) {
  throw exc::ArgumentError(fmt::format("Table '{}' has no column named '{}'", t.name, name));
}

// The column `name` of a subquery, an alias or a join. Out of line, so that a table's lookup
// saves no registers for these paths.
[[gnu::noinline]] Column column_of(const std::shared_ptr<const FromData>& from,
                                   std::string_view name) {
  if (from->kind == FromKind::subquery) {
    for (const auto& col : static_cast<const SubqueryData&>(*from).select->columns()) {
      if (detail::exported_name(*col) == name) {
        return Column(from, std::string(name), col->type, col->column);
      }
    }
    throw exc::ArgumentError(fmt::format("Subquery has no column named '{}'", name));
  }
  const TableData& t = detail::underlying_table(*from);
  for (const auto& col : t.columns) {
    if (col->name == name) return Column(from, col.get());
  }
  throw_no_column(t, name);
}

}  // namespace

Column FromClause::c(std::string_view name) const {
  if (data_->kind != FromKind::table) return column_of(data_, name);
  // The common case, in statements rebuilt per call: found among the table's own nodes, which
  // carry the names, without reaching each column's definition.
  const auto& t = static_cast<const TableData&>(*data_);
  for (const Node& n : t.column_nodes) {
    if (athanor::detail::same_short_name(n.name, name)) return Column(NodePtr(data_, &n), n.column);
  }
  throw_no_column(t, name);
}

std::vector<Column> FromClause::columns() const {
  std::vector<Column> out;
  const TableData& t = detail::underlying_table(*data_);
  out.reserve(t.columns.size());
  for (std::size_t i = 0; i < t.columns.size(); ++i) {
    if (data_->kind == FromKind::table) {
      out.emplace_back(t.column_node(data_, i), t.columns[i].get());
    } else {
      out.emplace_back(data_, t.columns[i].get());
    }
  }
  return out;
}

FromClause FromClause::alias(std::string name) const {
  auto a = std::make_shared<AliasData>();
  a->element = data_;
  a->name = std::move(name);
  return FromClause(std::move(a));
}

namespace {

// The tables a FROM contains, with the FROM standing for each (an alias stands for its table).
void tables_of(const std::shared_ptr<const FromData>& f,
               std::vector<std::pair<std::shared_ptr<const FromData>, const TableData*>>& out) {
  switch (f->kind) {
    case FromKind::table:
      out.emplace_back(f, static_cast<const TableData*>(f.get()));
      break;
    case FromKind::alias:
      out.emplace_back(f, &detail::underlying_table(*f));
      break;
    case FromKind::join: {
      const auto& j = static_cast<const JoinData&>(*f);
      tables_of(j.left, out);
      tables_of(j.right, out);
      break;
    }
    case FromKind::subquery:
      break;
  }
}

const TableData* resolve_table(const TableData& from, std::string_view spec, std::string& column) {
  const auto dot = spec.rfind('.');
  column = std::string(spec.substr(dot + 1));
  const std::string table(spec.substr(0, dot));
  if (!from.metadata) return nullptr;
  for (const auto& t : from.metadata->tables) {
    if (t->fullname() == table) return t.get();
  }
  return nullptr;
}

// ON clause from the foreign keys between `left` and `right` (SQLAlchemy's join_condition):
// referenced column = referencing column.
ColumnElement infer_onclause(const std::shared_ptr<const FromData>& left,
                             const std::shared_ptr<const FromData>& right) {
  std::vector<std::pair<std::shared_ptr<const FromData>, const TableData*>> ls, rs;
  tables_of(left, ls);
  tables_of(right, rs);
  std::vector<ColumnElement> crit;
  auto scan = [&](const auto& referencing, const auto& referenced) {
    for (const auto& [rfrom, rtable] : referencing) {
      for (const auto& fk : rtable->foreign_keys) {
        for (std::size_t i = 0; i < fk.columns.size(); ++i) {
          std::string colname;
          const TableData* target = resolve_table(*rtable, fk.refcolumns[i], colname);
          for (const auto& [lfrom, ltable] : referenced) {
            if (ltable != target) continue;
            const ColumnData* lc = ltable->find(colname);
            const ColumnData* rc = rtable->find(fk.columns[i]);
            if (lc && rc) crit.push_back(Column(lfrom, lc) == Column(rfrom, rc));
          }
        }
      }
    }
  };
  scan(rs, ls);
  if (crit.empty()) scan(ls, rs);
  if (crit.empty()) {
    throw exc::ArgumentError("Can't find any foreign key relationships between the two tables.");
  }
  return and_(std::move(crit));
}

}  // namespace

FromClause FromClause::join(const FromClause& right, std::optional<ColumnElement> onclause,
                            bool isouter, bool full) const {
  auto j = std::make_shared<JoinData>();
  j->left = data_;
  j->right = right.data_;
  j->onclause = (onclause ? *onclause : infer_onclause(data_, right.data_)).node();
  j->isouter = isouter || full;
  j->full = full;
  return FromClause(std::move(j));
}

FromClause FromClause::outerjoin(const FromClause& right, std::optional<ColumnElement> onclause,
                                 bool full) const {
  return join(right, std::move(onclause), true, full);
}

// ---- Table / MetaData -------------------------------------------------------------------------

namespace {

std::shared_ptr<TableData> build_table(std::string name, MetaData& metadata,
                                       std::vector<SchemaItem> items, TableOptions options) {
  auto t = std::make_shared<TableData>();
  t->name = std::move(name);
  t->schema = std::move(options.schema);
  t->implicit_returning = options.implicit_returning;
  t->metadata = metadata.data().get();
  std::vector<std::pair<char, std::size_t>> implied;  // from columns, after the explicit ones
  for (auto& item : items) {
    if (auto* c = std::get_if<Column>(&item)) {
      auto def = c->definition();
      if (!def) throw exc::ArgumentError("Column object is already attached to a Table");
      def = std::make_shared<ColumnData>(*def);  // a Column literal may be reused across tables
      def->table = t.get();
      if (def->options.primary_key) t->primary_key.push_back(def->name);
      for (const auto& fk : def->foreign_keys) {
        implied.emplace_back('F', t->foreign_keys.size());
        t->foreign_keys.push_back({{def->name}, {fk.target}, {}, fk.ondelete, fk.onupdate});
      }
      if (def->options.index) {
        t->indexes.emplace_back(fmt::format("ix_{}_{}", t->name, def->name),
                                std::vector<std::string>{def->name}, def->options.unique);
      } else if (def->options.unique) {
        implied.emplace_back('U', t->uniques.size());
        t->uniques.push_back({{def->name}, {}});
      }
      t->columns.push_back(std::move(def));
    } else if (auto* pk = std::get_if<PrimaryKeyConstraint>(&item)) {
      t->primary_key = pk->columns;
    } else if (auto* u = std::get_if<UniqueConstraint>(&item)) {
      t->constraint_order.emplace_back('U', t->uniques.size());
      t->uniques.push_back(*u);
    } else if (auto* ck = std::get_if<CheckConstraint>(&item)) {
      t->constraint_order.emplace_back('C', t->checks.size());
      t->checks.push_back(*ck);
    } else if (auto* fkc = std::get_if<ForeignKeyConstraint>(&item)) {
      t->constraint_order.emplace_back('F', t->foreign_keys.size());
      t->foreign_keys.push_back(*fkc);
    } else if (auto* ix = std::get_if<Index>(&item)) {
      t->indexes.push_back(*ix);
    }
  }
  t->constraint_order.insert(t->constraint_order.end(), implied.begin(), implied.end());
  for (const auto& pkname : t->primary_key) {
    for (auto& c : t->columns) {
      if (c->name == pkname) c->options.primary_key = true;
    }
  }
  auto& tables = metadata.data()->tables;
  for (auto& existing : tables) {
    if (existing->fullname() == t->fullname()) {
      throw exc::InvalidRequestError(
          fmt::format("Table '{}' is already defined for this MetaData instance.", t->fullname()));
    }
  }
  // Not owning: the nodes live inside the table (see TableData::column_nodes).
  const std::shared_ptr<const FromData> self(std::shared_ptr<const FromData>(), t.get());
  t->column_nodes.reserve(t->columns.size());
  for (const auto& c : t->columns) {
    Node n{.kind = NodeKind::column, .name = c->name, .type = c->type};
    n.from = self;
    n.column = c.get();
    t->column_nodes.push_back(std::move(n));
  }
  t->column_refs.reserve(t->column_nodes.size());
  for (const Node& n : t->column_nodes) t->column_refs.push_back(NodePtr(NodePtr(), &n));
  tables.push_back(t);
  return t;
}

}  // namespace

Table::Table(std::string name, MetaData& metadata, std::vector<SchemaItem> items,
             TableOptions options)
    : FromClause(build_table(std::move(name), metadata, std::move(items), std::move(options))) {}

Table::Table(std::shared_ptr<const TableData> data) : FromClause(std::move(data)) {}

std::vector<Column> Table::primary_key() const {
  std::vector<Column> out;
  for (const auto& name : data().primary_key) out.emplace_back(data_, data().find(name));
  return out;
}

Select Table::select() const {
  return sql::select(*this);
}
Insert Table::insert() const {
  return Insert(*this);
}
Update Table::update() const {
  return Update(*this);
}
Delete Table::delete_() const {
  return Delete(*this);
}

MetaData::MetaData() : data_(std::make_shared<MetaDataData>()) {}

std::optional<Table> MetaData::table(std::string_view fullname) const {
  for (const auto& t : data_->tables) {
    if (t->fullname() == fullname) return Table(t);
  }
  return std::nullopt;
}

std::vector<Table> MetaData::sorted_tables() const {
  // Depth-first over foreign keys: a referenced table comes before the tables referring to it;
  // otherwise definition order (SQLAlchemy's sort_tables).
  std::vector<Table> out;
  std::vector<const TableData*> visiting;
  std::function<void(const std::shared_ptr<TableData>&)> visit =
      [&](const std::shared_ptr<TableData>& t) {
        for (const auto& done : out) {
          if (&done.data() == t.get()) return;
        }
        if (std::find(visiting.begin(), visiting.end(), t.get()) != visiting.end()) return;
        visiting.push_back(t.get());
        for (const auto& fk : t->foreign_keys) {
          for (const auto& ref : fk.refcolumns) {
            std::string colname;
            const TableData* target = resolve_table(*t, ref, colname);
            for (const auto& cand : data_->tables) {
              if (cand.get() == target && cand != t) visit(cand);
            }
          }
        }
        visiting.pop_back();
        out.emplace_back(t);
      };
  for (const auto& t : data_->tables) visit(t);
  return out;
}

}  // namespace athanor::sql
