/*
 * frontend.h - turn source bytes into an scl_tree.
 *
 * One front-end per parser: tree-sitter (Python, JavaScript, TypeScript, TSX)
 * and libclang (C). They all fill the same scl_tree (syntax/tree.h); no
 * parser type leaves src/frontend/.
 *
 * Node kinds and field names:
 *  - tree-sitter languages use the grammar's own names (node-types.json):
 *    `call`, `attribute`, `call_expression`, `member_expression`, ... and the
 *    grammar's field names (`function`, `object`, `arguments`, ...).
 *    Anonymous tokens ("async", "(") are in the tree with is_named = 0.
 *  - C uses libclang cursor kinds with spaces removed and each word
 *    capitalised (`CallExpr`, `ForStmt`, `FunctionDecl`, `DeclRefExpr`,
 *    `MacroExpansion`, ...). Cursors whose (expansion) location is in the main
 *    file are kept, placed at the macro call when they come from a macro; a
 *    statement whose extent is exactly a macro call (FD_ZERO's loop, a
 *    do {} while (0)) is replaced by its children so macro bodies never look
 *    like loops the user wrote. MacroExpansion, MacroDefinition and
 *    InclusionDirective nodes sit in the innermost node containing them.
 *    `UnexposedExpr` wrappers with a single child (implicit casts) are
 *    spliced out. Fields: CallExpr children are `callee` (the first) and
 *    `argument`; FunctionDecl body is `body`; ForStmt/WhileStmt body is
 *    `body` (the last child), DoStmt's the first; IfStmt `condition` first; VarDecl initialiser
 *    `value`; BinaryOperator children `left`/`right`. FunctionDecl, VarDecl,
 *    ParmDecl and FieldDecl get a `DeclName` child (not a libclang kind)
 *    under the field `name`, spanning the declared name when it is spelled
 *    in the file. An IntegerLiteral that a macro expands to (text
 *    "BACKLOG") has its value in the tree's values side table (tree.h).
 *    Tokens are not nodes.
 */
#ifndef SCL_FRONTEND_FRONTEND_H
#define SCL_FRONTEND_FRONTEND_H

#include <stddef.h>

#include "scalint/scalint.h"
#include "scalint/status.h"
#include "syntax/lang.h"
#include "syntax/tree.h"
#include "util/arena.h"

/*
 * Builds every language's kinds table and checks grammar ABI versions against
 * the tree-sitter runtime. Call once at start-up, before any other function
 * here and before rules are compiled. SCL_EINTERNAL with a clear message if a
 * grammar's ABI is not one the runtime accepts. Idempotent.
 */
scl_status scl_frontends_init(scl_diag *diag);
/* Frees the tables. */
void scl_frontends_shutdown(void);

/* The complete kinds table of lang (static lifetime after init). */
const scl_kinds *scl_frontend_kinds(scl_lang lang);

/* scl_frontend - per-worker parser state (a TSParser, a CXIndex). */
typedef struct scl_frontend scl_frontend;

scl_status scl_frontend_new(scl_frontend **out, scl_diag *diag);
void scl_frontend_free(scl_frontend *fe);

/* How fe parses C files from now on (SCL_C_MODE_AUTO until set). */
void scl_frontend_set_c_mode(scl_frontend *fe, scl_c_mode mode);

/*
 * Parses src (len bytes, borrowed; must outlive the tree) as lang into out,
 * allocating nodes in arena. path is used for messages and, for C, to find
 * compile_commands.json above the file and to name the in-memory file.
 * A file with syntax errors still yields a tree (out->has_errors set).
 * Returns SCL_EPARSE when no tree could be built, SCL_ELIMIT when the tree
 * would exceed SCL_MAX_TREE_NODES or SCL_MAX_TREE_DEPTH; diag says which.
 */
scl_status scl_frontend_parse(scl_tree *out, scl_frontend *fe, scl_lang lang, const char *path,
                              const char *src, size_t len, scl_arena *arena, scl_diag *diag);

#endif
