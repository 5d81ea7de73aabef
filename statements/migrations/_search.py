"""The SQL that fills statements' search vectors on PostgreSQL.

Kept beside the migrations that use it; it must match
statements.models.search_vector().
"""

FILL = """
UPDATE statements_statement SET search_vector =
    setweight(to_tsvector('english', coalesce(title, '')), 'A')
 || setweight(to_tsvector('english', coalesce(summary, '')), 'B')
 || setweight(to_tsvector('english', coalesce(body_text, '')), 'C')
"""
