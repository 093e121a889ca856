/* The console relay: the helper's stdio <-> the payload's pty, raw mode, resize, ^]^]^] escape. */
#pragma once
#include <poll.h>
#include <termios.h>
#include <time.h>

struct console {
  int master;       /* -1: no console to relay */
  int read_input;   /* stdin is still being relayed */
  int read_output;  /* the pty still has a writer */
  int raw;          /* stdin's terminal was put in raw mode; restore saved */
  struct termios saved;
  struct timespec escapes[2]; /* the last two ^] presses */
  int n_escapes;
};

enum { CONSOLE_OK = 0, CONSOLE_ESCAPED = 1 };

void console_start(struct console *c, int master, int relay_input);
/* Fills up to two pollfds (stdin, master); returns how many. */
int console_pollfds(const struct console *c, struct pollfd *fds);
int console_handle(struct console *c, const struct pollfd *fds, int n);
void console_resize(const struct console *c);
/* Relays what the payload left in the pty, then restores the terminal. */
void console_finish(struct console *c);
