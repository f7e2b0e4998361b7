/*
 * relit.h - what text a rule needs: literal conditions ("the file contains
 * `find_one` or `to_list`") derived from PCRE2 patterns, as small boolean
 * formulas over the literals of a scl_litset. The prefilter (prefilter.h)
 * builds one formula per rule and language from these.
 *
 * Soundness is the whole point: a formula may be weaker than the regex (TRUE
 * when in doubt) but never stronger. Anything the analyser does not fully
 * understand (back-references, \Q..\E, (?x), classes it cannot list, ...)
 * makes the formula TRUE.
 */
#ifndef SCL_ENGINE_RELIT_H
#define SCL_ENGINE_RELIT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "util/arena.h"
#include "util/litset.h"

/* Shortest literal worth requiring: shorter ones ("db", "c") are in
 * almost every file, so a condition on them only costs time. */
#define SCL_RELIT_MIN_LEN 3
/* ... except a whole word of this many word characters (`\bdb\b`, `\brq\b`) */
#define SCL_RELIT_MIN_WORD 2

typedef enum scl_pf_kind { SCL_PF_TRUE, SCL_PF_LIT, SCL_PF_AND, SCL_PF_OR } scl_pf_kind;

/* scl_pf - a formula node; LIT holds a literal id, AND/OR their kids. */
typedef struct scl_pf {
  scl_pf_kind kind;
  uint32_t lit;
  uint32_t kid_count;
  struct scl_pf **kids;
} scl_pf;

/* Constructors (arena-allocated; AND/OR simplify: TRUE kids, one kid). */
scl_pf *scl_pf_true(scl_arena *a);
scl_pf *scl_pf_lit(scl_arena *a, uint32_t lit);
scl_pf *scl_pf_and(scl_arena *a, scl_pf *const *kids, size_t n);
scl_pf *scl_pf_or(scl_arena *a, scl_pf *const *kids, size_t n);

/* Evaluates f against hit[] (1 = the literal occurs). */
bool scl_pf_eval(const scl_pf *f, const uint8_t *hit);

/* Appends a readable form of f to out ("(a | b) & c", "TRUE"). */
struct scl_buf;
void scl_pf_describe(struct scl_buf *out, const scl_pf *f, const scl_litset *lits);

/*
 * The condition that a text matched by regex (a search) must meet, given
 * that the text is a node's text: the slice of the file a syntax node spans,
 * whose ends are token boundaries (so `^get$` may require `get` as a whole
 * word). Literals are added to lits.
 *
 * words_only: the text is the file's text with whitespace removed between
 * tokens (an import's module name, `a . b` read as `a.b`), so only runs of
 * word characters are known to be in the file: each literal is cut to its
 * longest such run ("django." -> "django").
 */
scl_pf *scl_relit_formula(scl_arena *a, scl_litset *lits, const char *regex, bool words_only);

#endif
