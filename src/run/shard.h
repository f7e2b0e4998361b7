/*
 * shard.h - the share of files a `--shard K/N` scan takes, and the shard
 * file it writes for `scalint merge`: the rules that ran, the findings and
 * notices of pass 1 (before the link and suppress stages), every per-file
 * summary (so the link stage can run over all shards at merge time) and the
 * paths whose comments the suppress stage reads.
 *
 * The file is binary (cache/serial.h's encoding): magic "SCLS", a format
 * version, scalint's version, K and N, the run key (rules + config) and
 * the sections above. Reading checks every length; a file from another
 * format or scalint version is refused with a message saying so.
 */
#ifndef SCL_RUN_SHARD_H
#define SCL_RUN_SHARD_H

#include <stdbool.h>
#include <stddef.h>

#include "cache/cache.h"
#include "link/summary.h"
#include "scalint/finding.h"
#include "scalint/status.h"
#include "util/arena.h"

/*
 * scl_shard_data - one shard's content. Arrays are borrowed when writing;
 * when read, they are malloc'ed (the caller frees findings, notices,
 * summaries, scanned and rules with free()) and every string lives in the
 * arena given to scl_shard_read.
 */
typedef struct scl_shard_data {
  unsigned index, count;        /* K (1-based) and N */
  scl_cache_key run_key;        /* rules and config: shards must agree */
  scl_rule_info *rules;
  size_t rule_count;
  scl_finding *findings;
  size_t finding_count;
  scl_notice *notices;
  size_t notice_count;
  scl_file_summary *summaries;
  size_t summary_count;
  const char **scanned;
  size_t scanned_count;
  size_t files_scanned, bytes_scanned;
} scl_shard_data;

/* True when the file at path (as reported) belongs to shard index of count:
 * a hash of the path, so it depends on nothing but the path. */
bool scl_shard_selects(const char *path, unsigned index, unsigned count);

/* Writes d to path atomically (temporary file + rename). SCL_EIO. */
scl_status scl_shard_write(const char *path, const scl_shard_data *d, scl_diag *diag);

/*
 * Reads a shard file into *out (zeroed first; see scl_shard_data for
 * ownership). SCL_EIO when it cannot be read, SCL_EINVAL when it is not a
 * shard file, is damaged or comes from another scalint version.
 */
scl_status scl_shard_read(scl_shard_data *out, scl_arena *arena, const char *path,
                          scl_diag *diag);

/* Frees the arrays of a read shard (not the strings: they are the arena's). */
void scl_shard_data_dispose(scl_shard_data *d);

#endif
