/*
 * schema.h - the built-in check behind SCL006 (fk-without-index): which
 * foreign-key columns of a SQL schema no index covers, across every scanned
 * .sql file (migrations usually create the table in one file and its indexes
 * in another, so no single file can decide).
 *
 * Pass 1 (per file, from the SQL tree): scl_schema_collect() records the
 * foreign-key columns and the leading column of every index, primary key and
 * unique constraint. Pass 2 (per run): scl_schema_uncovered() joins them.
 * Names are compared case-insensitively without their schema qualifier
 * (public.users and Users are the same table), as unquoted SQL names are.
 */
#ifndef SCL_ENGINE_SCHEMA_H
#define SCL_ENGINE_SCHEMA_H

#include <stdbool.h>
#include <stddef.h>

#include "scalint/finding.h"
#include "syntax/tree.h"
#include "util/arena.h"

/*
 * scl_schema_fk - one foreign-key column (the first column of a composite
 * key: an index covers the key when it starts with that column).
 *   table, column   normalised (lower case, no schema, no quotes)
 *   ref_table       the referenced table as written, or "" for a bare *_id
 *   span, line_text where to report it (the column or constraint)
 */
typedef struct scl_schema_fk {
  const char *table;
  const char *column;
  const char *ref_table;
  const char *path;
  scl_span span;
  const char *line_text;
} scl_schema_fk;

/* scl_schema_cover - an index, primary key or unique constraint's first column. */
typedef struct scl_schema_cover {
  const char *table;
  const char *column;
} scl_schema_cover;

typedef struct scl_schema_facts {
  scl_schema_fk *fks;
  size_t fk_count, fk_cap;
  scl_schema_cover *covers;
  size_t cover_count, cover_cap;
} scl_schema_facts;

/*
 * Appends the facts of one SQL tree to out. Strings are copied into arena
 * (which must outlive out); the vectors are heap memory freed with
 * scl_schema_facts_dispose(). path is the reported path (borrowed; copied).
 */
void scl_schema_collect(scl_schema_facts *out, const scl_tree *tree, const char *path,
                        scl_arena *arena);

/* Moves src's entries to the end of dst and empties src. */
void scl_schema_facts_merge(scl_schema_facts *dst, scl_schema_facts *src);

void scl_schema_facts_dispose(scl_schema_facts *facts);

/*
 * Calls fn for every foreign key of facts that no cover in facts starts
 * with, in (path, line, column) order. O((fks + covers) log covers).
 */
typedef void (*scl_schema_fk_fn)(const scl_schema_fk *fk, void *payload);
void scl_schema_uncovered(const scl_schema_facts *facts, scl_schema_fk_fn fn, void *payload);

#endif
