/*
 * test_regex.c - unit tests for src/engine/regex.c: search semantics, UTF-8
 * and invalid UTF-8 subjects, length-bounded subjects, compile errors, the
 * match limit, and the per-thread match data cache across threads.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <threads.h>
#include <time.h>

#include <cmocka.h>

#include "engine/regex.h"

static scl_regex *compile_ok(const char *pattern)
{
  scl_regex *re = NULL;
  scl_diag diag;
  scl_diag_clear(&diag);
  if (scl_regex_compile(&re, pattern, &diag) != SCL_OK)
    fail_msg("'%s' did not compile: %s", pattern, diag.msg);
  assert_non_null(re);
  return re;
}

static bool search(const scl_regex *re, const char *subject)
{
  return scl_regex_search(re, subject, strlen(subject));
}

static void test_regex__search_is_unanchored(void **state)
{
  scl_regex *re = compile_ok("find_one");
  assert_true(search(re, "await db.orders.find_one({})"));
  assert_true(search(re, "find_one"));
  assert_false(search(re, "find_on"));
  assert_false(search(re, "FIND_ONE"));
  assert_false(search(re, ""));
  assert_string_equal(scl_regex_source(re), "find_one");
  scl_regex_free(re);
}

static void test_regex__anchors(void **state)
{
  scl_regex *re = compile_ok("^(find_one|find|execute|fetch\\w*)$");
  assert_true(search(re, "find"));
  assert_true(search(re, "fetchall"));
  assert_false(search(re, "xfind"));
  assert_false(search(re, "find_one_x"));
  assert_false(search(re, " execute"));
  scl_regex_free(re);
}

static void test_regex__utf8_subject(void **state)
{
  scl_regex *re = compile_ok("^caf.$");
  /* "café": é is two bytes but one character, so . takes all of it. */
  assert_true(search(re, "caf\xc3\xa9"));
  scl_regex_free(re);

  re = compile_ok("\xc3\xa9t\xc3\xa9");
  assert_true(search(re, "un \xc3\xa9t\xc3\xa9 chaud"));
  assert_false(search(re, "un ete chaud"));
  scl_regex_free(re);
}

static void test_regex__invalid_utf8_subject(void **state)
{
  scl_regex *re = compile_ok("query");
  /* Invalid bytes before and after a valid match do not hide it. */
  assert_true(search(re, "\xff\xfe run query \xc3("));
  assert_false(search(re, "\xff\xfe\xc3("));
  scl_regex_free(re);

  /* A dot never matches an invalid byte. */
  re = compile_ok("^a.b$");
  assert_false(search(re, "a\xffz"));
  assert_false(search(re, "a\xff" "b"));
  assert_true(search(re, "axb"));
  scl_regex_free(re);
}

static void test_regex__subject_not_nul_terminated(void **state)
{
  scl_regex *re = compile_ok("world$");
  const char text[] = "hello world and more";
  assert_true(scl_regex_search(re, text, strlen("hello world")));
  assert_false(scl_regex_search(re, text, strlen(text)));
  assert_false(scl_regex_search(re, text, strlen("hello worl")));
  /* A heap copy without a NUL, so ASan catches any read past len. */
  char *raw = malloc(11);
  memcpy(raw, "hello world", 11);
  assert_true(scl_regex_search(re, raw, 11));
  free(raw);
  assert_false(scl_regex_search(re, NULL, 0));
  scl_regex_free(re);
}

static void test_regex__compile_error_column(void **state)
{
  scl_regex *re = (scl_regex *)&re; /* must be reset to NULL */
  scl_diag diag;
  scl_diag_clear(&diag);
  assert_int_equal(scl_regex_compile(&re, "ab(c", &diag), SCL_ERULE);
  assert_null(re);
  assert_int_equal(diag.status, SCL_ERULE);
  assert_int_equal(diag.col, 5);
  assert_non_null(strstr(diag.msg, "missing closing parenthesis"));

  scl_diag_clear(&diag);
  assert_int_equal(scl_regex_compile(&re, "x{2,1}", &diag), SCL_ERULE);
  assert_null(re);
  assert_int_equal(diag.col, 6);
  assert_non_null(strstr(diag.msg, "out of order"));

  /* A pattern that is not valid UTF-8 is a compile error, not a crash. */
  scl_diag_clear(&diag);
  assert_int_equal(scl_regex_compile(&re, "ab\xff", &diag), SCL_ERULE);
  assert_null(re);
  assert_int_equal(diag.col, 3);
  assert_true(strlen(diag.msg) > 0);

  scl_regex_free(NULL);
}

static void test_regex__catastrophic_pattern_returns(void **state)
{
  scl_regex *re = compile_ok("(a+)+$");
  enum { LEN = 5000 };
  char *subject = malloc(LEN + 1);
  memset(subject, 'a', LEN - 1);
  subject[LEN - 1] = 'b';
  subject[LEN] = '\0';
  time_t start = time(NULL);
  assert_false(scl_regex_search(re, subject, LEN));
  assert_true(time(NULL) - start < 10);
  free(subject);
  scl_regex_free(re);

  re = compile_ok("^(\\w+\\s?)*$");
  const char *evil = "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa!";
  start = time(NULL);
  assert_false(search(re, evil));
  assert_true(time(NULL) - start < 10);
  scl_regex_free(re);
}

static void test_regex__many_groups(void **state)
{
  /* More capture groups than the cached match data holds still matches. */
  char pattern[40 * 3 + 1];
  size_t n = 0;
  for (int i = 0; i < 40; i++) {
    memcpy(pattern + n, "(a)", 3);
    n += 3;
  }
  pattern[n] = '\0';
  scl_regex *re = compile_ok(pattern);
  char subject[41];
  memset(subject, 'a', 40);
  subject[40] = '\0';
  assert_true(search(re, subject));
  subject[39] = 'b';
  assert_false(search(re, subject));
  scl_regex_free(re);
}

typedef struct worker_arg {
  const scl_regex *re;
  int hits;
} worker_arg;

static int worker(void *payload)
{
  worker_arg *arg = payload;
  for (int i = 0; i < 1000; i++) {
    if (scl_regex_search(arg->re, "db.execute(sql)", 15))
      arg->hits++;
  }
  scl_regex_thread_cleanup();
  return 0;
}

static void test_regex__shared_across_threads(void **state)
{
  scl_regex *re = compile_ok("\\.execute\\(");
  enum { THREADS = 4 };
  thrd_t threads[THREADS];
  worker_arg args[THREADS];
  for (int i = 0; i < THREADS; i++) {
    args[i] = (worker_arg){ re, 0 };
    assert_int_equal(thrd_create(&threads[i], worker, &args[i]), thrd_success);
  }
  for (int i = 0; i < THREADS; i++) {
    assert_int_equal(thrd_join(threads[i], NULL), thrd_success);
    assert_int_equal(args[i].hits, 1000);
  }
  scl_regex_free(re);
  /* Cleanup twice, and on a thread state that is already clean, is safe. */
  scl_regex_thread_cleanup();
  scl_regex_thread_cleanup();
}

int main(void)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test(test_regex__search_is_unanchored),
    cmocka_unit_test(test_regex__anchors),
    cmocka_unit_test(test_regex__utf8_subject),
    cmocka_unit_test(test_regex__invalid_utf8_subject),
    cmocka_unit_test(test_regex__subject_not_nul_terminated),
    cmocka_unit_test(test_regex__compile_error_column),
    cmocka_unit_test(test_regex__catastrophic_pattern_returns),
    cmocka_unit_test(test_regex__many_groups),
    cmocka_unit_test(test_regex__shared_across_threads),
  };
  int failed = cmocka_run_group_tests(tests, NULL, NULL);
  scl_regex_thread_cleanup();
  return failed;
}
