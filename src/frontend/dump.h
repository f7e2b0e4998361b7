/*
 * dump.h - a human-readable listing of an scl_tree, for rule authors
 * (`scalint dump FILE`) and for debugging front-ends.
 */
#ifndef SCL_FRONTEND_DUMP_H
#define SCL_FRONTEND_DUMP_H

#include <stdio.h>

#include "syntax/tree.h"

/*
 * Writes one line per named node of t to out (borrowed, not closed),
 * indented two spaces per named ancestor:
 *
 *   kind [field:] line:col-line:col "short text"
 *
 * Lines and columns are 1-based, columns in code points (as in findings).
 * The text is the node's first 40 bytes with control characters, quotes and
 * backslashes escaped, "..." when cut. ERROR/MISSING nodes end in " !error".
 * The tree is only read.
 */
void scl_tree_dump(FILE *out, const scl_tree *t);

#endif
