/*
 * link.h - pass 2 of a scan: "through a call" findings across files.
 *
 * Pass 1 (the engine, once per file) leaves a scl_file_summary per file:
 * deferred findings (a match whose through-calls fact did not hold within
 * its file), call sites, named functions and import bindings. scl_link joins
 * them: for each deferred finding it searches the callers of the function
 * that contains it, across files, for a call where the fact holds, and
 * reports the finding with the outer loop (or handler) and each call site as
 * related locations. Name resolution is described in link.c.
 */
#ifndef SCL_LINK_LINK_H
#define SCL_LINK_LINK_H

#include <stddef.h>

#include "link/summary.h"
#include "scalint/finding.h"
#include "scalint/status.h"
#include "util/arena.h"

/*
 * scl_link_result - what the link stage adds to a scan.
 *   findings   deferred findings that hold through a call in another file,
 *              with related locations; heap array, freed by
 *              scl_link_result_dispose (the strings they point to belong to
 *              the summaries' arenas and to the arena given to scl_link)
 *   notices    limits hit (a call chain deeper than SCL_MAX_CALL_DEPTH),
 *              heap array as above
 */
typedef struct scl_link_result {
  scl_finding *findings;
  size_t finding_count;
  scl_notice *notices;
  size_t notice_count;
} scl_link_result;

/*
 * Joins sums (count summaries, borrowed, in any order: the output does not
 * depend on it) into out, which the caller zeroes first and disposes with
 * scl_link_result_dispose. New strings and related-location arrays go into
 * arena, which must live as long as the findings. Deterministic: the
 * shortest chain wins, ties go to the call site first in (path, position)
 * order. Returns SCL_OK (the stage has no failure of its own; the status is
 * there so that it can grow one).
 */
scl_status scl_link(scl_link_result *out, scl_arena *arena, const scl_file_summary *const *sums,
                    size_t count, scl_diag *diag);

/* Frees out's arrays (NULL-safe) and zeroes it. */
void scl_link_result_dispose(scl_link_result *out);

#endif
