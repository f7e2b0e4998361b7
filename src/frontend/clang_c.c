/*
 * clang_c.c - the libclang back-end for C.
 *
 * At start-up it builds the C kinds table from libclang's cursor kinds
 * (spelling normalised to CamelCase) and the documented C fields. Per file it
 * parses the in-memory buffer as an unsaved file, with the arguments of a
 * compile_commands.json found above the file or with defaults, and copies the
 * cursors located in the main file into the flat preorder scl_tree.
 *
 * The cursor walk never recurses: each clang_visitChildren call collects one
 * cursor's direct children (CXChildVisit_Continue) and an explicit stack of
 * frames drives the preorder, bounded by SCL_MAX_TREE_DEPTH. Code expanded
 * from macros is kept (a query made by a macro is still a query), placed at
 * the invocation, except statements that are exactly a macro's body, which
 * are replaced by their children. Preprocessing
 * cursors (macro expansions, definitions, includes), which libclang reports
 * at the translation-unit level, are placed by source offset into the
 * innermost node being built, so a macro used inside a loop is inside it.
 *
 * Two modes (scl_c_mode, set per index): full (the default) parses with
 * the compile database's flags or with the system headers; cheap parses the
 * file alone with -nostdinc, about 3.5x faster but blind to what the system
 * headers declare, so libclang's recovery can drop statements that use
 * those names (bench/README.md has the numbers).
 *
 * Must not keep any CXCursor or CXTranslationUnit past a call, and must not
 * write files: dependency-output options from a compile database are dropped.
 */
#include <limits.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <clang-c/CXCompilationDatabase.h>
#include <clang-c/Index.h>

#include "frontend/fe_internal.h"
#include "scalint/scalint.h"
#include "frontend/nesting.h"
#include "util/alloc.h"
#include "util/buf.h"
#include "util/limits.h"
#include "util/vec.h"

/* Cursor kinds are below this (CXCursor_OverloadCandidate is 700). */
#define C_KIND_MAP_SIZE 1024

/*
 * Ranges of valid CXCursorKind values. libclang has undefined behaviour (a
 * crash in practice) when asked to spell a value outside these, so the
 * table is built from the documented ranges rather than by probing.
 */
static const struct {
  int first, last;
} c_kind_ranges[] = {
  { CXCursor_FirstDecl, CXCursor_LastDecl },
  { CXCursor_FirstRef, CXCursor_LastRef },
  { CXCursor_FirstExpr, CXCursor_LastExpr },
  { CXCursor_FirstStmt, CXCursor_LastStmt },
  { CXCursor_TranslationUnit, CXCursor_TranslationUnit },
  { CXCursor_FirstAttr, CXCursor_LastAttr },
  { CXCursor_FirstPreprocessing, CXCursor_LastPreprocessing },
  { CXCursor_FirstExtraDecl, CXCursor_LastExtraDecl },
  { CXCursor_OverloadCandidate, CXCursor_OverloadCandidate },
};

/* c_lang - the C kinds table and the CXCursorKind -> kind id map. */
static struct {
  scl_kinds kinds;
  uint16_t kind_map[C_KIND_MAP_SIZE];
  uint16_t f_callee, f_argument, f_body, f_condition, f_value, f_left, f_right, f_name;
  uint16_t k_decl_name;  /* DeclName: the name token of a declaration (not a cursor kind) */
  bool is_ready;
} c_lang;

/* ==== start-up: kinds table ============================================= */

/*
 * Normalises a cursor kind spelling to CamelCase: words (split at spaces,
 * '_', '(', ')', '-') start with a capital, other punctuation is dropped and
 * '+' becomes 'X'. "macro expansion" -> "MacroExpansion", "CallExpr" stays,
 * "attribute(packed)" -> "AttributePacked", "C++ base class specifier" ->
 * "CXXBaseClassSpecifier".
 */
static void normalise_kind(scl_buf *out, const char *spelling)
{
  bool word_start = true;

  scl_buf_clear(out);
  for (const char *p = spelling; *p; p++) {
    unsigned char ch = (unsigned char)*p;
    if (ch == ' ' || ch == '_' || ch == '(' || ch == ')' || ch == '-') {
      word_start = true;
      continue;
    }
    if (ch == '+') {
      scl_buf_putc(out, 'X');
      continue;
    }
    if (!((ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9')))
      continue;
    if (word_start && ch >= 'a' && ch <= 'z')
      ch = (unsigned char)(ch - 'a' + 'A');
    scl_buf_putc(out, (char)ch);
    word_start = false;
  }
}

scl_status scl_frontend__c_init(scl_diag *diag)
{
  scl_buf name;

  if (c_lang.is_ready)
    return SCL_OK;
  scl_buf_init(&name, 256);
  scl_kinds_init(&c_lang.kinds);
  memset(c_lang.kind_map, 0, sizeof(c_lang.kind_map));
  for (size_t r = 0; r < sizeof(c_kind_ranges) / sizeof(c_kind_ranges[0]); r++) {
    for (int k = c_kind_ranges[r].first; k <= c_kind_ranges[r].last; k++) {
      CXString s = clang_getCursorKindSpelling((enum CXCursorKind)k);
      const char *cs = clang_getCString(s);
      normalise_kind(&name, cs ? cs : "");
      clang_disposeString(s);
      if (name.len == 0 || k >= C_KIND_MAP_SIZE)
        continue;
      c_lang.kind_map[k] = scl_kinds_add_kind(&c_lang.kinds, scl_buf_cstr(&name), true);
    }
  }
  scl_buf_dispose(&name);
  c_lang.f_callee = scl_kinds_add_field(&c_lang.kinds, "callee");
  c_lang.f_argument = scl_kinds_add_field(&c_lang.kinds, "argument");
  c_lang.f_body = scl_kinds_add_field(&c_lang.kinds, "body");
  c_lang.f_condition = scl_kinds_add_field(&c_lang.kinds, "condition");
  c_lang.f_value = scl_kinds_add_field(&c_lang.kinds, "value");
  c_lang.f_left = scl_kinds_add_field(&c_lang.kinds, "left");
  c_lang.f_right = scl_kinds_add_field(&c_lang.kinds, "right");
  c_lang.f_name = scl_kinds_add_field(&c_lang.kinds, "name");
  /* not a libclang cursor kind: the name child of FunctionDecl, VarDecl,
   * ParmDecl and FieldDecl (no cursor kind spells "DeclName") */
  if (!scl_kinds_find_kind(&c_lang.kinds, "DeclName", true))
    c_lang.k_decl_name = scl_kinds_add_kind(&c_lang.kinds, "DeclName", true);
  if (!c_lang.kind_map[CXCursor_TranslationUnit] || !c_lang.kind_map[CXCursor_MacroExpansion]) {
    scl_kinds_dispose(&c_lang.kinds);
    return scl_diag_set(diag, SCL_EINTERNAL, "libclang did not name its basic cursor kinds");
  }
  c_lang.is_ready = true;
  return SCL_OK;
}

void scl_frontend__c_shutdown(void)
{
  scl_kinds_dispose(&c_lang.kinds);
  memset(&c_lang, 0, sizeof(c_lang));
}

const scl_kinds *scl_frontend__c_kinds(void)
{
  return c_lang.is_ready ? &c_lang.kinds : NULL;
}

/* c_index - one worker's CXIndex and the scl_c_mode it parses with. */
typedef struct c_index {
  CXIndex index;
  int mode;
} c_index;

void *scl_frontend__c_index_new(void)
{
  c_index *ci = scl_xcalloc(1, sizeof(*ci));
  ci->index = clang_createIndex(0, 0);
  ci->mode = SCL_C_MODE_AUTO;
  return ci;
}

void scl_frontend__c_index_free(void *index)
{
  c_index *ci = index;
  if (!ci)
    return;
  if (ci->index)
    clang_disposeIndex(ci->index);
  free(ci);
}

void scl_frontend__c_index_set_mode(void *index, int mode)
{
  ((c_index *)index)->mode = mode;
}

/* ==== arguments: compile_commands.json or defaults ====================== */

typedef SCL_VEC(char *) str_vec;

static void str_vec_free(str_vec *v)
{
  for (size_t i = 0; i < v->count; i++)
    free(v->items[i]);
  SCL_VEC_FREE(v);
}

static void str_vec_add(str_vec *v, const char *s)
{
  SCL_VEC_PUSH(v, scl_xstrdup(s));
}

/* Absolute form of path (realpath when the file exists). Caller frees. */
static char *absolute_path(const char *path)
{
  char *real = realpath(path, NULL);
  char cwd[PATH_MAX];
  scl_buf b;

  if (real)
    return real;
  if (path[0] == '/' || !getcwd(cwd, sizeof(cwd)))
    return scl_xstrdup(path);
  scl_buf_init(&b, 0);
  scl_buf_printf(&b, "%s/%s", cwd, path);
  return scl_buf_detach(&b);
}

/* Directory part of an absolute path ("/" for a file at the root). Caller frees. */
static char *dir_of(const char *abs)
{
  const char *slash = strrchr(abs, '/');
  if (!slash || slash == abs)
    return scl_xstrdup("/");
  return scl_xstrndup(abs, (size_t)(slash - abs));
}

static bool is_regular_file(const char *path)
{
  struct stat st;
  return stat(path, &st) == 0 && S_ISREG(st.st_mode);
}

/*
 * Looks for compile_commands.json in dir, dir/build, and each parent of dir
 * and its build/. Returns the directory holding it (caller frees) or NULL.
 */
static char *find_compile_db(const char *dir)
{
  char *d = scl_xstrdup(dir);
  scl_buf probe;
  char *found = NULL;

  scl_buf_init(&probe, 0);
  for (int guard = 0; guard < SCL_MAX_DIR_DEPTH; guard++) {
    const char *base = strcmp(d, "/") == 0 ? "" : d;
    scl_buf_clear(&probe);
    scl_buf_printf(&probe, "%s/compile_commands.json", base);
    if (is_regular_file(scl_buf_cstr(&probe))) {
      found = scl_xstrdup(d);
      break;
    }
    scl_buf_clear(&probe);
    scl_buf_printf(&probe, "%s/build/compile_commands.json", base);
    if (is_regular_file(scl_buf_cstr(&probe))) {
      scl_buf_clear(&probe);
      scl_buf_printf(&probe, "%s/build", base);
      found = scl_buf_detach(&probe);
      break;
    }
    if (strcmp(d, "/") == 0)
      break;
    char *up = dir_of(d);
    free(d);
    d = up;
  }
  free(d);
  scl_buf_dispose(&probe);
  return found;
}

/* Options that name an output file in the next argument. */
static bool takes_output_arg(const char *a)
{
  return strcmp(a, "-o") == 0 || strcmp(a, "-MF") == 0 || strcmp(a, "-MT") == 0 ||
         strcmp(a, "-MQ") == 0;
}

static bool is_dropped_flag(const char *a)
{
  return strcmp(a, "-c") == 0 || strcmp(a, "-MD") == 0 || strcmp(a, "-MMD") == 0 ||
         strcmp(a, "-M") == 0 || strcmp(a, "-MM") == 0 || strcmp(a, "--") == 0 ||
         strncmp(a, "-o", 2) == 0 || strncmp(a, "-MF", 3) == 0;
}

/* True when arg names the file being compiled (absolute or relative to cwd_dir). */
static bool is_source_arg(const char *arg, const char *abs, const char *cwd_dir)
{
  scl_buf joined;
  bool same;

  if (strcmp(arg, abs) == 0)
    return true;
  if (arg[0] == '/' || arg[0] == '-')
    return false;
  scl_buf_init(&joined, 0);
  scl_buf_printf(&joined, "%s/%s", cwd_dir, arg);
  char *real = realpath(scl_buf_cstr(&joined), NULL);
  same = strcmp(real ? real : scl_buf_cstr(&joined), abs) == 0;
  free(real);
  scl_buf_dispose(&joined);
  return same;
}

/* Options whose path argument is relative to the compile command's directory:
 * either as the next argument ("-I", "inc") or joined ("-Iinc"). */
static const char *const path_options[] = {"-I", "-isystem", "-iquote", "-idirafter", "-include",
                                           "-imacros", "-F", NULL};

/*
 * Adds a, with a relative path made absolute against cwd_dir when a is a path
 * option's value (joined or, with is_value, the separate argument). libclang's
 * "-working-directory" is not used because it changes the whole process's
 * current directory, which would break every relative path of the scan.
 */
static void add_resolved(str_vec *args, const char *a, const char *cwd_dir, bool is_value)
{
  scl_buf b;
  if (is_value) {
    if (a[0] == '/') {
      str_vec_add(args, a);
      return;
    }
    scl_buf_init(&b, 0);
    scl_buf_printf(&b, "%s/%s", cwd_dir, a);
    SCL_VEC_PUSH(args, scl_buf_detach(&b));
    return;
  }
  for (size_t k = 0; path_options[k]; k++) {
    size_t n = strlen(path_options[k]);
    if (strncmp(a, path_options[k], n) == 0 && a[n] && a[n] != '/' && a[n] != '=') {
      scl_buf_init(&b, 0);
      scl_buf_printf(&b, "%s%s/%s", path_options[k], cwd_dir, a + n);
      SCL_VEC_PUSH(args, scl_buf_detach(&b));
      return;
    }
  }
  str_vec_add(args, a);
}

static bool is_path_option(const char *a)
{
  for (size_t k = 0; path_options[k]; k++)
    if (strcmp(a, path_options[k]) == 0)
      return true;
  return false;
}

/* True when the command is for abs itself (not one the database inferred). */
static bool command_is_for(CXCompileCommand cmd, const char *abs, const char *cwd_dir)
{
  CXString f = clang_CompileCommand_getFilename(cmd);
  const char *name = clang_getCString(f) ? clang_getCString(f) : "";
  bool same = is_source_arg(name, abs, cwd_dir);
  clang_disposeString(f);
  return same;
}

/* Appends the database's arguments for abs to args; false if it has none. */
static bool args_from_db(str_vec *args, const char *db_dir, const char *abs)
{
  CXCompilationDatabase_Error err = CXCompilationDatabase_NoError;
  CXCompilationDatabase db = clang_CompilationDatabase_fromDirectory(db_dir, &err);
  CXCompileCommands cmds = NULL;
  bool ok = false;

  if (!db || err != CXCompilationDatabase_NoError)
    goto cleanup;
  cmds = clang_CompilationDatabase_getCompileCommands(db, abs);
  if (!cmds || clang_CompileCommands_getSize(cmds) == 0)
    goto cleanup;
  CXCompileCommand cmd = clang_CompileCommands_getCommand(cmds, 0);
  CXString dir_s = clang_CompileCommand_getDirectory(cmd);
  char *cwd_dir = scl_xstrdup(clang_getCString(dir_s) ? clang_getCString(dir_s) : "/");
  clang_disposeString(dir_s);
  if (!command_is_for(cmd, abs, cwd_dir)) {
    free(cwd_dir);
    goto cleanup;
  }
  unsigned n = clang_CompileCommand_getNumArgs(cmd);
  bool next_is_path = false;
  for (unsigned i = 1; i < n; i++) {  /* argument 0 is the compiler */
    CXString s = clang_CompileCommand_getArg(cmd, i);
    const char *a = clang_getCString(s) ? clang_getCString(s) : "";
    if (next_is_path) {
      add_resolved(args, a, cwd_dir, true);
      next_is_path = false;
    } else if (takes_output_arg(a)) {
      i++;
    } else if (!is_dropped_flag(a) && !is_source_arg(a, abs, cwd_dir)) {
      add_resolved(args, a, cwd_dir, false);
      next_is_path = is_path_option(a);
    }
    clang_disposeString(s);
  }
  free(cwd_dir);
  str_vec_add(args, "-ferror-limit=0");
  str_vec_add(args, "-Wno-everything");
  ok = true;

cleanup:
  if (cmds)
    clang_CompileCommands_dispose(cmds);
  if (db)
    clang_CompilationDatabase_dispose(db);
  return ok;
}

/*
 * Arguments without a compile database. is_cheap leaves out the system
 * headers (-nostdinc): an `#include <stdio.h>` then fails at once instead of
 * pulling in some 10,000 lines of declarations, and libclang's KeepGoing
 * recovery goes on with the file itself. The file's directory stays on the
 * include path, so the project's own headers (and their macros) still count.
 */
static void default_args(str_vec *args, const char *dir, bool is_cheap)
{
  scl_buf inc;

  str_vec_add(args, "-x");
  str_vec_add(args, "c");
  str_vec_add(args, "-std=gnu11");
  if (is_cheap)
    str_vec_add(args, "-nostdinc");
  str_vec_add(args, "-ferror-limit=0");
  str_vec_add(args, "-Wno-everything");
  scl_buf_init(&inc, 0);
  scl_buf_printf(&inc, "-I%s", dir);
  str_vec_add(args, scl_buf_cstr(&inc));
  scl_buf_dispose(&inc);
}

/* ==== per file: cursors -> scl_tree ===================================== */

/* c_child - a collected cursor and its byte range in the main file. */
typedef struct c_child {
  CXCursor cursor;
  uint32_t start, end;
  uint32_t seq;  /* visit order, to keep sorting stable */
  bool is_name;  /* a DeclName: the name token of cursor, its parent */
} c_child;

/*
 * c_frame - a node whose children are being added.
 *   child_begin, child_count  its children, in ctx->pool
 *   next                      the next child to add
 */
typedef struct c_frame {
  uint32_t index;
  enum CXCursorKind kind;
  CXCursor cursor;
  size_t child_begin, child_count, next;
  uint32_t end_byte;
  bool has_init;       /* VarDecl with an initialiser, in init */
  CXCursor init;
} c_frame;

/* c_value - the value of an integer literal that a macro expands to. */
typedef struct c_value {
  uint32_t node;
  int64_t value;
} c_value;

typedef struct c_ctx {
  scl_tree *out;
  CXFile main_file;
  size_t len;
  SCL_VEC(uint32_t) line_starts;  /* byte offset of each row's first byte */
  SCL_VEC(c_child) pool;          /* children of the open frames, stacked */
  SCL_VEC(c_frame) frames;
  SCL_VEC(c_child) pp;            /* preprocessing cursors by offset */
  size_t pp_next;
  bool is_collecting_root;
  bool is_pp_sorted;
  SCL_VEC(c_value) values;        /* for the tree's values side table */
} c_ctx;

static void build_line_starts(c_ctx *ctx, const char *src, size_t len)
{
  SCL_VEC_PUSH(&ctx->line_starts, 0);
  for (const char *p = src, *e = src + len; p < e;) {
    const char *nl = memchr(p, '\n', (size_t)(e - p));
    if (!nl)
      break;
    SCL_VEC_PUSH(&ctx->line_starts, (uint32_t)(nl - src + 1));
    p = nl + 1;
  }
}

static void offset_to_point(const c_ctx *ctx, uint32_t off, uint32_t *row, uint32_t *col)
{
  size_t lo = 0, hi = ctx->line_starts.count;  /* last start <= off is in [lo, hi) */
  while (hi - lo > 1) {
    size_t mid = lo + (hi - lo) / 2;
    if (ctx->line_starts.items[mid] <= off)
      lo = mid;
    else
      hi = mid;
  }
  *row = (uint32_t)lo;
  *col = off - ctx->line_starts.items[lo];
}

static bool in_main_file(const c_ctx *ctx, CXSourceLocation loc, uint32_t *offset)
{
  CXFile file = NULL;
  unsigned off = 0;

  clang_getFileLocation(loc, &file, NULL, NULL, &off);
  if (!file)
    return false;
  if (ctx->main_file ? !clang_File_isEqual(file, ctx->main_file)
                     : !clang_Location_isFromMainFile(loc))
    return false;
  *offset = off > ctx->len ? (uint32_t)ctx->len : (uint32_t)off;
  return true;
}

/* Byte range of c in the main file; false when c is not located there. */
static bool cursor_range(const c_ctx *ctx, CXCursor c, uint32_t *start, uint32_t *end)
{
  CXSourceRange ext = clang_getCursorExtent(c);
  uint32_t loc_off, s, e;

  if (!in_main_file(ctx, clang_getCursorLocation(c), &loc_off))
    return false;
  if (!in_main_file(ctx, clang_getRangeStart(ext), &s) || s > loc_off)
    s = loc_off;
  if (!in_main_file(ctx, clang_getRangeEnd(ext), &e) || e < s)
    e = s > loc_off ? s : loc_off;
  *start = s;
  *end = e;
  return true;
}

static bool is_preprocessing(enum CXCursorKind k)
{
  return k >= CXCursor_FirstPreprocessing && k <= CXCursor_LastPreprocessing;
}

/*
 * True when a statement's extent is exactly a macro invocation's: the
 * statement is the macro's body (`do { ... } while (0)`, FD_ZERO's loop),
 * not a statement the user wrote. Needs ctx->pp sorted, which it is by the
 * time statements are collected (they never sit at the root).
 */
static bool is_macro_body_stmt(const c_ctx *ctx, enum CXCursorKind kind, uint32_t start,
                               uint32_t end)
{
  size_t lo = 0, hi = ctx->pp.count;

  if (!ctx->is_pp_sorted || !clang_isStatement(kind))
    return false;
  while (lo < hi) {  /* first pp entry starting at or after start */
    size_t mid = lo + (hi - lo) / 2;
    if (ctx->pp.items[mid].start < start)
      lo = mid + 1;
    else
      hi = mid;
  }
  for (size_t i = lo; i < ctx->pp.count && ctx->pp.items[i].start == start; i++)
    if (ctx->pp.items[i].end == end &&
        clang_getCursorKind(ctx->pp.items[i].cursor) == CXCursor_MacroExpansion)
      return true;
  return false;
}

/*
 * Visitor collecting one cursor's children: cursors outside the main file
 * are skipped; statements that are a macro's body are transparent
 * (CXChildVisit_Recurse hands their children to this visitor in their
 * place), so a `do { } while (0)` or a loop inside a header macro never
 * looks like a loop the user wrote, while calls the macro makes stay
 * visible. That recursion happens inside libclang and is bounded by the
 * macro's own nesting.
 */
static enum CXChildVisitResult collect_child(CXCursor c, CXCursor parent, CXClientData data)
{
  c_ctx *ctx = data;
  c_child ch;
  enum CXCursorKind kind = clang_getCursorKind(c);

  if (!cursor_range(ctx, c, &ch.start, &ch.end))
    return CXChildVisit_Continue;
  if (is_macro_body_stmt(ctx, kind, ch.start, ch.end))
    return CXChildVisit_Recurse;
  ch.cursor = c;
  ch.is_name = false;
  if (ctx->is_collecting_root && is_preprocessing(kind)) {
    ch.seq = (uint32_t)ctx->pp.count;
    SCL_VEC_PUSH(&ctx->pp, ch);
  } else {
    ch.seq = (uint32_t)ctx->pool.count;
    SCL_VEC_PUSH(&ctx->pool, ch);
  }
  return CXChildVisit_Continue;
}

static int cmp_child_offset(const void *a, const void *b)
{
  const c_child *x = a, *y = b;
  if (x->start != y->start)
    return x->start < y->start ? -1 : 1;
  return x->seq < y->seq ? -1 : x->seq > y->seq;
}

static uint16_t field_for(const c_frame *f, size_t pos, const c_child *ch)
{
  switch (f->kind) {
  case CXCursor_CallExpr:
    return pos == 0 ? c_lang.f_callee : c_lang.f_argument;
  case CXCursor_ForStmt:
  case CXCursor_WhileStmt:
    return pos + 1 == f->child_count ? c_lang.f_body : 0;
  case CXCursor_DoStmt:  /* do BODY while (COND): the body comes first */
    return pos == 0 ? c_lang.f_body : 0;
  case CXCursor_FunctionDecl:
    return clang_getCursorKind(ch->cursor) == CXCursor_CompoundStmt ? c_lang.f_body : 0;
  case CXCursor_IfStmt:
    return pos == 0 ? c_lang.f_condition : 0;
  case CXCursor_VarDecl:
    return f->has_init && clang_equalCursors(ch->cursor, f->init) ? c_lang.f_value : 0;
  case CXCursor_BinaryOperator:
    if (f->child_count != 2)
      return 0;
    return pos == 0 ? c_lang.f_left : c_lang.f_right;
  default:
    return 0;
  }
}

static void fill_node(scl_node *n, const c_ctx *ctx, CXCursor c, uint32_t start, uint32_t end,
                      uint16_t field, uint32_t parent)
{
  enum CXCursorKind k = clang_getCursorKind(c);

  memset(n, 0, sizeof(*n));
  n->kind = (unsigned)k < C_KIND_MAP_SIZE ? c_lang.kind_map[k] : 0;
  n->field = field;
  n->parent = parent;
  n->start_byte = start;
  n->end_byte = end;
  offset_to_point(ctx, start, &n->start_row, &n->start_col);
  offset_to_point(ctx, end, &n->end_row, &n->end_col);
  n->is_named = 1;
  n->has_error = clang_isDeclaration(k) && clang_isInvalidDeclaration(c) ? 1 : 0;
}

static scl_status node_limit(const char *path, uint32_t row, scl_diag *diag)
{
  return scl_diag_set_at(diag, SCL_ELIMIT, path, row + 1, 0,
                         "more than %u syntax nodes (SCL_MAX_TREE_NODES), file skipped",
                         (unsigned)SCL_MAX_TREE_NODES);
}

/* Adds, as leaf children of the top frame, the preprocessing cursors that
 * start at or before limit (inclusive) or before it (exclusive). */
static scl_status flush_pp(c_ctx *ctx, uint32_t limit, bool inclusive, const char *path,
                           scl_diag *diag)
{
  const c_frame *top = &ctx->frames.items[ctx->frames.count - 1];
  scl_node proto;

  while (ctx->pp_next < ctx->pp.count) {
    const c_child *p = &ctx->pp.items[ctx->pp_next];
    if (inclusive ? p->start > limit : p->start >= limit)
      break;
    fill_node(&proto, ctx, p->cursor, p->start, p->end, 0, top->index);
    if (scl_tree_open(ctx->out, &proto) == SCL_NO_NODE)
      return node_limit(path, proto.start_row, diag);
    ctx->pp_next++;
  }
  return SCL_OK;
}

/* Collects the children of ch->cursor onto the pool, splicing out
 * UnexposedExpr wrappers that have exactly one child. */
static void collect_spliced(c_ctx *ctx, c_child *ch, size_t *begin_out)
{
  size_t begin = ctx->pool.count;

  for (;;) {
    clang_visitChildren(ch->cursor, collect_child, ctx);
    if (clang_getCursorKind(ch->cursor) != CXCursor_UnexposedExpr ||
        ctx->pool.count - begin != 1)
      break;
    *ch = ctx->pool.items[begin];
    ctx->pool.count = begin;
  }
  *begin_out = begin;
}

/*
 * Records the value of an IntegerLiteral whose text is not digits (it comes
 * from a macro: `listen(fd, BACKLOG)`), so rules can compare it. A literal
 * written as digits is left to its text.
 */
static void note_int_value(c_ctx *ctx, uint32_t index, CXCursor c, uint32_t start)
{
  const char *src = ctx->out->src;
  CXEvalResult r;
  c_value v;

  if (start < ctx->len && src[start] >= '0' && src[start] <= '9')
    return;
  r = clang_Cursor_Evaluate(c);
  if (!r)
    return;
  if (clang_EvalResult_getKind(r) == CXEval_Int) {
    v.node = index;
    v.value = clang_EvalResult_isUnsignedInt(r) ? (int64_t)clang_EvalResult_getAsUnsigned(r)
                                                : (int64_t)clang_EvalResult_getAsLongLong(r);
    SCL_VEC_PUSH(&ctx->values, v);
  }
  clang_EvalResult_dispose(r);
}

/* Fills the tree's values side table from ctx->values (none: NULL). */
static void fill_values(c_ctx *ctx)
{
  scl_tree *t = ctx->out;

  if (ctx->values.count == 0 || t->count == 0)
    return;
  t->values = scl_arena_alloc(t->arena, (size_t)t->count * sizeof(*t->values));
  t->has_value = scl_arena_alloc(t->arena, (size_t)t->count);
  for (size_t i = 0; i < ctx->values.count; i++) {
    const c_value *v = &ctx->values.items[i];
    if (v->node < t->count) {
      t->values[v->node] = v->value;
      t->has_value[v->node] = 1;
    }
  }
}

static bool has_decl_name(enum CXCursorKind k)
{
  return k == CXCursor_FunctionDecl || k == CXCursor_VarDecl || k == CXCursor_ParmDecl ||
         k == CXCursor_FieldDecl;
}

/*
 * For a FunctionDecl, VarDecl, ParmDecl or FieldDecl: adds a DeclName child
 * spanning the name token to the children collected at begin, in source
 * order, when the name is spelled in the main file inside the declaration
 * (not produced by a macro).
 */
static void add_decl_name(c_ctx *ctx, const c_child *ch, size_t begin)
{
  CXSourceRange r = clang_Cursor_getSpellingNameRange(ch->cursor, 0, 0);
  CXString sp = clang_getCursorSpelling(ch->cursor);
  const char *name = clang_getCString(sp);
  size_t nlen = name ? strlen(name) : 0;
  uint32_t s, e;
  c_child nc;
  size_t pos;

  if (nlen == 0 || !in_main_file(ctx, clang_getRangeStart(r), &s) ||
      !in_main_file(ctx, clang_getRangeEnd(r), &e) || e != s + nlen || s < ch->start ||
      e > ch->end || memcmp(ctx->out->src + s, name, nlen) != 0) {
    clang_disposeString(sp);
    return;
  }
  clang_disposeString(sp);
  nc.cursor = ch->cursor;
  nc.start = s;
  nc.end = e;
  nc.seq = 0;
  nc.is_name = true;
  for (pos = begin; pos < ctx->pool.count && ctx->pool.items[pos].start < s; pos++)
    ;
  SCL_VEC_PUSH(&ctx->pool, nc);
  memmove(&ctx->pool.items[pos + 1], &ctx->pool.items[pos],
          (ctx->pool.count - 1 - pos) * sizeof(c_child));
  ctx->pool.items[pos] = nc;
}

static void push_frame(c_ctx *ctx, uint32_t index, const c_child *ch, size_t begin)
{
  c_frame f;

  memset(&f, 0, sizeof(f));
  f.index = index;
  f.cursor = ch->cursor;
  f.kind = clang_getCursorKind(ch->cursor);
  f.child_begin = begin;
  f.child_count = ctx->pool.count - begin;
  f.end_byte = ch->end;
  if (f.kind == CXCursor_VarDecl) {
    f.init = clang_Cursor_getVarDeclInitializer(ch->cursor);
    f.has_init = !clang_Cursor_isNull(f.init);
  }
  SCL_VEC_PUSH(&ctx->frames, f);
}

static scl_status build_tree(c_ctx *ctx, CXTranslationUnit tu, const char *path, scl_diag *diag)
{
  scl_node proto;
  c_child root;
  scl_status st = SCL_OK;

  root.cursor = clang_getTranslationUnitCursor(tu);
  root.start = 0;
  root.end = (uint32_t)ctx->len;
  root.seq = 0;
  root.is_name = false;
  fill_node(&proto, ctx, root.cursor, root.start, root.end, 0, SCL_NO_NODE);
  if (scl_tree_open(ctx->out, &proto) == SCL_NO_NODE)
    return node_limit(path, 0, diag);
  ctx->is_collecting_root = true;
  clang_visitChildren(root.cursor, collect_child, ctx);
  ctx->is_collecting_root = false;
  if (ctx->pp.count > 1)
    qsort(ctx->pp.items, ctx->pp.count, sizeof(c_child), cmp_child_offset);
  ctx->is_pp_sorted = true;
  push_frame(ctx, 0, &root, 0);
  ctx->frames.items[0].end_byte = UINT32_MAX;  /* the root takes every leftover */

  while (ctx->frames.count > 0) {
    c_frame *f = &ctx->frames.items[ctx->frames.count - 1];
    if (f->next == f->child_count) {
      st = flush_pp(ctx, f->end_byte, false, path, diag);
      if (st != SCL_OK)
        return st;
      f = &ctx->frames.items[ctx->frames.count - 1];
      scl_tree_close(ctx->out, f->index);
      ctx->pool.count = f->child_begin;
      ctx->frames.count--;
      continue;
    }
    size_t pos = f->next++;
    c_child ch = ctx->pool.items[f->child_begin + pos];
    uint16_t field = ch.is_name ? c_lang.f_name : field_for(f, pos, &ch);
    uint32_t parent = f->index;
    st = flush_pp(ctx, ch.start, true, path, diag);
    if (st != SCL_OK)
      return st;
    size_t begin = ctx->pool.count;
    if (!ch.is_name) {
      collect_spliced(ctx, &ch, &begin);
      if (has_decl_name(clang_getCursorKind(ch.cursor)))
        add_decl_name(ctx, &ch, begin);
    }
    fill_node(&proto, ctx, ch.cursor, ch.start, ch.end, field, parent);
    if (ch.is_name)
      proto.kind = c_lang.k_decl_name;
    if (ctx->frames.count > SCL_MAX_TREE_DEPTH)
      return scl_diag_set_at(diag, SCL_ELIMIT, path, proto.start_row + 1, 0,
                             "nesting deeper than %d (SCL_MAX_TREE_DEPTH), file skipped",
                             SCL_MAX_TREE_DEPTH);
    uint32_t idx = scl_tree_open(ctx->out, &proto);
    if (idx == SCL_NO_NODE)
      return node_limit(path, proto.start_row, diag);
    if (!ch.is_name && clang_getCursorKind(ch.cursor) == CXCursor_IntegerLiteral)
      note_int_value(ctx, idx, ch.cursor, ch.start);
    push_frame(ctx, idx, &ch, begin);
  }
  return SCL_OK;
}

static bool tu_has_errors(CXTranslationUnit tu)
{
  unsigned n = clang_getNumDiagnostics(tu);
  for (unsigned i = 0; i < n; i++) {
    CXDiagnostic d = clang_getDiagnostic(tu, i);
    enum CXDiagnosticSeverity sev = clang_getDiagnosticSeverity(d);
    clang_disposeDiagnostic(d);
    if (sev >= CXDiagnostic_Error)
      return true;
  }
  return false;
}

static enum CXErrorCode parse_with(CXTranslationUnit *tu, void *index, const char *abs,
                                   const str_vec *args, struct CXUnsavedFile *unsaved)
{
  unsigned opts = CXTranslationUnit_DetailedPreprocessingRecord | CXTranslationUnit_KeepGoing;
  *tu = NULL;
  return clang_parseTranslationUnit2(index, abs, (const char *const *)args->items,
                                     (int)args->count, unsaved, 1, opts, tu);
}

scl_status scl_frontend__c_parse(scl_tree *out, void *index_state, const char *path,
                                 const char *src, size_t len, scl_arena *arena, scl_diag *diag)
{
  const c_index *ci = index_state;
  CXIndex index = ci ? ci->index : NULL;
  char *abs = NULL, *dir = NULL, *db_dir = NULL;
  str_vec args = { 0 };
  CXTranslationUnit tu = NULL;
  c_ctx ctx;
  scl_status st = SCL_OK;
  enum CXErrorCode err;

  memset(&ctx, 0, sizeof(ctx));
  if (!c_lang.is_ready || !index)
    return scl_diag_set_at(diag, SCL_EINTERNAL, path, 0, 0,
                           "C front-end used before scl_frontends_init");
  scl_tree_init(out, arena, &c_lang.kinds, src, len);
  if (len > UINT32_MAX || len > ULONG_MAX)
    return scl_diag_set_at(diag, SCL_ELIMIT, path, 0, 0,
                           "file larger than 4 GiB cannot be parsed, file skipped");
  uint32_t deep_line = 0;
  if (scl_frontend__too_deep(src, len, true, &deep_line))
    return scl_diag_set_at(diag, SCL_ELIMIT, path, deep_line, 0,
                           "brackets or statements nested deeper than %d (SCL_MAX_TREE_DEPTH), "
                           "file skipped",
                           SCL_MAX_TREE_DEPTH);
  abs = absolute_path(path);
  dir = dir_of(abs);
  struct CXUnsavedFile unsaved = { abs, src, (unsigned long)len };

  /* cheap mode never reads a compile database; auto and full use one when found */
  db_dir = ci->mode == SCL_C_MODE_CHEAP ? NULL : find_compile_db(dir);
  if (db_dir && args_from_db(&args, db_dir, abs)) {
    err = parse_with(&tu, index, abs, &args, &unsaved);
    if (err != CXError_Success || !tu) {
      /* the database's flags did not work for libclang: fall back */
      if (tu)
        clang_disposeTranslationUnit(tu);
      tu = NULL;
      str_vec_free(&args);
    }
  }
  if (!tu) {
    default_args(&args, dir, ci->mode == SCL_C_MODE_CHEAP);
    err = parse_with(&tu, index, abs, &args, &unsaved);
    if (err != CXError_Success || !tu) {
      st = scl_diag_set_at(diag, SCL_EPARSE, path, 0, 0,
                           "libclang could not parse the file (error %d)", (int)err);
      goto cleanup;
    }
  }

  out->has_errors = tu_has_errors(tu);
  ctx.out = out;
  ctx.len = len;
  ctx.main_file = clang_getFile(tu, abs);
  build_line_starts(&ctx, src, len);
  st = build_tree(&ctx, tu, path, diag);
  if (st == SCL_OK)
    fill_values(&ctx);

cleanup:
  if (tu)
    clang_disposeTranslationUnit(tu);
  if (st != SCL_OK)
    out->count = 0;
  SCL_VEC_FREE(&ctx.line_starts);
  SCL_VEC_FREE(&ctx.pool);
  SCL_VEC_FREE(&ctx.frames);
  SCL_VEC_FREE(&ctx.pp);
  SCL_VEC_FREE(&ctx.values);
  str_vec_free(&args);
  free(abs);
  free(dir);
  free(db_dir);
  return st;
}
