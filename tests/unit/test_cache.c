/*
 * test_cache.c - unit tests for the incremental cache (src/cache/) and the
 * shard share (src/run/shard.c): the encoding round trip of findings,
 * notices and file summaries, damaged entries as misses, keys, eviction,
 * and scl_run's hits and misses on examples/.
 */
#define _XOPEN_SOURCE 700 /* nftw() for removing the temporary trees */

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <fcntl.h>
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "cache/cache.h"
#include "run/shard.h"
#include "scalint/scalint.h"

static int rm_entry(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
  (void)st, (void)flag, (void)ftw;
  return remove(path);
}

static char *make_tmpdir(void)
{
  char tmpl[] = "/tmp/scl-cache-test-XXXXXX";
  char *d = mkdtemp(tmpl);
  assert_non_null(d);
  return strdup(d);
}

static void rm_tree(char *dir)
{
  nftw(dir, rm_entry, 16, FTW_DEPTH | FTW_PHYS);
  free(dir);
}

static scl_cache *open_cache(const char *dir)
{
  scl_cache_key run = {{1, 2, 3}};
  scl_cache *c = NULL;
  assert_int_equal(scl_cache_open(&c, dir, &run, NULL), SCL_OK);
  return c;
}

/* The entry file of key, as cache.c lays it out. */
static void entry_file(char *out, size_t cap, const char *dir, const scl_cache_key *k)
{
  char hex[33];
  for (int i = 0; i < 16; i++)
    snprintf(hex + 2 * i, 3, "%02x", k->bytes[i]);
  snprintf(out, cap, "%s/%.2s/%s", dir, hex, hex + 2);
}

static const scl_span span1 = {3, 5, 3, 20, 40, 55};

static void put_sample(scl_cache *c, const scl_cache_key *key)
{
  static const scl_location via[] = {{"a.py", {1, 1, 2, 1, 0, 10}, "the loop"}};
  static const scl_sum_fn fns[] = {{"f", false}, {"g", true}};
  scl_sum_call call;
  memset(&call, 0, sizeof(call));
  call.name = "g";
  call.qual = NULL;
  call.caller = 0;
  call.span = span1;
  call.holds = 1u << SCL_SUM_IN_LOOP;
  call.via[SCL_SUM_IN_LOOP] = via;
  call.via_count[SCL_SUM_IN_LOOP] = 1;
  scl_sum_deferred def;
  memset(&def, 0, sizeof(def));
  def.finding.rule_id = "SCL010";
  def.finding.slug = "job-scan-in-loop";
  def.finding.path = "a.py";
  def.finding.message = "deferred";
  def.need = 1;
  def.fn = 1;
  static const char *const keys[] = {"users.id"};

  scl_finding f;
  memset(&f, 0, sizeof(f));
  f.rule_id = "SCL001";
  f.slug = "hard-result-cap";
  f.level = SCL_LEVEL_ERROR;
  f.path = "a.py";
  f.span = span1;
  f.message = "capped";
  f.line_text = "x = find().to_list(1000)";
  f.related = via;
  f.related_count = 1;
  scl_notice n = {"a.py", SCL_LEVEL_NOTE, "syntax-error", "broken"};

  scl_cache_entry e;
  memset(&e, 0, sizeof(e));
  e.is_counted = e.is_scanned = e.has_summary = true;
  e.summary.path = "a.py";
  e.summary.lang = SCL_LANG_PY;
  e.summary.fns = fns;
  e.summary.fn_count = 2;
  e.summary.calls = &call;
  e.summary.call_count = 1;
  e.summary.deferred = &def;
  e.summary.deferred_count = 1;
  e.summary.cancel_keys = keys;
  e.summary.cancel_key_count = 1;
  scl_cache_put(c, key, &f, 1, &n, 1, &e);
}

static void test_cache__roundtrip(void **state)
{
  (void)state;
  char *dir = make_tmpdir();
  scl_cache *c = open_cache(dir);
  scl_cache_key key;
  scl_cache_key_file(&key, c, "a.py", SCL_LANG_PY, "x = 1\n", 6);
  put_sample(c, &key);

  scl_arena arena;
  scl_arena_init(&arena);
  scl_finding_vec fv = {0};
  scl_notice_vec nv = {0};
  scl_cache_entry e;
  assert_true(scl_cache_get(&e, &fv, &nv, c, &key, &arena));
  assert_int_equal(fv.count, 1);
  assert_string_equal(fv.items[0].rule_id, "SCL001");
  assert_string_equal(fv.items[0].line_text, "x = find().to_list(1000)");
  assert_memory_equal(&fv.items[0].span, &span1, sizeof(span1));
  assert_int_equal(fv.items[0].related_count, 1);
  assert_string_equal(fv.items[0].related[0].message, "the loop");
  assert_null(fv.items[0].fingerprint);
  assert_int_equal(nv.count, 1);
  assert_string_equal(nv.items[0].kind, "syntax-error");
  assert_true(e.is_counted && e.is_scanned && e.has_summary);
  assert_int_equal(e.summary.fn_count, 2);
  assert_true(e.summary.fns[1].is_method);
  assert_int_equal(e.summary.call_count, 1);
  assert_null(e.summary.calls[0].qual);
  assert_int_equal(e.summary.calls[0].via_count[SCL_SUM_IN_LOOP], 1);
  assert_string_equal(e.summary.calls[0].via[SCL_SUM_IN_LOOP][0].path, "a.py");
  assert_int_equal(e.summary.deferred_count, 1);
  assert_string_equal(e.summary.deferred[0].finding.message, "deferred");
  assert_string_equal(e.summary.cancel_keys[0], "users.id");

  /* another key (bytes, path, language) misses */
  scl_cache_key other;
  scl_cache_key_file(&other, c, "a.py", SCL_LANG_PY, "x = 2\n", 6);
  assert_memory_not_equal(other.bytes, key.bytes, 16);
  assert_false(scl_cache_get(&e, &fv, &nv, c, &other, &arena));
  scl_cache_key_file(&other, c, "b.py", SCL_LANG_PY, "x = 1\n", 6);
  assert_false(scl_cache_get(&e, &fv, &nv, c, &other, &arena));
  scl_cache_key_file(&other, c, "a.py", SCL_LANG_JS, "x = 1\n", 6);
  assert_false(scl_cache_get(&e, &fv, &nv, c, &other, &arena));
  assert_int_equal(fv.count, 1);
  size_t hits, misses, errors;
  scl_cache_stats(c, &hits, &misses, &errors);
  assert_int_equal(hits, 1);
  assert_int_equal(misses, 3);
  assert_int_equal(errors, 0);

  free(fv.items);
  free(nv.items);
  scl_arena_dispose(&arena);
  scl_cache_free(c);
  rm_tree(dir);
}

/* Every byte flipped, and every truncation, is a miss, never a crash. */
static void test_cache__damaged_entries_miss(void **state)
{
  (void)state;
  char *dir = make_tmpdir();
  scl_cache *c = open_cache(dir);
  scl_cache_key key;
  scl_cache_key_file(&key, c, "a.py", SCL_LANG_PY, "y\n", 2);
  put_sample(c, &key);
  char path[4096];
  entry_file(path, sizeof(path), dir, &key);
  FILE *f = fopen(path, "rb");
  assert_non_null(f);
  unsigned char good[8192];
  size_t len = fread(good, 1, sizeof(good), f);
  fclose(f);
  assert_true(len > 40 && len < sizeof(good));

  scl_arena arena;
  scl_arena_init(&arena);
  for (size_t cut = 0; cut <= len; cut += 7) {
    for (int flip = 0; flip < 2; flip++) {
      unsigned char bad[8192];
      memcpy(bad, good, len);
      size_t n = flip ? len : cut;
      if (flip && cut < len)
        bad[cut] ^= 0x5a;
      else if (flip)
        continue;
      f = fopen(path, "wb");
      fwrite(bad, 1, n, f);
      fclose(f);
      scl_finding_vec fv = {0};
      scl_notice_vec nv = {0};
      scl_cache_entry e;
      bool hit = scl_cache_get(&e, &fv, &nv, c, &key, &arena);
      assert_false(hit && n < len);
      assert_false(hit && flip);
      assert_int_equal(fv.count, hit ? 1 : 0);
      free(fv.items);
      free(nv.items);
    }
  }
  /* rewritten, it hits again */
  put_sample(c, &key);
  scl_finding_vec fv = {0};
  scl_notice_vec nv = {0};
  scl_cache_entry e;
  assert_true(scl_cache_get(&e, &fv, &nv, c, &key, &arena));
  free(fv.items);
  free(nv.items);
  scl_arena_dispose(&arena);
  scl_cache_free(c);
  rm_tree(dir);
}

static void test_cache__gc(void **state)
{
  (void)state;
  char *dir = make_tmpdir();
  scl_cache *c = open_cache(dir);
  scl_cache_key keys[10];
  for (int i = 0; i < 10; i++) {
    char text[16];
    snprintf(text, sizeof(text), "v = %d\n", i);
    scl_cache_key_file(&keys[i], c, "a.py", SCL_LANG_PY, text, strlen(text));
    put_sample(c, &keys[i]);
  }
  /* entry 0 was last used 40 days ago: too old */
  char path[4096];
  entry_file(path, sizeof(path), dir, &keys[0]);
  struct timespec ts[2] = {{time(NULL) - 40L * 24 * 3600, 0}, {time(NULL) - 40L * 24 * 3600, 0}};
  assert_int_equal(utimensat(AT_FDCWD, path, ts, 0), 0);
  /* the others were used in order: 1 least recently */
  for (int i = 1; i < 10; i++) {
    entry_file(path, sizeof(path), dir, &keys[i]);
    time_t t = time(NULL) - 100 * (10 - i);
    struct timespec t2[2] = {{t, 0}, {t, 0}};
    assert_int_equal(utimensat(AT_FDCWD, path, t2, 0), 0);
  }
  struct stat st;
  assert_int_equal(stat(path, &st), 0);
  uint64_t one = (uint64_t)st.st_size;
  /* cap at 8 entries: 9 are left after the age rule, so down to 6 */
  assert_int_equal(scl_cache_gc(c, one * 8, true), 1 + 3);
  for (int i = 0; i < 10; i++) {
    entry_file(path, sizeof(path), dir, &keys[i]);
    assert_int_equal(stat(path, &st) == 0, i >= 4);
  }
  /* not forced: ran a moment ago, so nothing happens */
  assert_int_equal(scl_cache_gc(c, 1, false), 0);
  scl_cache_free(c);
  rm_tree(dir);
}

/* scl_run on examples/: a warm run is all hits and gives the same result. */
static void test_cache__run_hits(void **state)
{
  (void)state;
  char *dir = make_tmpdir();
  const char *paths[] = {SCALINT_SOURCE_DIR "/examples"};
  scl_run_opts o;
  scl_run_opts_init(&o);
  o.paths = paths;
  o.path_count = 1;
  o.no_config = true;
  o.cache_dir = dir;
  scl_result *cold = NULL, *warm = NULL, *none = NULL;
  assert_int_equal(scl_run(&cold, &o, NULL, NULL, NULL), SCL_OK);
  assert_int_equal(cold->cache_hits, 0);
  assert_true(cold->cache_misses > 5);
  assert_int_equal(scl_run(&warm, &o, NULL, NULL, NULL), SCL_OK);
  assert_int_equal(warm->cache_hits, cold->cache_misses);
  assert_int_equal(warm->cache_misses, 0);
  o.no_cache = true;
  assert_int_equal(scl_run(&none, &o, NULL, NULL, NULL), SCL_OK);
  assert_int_equal(none->cache_hits + none->cache_misses, 0);
  assert_int_equal(warm->finding_count, none->finding_count);
  assert_int_equal(warm->files_scanned, none->files_scanned);
  assert_int_equal(warm->bytes_scanned, none->bytes_scanned);
  for (size_t i = 0; i < none->finding_count; i++) {
    assert_string_equal(warm->findings[i].path, none->findings[i].path);
    assert_string_equal(warm->findings[i].rule_id, none->findings[i].rule_id);
    assert_string_equal(warm->findings[i].message, none->findings[i].message);
    assert_int_equal(warm->findings[i].related_count, none->findings[i].related_count);
    assert_int_equal(warm->findings[i].span.start_line, none->findings[i].span.start_line);
  }
  scl_result_free(cold);
  scl_result_free(warm);
  scl_result_free(none);
  rm_tree(dir);
}

static void test_shard__selects_each_path_once(void **state)
{
  (void)state;
  unsigned per[7] = {0};
  for (int i = 0; i < 700; i++) {
    char p[64];
    snprintf(p, sizeof(p), "src/mod%d/file%d.py", i % 13, i);
    unsigned hits = 0;
    for (unsigned k = 1; k <= 7; k++)
      if (scl_shard_selects(p, k, 7)) {
        hits++;
        per[k - 1]++;
      }
    assert_int_equal(hits, 1);
    assert_true(scl_shard_selects(p, 1, 1));
  }
  for (int k = 0; k < 7; k++)
    assert_true(per[k] > 50); /* 100 expected: no shard is starved */
}

int main(void)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test(test_cache__roundtrip),
    cmocka_unit_test(test_cache__damaged_entries_miss),
    cmocka_unit_test(test_cache__gc),
    cmocka_unit_test(test_cache__run_hits),
    cmocka_unit_test(test_shard__selects_each_path_once),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
