/*
 * serial.h - a compact, versioned binary encoding of one file's scan
 * results (findings, notices, the link stage's scl_file_summary) and of rule
 * metadata, shared by the incremental cache (cache.c) and the shard files of
 * `--shard` / `scalint merge` (run/shard.c).
 *
 * Integers are little-endian fixed width; a string is a u32 length and its
 * bytes (0xffffffff = NULL). The reader checks every length against the
 * bytes left, so a truncated or corrupt buffer fails cleanly (is_bad) and
 * never reads out of bounds. It knows nothing about files or directories.
 */
#ifndef SCL_CACHE_SERIAL_H
#define SCL_CACHE_SERIAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "link/summary.h"
#include "scalint/finding.h"
#include "util/arena.h"

/* scl_wbuf - a growable output buffer (heap, freed with scl_wbuf_dispose). */
typedef struct scl_wbuf {
  uint8_t *data;
  size_t len, cap;
} scl_wbuf;

/*
 * scl_rbuf - a bounds-checked reader over borrowed bytes.
 *   arena    where decoded strings and arrays go (borrowed; must outlive them)
 *   is_bad   set on the first short read or impossible value; every later
 *            read returns zero values
 */
typedef struct scl_rbuf {
  const uint8_t *p, *end;
  scl_arena *arena;
  bool is_bad;
} scl_rbuf;

void scl_wbuf_dispose(scl_wbuf *w);
void scl_ser_bytes(scl_wbuf *w, const void *data, size_t len);
void scl_ser_u32(scl_wbuf *w, uint32_t v);
void scl_ser_u64(scl_wbuf *w, uint64_t v);
void scl_ser_str(scl_wbuf *w, const char *s);
void scl_ser_finding(scl_wbuf *w, const scl_finding *f);
void scl_ser_notice(scl_wbuf *w, const scl_notice *n);
void scl_ser_summary(scl_wbuf *w, const scl_file_summary *s);
void scl_ser_rule_info(scl_wbuf *w, const scl_rule_info *r);

void scl_rbuf_init(scl_rbuf *r, const void *data, size_t len, scl_arena *arena);
bool scl_de_bytes(scl_rbuf *r, void *out, size_t len);
uint32_t scl_de_u32(scl_rbuf *r);
uint64_t scl_de_u64(scl_rbuf *r);
const char *scl_de_str(scl_rbuf *r);
/* A count of items of at least min_item_bytes each: bad when the rest of
 * the buffer could not hold that many (no huge allocation from junk). */
uint32_t scl_de_count(scl_rbuf *r, size_t min_item_bytes);
void scl_de_finding(scl_rbuf *r, scl_finding *out);
void scl_de_notice(scl_rbuf *r, scl_notice *out);
void scl_de_summary(scl_rbuf *r, scl_file_summary *out);
void scl_de_rule_info(scl_rbuf *r, scl_rule_info *out);

/*
 * scl_hash128 - a fast non-cryptographic 128-bit hash (two 64-bit lanes,
 * word at a time). Streaming by chunks: the result depends on the chunk
 * boundaries, so callers always feed the same sequence of fields.
 */
typedef struct scl_hash128 {
  uint64_t a, b;
} scl_hash128;

void scl_hash128_init(scl_hash128 *h);
void scl_hash128_update(scl_hash128 *h, const void *data, size_t len);
void scl_hash128_str(scl_hash128 *h, const char *s);   /* NULL-safe */
void scl_hash128_final(uint8_t out[16], const scl_hash128 *h);
uint64_t scl_hash64(const void *data, size_t len);

#endif
