// The floor of one extra loopback hop on this machine: a sender stamps CLOCK_MONOTONIC into 16-byte
// messages every 5 ms, a sink subtracts on arrival; once direct, once through a relay that does
// nothing but recv and send (blocking, TCP_NODELAY). relay − direct is what any user-space relay
// that sleeps between chunks adds here, before doing any work of its own.
//   cc -O2 -o hop-floor hop-floor.c && ./hop-floor [messages]
#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

static int64_t now_ns(void) { struct timespec t; clock_gettime(CLOCK_MONOTONIC, &t); return (int64_t)t.tv_sec * 1000000000 + t.tv_nsec; }
static int nodelay(int fd) { int one = 1; setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one); return fd; }
static int listener(int *port) {
    int s = socket(AF_INET, SOCK_STREAM, 0); struct sockaddr_in a = {0}; socklen_t n = sizeof a;
    a.sin_family = AF_INET; a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (bind(s, (struct sockaddr *)&a, sizeof a) || listen(s, 1) || getsockname(s, (struct sockaddr *)&a, &n)) { perror("listen"); exit(2); }
    *port = ntohs(a.sin_port); return s;
}
static int dial(int port) {
    int s = socket(AF_INET, SOCK_STREAM, 0); struct sockaddr_in a = {0};
    a.sin_family = AF_INET; a.sin_addr.s_addr = htonl(INADDR_LOOPBACK); a.sin_port = htons(port);
    if (connect(s, (struct sockaddr *)&a, sizeof a)) { perror("connect"); exit(2); }
    return nodelay(s);
}
struct relay { int in; int out_port; };
static void *relay(void *p) {
    struct relay *r = p; int c = nodelay(accept(r->in, 0, 0)), o = dial(r->out_port); char b[65536]; ssize_t k;
    while ((k = recv(c, b, sizeof b, 0)) > 0) if (send(o, b, k, MSG_NOSIGNAL) != k) break;
    close(o); close(c); return 0;
}
static int cmp(const void *a, const void *b) { int64_t x = *(int64_t *)a, y = *(int64_t *)b; return (x > y) - (x < y); }
static void run(const char *label, int messages, int through_relay) {
    int sink_port, relay_port; int sink = listener(&sink_port); pthread_t t;
    struct relay r;
    int target = sink_port;
    if (through_relay) { r.in = listener(&relay_port); r.out_port = sink_port; pthread_create(&t, 0, relay, &r); target = relay_port; }
    int out = dial(target), in = nodelay(accept(sink, 0, 0));
    int64_t *lat = calloc(messages, sizeof *lat);
    for (int i = 0; i < messages; i++) {
        int64_t stamp = now_ns(); char m[16]; memcpy(m, &stamp, 8); memset(m + 8, 0, 8);
        send(out, m, 16, MSG_NOSIGNAL);
        char got[16]; size_t have = 0; while (have < 16) { ssize_t k = recv(in, got + have, 16 - have, 0); if (k <= 0) exit(3); have += k; }
        int64_t sent; memcpy(&sent, got, 8); lat[i] = now_ns() - sent;
        struct timespec pause = {0, 5000000}; nanosleep(&pause, 0);  // idle between chunks, as a 200 tokens/s stream is
    }
    qsort(lat, messages, sizeof *lat, cmp);
    printf("%-14s %d messages: p50 %.1f us, p90 %.1f us, p99 %.1f us\n", label, messages,
           lat[messages / 2] / 1e3, lat[messages * 9 / 10] / 1e3, lat[messages * 99 / 100] / 1e3);
    close(out); close(in); close(sink); if (through_relay) { pthread_join(t, 0); close(r.in); }
    free(lat);
}
int main(int argc, char **argv) {
    int n = argc > 1 ? atoi(argv[1]) : 2000;
    if (n < 100) { fprintf(stderr, "messages: at least 100\n"); return 2; }
    run("direct", n, 0);
    run("through relay", n, 1);
    run("direct", n, 0);
    run("through relay", n, 1);
    return 0;
}
