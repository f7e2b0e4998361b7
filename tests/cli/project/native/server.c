#include <sys/select.h>
#include <sys/socket.h>
#include <unistd.h>

int serve(int listener)
{
  fd_set readable;
  for (;;) {
    FD_ZERO(&readable);
    FD_SET(listener, &readable);
    if (select(listener + 1, &readable, NULL, NULL, NULL) < 0)
      return -1;
    int client = accept(listener, NULL, NULL);
    if (client >= 0)
      close(client);
  }
}
