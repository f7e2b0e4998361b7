#include <sys/select.h>
#define N 16
int clients[N];
int serve(int fd) {
  fd_set s; FD_ZERO(&s); FD_SET(fd, &s);
  for (int i = 0; i < N; i++) if (select(fd + 1, &s, 0, 0, 0) > 0) clients[i] = fd;
  return 0;
}
