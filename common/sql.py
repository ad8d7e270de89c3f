"""SQL shapes the ORM does not write by itself."""

from __future__ import annotations

from django.db.models import F, Lookup, QuerySet


class AnyOf(Lookup):
    """``column = ANY(ARRAY(<subquery>))`` on PostgreSQL, ``column IN (<subquery>)`` elsewhere.

    PostgreSQL runs such a subquery once (an InitPlan) and gives its ids to the column's index
    as one array, so two of them ORed (``organised in the subtree OR assigned to it``) are a
    ``BitmapOr`` of two index scans. ``IN (<subquery>)`` inside an OR becomes a hashed SubPlan
    tested on every row of a full scan; an OR over two joined tables' columns cannot use an
    index at all. Use it as a filter expression: ``qs.filter(AnyOf("session_id", sessions.values("pk")))``.
    """

    lookup_name = "any_of"
    prepare_rhs = False

    def __init__(self, lhs, rhs: QuerySet):
        if isinstance(lhs, str):
            lhs = F(lhs)
        rhs = rhs.order_by()  # ordering means nothing inside IN / ARRAY
        super().__init__(lhs, rhs)

    def as_sql(self, compiler, connection):
        lhs_sql, lhs_params = compiler.compile(self.lhs)
        rhs_sql, rhs_params = compiler.compile(self.rhs)
        if not rhs_sql.startswith("("):
            rhs_sql = f"({rhs_sql})"
        if connection.vendor == "postgresql":
            return f"{lhs_sql} = ANY(ARRAY{rhs_sql})", (*lhs_params, *rhs_params)
        return f"{lhs_sql} IN {rhs_sql}", (*lhs_params, *rhs_params)
