/*
 * test_prefilter.c - unit tests for the prefilter's parts: the literal
 * scanner (src/util/litset.c), literal conditions from regexes
 * (src/engine/relit.c) and the per-rule conditions of a ruleset
 * (src/engine/prefilter.c).
 *
 * The soundness checks run each regex through PCRE2 on a node text and
 * require the derived condition to hold on a file containing that text:
 * the prefilter may let a file through needlessly, never drop one a rule
 * can match.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "engine/engine.h"
#include "engine/prefilter.h"
#include "engine/regex.h"
#include "engine/relit.h"
#include "frontend/frontend.h"
#include "util/buf.h"
#include "util/litset.h"

/* ==== litset ============================================================ */

static void scan(const scl_litset *s, const char *text, uint8_t *hit)
{
  memset(hit, 0, scl_litset_count(s));
  scl_litset_scan(s, text, strlen(text), hit);
}

static void test_litset__overlapping_and_nested(void **state)
{
  (void)state;
  scl_litset *s = scl_litset_new();
  uint32_t find = scl_litset_add(s, "find", 4, 0);
  uint32_t find_one = scl_litset_add(s, "find_one", 8, 0);
  uint32_t one = scl_litset_add(s, "one", 3, 0);
  uint32_t nd_o = scl_litset_add(s, "nd_o", 4, 0);
  uint32_t absent = scl_litset_add(s, "to_list", 7, 0);
  assert_int_equal(scl_litset_add(s, "find", 4, 0), find); /* deduplicated */
  scl_litset_build(s);
  uint8_t hit[8];
  scan(s, "db.users.find_one({})", hit);
  assert_true(hit[find] && hit[find_one] && hit[one] && hit[nd_o]);
  assert_false(hit[absent]);
  scan(s, "", hit);
  assert_false(hit[find] || hit[find_one] || hit[one]);
  scl_litset_free(s);
}

static void test_litset__case_and_words(void **state)
{
  (void)state;
  scl_litset *s = scl_litset_new();
  uint32_t get = scl_litset_add(s, "get", 3, SCL_LIT_WORD_START | SCL_LIT_WORD_END);
  uint32_t limit_ci = scl_litset_add(s, "LIMIT", 5, SCL_LIT_CI);
  uint32_t select_cs = scl_litset_add(s, "Select", 6, 0);
  uint32_t pre = scl_litset_add(s, "auth", 4, SCL_LIT_WORD_START);
  scl_litset_build(s);
  uint8_t hit[4];
  scan(s, "target = forget_it; $get = 1; get_x", hit);
  assert_false(hit[get]);       /* inside words, `$get` is one identifier */
  scan(s, "x.get(1)", hit);
  assert_true(hit[get]);
  scan(s, "get", hit);
  assert_true(hit[get]);        /* at both ends of the buffer */
  scan(s, "q = 'select * from t limit 5'", hit);
  assert_true(hit[limit_ci]);
  assert_false(hit[select_cs]);
  scan(s, "class Select:", hit);
  assert_true(hit[select_cs]);
  scan(s, "oauth authors", hit);
  assert_true(hit[pre]);        /* `authors` starts a word */
  scan(s, "oauth", hit);
  assert_false(hit[pre]);
  /* bytes >= 0x80 are word characters (UTF-8 identifiers) */
  scan(s, "\xc3\xa9get", hit);
  assert_false(hit[get]);
  scl_litset_free(s);
}

static void test_litset__many_literals(void **state)
{
  (void)state;
  scl_litset *s = scl_litset_new();
  char word[32];
  for (int i = 0; i < 500; i++) {
    snprintf(word, sizeof(word), "tok%03d_x", i);
    scl_litset_add(s, word, strlen(word), SCL_LIT_WORD_START | SCL_LIT_WORD_END);
  }
  scl_litset_build(s);
  assert_int_equal(scl_litset_count(s), 500);
  uint8_t *hit = calloc(500, 1);
  scan(s, "a tok007_x b tok499_x tok12_x tok250_xy", hit);
  for (int i = 0; i < 500; i++)
    assert_int_equal(hit[i], i == 7 || i == 499);
  free(hit);
  scl_litset_free(s);
}

/* ==== relit ============================================================= */

typedef struct relit_case {
  const char *regex;
  const char *describe;  /* expected condition, NULL: do not compare */
} relit_case;

static char *describe(const char *regex, bool words_only)
{
  scl_arena a;
  scl_arena_init(&a);
  scl_litset *lits = scl_litset_new();
  scl_pf *f = scl_relit_formula(&a, lits, regex, words_only);
  scl_buf b;
  scl_buf_init(&b, 1u << 16);
  scl_pf_describe(&b, f, lits);
  char *out = strdup(scl_buf_cstr(&b));
  scl_buf_dispose(&b);
  scl_litset_free(lits);
  scl_arena_dispose(&a);
  return out;
}

static void test_relit__conditions(void **state)
{
  (void)state;
  static const relit_case cases[] = {
    {"^to_list$", "\\bto_list\\b"},
    {"^(find_one|find|count_documents)$", "(\\bfind_one\\b | \\bfind\\b | \\bcount_documents\\b)"},
    {"to_list", "to_list"},
    {"\\bselect\\b", "\\bselect\\b"},
    {"(?i)^limit$", "\\blimit\\b/i"},
    {"(?i:offset)\\s+\\d+", "offset/i"},
    {"^db_?session$", "(\\bdb_session\\b | \\bdbsession\\b)"},
    {"^[Ss]ession$", "\\bSession\\b/i"},
    {"^(get|post)_\\w+$", "(\\bget_ | \\bpost_)"},
    {"requests\\.get", "requests.get"},
    {"^sleep$|^wait$", "(\\bsleep\\b | \\bwait\\b)"},
    {"pool\\w*\\.query", "(pool & .query)"},
    {"^(db|pg)$", "(\\bdb\\b | \\bpg\\b)"},
    {"^(c|db)$", "TRUE"},           /* one alternative too short */
    {"x?", "TRUE"},
    {"^\\w+$", "TRUE"},
    {"(a)\\1", "TRUE"},             /* back-references are not read */
    {"\\Qa.b\\E", "TRUE"},
    {"(?x) s e l e c t", "TRUE"},
    {"[a-z]+ing", "ing"},
    {"(?=.*to_list)", "TRUE"},
    {"lim{1}it", "limit"},
    {"limi{2,}t", "lim"},             /* `t` alone is too short */
    {"", "TRUE"},
    {"(unclosed", "TRUE"},
  };
  for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
    char *got = describe(cases[i].regex, false);
    if (cases[i].describe && strcmp(got, cases[i].describe) != 0)
      fail_msg("'%s': got '%s', want '%s'", cases[i].regex, got, cases[i].describe);
    free(got);
  }
}

static void test_relit__imports_keep_word_runs(void **state)
{
  (void)state;
  char *got = describe("^(django|rq)(\\.|$)", true);
  /* `django.` is cut to `django`; the dot (or the whitespace around it in
   * `django . db`) ends the word either way */
  assert_string_equal(got, "(\\bdjango\\b | \\brq\\b)");
  free(got);
  got = describe("^@nestjs/core$", true);
  assert_string_equal(got, "\\bnestjs\\b");
  free(got);
}

/*
 * Soundness: for each (regex, node text) where PCRE2 says the regex matches
 * the text, the condition holds on a file that contains the text as a
 * token-bounded slice.
 */
static void test_relit__sound_on_matching_texts(void **state)
{
  (void)state;
  static const char *const regexes[] = {
    "^(find_one|find|count_documents)$", "(?i)(^|\\.)(db|_db|db_?session|session)$",
    "^to_list$", "\\bfetch(one|all|many)\\b", "(?i)limit\\s+\\d+", "^[A-Z][a-z]\\w*$",
    "^(get|post)_\\w+$", "(?i)^_?(conn|cursor|cur)$", "requests\\.(get|post)",
    "^(setTimeout|setInterval)$", "(?i)^\\s*(insert|update|delete)\\b", "x{0,3}yz+",
    "^(\\w+\\.)?objects$", "^(sleep|wait)(_for)?$",
  };
  static const char *const texts[] = {
    "find", "find_one", "count_documents", "db", "self.DB_Session", "app.session", "to_list",
    "cur.fetchall()", "LIMIT 10", "User", "Order", "get_user", "post_x", "_Conn", "cursor",
    "requests.post", "setInterval", "  UPDATE users SET x = 1", "yzzz", "xyz", "Order.objects",
    "objects", "sleep_for", "wait",
  };
  for (size_t r = 0; r < sizeof(regexes) / sizeof(regexes[0]); r++) {
    scl_regex *re = NULL;
    assert_int_equal(scl_regex_compile(&re, regexes[r], NULL), SCL_OK);
    scl_arena a;
    scl_arena_init(&a);
    scl_litset *lits = scl_litset_new();
    scl_pf *f = scl_relit_formula(&a, lits, regexes[r], false);
    scl_litset_build(lits);
    uint8_t *hit = calloc(scl_litset_count(lits) + 1, 1);
    for (size_t t = 0; t < sizeof(texts) / sizeof(texts[0]); t++) {
      if (!scl_regex_search(re, texts[t], strlen(texts[t])))
        continue;
      char file[256];
      snprintf(file, sizeof(file), "x = (%s)\n", texts[t]);
      scan(lits, file, hit);
      if (!scl_pf_eval(f, hit))
        fail_msg("'%s' matches '%s' but its condition fails on the file", regexes[r],
                 texts[t]);
    }
    free(hit);
    scl_litset_free(lits);
    scl_arena_dispose(&a);
    scl_regex_free(re);
  }
}

/* ==== prefilter over a ruleset ========================================= */

static const char rule_text[] =
  "id: TST001\n"
  "slug: test-rule\n"
  "level: warning\n"
  "languages: [py, js]\n"
  "title: \"t\"\n"
  "message: \"m\"\n"
  "why: \"w\"\n"
  "instead: \"i\"\n"
  "match:\n"
  "  py:\n"
  "    pattern: \"(call function: (attribute attribute: (identifier) @m)) @call\"\n"
  "    where:\n"
  "      - regex: { capture: m, pcre2: '^to_list$' }\n"
  "      - inside:\n"
  "          pattern: \"(function_definition \\\"async\\\")\"\n"
  "  js:\n"
  "    pattern: \"(call_expression) @call\"\n"
  "    where:\n"
  "      - not-regex: { capture: call, pcre2: 'x' }\n"
  "doc: |\n"
  "  ## What it catches\n  x\n  ## Why it hurts at 10K users\n  x\n  ## Instead\n  x\n"
  "  ## Known false positives\n  x\n  ## Parameters\n  None.\n";

static const char declared_text[] =
  "id: TST002\n"
  "slug: declared\n"
  "level: note\n"
  "languages: [py]\n"
  "title: \"t\"\n"
  "message: \"m\"\n"
  "why: \"w\"\n"
  "instead: \"i\"\n"
  "prefilter: [Await]\n"
  "match:\n"
  "  py:\n"
  "    pattern: \"(await) @call\"\n"
  "doc: |\n"
  "  ## What it catches\n  x\n  ## Why it hurts at 10K users\n  x\n  ## Instead\n  x\n"
  "  ## Known false positives\n  x\n  ## Parameters\n  None.\n";

static scl_ruleset *load(const char *origin, const char *text)
{
  scl_ruleset *rs = NULL;
  assert_int_equal(scl_frontends_init(NULL), SCL_OK);
  assert_int_equal(scl_ruleset_new(&rs, NULL), SCL_OK);
  assert_int_equal(scl_ruleset_add_text(rs, origin, text, strlen(text), false, NULL, NULL,
                                        NULL),
                   SCL_OK);
  assert_int_equal(scl_ruleset_filter(rs, NULL, 0, NULL, 0, NULL), SCL_OK);
  assert_int_equal(scl_ruleset_compile(rs, NULL, NULL, NULL), SCL_OK);
  return rs;
}

static bool wants(const scl_prefilter *pf, scl_lang lang, const char *src)
{
  return scl_prefilter_wants(pf, lang, src, strlen(src));
}

static void test_prefilter__derived(void **state)
{
  (void)state;
  scl_ruleset *rs = load("TST001-test-rule.yaml", rule_text);
  scl_prefilter *pf = NULL;
  assert_int_equal(scl_prefilter_new(&pf, rs, NULL), SCL_OK);
  assert_true(scl_prefilter_is_active(pf, SCL_LANG_PY));
  assert_string_equal(scl_prefilter_describe(pf, "TST001", SCL_LANG_PY),
                      "(\\bto_list\\b & \\basync\\b)");
  assert_true(wants(pf, SCL_LANG_PY, "async def f(c):\n    return await c.to_list(None)\n"));
  assert_false(wants(pf, SCL_LANG_PY, "def f(c):\n    return c.to_list(None)\n"));
  assert_false(wants(pf, SCL_LANG_PY, "async def f(c):\n    return c.to_lists()\n"));
  /* inline suppressions keep a file in the scan */
  assert_true(wants(pf, SCL_LANG_PY, "x = 1  # scalint: ignore[TST001]\n"));
  /* a negation gives no condition: JavaScript is not filtered */
  assert_false(scl_prefilter_is_active(pf, SCL_LANG_JS));
  assert_true(wants(pf, SCL_LANG_JS, "let x = 1;\n"));
  /* no rule for C: nothing to filter, every answer is yes */
  assert_true(wants(pf, SCL_LANG_C, "int x;\n"));
  assert_null(scl_prefilter_describe(pf, "TST001", SCL_LANG_C));
  scl_prefilter_free(pf);
  scl_ruleset_free(rs);
}

static void test_prefilter__declared_tokens(void **state)
{
  (void)state;
  scl_ruleset *rs = load("TST002-declared.yaml", declared_text);
  scl_prefilter *pf = NULL;
  assert_int_equal(scl_prefilter_new(&pf, rs, NULL), SCL_OK);
  assert_string_equal(scl_prefilter_describe(pf, "TST002", SCL_LANG_PY), "Await/i");
  assert_true(wants(pf, SCL_LANG_PY, "async def f():\n    await g()\n"));
  assert_false(wants(pf, SCL_LANG_PY, "def f():\n    g()\n"));
  assert_true(scl_prefilter_rule_wants(pf, "TST002", SCL_LANG_PY, "AWAIT", 5));
  assert_true(scl_prefilter_rule_wants(pf, "NOPE", SCL_LANG_PY, "", 0));
  scl_prefilter_free(pf);
  scl_ruleset_free(rs);
}

static void test_prefilter__bad_declarations(void **state)
{
  (void)state;
  static const char *const bad[] = {"prefilter: a\n", "prefilter: []\n", "prefilter: [x]\n",
                                    "prefilter: { c: [abc] }\n", "prefilter: { py: abc }\n"};
  for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
    char text[2048];
    const char *at = strstr(declared_text, "prefilter:");
    size_t head = (size_t)(at - declared_text);
    const char *tail = strchr(at, '\n') + 1;
    snprintf(text, sizeof(text), "%.*s%s%s", (int)head, declared_text, bad[i], tail);
    scl_ruleset *rs = NULL;
    scl_diag d;
    scl_diag_clear(&d);
    assert_int_equal(scl_ruleset_new(&rs, NULL), SCL_OK);
    scl_status st = scl_ruleset_add_text(rs, "TST002-declared.yaml", text, strlen(text), false, NULL, NULL,
                                         &d);
    if (st != SCL_ERULE)
      fail_msg("'%s' was accepted", bad[i]);
    assert_int_equal(d.line, 9);
    scl_ruleset_free(rs);
  }
}

int main(void)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test(test_litset__overlapping_and_nested),
    cmocka_unit_test(test_litset__case_and_words),
    cmocka_unit_test(test_litset__many_literals),
    cmocka_unit_test(test_relit__conditions),
    cmocka_unit_test(test_relit__imports_keep_word_runs),
    cmocka_unit_test(test_relit__sound_on_matching_texts),
    cmocka_unit_test(test_prefilter__derived),
    cmocka_unit_test(test_prefilter__declared_tokens),
    cmocka_unit_test(test_prefilter__bad_declarations),
  };
  int rc = cmocka_run_group_tests(tests, NULL, NULL);
  scl_frontends_shutdown();
  return rc;
}
