/*
 * test_facts.c - unit tests of the engine facts (engine/facts.h): in-loop,
 * in-handler, in-async, in-function, at-module-scope, through-calls traces
 * and imports, on snippets parsed by the real front-ends.
 *
 * Each test parses its own snippet into its own arena; the front-end tables
 * and one scl_frontend are set up once in main(). Nodes are found by kind
 * and exact text, so a test breaks loudly when a snippet stops parsing the
 * way it expects.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "engine/facts.h"
#include "frontend/frontend.h"
#include "util/arena.h"

static scl_frontend *fe;

/* fx - one parsed snippet and its facts. */
typedef struct fx {
  scl_arena arena;
  scl_tree tree;
  scl_facts *facts;
} fx;

static void fx_parse(fx *x, scl_lang lang, const char *path, const char *src)
{
  scl_diag diag;

  memset(x, 0, sizeof(*x));
  scl_arena_init(&x->arena);
  scl_diag_clear(&diag);
  assert_int_equal(scl_frontend_parse(&x->tree, fe, lang, path, src, strlen(src), &x->arena,
                                      &diag),
                   SCL_OK);
  assert_true(x->tree.count > 0);
  x->facts = scl_facts_new(&x->tree, lang, &x->arena);
  assert_non_null(x->facts);
}

static void fx_done(fx *x)
{
  scl_arena_dispose(&x->arena);
}

/* The nth (0-based) node in preorder with this kind whose text is text. */
static uint32_t find_nth(const fx *x, const char *kind, const char *text, int nth)
{
  size_t tl = strlen(text);

  for (uint32_t i = 0; i < x->tree.count; i++) {
    size_t len;
    const char *t;
    if (strcmp(scl_tree_kind_name(&x->tree, i), kind) != 0)
      continue;
    t = scl_tree_text(&x->tree, i, &len);
    if (len == tl && memcmp(t, text, len) == 0 && nth-- == 0)
      return i;
  }
  fail_msg("no %s node with text '%s'", kind, text);
  return SCL_NO_NODE;
}

static uint32_t find(const fx *x, const char *kind, const char *text)
{
  return find_nth(x, kind, text, 0);
}

/* The first node of kind whose text starts with prefix. */
static uint32_t find_prefix(const fx *x, const char *kind, const char *prefix)
{
  size_t pl = strlen(prefix);

  for (uint32_t i = 0; i < x->tree.count; i++) {
    size_t len;
    const char *t;
    if (strcmp(scl_tree_kind_name(&x->tree, i), kind) != 0)
      continue;
    t = scl_tree_text(&x->tree, i, &len);
    if (len >= pl && memcmp(t, prefix, pl) == 0)
      return i;
  }
  fail_msg("no %s node starting with '%s'", kind, prefix);
  return SCL_NO_NODE;
}

static bool holds(fx *x, scl_fact fact, uint32_t node)
{
  return scl_facts_holds(x->facts, fact, node, false, NULL);
}

/* ==== fact names ======================================================== */

static void test_facts__names_round_trip(void **state)
{
  (void)state;
  for (int i = 0; i < SCL_FACT_COUNT; i++)
    assert_int_equal(scl_fact_parse(scl_fact_name((scl_fact)i)), i);
  assert_int_equal(scl_fact_parse("in-loop"), SCL_FACT_IN_LOOP);
  assert_int_equal(scl_fact_parse("at-module-scope"), SCL_FACT_AT_MODULE_SCOPE);
  assert_int_equal(scl_fact_parse("in-loops"), -1);
  assert_true(scl_fact_allows_through_calls(SCL_FACT_IN_LOOP));
  assert_true(scl_fact_allows_through_calls(SCL_FACT_IN_HANDLER));
  assert_true(scl_fact_allows_through_calls(SCL_FACT_IN_ASYNC));
  assert_false(scl_fact_allows_through_calls(SCL_FACT_IN_FUNCTION));
}

/* ==== Python ============================================================ */

static void test_facts__py_for_body_not_iterable(void **state)
{
  fx x;
  (void)state;
  fx_parse(&x, SCL_LANG_PY, "t.py",
           "for u in load_users():\n"
           "    send(u)\n"
           "else:\n"
           "    done()\n");
  assert_true(holds(&x, SCL_FACT_IN_LOOP, find(&x, "call", "send(u)")));
  assert_false(holds(&x, SCL_FACT_IN_LOOP, find(&x, "call", "load_users()")));
  assert_false(holds(&x, SCL_FACT_IN_LOOP, find(&x, "call", "done()")));
  fx_done(&x);
}

static void test_facts__py_while_condition_and_async_for(void **state)
{
  fx x;
  (void)state;
  fx_parse(&x, SCL_LANG_PY, "t.py",
           "async def f(cur):\n"
           "    while more(cur):\n"
           "        step()\n"
           "    async for row in cur.rows():\n"
           "        await q(row)\n");
  assert_true(holds(&x, SCL_FACT_IN_LOOP, find(&x, "call", "more(cur)")));
  assert_true(holds(&x, SCL_FACT_IN_LOOP, find(&x, "call", "step()")));
  assert_true(holds(&x, SCL_FACT_IN_LOOP, find(&x, "call", "q(row)")));
  assert_false(holds(&x, SCL_FACT_IN_LOOP, find(&x, "call", "cur.rows()")));
  fx_done(&x);
}

static void test_facts__py_comprehension_first_iterable_runs_once(void **state)
{
  fx x;
  (void)state;
  fx_parse(&x, SCL_LANG_PY, "t.py",
           "ids = [get(u) for u in fetch_all() if ok(u) for o in orders(u)]\n"
           "g = sum(h(v) for v in vals())\n");
  assert_true(holds(&x, SCL_FACT_IN_LOOP, find(&x, "call", "get(u)")));
  assert_true(holds(&x, SCL_FACT_IN_LOOP, find(&x, "call", "ok(u)")));
  assert_true(holds(&x, SCL_FACT_IN_LOOP, find(&x, "call", "orders(u)")));
  assert_false(holds(&x, SCL_FACT_IN_LOOP, find(&x, "call", "fetch_all()")));
  assert_true(holds(&x, SCL_FACT_IN_LOOP, find(&x, "call", "h(v)")));
  assert_false(holds(&x, SCL_FACT_IN_LOOP, find(&x, "call", "vals()")));
  fx_done(&x);
}

static void test_facts__py_lambda_in_loop_is_a_boundary(void **state)
{
  fx x;
  (void)state;
  fx_parse(&x, SCL_LANG_PY, "t.py",
           "for u in users:\n"
           "    cb = lambda: query(u)\n"
           "    register(cb)\n");
  assert_false(holds(&x, SCL_FACT_IN_LOOP, find(&x, "call", "query(u)")));
  assert_true(holds(&x, SCL_FACT_IN_LOOP, find(&x, "call", "register(cb)")));
  assert_true(holds(&x, SCL_FACT_IN_FUNCTION, find(&x, "call", "query(u)")));
  assert_int_equal(scl_facts_enclosing_function(x.facts, find(&x, "call", "query(u)")),
                   find(&x, "lambda", "lambda: query(u)"));
  fx_done(&x);
}

static void test_facts__py_async_and_scopes(void **state)
{
  fx x;
  uint32_t a, b;
  (void)state;
  fx_parse(&x, SCL_LANG_PY, "t.py",
           "sessions = {}\n"
           "class Repo:\n"
           "    cache = {}\n"
           "    async def load(self):\n"
           "        return await fetch()\n"
           "    def sync(self):\n"
           "        return fetch2()\n");
  a = find(&x, "call", "fetch()");
  b = find(&x, "call", "fetch2()");
  assert_true(holds(&x, SCL_FACT_IN_ASYNC, a));
  assert_false(holds(&x, SCL_FACT_IN_ASYNC, b));
  assert_true(holds(&x, SCL_FACT_IN_FUNCTION, a));
  assert_true(holds(&x, SCL_FACT_AT_MODULE_SCOPE, find(&x, "assignment", "sessions = {}")));
  assert_false(holds(&x, SCL_FACT_IN_FUNCTION, find(&x, "assignment", "sessions = {}")));
  assert_false(holds(&x, SCL_FACT_AT_MODULE_SCOPE, find(&x, "assignment", "cache = {}")));
  assert_false(holds(&x, SCL_FACT_AT_MODULE_SCOPE, a));
  assert_int_equal(scl_facts_enclosing_function(x.facts, find(&x, "assignment", "cache = {}")),
                   SCL_NO_NODE);
  fx_done(&x);
}

static void test_facts__py_route_decorators_are_handlers(void **state)
{
  fx x;
  (void)state;
  fx_parse(&x, SCL_LANG_PY, "t.py",
           "@app.get('/x')\n"
           "async def a():\n"
           "    fa()\n"
           "@router.post('/y', status_code=201)\n"
           "def b():\n"
           "    fb()\n"
           "@bp.route('/z', methods=['GET'])\n"
           "def c():\n"
           "    def inner():\n"
           "        fc()\n"
           "@app.middleware('http')\n"
           "async def d(request, call_next):\n"
           "    fd()\n"
           "@api.v1.put('/w')\n"
           "def e():\n"
           "    fe()\n"
           "def plain(x):\n"
           "    fp()\n"
           "@mock.patch('os.path')\n"
           "def test_it(m):\n"
           "    ft()\n"
           "@functools.lru_cache()\n"
           "def cached():\n"
           "    fl()\n");
  assert_true(holds(&x, SCL_FACT_IN_HANDLER, find(&x, "call", "fa()")));
  assert_true(holds(&x, SCL_FACT_IN_ASYNC, find(&x, "call", "fa()")));
  assert_true(holds(&x, SCL_FACT_IN_HANDLER, find(&x, "call", "fb()")));
  assert_true(holds(&x, SCL_FACT_IN_HANDLER, find(&x, "call", "fc()")));
  assert_true(holds(&x, SCL_FACT_IN_HANDLER, find(&x, "call", "fd()")));
  assert_true(holds(&x, SCL_FACT_IN_HANDLER, find(&x, "call", "fe()")));
  assert_false(holds(&x, SCL_FACT_IN_HANDLER, find(&x, "call", "fp()")));
  assert_false(holds(&x, SCL_FACT_IN_HANDLER, find(&x, "call", "ft()")));
  assert_false(holds(&x, SCL_FACT_IN_HANDLER, find(&x, "call", "fl()")));
  fx_done(&x);
}

static void test_facts__py_django_views_and_middleware(void **state)
{
  fx x;
  (void)state;
  fx_parse(&x, SCL_LANG_PY, "t.py",
           "def user_list(request):\n"
           "    q1()\n"
           "class UserView(View):\n"
           "    def get(self, request, pk):\n"
           "        q2()\n"
           "class Timing(BaseHTTPMiddleware):\n"
           "    async def dispatch(self, request, call_next):\n"
           "        q3()\n"
           "class Other:\n"
           "    def dispatch(self, event):\n"
           "        q4()\n"
           "@pytest.fixture\n"
           "def db(request):\n"
           "    q5()\n");
  assert_true(holds(&x, SCL_FACT_IN_HANDLER, find(&x, "call", "q1()")));
  assert_true(holds(&x, SCL_FACT_IN_HANDLER, find(&x, "call", "q2()")));
  assert_true(holds(&x, SCL_FACT_IN_HANDLER, find(&x, "call", "q3()")));
  assert_false(holds(&x, SCL_FACT_IN_HANDLER, find(&x, "call", "q4()")));
  assert_false(holds(&x, SCL_FACT_IN_HANDLER, find(&x, "call", "q5()")));
  fx_done(&x);
}

static void test_facts__py_through_calls_trace(void **state)
{
  fx x;
  scl_fact_trace tr;
  uint32_t jobs, loop, site;
  (void)state;
  fx_parse(&x, SCL_LANG_PY, "t.py",
           "def schedule(u):\n"
           "    scheduler.get_jobs()\n"
           "for u in users:\n"
           "    schedule(u)\n");
  jobs = find(&x, "call", "scheduler.get_jobs()");
  loop = find_prefix(&x, "for_statement", "for u in users");
  site = find(&x, "call", "schedule(u)");
  assert_false(holds(&x, SCL_FACT_IN_LOOP, jobs));
  memset(&tr, 0xab, sizeof(tr));
  assert_false(scl_facts_holds(x.facts, SCL_FACT_IN_HANDLER, jobs, true, &tr));
  assert_int_equal(tr.count, 0);
  assert_true(scl_facts_holds(x.facts, SCL_FACT_IN_LOOP, jobs, true, &tr));
  assert_int_equal(tr.count, 2);
  assert_int_equal(tr.nodes[0], loop);
  assert_string_equal(tr.labels[0], "the loop");
  assert_int_equal(tr.nodes[1], site);
  assert_string_equal(tr.labels[1], "calls it");
  /* a direct hit has an empty trace */
  assert_true(scl_facts_holds(x.facts, SCL_FACT_IN_LOOP, site, true, &tr));
  assert_int_equal(tr.count, 0);
  /* the memoised answer is the same */
  assert_true(scl_facts_holds(x.facts, SCL_FACT_IN_LOOP, jobs, true, &tr));
  assert_int_equal(tr.count, 2);
  fx_done(&x);
}

static void test_facts__py_through_calls_depth_two_and_self(void **state)
{
  fx x;
  scl_fact_trace tr;
  (void)state;
  fx_parse(&x, SCL_LANG_PY, "t.py",
           "class Svc:\n"
           "    def leaf(self):\n"
           "        db.find_one()\n"
           "    def mid(self):\n"
           "        self.leaf()\n"
           "@app.get('/r')\n"
           "def handler():\n"
           "    for i in items:\n"
           "        svc.mid()\n"
           "        outer()\n"
           "def outer():\n"
           "    inner()\n"
           "def inner():\n"
           "    db.count()\n"
           "def leaf():\n"
           "    other()\n");
  /* inner <- outer <- loop in handler */
  assert_true(scl_facts_holds(x.facts, SCL_FACT_IN_LOOP, find(&x, "call", "db.count()"), true,
                              &tr));
  assert_int_equal(tr.count, 3);
  assert_int_equal(tr.nodes[0], find_prefix(&x, "for_statement", "for i in items"));
  assert_int_equal(tr.nodes[1], find(&x, "call", "outer()"));
  assert_int_equal(tr.nodes[2], find(&x, "call", "inner()"));
  assert_true(scl_facts_holds(x.facts, SCL_FACT_IN_HANDLER, find(&x, "call", "db.count()"),
                              true, &tr));
  assert_int_equal(tr.count, 3);
  assert_int_equal(tr.nodes[0], find(&x, "function_definition", "def handler():\n"
                                                                 "    for i in items:\n"
                                                                 "        svc.mid()\n"
                                                                 "        outer()"));
  assert_string_equal(tr.labels[0], "the request handler");
  /* self.leaf() resolves to the method, never to the module function leaf;
   * svc.mid() is not resolvable by name, so the method chain stops there */
  assert_false(scl_facts_holds(x.facts, SCL_FACT_IN_LOOP, find(&x, "call", "db.find_one()"),
                               true, &tr));
  assert_false(scl_facts_holds(x.facts, SCL_FACT_IN_LOOP, find(&x, "call", "other()"), true,
                               &tr));
  fx_done(&x);
}

static void test_facts__py_self_call_resolves_to_methods_only(void **state)
{
  fx x;
  scl_fact_trace tr;
  (void)state;
  fx_parse(&x, SCL_LANG_PY, "t.py",
           "def save(x):\n"
           "    q_module()\n"
           "class Repo:\n"
           "    def save(self, x):\n"
           "        q_method()\n"
           "    def run(self, xs):\n"
           "        for x in xs:\n"
           "            self.save(x)\n");
  assert_false(scl_facts_holds(x.facts, SCL_FACT_IN_LOOP, find(&x, "call", "q_module()"), true,
                               &tr));
  assert_true(scl_facts_holds(x.facts, SCL_FACT_IN_LOOP, find(&x, "call", "q_method()"), true,
                              &tr));
  assert_int_equal(tr.nodes[1], find(&x, "call", "self.save(x)"));
  fx_done(&x);
}

static void test_facts__py_recursion_terminates(void **state)
{
  fx x;
  scl_fact_trace tr;
  (void)state;
  fx_parse(&x, SCL_LANG_PY, "t.py",
           "def a():\n"
           "    b()\n"
           "    work()\n"
           "def b():\n"
           "    a()\n"
           "def c():\n"
           "    c()\n"
           "    more()\n");
  assert_false(scl_facts_holds(x.facts, SCL_FACT_IN_LOOP, find(&x, "call", "work()"), true, &tr));
  assert_false(scl_facts_holds(x.facts, SCL_FACT_IN_HANDLER, find(&x, "call", "work()"), true,
                               &tr));
  assert_false(scl_facts_holds(x.facts, SCL_FACT_IN_LOOP, find(&x, "call", "more()"), true, &tr));
  assert_int_equal(tr.count, 0);
  fx_done(&x);
}

static void test_facts__py_call_depth_is_capped(void **state)
{
  /* f0 is called from a loop through a chain of 9 calls: one too many */
  static const char src[] =
    "def f0():\n    hit()\n"
    "def f1():\n    f0()\n"
    "def f2():\n    f1()\n"
    "def f3():\n    f2()\n"
    "def f4():\n    f3()\n"
    "def f5():\n    f4()\n"
    "def f6():\n    f5()\n"
    "def f7():\n    f6()\n"
    "def f8():\n    f7()\n"
    "for i in xs:\n    f8()\n";
  fx x;
  scl_fact_trace tr;
  (void)state;
  assert_int_equal(SCL_MAX_CALL_DEPTH, 8);
  fx_parse(&x, SCL_LANG_PY, "t.py", src);
  assert_false(scl_facts_holds(x.facts, SCL_FACT_IN_LOOP, find(&x, "call", "hit()"), true, &tr));
  /* f1's body is 8 calls away: the limit itself is allowed */
  assert_true(scl_facts_holds(x.facts, SCL_FACT_IN_LOOP, find(&x, "call", "f0()"), true, &tr));
  assert_int_equal(tr.count, 1 + SCL_MAX_CALL_DEPTH);
  assert_int_equal(tr.nodes[1], find(&x, "call", "f8()"));
  assert_int_equal(tr.nodes[tr.count - 1], find(&x, "call", "f1()"));
  fx_done(&x);
}

static void test_facts__py_through_calls_prefers_shortest_chain(void **state)
{
  fx x;
  scl_fact_trace tr;
  (void)state;
  fx_parse(&x, SCL_LANG_PY, "t.py",
           "def target():\n"
           "    q()\n"
           "def via():\n"
           "    target()\n"
           "for a in xs:\n"
           "    via()\n"
           "for b in ys:\n"
           "    target()\n");
  assert_true(scl_facts_holds(x.facts, SCL_FACT_IN_LOOP, find(&x, "call", "q()"), true, &tr));
  assert_int_equal(tr.count, 2);
  assert_int_equal(tr.nodes[0], find_prefix(&x, "for_statement", "for b in ys"));
  assert_int_equal(tr.nodes[1], find_nth(&x, "call", "target()", 1));
  fx_done(&x);
}

static void test_facts__py_deep_nesting_is_walked_iteratively(void **state)
{
  /* 1500 nested lists inside a loop body: parent walks, never recursion */
  enum { DEPTH = 1500 };
  static char src[32 + 2 * DEPTH];
  size_t o = 0;
  fx x;
  (void)state;
  memcpy(src + o, "for a in b:\n    ", 16);
  o += 16;
  for (int i = 0; i < DEPTH; i++)
    src[o++] = '[';
  memcpy(src + o, "f()", 3);
  o += 3;
  for (int i = 0; i < DEPTH; i++)
    src[o++] = ']';
  src[o++] = '\n';
  src[o] = '\0';
  fx_parse(&x, SCL_LANG_PY, "t.py", src);
  assert_true(holds(&x, SCL_FACT_IN_LOOP, find(&x, "call", "f()")));
  assert_false(holds(&x, SCL_FACT_IN_FUNCTION, find(&x, "call", "f()")));
  assert_false(scl_facts_holds(x.facts, SCL_FACT_IN_HANDLER, find(&x, "call", "f()"), true,
                               NULL));
  fx_done(&x);
}

static void test_facts__py_imports(void **state)
{
  fx x;
  const char *const *names;
  size_t n;
  (void)state;
  fx_parse(&x, SCL_LANG_PY, "t.py",
           "import os, motor.motor_asyncio as m\n"
           "from sqlalchemy import create_engine, text as t\n"
           "from . import models\n"
           "from ..db import session\n"
           "import os\n");
  n = scl_facts_imports(x.facts, &names);
  assert_int_equal(n, 9);
  assert_string_equal(names[0], ".");
  assert_string_equal(names[1], "..db");
  assert_string_equal(names[2], "..db.session");
  assert_string_equal(names[3], ".models");
  assert_string_equal(names[4], "motor.motor_asyncio");
  assert_string_equal(names[5], "os");
  assert_string_equal(names[6], "sqlalchemy");
  assert_string_equal(names[7], "sqlalchemy.create_engine");
  assert_string_equal(names[8], "sqlalchemy.text");
  /* a second call returns the same list */
  assert_int_equal(scl_facts_imports(x.facts, &names), 9);
  fx_done(&x);
}

/* ==== JavaScript / TypeScript =========================================== */

static void test_facts__js_loops_and_callbacks(void **state)
{
  fx x;
  (void)state;
  fx_parse(&x, SCL_LANG_JS, "t.js",
           "users.forEach((u) => { notify(u); });\n"
           "for (const x of list()) { save(x); }\n"
           "for (let i = init(); check(i); i = next(i)) { body(i); }\n"
           "while (more()) { w(); }\n"
           "do { d(); } while (again());\n"
           "const total = xs.reduce(function (a, b) { return add(a, b); }, start());\n"
           "xs.map(async (v) => { const inner = () => deep(v); });\n"
           "cache.get(key, (e, v) => { cb(v); });\n");
  assert_true(holds(&x, SCL_FACT_IN_LOOP, find(&x, "call_expression", "notify(u)")));
  assert_true(holds(&x, SCL_FACT_IN_LOOP, find(&x, "call_expression", "save(x)")));
  assert_false(holds(&x, SCL_FACT_IN_LOOP, find(&x, "call_expression", "list()")));
  assert_false(holds(&x, SCL_FACT_IN_LOOP, find(&x, "call_expression", "init()")));
  assert_true(holds(&x, SCL_FACT_IN_LOOP, find(&x, "call_expression", "check(i)")));
  assert_true(holds(&x, SCL_FACT_IN_LOOP, find(&x, "call_expression", "next(i)")));
  assert_true(holds(&x, SCL_FACT_IN_LOOP, find(&x, "call_expression", "body(i)")));
  assert_true(holds(&x, SCL_FACT_IN_LOOP, find(&x, "call_expression", "more()")));
  assert_true(holds(&x, SCL_FACT_IN_LOOP, find(&x, "call_expression", "w()")));
  assert_true(holds(&x, SCL_FACT_IN_LOOP, find(&x, "call_expression", "d()")));
  assert_true(holds(&x, SCL_FACT_IN_LOOP, find(&x, "call_expression", "again()")));
  assert_true(holds(&x, SCL_FACT_IN_LOOP, find(&x, "call_expression", "add(a, b)")));
  assert_false(holds(&x, SCL_FACT_IN_LOOP, find(&x, "call_expression", "start()")));
  assert_false(holds(&x, SCL_FACT_IN_LOOP, find(&x, "call_expression", "deep(v)")));
  assert_false(holds(&x, SCL_FACT_IN_LOOP, find(&x, "call_expression", "cb(v)")));
  fx_done(&x);
}

static void test_facts__js_express_handlers(void **state)
{
  fx x;
  (void)state;
  fx_parse(&x, SCL_LANG_JS, "t.js",
           "app.get('/u', async (req, res) => { await h1(); });\n"
           "router.post(`/p`, auth, function (q, s) { h2(); });\n"
           "app.use((q, s, next) => { h3(); });\n"
           "router.route('/c').get((a, b) => { h4(); });\n"
           "map.get(key, (k) => { n1(); });\n"
           "cache.get('user:1', (err, v) => { n2(); });\n"
           "async function listUsers(req, res) { h5(); }\n"
           "function helper(a, b) { n3(); }\n"
           "api.v1.delete('/x', (c) => { setTimeout(() => { h6(); }); });\n");
  assert_true(holds(&x, SCL_FACT_IN_HANDLER, find(&x, "call_expression", "h1()")));
  assert_true(holds(&x, SCL_FACT_IN_ASYNC, find(&x, "call_expression", "h1()")));
  assert_true(holds(&x, SCL_FACT_IN_HANDLER, find(&x, "call_expression", "h2()")));
  assert_false(holds(&x, SCL_FACT_IN_ASYNC, find(&x, "call_expression", "h2()")));
  assert_true(holds(&x, SCL_FACT_IN_HANDLER, find(&x, "call_expression", "h3()")));
  assert_true(holds(&x, SCL_FACT_IN_HANDLER, find(&x, "call_expression", "h4()")));
  assert_true(holds(&x, SCL_FACT_IN_HANDLER, find(&x, "call_expression", "h5()")));
  assert_true(holds(&x, SCL_FACT_IN_HANDLER, find(&x, "call_expression", "h6()")));
  assert_false(holds(&x, SCL_FACT_IN_HANDLER, find(&x, "call_expression", "n1()")));
  assert_false(holds(&x, SCL_FACT_IN_HANDLER, find(&x, "call_expression", "n2()")));
  assert_false(holds(&x, SCL_FACT_IN_HANDLER, find(&x, "call_expression", "n3()")));
  fx_done(&x);
}

static void test_facts__js_this_helper_through_calls(void **state)
{
  fx x;
  scl_fact_trace tr;
  uint32_t q;
  (void)state;
  fx_parse(&x, SCL_LANG_JS, "t.js",
           "class Jobs {\n"
           "  async sync(users) {\n"
           "    for (const u of users) {\n"
           "      await this.refresh(u);\n"
           "    }\n"
           "  }\n"
           "  async refresh(u) {\n"
           "    const jobs = await queue.getJobs();\n"
           "  }\n"
           "}\n"
           "const helper = async () => { await db.query('x'); };\n"
           "items.map((i) => helper());\n");
  q = find(&x, "call_expression", "queue.getJobs()");
  assert_false(holds(&x, SCL_FACT_IN_LOOP, q));
  assert_true(scl_facts_holds(x.facts, SCL_FACT_IN_LOOP, q, true, &tr));
  assert_int_equal(tr.count, 2);
  assert_int_equal(tr.nodes[0], find_prefix(&x, "for_in_statement", "for (const u of users)"));
  assert_int_equal(tr.nodes[1], find(&x, "call_expression", "this.refresh(u)"));
  assert_false(holds(&x, SCL_FACT_AT_MODULE_SCOPE, q));
  /* an arrow held in a const, called from a map callback */
  assert_true(scl_facts_holds(x.facts, SCL_FACT_IN_LOOP, find(&x, "call_expression",
                                                               "db.query('x')"),
                              true, &tr));
  assert_int_equal(tr.count, 2);
  assert_int_equal(tr.nodes[0], find_prefix(&x, "call_expression", "items.map("));
  assert_int_equal(tr.nodes[1], find(&x, "call_expression", "helper()"));
  fx_done(&x);
}

static void test_facts__js_imports(void **state)
{
  fx x;
  const char *const *names;
  size_t n;
  (void)state;
  fx_parse(&x, SCL_LANG_JS, "t.js",
           "import x from 'mongodb';\n"
           "const { Pool } = require(\"pg\");\n"
           "const later = await import('nodemailer');\n"
           "export { y } from './y.js';\n"
           "const dyn = require(name);\n"
           "const pg2 = require('pg');\n");
  n = scl_facts_imports(x.facts, &names);
  assert_int_equal(n, 4);
  assert_string_equal(names[0], "./y.js");
  assert_string_equal(names[1], "mongodb");
  assert_string_equal(names[2], "nodemailer");
  assert_string_equal(names[3], "pg");
  fx_done(&x);
}

static void test_facts__ts_nest_decorators_and_scopes(void **state)
{
  fx x;
  (void)state;
  fx_parse(&x, SCL_LANG_TS, "t.ts",
           "import { Pool } from 'pg';\n"
           "const sessions = new Map<string, number>();\n"
           "@Controller('users')\n"
           "export class UsersController {\n"
           "  private cache = new Map();\n"
           "  @Get(':id')\n"
           "  async findOne(@Param('id') id: string) {\n"
           "    return await r1(id);\n"
           "  }\n"
           "  @Post()\n"
           "  @HttpCode(201)\n"
           "  create(@Body() dto: Dto) { r2(); }\n"
           "  @Cron('* * * * *')\n"
           "  tick() { r3(); }\n"
           "  plain() { r4(); }\n"
           "}\n"
           "app.get('/t', (req: Request, res: Response) => { r5(); });\n");
  assert_true(holds(&x, SCL_FACT_IN_HANDLER, find(&x, "call_expression", "r1(id)")));
  assert_true(holds(&x, SCL_FACT_IN_ASYNC, find(&x, "call_expression", "r1(id)")));
  assert_true(holds(&x, SCL_FACT_IN_HANDLER, find(&x, "call_expression", "r2()")));
  assert_false(holds(&x, SCL_FACT_IN_HANDLER, find(&x, "call_expression", "r3()")));
  assert_false(holds(&x, SCL_FACT_IN_HANDLER, find(&x, "call_expression", "r4()")));
  assert_true(holds(&x, SCL_FACT_IN_HANDLER, find(&x, "call_expression", "r5()")));
  assert_true(holds(&x, SCL_FACT_AT_MODULE_SCOPE,
                    find_prefix(&x, "lexical_declaration", "const sessions")));
  assert_false(holds(&x, SCL_FACT_AT_MODULE_SCOPE, find(&x, "new_expression", "new Map()")));
  fx_done(&x);
}

/* ==== C ================================================================= */

static void test_facts__c_loops_functions_and_includes(void **state)
{
  fx x;
  scl_fact_trace tr;
  const char *const *names;
  size_t n;
  uint32_t spawn;
  (void)state;
  fx_parse(&x, SCL_LANG_C, "/tmp/scalint_test_facts.c",
           "#include <sys/select.h>\n"
           "#include \"server.h\"\n"
           "int accept_one(int fd);\n"
           "int handle(int c);\n"
           "int setup(void);\n"
           "int pending(int fd);\n"
           "static int spawn(int c) { return handle(c); }\n"
           "int serve(int fd) {\n"
           "  int n = 0;\n"
           "  while (pending(fd)) {\n"
           "    spawn(accept_one(fd));\n"
           "  }\n"
           "  for (n = setup(); n < 10; n++) {\n"
           "    handle(n);\n"
           "  }\n"
           "  return 0;\n"
           "}\n");
  spawn = find(&x, "CallExpr", "spawn(accept_one(fd))");
  assert_true(holds(&x, SCL_FACT_IN_LOOP, spawn));
  assert_true(holds(&x, SCL_FACT_IN_LOOP, find(&x, "CallExpr", "accept_one(fd)")));
  assert_true(holds(&x, SCL_FACT_IN_LOOP, find(&x, "CallExpr", "pending(fd)")));
  assert_true(holds(&x, SCL_FACT_IN_LOOP, find(&x, "CallExpr", "handle(n)")));
  assert_false(holds(&x, SCL_FACT_IN_LOOP, find(&x, "CallExpr", "setup()")));
  assert_true(holds(&x, SCL_FACT_IN_FUNCTION, spawn));
  assert_false(holds(&x, SCL_FACT_AT_MODULE_SCOPE, spawn));
  assert_false(holds(&x, SCL_FACT_IN_HANDLER, spawn));
  assert_false(holds(&x, SCL_FACT_IN_ASYNC, spawn));
  /* handle(c) inside spawn(), called from the while loop */
  assert_false(holds(&x, SCL_FACT_IN_LOOP, find(&x, "CallExpr", "handle(c)")));
  assert_true(scl_facts_holds(x.facts, SCL_FACT_IN_LOOP, find(&x, "CallExpr", "handle(c)"), true,
                              &tr));
  assert_int_equal(tr.count, 2);
  assert_string_equal(scl_tree_kind_name(&x.tree, tr.nodes[0]), "WhileStmt");
  assert_int_equal(tr.nodes[1], spawn);
  n = scl_facts_imports(x.facts, &names);
  assert_int_equal(n, 2);
  assert_string_equal(names[0], "server.h");
  assert_string_equal(names[1], "sys/select.h");
  fx_done(&x);
}

int main(void)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test(test_facts__names_round_trip),
    cmocka_unit_test(test_facts__py_for_body_not_iterable),
    cmocka_unit_test(test_facts__py_while_condition_and_async_for),
    cmocka_unit_test(test_facts__py_comprehension_first_iterable_runs_once),
    cmocka_unit_test(test_facts__py_lambda_in_loop_is_a_boundary),
    cmocka_unit_test(test_facts__py_async_and_scopes),
    cmocka_unit_test(test_facts__py_route_decorators_are_handlers),
    cmocka_unit_test(test_facts__py_django_views_and_middleware),
    cmocka_unit_test(test_facts__py_through_calls_trace),
    cmocka_unit_test(test_facts__py_through_calls_depth_two_and_self),
    cmocka_unit_test(test_facts__py_self_call_resolves_to_methods_only),
    cmocka_unit_test(test_facts__py_recursion_terminates),
    cmocka_unit_test(test_facts__py_call_depth_is_capped),
    cmocka_unit_test(test_facts__py_through_calls_prefers_shortest_chain),
    cmocka_unit_test(test_facts__py_deep_nesting_is_walked_iteratively),
    cmocka_unit_test(test_facts__py_imports),
    cmocka_unit_test(test_facts__js_loops_and_callbacks),
    cmocka_unit_test(test_facts__js_express_handlers),
    cmocka_unit_test(test_facts__js_this_helper_through_calls),
    cmocka_unit_test(test_facts__js_imports),
    cmocka_unit_test(test_facts__ts_nest_decorators_and_scopes),
    cmocka_unit_test(test_facts__c_loops_functions_and_includes),
  };
  scl_diag diag;
  int rc;

  scl_diag_clear(&diag);
  if (scl_frontends_init(&diag) != SCL_OK || scl_frontend_new(&fe, &diag) != SCL_OK) {
    char msg[512];
    scl_diag_format(&diag, msg, sizeof(msg));
    print_error("front-ends unavailable: %s\n", msg);
    return 1;
  }
  rc = cmocka_run_group_tests(tests, NULL, NULL);
  scl_frontend_free(fe);
  scl_frontends_shutdown();
  return rc;
}
