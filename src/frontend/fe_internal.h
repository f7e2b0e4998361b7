/*
 * fe_internal.h - what the front-end files share inside src/frontend/.
 *
 * frontend.c owns the public entry points and dispatches by language to the
 * tree-sitter back-end (ts_frontend.c) or the libclang one (clang_c.c). Parser
 * handles cross this header as opaque pointers so that each .c includes only
 * the parser API it uses. Nothing here may be included outside src/frontend/.
 */
#ifndef SCL_FRONTEND_FE_INTERNAL_H
#define SCL_FRONTEND_FE_INTERNAL_H

#include <stddef.h>

#include "scalint/status.h"
#include "syntax/lang.h"
#include "syntax/tree.h"
#include "util/arena.h"

/* ---- tree-sitter (ts_frontend.c) ---- */

/* Builds the kinds tables and symbol/field maps of the four grammars. */
scl_status scl_frontend__ts_init(scl_diag *diag);
void scl_frontend__ts_shutdown(void);
/* NULL when lang is not a tree-sitter language or init has not run. */
const scl_kinds *scl_frontend__ts_kinds(scl_lang lang);
/* A new TSParser (caller frees with scl_frontend__ts_parser_free). */
void *scl_frontend__ts_parser_new(void);
void scl_frontend__ts_parser_free(void *parser);
scl_status scl_frontend__ts_parse(scl_tree *out, void *parser, scl_lang lang, const char *path,
                                  const char *src, size_t len, scl_arena *arena,
                                  scl_diag *diag);

/* ---- libclang (clang_c.c) ---- */

scl_status scl_frontend__c_init(scl_diag *diag);
void scl_frontend__c_shutdown(void);
const scl_kinds *scl_frontend__c_kinds(void);
/* A new CXIndex and its parse mode, SCL_C_MODE_AUTO at first (caller frees
 * with scl_frontend__c_index_free). */
void *scl_frontend__c_index_new(void);
void scl_frontend__c_index_free(void *index);
/* Sets how the index parses files: an scl_c_mode value. */
void scl_frontend__c_index_set_mode(void *index, int mode);
scl_status scl_frontend__c_parse(scl_tree *out, void *index, const char *path, const char *src,
                                 size_t len, scl_arena *arena, scl_diag *diag);

/* ---- SQL (sql.c) ---- */

scl_status scl_frontend__sql_init(scl_diag *diag);
void scl_frontend__sql_shutdown(void);
const scl_kinds *scl_frontend__sql_kinds(void);
scl_status scl_frontend__sql_parse(scl_tree *out, const char *path, const char *src, size_t len,
                                   scl_arena *arena, scl_diag *diag);

#endif
