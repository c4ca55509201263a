/* http_load: a small HTTP/1.1 load client over a Unix socket.
 *
 * POST mode (default):
 *   http_load --socket PATH --file LINES [--path /v1/logs] [--batch 500] [--clients 8]
 *             [--rate ENTRIES_PER_S] [--lag] [--poll-ms 5] [--status-path /v1/status]
 *             [--content-type application/x-ndjson] [--expect 201] [--lines N]
 *   K client threads, each with one keep-alive connection, take batches of B consecutive
 *   non-empty lines of LINES in turn (a shared counter hands out the next batch) and POST
 *   each as one request until every line is sent. Any status but --expect is an error; the
 *   first few error bodies go to stderr. With --rate, batch i is not sent before
 *   start + i*B/R (open loop: a late batch goes at once). With --lag, a separate thread
 *   GETs --status-path every --poll-ms ms; for every acknowledged batch (its reply's
 *   last_seq and the time the reply arrived) the projection lag is the first poll, received
 *   after the ack, at which every projection's checkpoint is >= last_seq, minus the ack time.
 *   Prints one JSON line: entries, requests, errors, seconds, per_second, bytes,
 *   latency_ms {p50,p90,p99,max,mean}, schedule_late_ms {p99,max} (with --rate),
 *   lag_ms {p50,p99,max,resolved,unresolved,polls} (with --lag). --lag-socket PATH polls
 *   another daemon's status instead (a follower's: the lag until the follower's projections
 *   show what the writer acknowledged).
 *
 * GET mode:
 *   http_load --socket PATH --get PATH_AND_QUERY [--iterations N] [--warmup W] [--expect 200]
 *   One keep-alive connection, W unmeasured then N measured GETs one after the other.
 *   Prints {"requests","errors","bytes","latency_ms":{p50,p90,p99,max,mean}}.
 *
 * Exit status: 0 when every request got the expected status, 1 otherwise, 2 on usage or
 * setup errors.
 */
#include "common.h"
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <sys/un.h>

/* ---------- connection and HTTP ---------- */

typedef struct {
    int fd;
    const char *path; /* the socket, when not --socket's */
    char *buf; /* received bytes not yet consumed */
    size_t len, cap;
} conn_t;

typedef struct {
    int status;
    char *body; /* malloc'd, NUL-terminated */
    size_t body_len;
    int close_after; /* server said Connection: close */
} response_t;

static const char *g_socket_path;
static double g_timeout_s = 300;

static int conn_open(conn_t *c) {
    c->fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (c->fd < 0) return -1;
    struct sockaddr_un addr;
    memset(&addr, 0, sizeof addr);
    addr.sun_family = AF_UNIX;
    const char *path = c->path ? c->path : g_socket_path;
    if (strlen(path) >= sizeof addr.sun_path) { errno = ENAMETOOLONG; return -1; }
    strcpy(addr.sun_path, path);
    int rc;
    do rc = connect(c->fd, (struct sockaddr *)&addr, sizeof addr);
    while (rc != 0 && errno == EINTR);
    if (rc != 0) { int e = errno; close(c->fd); c->fd = -1; errno = e; return -1; }
    struct timeval tv = {(time_t)g_timeout_s, 0};
    setsockopt(c->fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    setsockopt(c->fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
    c->len = 0;
    if (!c->buf) { c->cap = 65536; c->buf = malloc(c->cap); }
    return 0;
}

static void conn_close(conn_t *c) {
    if (c->fd >= 0) close(c->fd);
    c->fd = -1;
    c->len = 0;
}

/* Sends every byte of the iovecs, resuming after partial writes and EINTR. */
static int send_all(int fd, struct iovec *iov, int n) {
    while (n > 0) {
        struct msghdr msg;
        memset(&msg, 0, sizeof msg);
        msg.msg_iov = iov;
        msg.msg_iovlen = (size_t)n;
        ssize_t w = sendmsg(fd, &msg, MSG_NOSIGNAL);
        if (w < 0) {
            if (errno == EINTR) continue;
            return -1;
        }
        size_t left = (size_t)w;
        while (n > 0 && left >= iov->iov_len) { left -= iov->iov_len; iov++; n--; }
        if (n > 0) { iov->iov_base = (char *)iov->iov_base + left; iov->iov_len -= left; }
    }
    return 0;
}

/* Reads more bytes into the connection buffer; 0 on EOF, -1 on error. */
static ssize_t fill(conn_t *c) {
    if (c->cap - c->len < 16384) {
        c->cap *= 2;
        c->buf = realloc(c->buf, c->cap);
    }
    for (;;) {
        ssize_t r = recv(c->fd, c->buf + c->len, c->cap - c->len, 0);
        if (r < 0 && errno == EINTR) continue;
        if (r > 0) c->len += (size_t)r;
        return r;
    }
}

static void consume(conn_t *c, size_t n) {
    memmove(c->buf, c->buf + n, c->len - n);
    c->len -= n;
}

static char *find_crlf(char *p, size_t n) {
    for (size_t i = 0; i + 1 < n; i++)
        if (p[i] == '\r' && p[i + 1] == '\n') return p + i;
    return NULL;
}

static char *find_header_end(char *p, size_t n) {
    for (size_t i = 0; i + 3 < n; i++)
        if (p[i] == '\r' && p[i + 1] == '\n' && p[i + 2] == '\r' && p[i + 3] == '\n') return p + i;
    return NULL;
}

/* Reads one response: status line, headers (Content-Length or chunked), body. */
static int read_response(conn_t *c, response_t *out) {
    memset(out, 0, sizeof *out);
    char *end;
    size_t scanned = 0;
    for (;;) {
        size_t from = scanned > 3 ? scanned - 3 : 0;
        if ((end = find_header_end(c->buf + from, c->len - from))) break;
        scanned = c->len;
        ssize_t r = fill(c);
        if (r <= 0) return -1;
    }
    size_t head_len = (size_t)(end - c->buf) + 4;
    /* status line */
    if (c->len < 12 || strncmp(c->buf, "HTTP/1.", 7) != 0) return -1;
    out->status = atoi(c->buf + 9);
    long long content_length = -1;
    int chunked = 0;
    char *line = find_crlf(c->buf, head_len);
    while (line && line + 2 < c->buf + head_len - 2) {
        char *start = line + 2;
        char *next = find_crlf(start, (size_t)(c->buf + head_len - start));
        if (!next) break;
        size_t l = (size_t)(next - start);
        if (l > 15 && strncasecmp(start, "content-length:", 15) == 0) content_length = strtoll(start + 15, NULL, 10);
        else if (l > 18 && strncasecmp(start, "transfer-encoding:", 18) == 0) {
            for (char *p = start + 18; p + 7 <= next; p++)
                if (strncasecmp(p, "chunked", 7) == 0) chunked = 1;
        } else if (l > 11 && strncasecmp(start, "connection:", 11) == 0) {
            for (char *p = start + 11; p + 5 <= next; p++)
                if (strncasecmp(p, "close", 5) == 0) out->close_after = 1;
        }
        line = next;
    }
    consume(c, head_len);
    if (chunked) {
        size_t cap = 4096, len = 0;
        char *body = malloc(cap);
        for (;;) {
            char *crlf;
            while (!(crlf = find_crlf(c->buf, c->len)))
                if (fill(c) <= 0) { free(body); return -1; }
            size_t size = (size_t)strtoull(c->buf, NULL, 16);
            consume(c, (size_t)(crlf - c->buf) + 2);
            if (size == 0) {
                /* trailers until an empty line */
                for (;;) {
                    while (!(crlf = find_crlf(c->buf, c->len)))
                        if (fill(c) <= 0) { free(body); return -1; }
                    size_t l = (size_t)(crlf - c->buf);
                    consume(c, l + 2);
                    if (l == 0) break;
                }
                break;
            }
            while (c->len < size + 2)
                if (fill(c) <= 0) { free(body); return -1; }
            if (len + size + 1 > cap) { while (len + size + 1 > cap) cap *= 2; body = realloc(body, cap); }
            memcpy(body + len, c->buf, size);
            len += size;
            consume(c, size + 2);
        }
        body[len] = 0;
        out->body = body;
        out->body_len = len;
    } else if (content_length >= 0) {
        while (c->len < (size_t)content_length)
            if (fill(c) <= 0) return -1;
        out->body = malloc((size_t)content_length + 1);
        memcpy(out->body, c->buf, (size_t)content_length);
        out->body[content_length] = 0;
        out->body_len = (size_t)content_length;
        consume(c, (size_t)content_length);
    } else {
        /* no length: body runs to EOF */
        for (;;) {
            ssize_t r = fill(c);
            if (r < 0) return -1;
            if (r == 0) break;
        }
        out->body = malloc(c->len + 1);
        memcpy(out->body, c->buf, c->len);
        out->body[c->len] = 0;
        out->body_len = c->len;
        consume(c, c->len);
        out->close_after = 1;
    }
    return 0;
}

/* One request on a keep-alive connection. When a reused connection turns out to be closed
 * (an idle keep-alive timeout), the request is sent once more on a fresh one. */
static int exchange(conn_t *c, struct iovec *iov, int n, response_t *resp) {
    struct iovec copy[4];
    int reused = c->fd >= 0;
    for (int attempt = 0; attempt < 2; attempt++) {
        if (c->fd < 0 && conn_open(c) != 0) return -1;
        memcpy(copy, iov, sizeof(struct iovec) * (size_t)n);
        if (send_all(c->fd, copy, n) == 0 && read_response(c, resp) == 0) {
            if (resp->close_after) conn_close(c);
            return 0;
        }
        int e = errno;
        conn_close(c);
        errno = e;
        if (!reused) break;
        reused = 0;
    }
    return -1;
}

static uint64_t json_u64(const char *body, const char *member) {
    const char *p = strstr(body, member);
    if (!p) return 0;
    p += strlen(member);
    while (*p == ' ' || *p == ':') p++;
    return strtoull(p, NULL, 10);
}

static void sleep_until(double t) {
    for (;;) {
        double d = t - now_seconds();
        if (d <= 0) return;
        struct timespec ts = {(time_t)d, (long)((d - (double)(time_t)d) * 1e9)};
        nanosleep(&ts, NULL);
    }
}

static void print_latency(const char *name, double *v, size_t n) {
    sort_doubles(v, n);
    double sum = 0;
    for (size_t i = 0; i < n; i++) sum += v[i];
    printf("\"%s\":{\"p50\":%.4f,\"p90\":%.4f,\"p99\":%.4f,\"max\":%.4f,\"mean\":%.4f,\"n\":%zu}", name,
           percentile_sorted(v, n, 0.5), percentile_sorted(v, n, 0.9), percentile_sorted(v, n, 0.99),
           n ? v[n - 1] : 0, n ? sum / (double)n : 0, n);
}

/* ---------- POST mode ---------- */

static const unsigned char *g_file;
static size_t *g_line_start, *g_line_end, g_lines;
static size_t g_batch = 500, g_batches;
static const char *g_path = "/v1/logs", *g_content_type = "application/x-ndjson", *g_status_path = "/v1/status";
static int g_expect = 201;
static double g_rate = 0, g_start;
static int g_lag = 0;
static const char *g_lag_socket; /* --lag-socket: poll another daemon's status (a follower's) */
static double g_poll_ms = 5;
static atomic_size_t g_next;
static atomic_size_t g_errors, g_printed, g_bytes_sent;
static double *g_latency, *g_late;
static uint64_t *g_ack_seq;
static double *g_ack_time;
static unsigned char *g_ok;

static void report_error(const char *what, int status, const char *body) {
    atomic_fetch_add(&g_errors, 1);
    if (atomic_fetch_add(&g_printed, 1) < 5)
        fprintf(stderr, "http_load: %s status %d: %.2000s\n", what, status, body ? body : "(no response)");
}

static void *client_main(void *arg) {
    (void)arg;
    conn_t c = {.fd = -1};
    char header[1024];
    for (;;) {
        size_t i = atomic_fetch_add(&g_next, 1);
        if (i >= g_batches) break;
        size_t first = i * g_batch, last = first + g_batch;
        if (last > g_lines) last = g_lines;
        if (g_rate > 0) {
            double due = g_start + (double)first / g_rate;
            sleep_until(due);
            double late = now_seconds() - due;
            g_late[i] = late > 0 ? late * 1000.0 : 0;
        }
        const unsigned char *body = g_file + g_line_start[first];
        size_t body_len = g_line_end[last - 1] - g_line_start[first];
        int hl = snprintf(header, sizeof header,
                          "POST %s HTTP/1.1\r\nHost: localhost\r\nContent-Type: %s\r\nContent-Length: %zu\r\n\r\n",
                          g_path, g_content_type, body_len);
        struct iovec iov[2] = {{header, (size_t)hl}, {(void *)body, body_len}};
        response_t resp = {0};
        double t0 = now_seconds();
        int rc = exchange(&c, iov, 2, &resp);
        double t1 = now_seconds();
        g_latency[i] = (t1 - t0) * 1000.0;
        atomic_fetch_add(&g_bytes_sent, body_len);
        if (rc != 0) {
            report_error("connection failed", 0, strerror(errno));
            continue;
        }
        if (resp.status != g_expect) {
            report_error("unexpected", resp.status, resp.body);
        } else {
            g_ok[i] = 1;
            g_ack_seq[i] = json_u64(resp.body, "\"last_seq\"");
            g_ack_time[i] = t1;
        }
        free(resp.body);
    }
    conn_close(&c);
    free(c.buf);
    return NULL;
}

/* The lag poller's samples: receive time and the smallest projection checkpoint. */
static double *g_poll_time;
static uint64_t *g_poll_cp;
static size_t g_polls, g_polls_cap;
static pthread_mutex_t g_poll_lock = PTHREAD_MUTEX_INITIALIZER;
static atomic_int g_stop_polling;
static atomic_size_t g_poll_errors;

static uint64_t min_checkpoint(const char *body, int *found) {
    uint64_t min = UINT64_MAX;
    *found = 0;
    for (const char *p = strstr(body, "\"checkpoint\""); p; p = strstr(p + 1, "\"checkpoint\"")) {
        uint64_t v = json_u64(p, "\"checkpoint\"");
        if (v < min) min = v;
        *found = 1;
    }
    return min;
}

static uint64_t last_min_cp(void) {
    pthread_mutex_lock(&g_poll_lock);
    uint64_t v = g_polls ? g_poll_cp[g_polls - 1] : 0;
    pthread_mutex_unlock(&g_poll_lock);
    return v;
}

static void *poller_main(void *arg) {
    (void)arg;
    conn_t c = {.fd = -1, .path = g_lag_socket};
    char req[512];
    int rl = snprintf(req, sizeof req, "GET %s HTTP/1.1\r\nHost: localhost\r\n\r\n", g_status_path);
    while (!atomic_load(&g_stop_polling)) {
        double t0 = now_seconds();
        struct iovec iov = {req, (size_t)rl};
        response_t resp = {0};
        if (exchange(&c, &iov, 1, &resp) == 0 && resp.status == 200) {
            double t1 = now_seconds();
            int found;
            uint64_t cp = min_checkpoint(resp.body, &found);
            if (found) {
                pthread_mutex_lock(&g_poll_lock);
                if (g_polls == g_polls_cap) {
                    g_polls_cap = g_polls_cap ? g_polls_cap * 2 : 4096;
                    g_poll_time = realloc(g_poll_time, g_polls_cap * sizeof(double));
                    g_poll_cp = realloc(g_poll_cp, g_polls_cap * sizeof(uint64_t));
                }
                g_poll_time[g_polls] = t1;
                g_poll_cp[g_polls] = cp;
                g_polls++;
                pthread_mutex_unlock(&g_poll_lock);
            }
            free(resp.body);
        } else {
            atomic_fetch_add(&g_poll_errors, 1);
            if (resp.body) free(resp.body);
        }
        sleep_until(t0 + g_poll_ms / 1000.0);
    }
    conn_close(&c);
    free(c.buf);
    return NULL;
}

static int post_mode(const char *file_path, int clients, size_t max_lines) {
    size_t size;
    g_file = map_file(file_path, &size);
    size_t cap = 1 << 16;
    g_line_start = malloc(cap * sizeof(size_t));
    g_line_end = malloc(cap * sizeof(size_t));
    for (size_t at = 0; at < size;) {
        const unsigned char *nl = memchr(g_file + at, '\n', size - at);
        size_t end = nl ? (size_t)(nl - g_file) + 1 : size;
        int blank = 1;
        for (size_t j = at; j < end; j++)
            if (g_file[j] != '\n' && g_file[j] != '\r' && g_file[j] != ' ') { blank = 0; break; }
        if (!blank) {
            if (g_lines == cap) {
                cap *= 2;
                g_line_start = realloc(g_line_start, cap * sizeof(size_t));
                g_line_end = realloc(g_line_end, cap * sizeof(size_t));
            }
            g_line_start[g_lines] = at;
            g_line_end[g_lines] = end;
            g_lines++;
            if (max_lines && g_lines >= max_lines) break;
        }
        at = end;
    }
    if (g_lines == 0) { fprintf(stderr, "%s: no lines\n", file_path); return 2; }
    g_batches = (g_lines + g_batch - 1) / g_batch;
    g_latency = calloc(g_batches, sizeof(double));
    g_late = calloc(g_batches, sizeof(double));
    g_ack_seq = calloc(g_batches, sizeof(uint64_t));
    g_ack_time = calloc(g_batches, sizeof(double));
    g_ok = calloc(g_batches, 1);

    /* Check the daemon answers before starting the clock. */
    conn_t probe = {.fd = -1};
    if (conn_open(&probe) != 0) { fprintf(stderr, "%s: %s\n", g_socket_path, strerror(errno)); return 2; }
    conn_close(&probe);
    free(probe.buf);

    pthread_t poller;
    if (g_lag) {
        pthread_create(&poller, NULL, poller_main, NULL);
        while (last_min_cp() == 0 && g_polls == 0 && atomic_load(&g_poll_errors) < 100) usleep(1000);
    }
    pthread_t *threads = malloc(sizeof(pthread_t) * (size_t)clients);
    g_start = now_seconds();
    for (int t = 0; t < clients; t++) pthread_create(&threads[t], NULL, client_main, NULL);
    for (int t = 0; t < clients; t++) pthread_join(threads[t], NULL);
    double seconds = now_seconds() - g_start;

    uint64_t max_seq = 0;
    size_t entries = 0;
    for (size_t i = 0; i < g_batches; i++) {
        if (!g_ok[i]) continue;
        size_t first = i * g_batch, last = first + g_batch;
        if (last > g_lines) last = g_lines;
        entries += last - first;
        if (g_ack_seq[i] > max_seq) max_seq = g_ack_seq[i];
    }
    double catch_up_ms = 0;
    if (g_lag) {
        double deadline = now_seconds() + 120;
        while (last_min_cp() < max_seq && now_seconds() < deadline) usleep(2000);
        catch_up_ms = (now_seconds() - g_start - seconds) * 1000.0;
        atomic_store(&g_stop_polling, 1);
        pthread_join(poller, NULL);
    }

    printf("{\"entries\":%zu,\"lines\":%zu,\"requests\":%zu,\"errors\":%zu,\"batch\":%zu,\"clients\":%d,"
           "\"seconds\":%.6f,\"per_second\":%.1f,\"bytes\":%zu,\"bytes_per_second\":%.1f,",
           entries, g_lines, g_batches, atomic_load(&g_errors), g_batch, clients, seconds,
           seconds > 0 ? (double)entries / seconds : 0, atomic_load(&g_bytes_sent),
           seconds > 0 ? (double)atomic_load(&g_bytes_sent) / seconds : 0);
    print_latency("latency_ms", g_latency, g_batches);
    if (g_rate > 0) {
        printf(",\"rate\":%.1f,", g_rate);
        print_latency("schedule_late_ms", g_late, g_batches);
    }
    if (g_lag) {
        double *lag = malloc(sizeof(double) * (g_batches ? g_batches : 1));
        size_t resolved = 0, unresolved = 0;
        for (size_t i = 0; i < g_batches; i++) {
            if (!g_ok[i]) continue;
            /* Both poll time and checkpoint only grow: binary search each bound, take the later. */
            size_t lo = 0, hi = g_polls;
            while (lo < hi) { size_t m = (lo + hi) / 2; if (g_poll_time[m] < g_ack_time[i]) lo = m + 1; else hi = m; }
            size_t a = lo;
            lo = 0; hi = g_polls;
            while (lo < hi) { size_t m = (lo + hi) / 2; if (g_poll_cp[m] < g_ack_seq[i]) lo = m + 1; else hi = m; }
            size_t b = lo > a ? lo : a;
            if (b >= g_polls) { unresolved++; continue; }
            lag[resolved++] = (g_poll_time[b] - g_ack_time[i]) * 1000.0;
        }
        printf(",");
        print_latency("lag_ms", lag, resolved);
        double poll_span = g_polls > 1 ? g_poll_time[g_polls - 1] - g_poll_time[0] : 0;
        printf(",\"lag_unresolved\":%zu,\"polls\":%zu,\"poll_interval_ms\":%.2f,\"poll_errors\":%zu,"
               "\"catch_up_after_last_ack_ms\":%.1f",
               unresolved, g_polls, g_polls > 1 ? poll_span * 1000.0 / (double)(g_polls - 1) : 0,
               atomic_load(&g_poll_errors), catch_up_ms);
    }
    printf("}\n");
    return atomic_load(&g_errors) ? 1 : 0;
}

/* ---------- GET mode ---------- */

static int get_mode(const char *path, size_t iterations, size_t warmup) {
    conn_t c = {.fd = -1};
    if (conn_open(&c) != 0) { fprintf(stderr, "%s: %s\n", g_socket_path, strerror(errno)); return 2; }
    char req[4096];
    int rl = snprintf(req, sizeof req, "GET %s HTTP/1.1\r\nHost: localhost\r\n\r\n", path);
    double *lat = malloc(sizeof(double) * (iterations ? iterations : 1));
    size_t bytes = 0;
    for (size_t i = 0; i < warmup + iterations; i++) {
        struct iovec iov = {req, (size_t)rl};
        response_t resp = {0};
        double t0 = now_seconds();
        int rc = exchange(&c, &iov, 1, &resp);
        double t1 = now_seconds();
        if (i >= warmup) lat[i - warmup] = (t1 - t0) * 1000.0;
        if (rc != 0) { report_error("connection failed", 0, strerror(errno)); continue; }
        if (resp.status != g_expect) report_error("unexpected", resp.status, resp.body);
        if (i >= warmup) bytes += resp.body_len;
        free(resp.body);
    }
    conn_close(&c);
    printf("{\"requests\":%zu,\"errors\":%zu,\"bytes\":%zu,", iterations, atomic_load(&g_errors), bytes);
    print_latency("latency_ms", lat, iterations);
    printf("}\n");
    return atomic_load(&g_errors) ? 1 : 0;
}

static void usage(void) {
    fprintf(stderr,
            "usage: http_load --socket PATH --file LINES [--path /v1/logs] [--batch 500] [--clients 8]\n"
            "                 [--rate ENTRIES_PER_S] [--lag] [--poll-ms 5] [--status-path /v1/status]\n"
            "                 [--content-type T] [--expect 201] [--lines N] [--timeout S]\n"
            "       http_load --socket PATH --get PATH [--iterations 1000] [--warmup 100] [--expect 200]\n");
    exit(2);
}

int main(int argc, char **argv) {
    signal(SIGPIPE, SIG_IGN);
    const char *file = NULL, *get = NULL;
    int clients = 8, expect_given = 0;
    size_t iterations = 1000, warmup = 100, max_lines = 0;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        const char *v = i + 1 < argc ? argv[i + 1] : NULL;
#define ARG(name) (strcmp(a, name) == 0 && v && (i++, 1))
        if (ARG("--socket")) g_socket_path = v;
        else if (ARG("--file")) file = v;
        else if (ARG("--path")) g_path = v;
        else if (ARG("--batch")) g_batch = (size_t)strtoull(v, NULL, 10);
        else if (ARG("--clients")) clients = atoi(v);
        else if (ARG("--rate")) g_rate = strtod(v, NULL);
        else if (strcmp(a, "--lag") == 0) g_lag = 1;
        else if (ARG("--poll-ms")) g_poll_ms = strtod(v, NULL);
        else if (ARG("--status-path")) g_status_path = v;
        else if (ARG("--lag-socket")) g_lag_socket = v;
        else if (ARG("--content-type")) g_content_type = v;
        else if (ARG("--expect")) { g_expect = atoi(v); expect_given = 1; }
        else if (ARG("--lines")) max_lines = (size_t)strtoull(v, NULL, 10);
        else if (ARG("--timeout")) g_timeout_s = strtod(v, NULL);
        else if (ARG("--get")) get = v;
        else if (ARG("--iterations")) iterations = (size_t)strtoull(v, NULL, 10);
        else if (ARG("--warmup")) warmup = (size_t)strtoull(v, NULL, 10);
        else usage();
#undef ARG
    }
    if (!g_socket_path || (!file && !get) || (file && get) || g_batch < 1 || clients < 1) usage();
    if (get) {
        if (!expect_given) g_expect = 200;
        return get_mode(get, iterations, warmup);
    }
    return post_mode(file, clients, max_lines);
}
