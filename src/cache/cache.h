/*
 * cache.h - the incremental cache: one entry per scanned file, holding what
 * scanning it produced (findings, notices, its scl_file_summary for the link
 * stage), so that a re-scan of an unchanged file skips parsing and matching.
 *
 * An entry's key hashes the file's path, language and bytes together with
 * the run key: the scalint version, the executable's own bytes, every
 * loaded rule (id, slug, level, languages, and the text of its rule file,
 * embedded or not), the configuration file's text and the options that
 * change a file's results. Any change there misses every entry.
 *
 * Layout: DIR/<2 hex>/<30 hex>, one file per entry, written to a temporary
 * file in the same directory and renamed into place, so concurrent runs
 * (threads or processes) never see half an entry. An entry that does not
 * decode (truncated, another format version, a key or checksum mismatch)
 * is a miss and is rewritten. DIR also gets a CACHEDIR.TAG and a .gitignore
 * holding "*". Eviction: see scl_cache_gc. The user guide is docs/ci-scale.md.
 *
 * Thread-safe: lookups and stores from several workers at once are fine.
 * Never prints; a cache that cannot be written just stops being used.
 */
#ifndef SCL_CACHE_CACHE_H
#define SCL_CACHE_CACHE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "engine/engine.h"
#include "link/summary.h"
#include "scalint/status.h"
#include "syntax/lang.h"
#include "util/arena.h"

/* Entries larger than this are not written (a pathological file's results
 * are cheaper to recompute than to store); nothing is lost but the hit. */
#define SCL_CACHE_MAX_ENTRY_BYTES ((size_t)64 * 1024 * 1024)

/* Default size cap of a cache directory, enforced by scl_cache_gc. */
#define SCL_CACHE_DEFAULT_MAX_BYTES ((uint64_t)512 * 1024 * 1024)

/* Entries not used for this long are removed by scl_cache_gc. */
#define SCL_CACHE_MAX_AGE_SECONDS (30L * 24 * 3600)

typedef struct scl_cache scl_cache;

/* scl_cache_key - 128 bits identifying an entry (or a run's settings). */
typedef struct scl_cache_key {
  uint8_t bytes[16];
} scl_cache_key;

/*
 * scl_cache_entry - the per-file facts an entry restores besides findings
 * and notices.
 *   is_counted    the file was parsed (counts in files_scanned)
 *   is_scanned    the engine ran to the end (the suppress stage reads the
 *                 file's comments)
 *   has_summary   summary holds something for the link stage
 */
typedef struct scl_cache_entry {
  bool is_counted;
  bool is_scanned;
  bool has_summary;
  scl_file_summary summary;
} scl_cache_entry;

/*
 * The run key: rs's kept rules (with their rule files' text; the embedded
 * rule texts when has_builtin), the config file at config_path (NULL: none),
 * max_file_bytes, the version and, with has_executable, the bytes of the
 * running executable (/proc/self/exe; a rebuilt scalint may match
 * differently). Shards use it without the executable, to check that they
 * were scanned with the same rules and config.
 */
void scl_cache_run_key(scl_cache_key *out, const scl_ruleset *rs, bool has_builtin,
                       const char *config_path, size_t max_file_bytes, bool has_executable);

/*
 * Opens (creating it and its parents when missing) the cache directory dir.
 * On SCL_OK the caller frees *out with scl_cache_free. SCL_EIO with the
 * reason in diag when dir cannot be created or written.
 */
scl_status scl_cache_open(scl_cache **out, const char *dir, const scl_cache_key *run_key,
                          scl_diag *diag);

/* Frees c (NULL-safe). Does not remove anything. */
void scl_cache_free(scl_cache *c);

/* The key of one file's entry: path, lang and its bytes under c's run key. */
void scl_cache_key_file(scl_cache_key *out, const scl_cache *c, const char *path, scl_lang lang,
                        const char *data, size_t len);

/*
 * Looks key up. On a hit returns true, appends the entry's findings and
 * notices to findings and notices, and fills *entry; every string and array
 * lives in arena (borrowed; must outlive them). On a miss (or a corrupt
 * entry) returns false and changes nothing.
 */
bool scl_cache_get(scl_cache_entry *entry, scl_finding_vec *findings, scl_notice_vec *notices,
                   scl_cache *c, const scl_cache_key *key, scl_arena *arena);

/*
 * Stores one file's results under key (all borrowed). Failures are silent
 * by design (the next run recomputes) but counted in scl_cache_stats.
 */
void scl_cache_put(scl_cache *c, const scl_cache_key *key, const scl_finding *findings,
                   size_t finding_count, const scl_notice *notices, size_t notice_count,
                   const scl_cache_entry *entry);

/* Hits, misses and failed writes so far. */
void scl_cache_stats(const scl_cache *c, size_t *hits, size_t *misses, size_t *write_errors);

/*
 * Eviction: removes entries not used (hits refresh an entry's mtime, at most
 * once a day) for SCL_CACHE_MAX_AGE_SECONDS, then, when the directory still
 * holds more than max_bytes, the least recently used entries until it holds
 * at most three quarters of it. Stale temporary files go too. Unless
 * is_forced, runs at most once a day per directory (DIR/.last-gc records
 * when). Returns the number of entries removed.
 */
size_t scl_cache_gc(scl_cache *c, uint64_t max_bytes, bool is_forced);

#endif
