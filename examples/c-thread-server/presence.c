/* presence.c - "who is online" service for the chat relay.
 *
 * A client connects, sends one line and reads the answer:
 *   HELLO <name>            mark <name> online
 *   WHO                     list everyone online
 *   FRIENDS <n1> <n2> ...   which of these names are online
 * Last-seen times are kept in SQLite so they survive restarts. */
#include <netinet/in.h>
#include <pthread.h>
#include <sqlite3.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

struct user {
  char name[32];
  time_t seen;
  struct user *next;
};

static struct user *online;
static pthread_mutex_t online_lock = PTHREAD_MUTEX_INITIALIZER;
static sqlite3 *db;

static struct user *pending; /* last-seen updates not yet written */
static pthread_mutex_t pending_lock = PTHREAD_MUTEX_INITIALIZER;

static void mark_online(const char *name)
{
  struct user *u = calloc(1, sizeof *u);
  struct user *p = calloc(1, sizeof *p);
  if (!u || !p) {
    free(u);
    free(p);
    return;
  }
  snprintf(u->name, sizeof u->name, "%s", name);
  u->seen = time(NULL);
  *p = *u;
  pthread_mutex_lock(&online_lock);
  u->next = online;
  online = u;
  pthread_mutex_unlock(&online_lock);
  pthread_mutex_lock(&pending_lock);
  p->next = pending;
  pending = p;
  pthread_mutex_unlock(&pending_lock);
}

static void reply_who(int fd)
{
  char out[65536] = "";
  time_t cutoff = time(NULL) - 300; /* not seen for five minutes: offline */
  pthread_mutex_lock(&online_lock);
  for (struct user *u = online; u; u = u->next) {
    if (u->seen < cutoff)
      continue;
    strcat(out, u->name);
    strcat(out, "\n");
  }
  pthread_mutex_unlock(&online_lock);
  (void)write(fd, out, strlen(out));
}

static void reply_friends(int fd, char *names)
{
  char **found = NULL;
  size_t nfound = 0;
  char *save = NULL;
  pthread_mutex_lock(&online_lock);
  for (char *name = strtok_r(names, " ", &save); name; name = strtok_r(NULL, " ", &save)) {
    for (struct user *u = online; u; u = u->next) {
      if (strcmp(u->name, name) == 0) {
        found = realloc(found, (nfound + 1) * sizeof *found);
        found[nfound++] = u->name;
        break;
      }
    }
  }
  for (size_t i = 0; i < nfound; i++)
    dprintf(fd, "%s\n", found[i]);
  pthread_mutex_unlock(&online_lock);
  free(found);
}

static void *serve_client(void *arg)
{
  int fd = (int)(intptr_t)arg;
  char line[1024];
  ssize_t n = read(fd, line, sizeof line - 1);
  if (n > 0) {
    line[n] = '\0';
    line[strcspn(line, "\r\n")] = '\0';
    if (strncmp(line, "HELLO ", 6) == 0)
      mark_online(line + 6);
    else if (strcmp(line, "WHO") == 0)
      reply_who(fd);
    else if (strncmp(line, "FRIENDS ", 8) == 0)
      reply_friends(fd, line + 8);
  }
  close(fd);
  return NULL;
}

/* Writes queued last-seen times to SQLite. */
static void *flush_last_seen(void *arg)
{
  sqlite3_stmt *st;
  (void)arg;
  sqlite3_prepare_v2(db, "INSERT OR REPLACE INTO last_seen (name, at) VALUES (?, ?)", -1, &st, NULL);
  for (;;) {
    pthread_mutex_lock(&pending_lock);
    struct user *batch = pending;
    pending = NULL;
    pthread_mutex_unlock(&pending_lock);
    if (!batch) {
      usleep(10 * 1000);
      continue;
    }
    while (batch) {
      struct user *next = batch->next;
      sqlite3_bind_text(st, 1, batch->name, -1, SQLITE_TRANSIENT);
      sqlite3_bind_int64(st, 2, (sqlite3_int64)batch->seen);
      sqlite3_step(st);
      sqlite3_reset(st);
      free(batch);
      batch = next;
    }
  }
  return NULL;
}

int main(void)
{
  if (sqlite3_open("/var/lib/presence/presence.db", &db) != SQLITE_OK) {
    fprintf(stderr, "presence: cannot open database\n");
    return 1;
  }
  int lfd = socket(AF_INET, SOCK_STREAM, 0);
  struct sockaddr_in addr = {0};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(7001);
  addr.sin_addr.s_addr = htonl(INADDR_ANY);
  if (bind(lfd, (struct sockaddr *)&addr, sizeof addr) < 0 || listen(lfd, 16) < 0) {
    perror("presence");
    return 1;
  }
  pthread_t flusher;
  pthread_create(&flusher, NULL, flush_last_seen, NULL);
  for (;;) {
    int cfd = accept(lfd, NULL, NULL);
    if (cfd < 0)
      continue;
    pthread_t t;
    if (pthread_create(&t, NULL, serve_client, (void *)(intptr_t)cfd) == 0)
      pthread_detach(t);
    else
      close(cfd);
  }
}
