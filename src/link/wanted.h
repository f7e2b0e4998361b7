/*
 * wanted.h - which names a file must mention to matter to the link stage.
 *
 * The prefilter (engine/prefilter.h) skips files that no rule can match on
 * their own. Such a file can still complete a cross-file finding: it may
 * call, in a loop or a handler, a function that another file defines and
 * whose body has a deferred finding (summary.h). This module lists what
 * such a caller must spell: the names of functions with deferred findings,
 * the names of functions that call those (transitively, as the link stage
 * follows chains), and for JavaScript and TypeScript the module's file stem
 * (a default or CommonJS export can be bound to any local name, but the
 * importer still writes the path). The run parses the skipped files that
 * mention one of these as whole words, then asks again, until nothing new.
 */
#ifndef SCL_LINK_WANTED_H
#define SCL_LINK_WANTED_H

#include <stddef.h>

#include "link/summary.h"
#include "util/arena.h"

/*
 * The wanted names for the summaries sums (count, borrowed), as a heap array
 * of unique strings (*out, free() the array only; the strings are borrowed
 * from the summaries or copied into arena). Returns the number of names.
 */
size_t scl_link_wanted(const char ***out, scl_arena *arena, const scl_file_summary *const *sums,
                       size_t count);

#endif
