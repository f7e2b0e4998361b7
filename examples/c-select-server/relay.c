/* relay.c - a line-based chat relay: every line a client sends is copied to
 * every other client. */
#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>
#include <sys/select.h>
#include <sys/socket.h>
#include <unistd.h>

#define MAX_CLIENTS 1024

static int clients[MAX_CLIENTS];
static int client_count;

static void broadcast(int from, const char *buf, ssize_t len)
{
  for (int i = 0; i < client_count; i++)
    if (clients[i] != from)
      (void)write(clients[i], buf, (size_t)len);
}

static void drop(int idx)
{
  close(clients[idx]);
  clients[idx] = clients[--client_count];
}

int main(void)
{
  int listener = socket(AF_INET, SOCK_STREAM, 0);
  struct sockaddr_in addr = {0};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(7000);
  addr.sin_addr.s_addr = htonl(INADDR_ANY);
  if (bind(listener, (struct sockaddr *)&addr, sizeof(addr)) < 0 || listen(listener, 512) < 0) {
    perror("relay");
    return 1;
  }
  for (;;) {
    fd_set readable;
    int maxfd = listener;
    FD_ZERO(&readable);
    FD_SET(listener, &readable);
    for (int i = 0; i < client_count; i++) {
      FD_SET(clients[i], &readable);
      if (clients[i] > maxfd)
        maxfd = clients[i];
    }
    if (select(maxfd + 1, &readable, NULL, NULL, NULL) < 0) {
      if (errno == EINTR)
        continue;
      perror("select");
      return 1;
    }
    if (FD_ISSET(listener, &readable)) {
      int fd = accept(listener, NULL, NULL);
      if (fd >= 0 && client_count < MAX_CLIENTS)
        clients[client_count++] = fd;
      else if (fd >= 0)
        close(fd);
    }
    for (int i = client_count - 1; i >= 0; i--) {
      if (!FD_ISSET(clients[i], &readable))
        continue;
      char buf[4096];
      ssize_t n = read(clients[i], buf, sizeof(buf));
      if (n <= 0)
        drop(i);
      else
        broadcast(clients[i], buf, n);
    }
  }
}
