/*
 * test_arena.c - the util module: arena, buf, vec, diag formatting.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdlib.h>
#include <string.h>

#include "scalint/finding.h"
#include "scalint/status.h"
#include "util/arena.h"
#include "util/buf.h"
#include "util/vec.h"

static void test_arena__alloc_is_zeroed_and_aligned(void **state)
{
  (void)state;
  scl_arena a;
  scl_arena_init(&a);
  for (size_t i = 1; i < 200; i++) {
    unsigned char *p = scl_arena_alloc(&a, i);
    assert_int_equal((uintptr_t)p % 16, 0);
    for (size_t j = 0; j < i; j++)
      assert_int_equal(p[j], 0);
    memset(p, 0xAB, i);
  }
  scl_arena_dispose(&a);
}

static void test_arena__big_block_keeps_current_page(void **state)
{
  (void)state;
  scl_arena a;
  scl_arena_init(&a);
  char *small = scl_arena_strdup(&a, "before");
  char *big = scl_arena_alloc(&a, 1024 * 1024);
  big[1024 * 1024 - 1] = 'x';
  char *after = scl_arena_strdup(&a, "after");
  assert_string_equal(small, "before");
  assert_string_equal(after, "after");
  scl_arena_dispose(&a);
}

static void test_arena__reset_keeps_pages(void **state)
{
  (void)state;
  scl_arena a;
  scl_arena_init(&a);
  for (int i = 0; i < 1000; i++)
    scl_arena_alloc(&a, 1000);
  assert_true(a.total >= 1000 * 1000);
  scl_arena_reset(&a);
  assert_int_equal(a.total, 0);
  char *s = scl_arena_printf(&a, "%s-%d", "x", 42);
  assert_string_equal(s, "x-42");
  scl_arena_dispose(&a);
}

static void test_arena__buf_caps_and_reports(void **state)
{
  (void)state;
  scl_buf b;
  scl_buf_init(&b, 10);
  assert_true(scl_buf_puts(&b, "12345"));
  assert_true(scl_buf_printf(&b, "%d", 6789));
  assert_false(scl_buf_puts(&b, "xy"));
  assert_true(b.is_toobig);
  assert_string_equal(scl_buf_cstr(&b), "123456789");
  scl_buf_dispose(&b);
}

static void test_arena__vec_grows_geometrically(void **state)
{
  (void)state;
  SCL_VEC(int) v = {0};
  size_t reallocs = 0, last_cap = 0;
  for (int i = 0; i < 10000; i++) {
    SCL_VEC_PUSH(&v, i);
    if (v.cap != last_cap) {
      reallocs++;
      last_cap = v.cap;
    }
  }
  assert_int_equal(v.count, 10000);
  assert_int_equal(v.items[9999], 9999);
  assert_true(reallocs < 20);
  SCL_VEC_FREE(&v);
}

static void test_arena__diag_formats_position(void **state)
{
  (void)state;
  scl_diag d;
  char buf[256];
  scl_diag_set_at(&d, SCL_ERULE, "rules/x.yaml", 3, 7, "unknown key '%s'", "lavel");
  scl_diag_format(&d, buf, sizeof(buf));
  assert_string_equal(buf, "rules/x.yaml:3:7: unknown key 'lavel'");
  assert_int_equal(d.status, SCL_ERULE);
  scl_diag_set(&d, SCL_EIO, "plain");
  scl_diag_format(&d, buf, sizeof(buf));
  assert_string_equal(buf, "plain");
  assert_string_equal(scl_status_str(SCL_ELIMIT), "limit exceeded");
  assert_int_equal(scl_level_parse("warning"), SCL_LEVEL_WARNING);
  assert_int_equal(scl_level_parse("bogus"), -1);
}

int main(void)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test(test_arena__alloc_is_zeroed_and_aligned),
    cmocka_unit_test(test_arena__big_block_keeps_current_page),
    cmocka_unit_test(test_arena__reset_keeps_pages),
    cmocka_unit_test(test_arena__buf_caps_and_reports),
    cmocka_unit_test(test_arena__vec_grows_geometrically),
    cmocka_unit_test(test_arena__diag_formats_position),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
