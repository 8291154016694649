/*
 * floor-relay: the machine's floor for PeerLink's benchmarks (issue 7).
 *
 * WHAT IT IS
 *   A minimal, single-threaded WebSocket relay on Linux epoll that does the least work a hub can do while still
 *   speaking enough of PeerLink's protocol (docs/protocol.md) for the benchmark's load generator to drive it like
 *   the real hub. Its throughput, latency and memory are the "floor": what this machine can do at all, so that the
 *   hub's figures can be read against the machine rather than only against other servers.
 *
 *   - RFC 6455 handshake (Sec-WebSocket-Key -> Sec-WebSocket-Accept, SHA-1 from OpenSSL's libcrypto) and frames
 *     (masked client frames with 7/16/64-bit lengths, split across reads or many per read, up to 64 MiB).
 *   - Control frames: ping -> pong with the same payload; close -> close reply, then the socket is closed.
 *   - Text frames: it only *finds* fields, it never parses JSON:
 *       "type":"join"     takes "id", registers it (own open-addressing hash table), replies
 *                         {"type":"welcome","id":"ID","peers":[{"id":"A"},...],"hub":"floor","version":"peerlink/1"}
 *                         and tells every other joined peer {"type":"peer_connect","id":"ID"} (frame built once).
 *       "type":"message"  forwards the payload bytes unchanged: with "to":"X" to X only, otherwise to every other
 *                         joined peer (frame built once). No ack, no "from" stamping, no "ts": that is the point.
 *       anything else     ignored.
 *     A connection that ends (close frame, EOF, error) is unregistered and the others get
 *     {"type":"peer_disconnect","id":"ID"}.
 *   - Output: appended to per-connection buffers while one epoll_wait batch is processed and written after the
 *     batch (one write() per connection per batch); what the socket does not take stays buffered and EPOLLOUT is
 *     enabled until it drains.
 *
 * WHAT IT IS NOT
 *   Not a product and not a hub: no limits on buffers or peers (a slow reader makes its output buffer grow without
 *   bound), no security of any kind (no origin check, no UTF-8 validation, a client can claim any "from"), no TLS,
 *   no fragmented messages (a fragment closes the connection with 1002), no errors beyond id_taken / invalid_id on
 *   join, no heartbeat, no join time-out. It binds to 127.0.0.1 only. Do not run it anywhere but a benchmark.
 *
 * Build:  cc -O2 -Wall -Wextra -o floor-relay floor-relay.c -lcrypto
 * Usage:  floor-relay PORT    (0: any free port); prints "listening PORT" on stdout when it listens.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <openssl/sha.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <fcntl.h>
#include <unistd.h>

#define MAX_PAYLOAD (64u * 1024u * 1024u) /* largest message accepted */
#define MAX_HTTP_HEADER 8192              /* largest upgrade request accepted */
#define SCRATCH_SIZE (256u * 1024u)       /* shared read buffer */
#define READ_CHUNK (64u * 1024u)          /* least free space when reading into a connection's own buffer */
#define KEEP_WBUF 65536                   /* output buffers larger than this are freed once drained */
#define MAX_EVENTS 1024
#define MAX_ID 64

enum { ST_HTTP, ST_WS, ST_CLOSING };

typedef struct conn {
    int fd;
    uint8_t state;    /* ST_HTTP until the upgrade, ST_WS, ST_CLOSING once a close frame is queued */
    uint8_t dead;     /* socket closed; the struct is freed after the current batch */
    uint8_t dirty;    /* on the dirty list (has output to flush, or EPOLLOUT fired) */
    uint8_t want_out; /* EPOLLOUT is enabled */
    uint8_t joined;
    uint8_t idlen;
    char id[MAX_ID + 1];
    uint32_t jidx;    /* index in the joined array */
    char *rbuf;       /* unconsumed input (a partial frame or request); NULL when there is none */
    size_t rlen, rcap;
    size_t need;      /* length of the partial frame in rbuf when its header is known, else 0 */
    char *wbuf;       /* output: bytes [woff, wlen) are still to be written */
    size_t woff, wlen, wcap;
    struct conn *next_dirty;
    struct conn *next_dead;
} conn;

static int epfd;
static int listen_fd;
static int spare_fd = -1; /* kept open to be able to shed a connection when out of descriptors */
static char *scratch;
static conn *dirty_list;
static conn *dead_list;

/* A growable buffer for frames built once and appended to many connections. */
static char *tmp;
static size_t tmp_cap;

/* Every joined connection, for broadcasts and welcome lists. */
static conn **joined;
static size_t njoined, joined_cap;

static void *xrealloc(void *p, size_t n) {
    void *q = realloc(p, n);
    if (!q) {
        fprintf(stderr, "floor-relay: out of memory (%zu bytes)\n", n);
        abort();
    }
    return q;
}

/* ---------------------------------------------------------------------------------------------------------------
 * id -> conn hash table: open addressing, linear probing, backward-shift deletion (no tombstones), grows at 1/2.
 */
typedef struct {
    uint64_t hash;
    conn *c; /* NULL: empty */
} slot;

static slot *table;
static size_t table_cap; /* power of two */
static size_t table_len;

static uint64_t hash_id(const char *s, size_t n) {
    uint64_t h = 1469598103934665603ull; /* FNV-1a */
    for (size_t i = 0; i < n; i++) {
        h ^= (unsigned char)s[i];
        h *= 1099511628211ull;
    }
    return h ^ (h >> 29);
}

static size_t table_find_slot(const char *id, size_t n, uint64_t h) {
    size_t mask = table_cap - 1;
    for (size_t i = h & mask;; i = (i + 1) & mask) {
        conn *c = table[i].c;
        if (!c || (table[i].hash == h && c->idlen == n && memcmp(c->id, id, n) == 0)) return i;
    }
}

static conn *table_get(const char *id, size_t n) {
    size_t i = table_find_slot(id, n, hash_id(id, n));
    return table[i].c;
}

static void table_grow(void) {
    slot *old = table;
    size_t old_cap = table_cap;
    table_cap = old_cap ? old_cap * 2 : 1024;
    table = calloc(table_cap, sizeof(slot));
    if (!table) abort();
    for (size_t i = 0; i < old_cap; i++) {
        if (!old[i].c) continue;
        size_t j = old[i].hash & (table_cap - 1);
        while (table[j].c) j = (j + 1) & (table_cap - 1);
        table[j] = old[i];
    }
    free(old);
}

/* Inserts c under its id; returns 0 if the id is taken. */
static int table_put(conn *c) {
    if ((table_len + 1) * 2 > table_cap) table_grow();
    uint64_t h = hash_id(c->id, c->idlen);
    size_t i = table_find_slot(c->id, c->idlen, h);
    if (table[i].c) return 0;
    table[i].hash = h;
    table[i].c = c;
    table_len++;
    return 1;
}

static void table_del(conn *c) {
    size_t mask = table_cap - 1;
    size_t i = table_find_slot(c->id, c->idlen, hash_id(c->id, c->idlen));
    if (table[i].c != c) return;
    table[i].c = NULL;
    table_len--;
    /* Shift back the entries of the cluster after i that would no longer be found. */
    for (size_t j = (i + 1) & mask; table[j].c; j = (j + 1) & mask) {
        size_t k = table[j].hash & mask; /* where entry j wants to be */
        int k_in_i_j = (i <= j) ? (i < k && k <= j) : (i < k || k <= j);
        if (!k_in_i_j) {
            table[i] = table[j];
            table[j].c = NULL;
            i = j;
        }
    }
}

/* ---------------------------------------------------------------------------------------------------------------
 * Output.
 */
static void mark_dirty(conn *c) {
    if (c->dirty) return;
    c->dirty = 1;
    c->next_dirty = dirty_list;
    dirty_list = c;
}

/* Makes room for n more bytes in c's output buffer and returns where they go; the caller fills them. */
static char *wbuf_extend(conn *c, size_t n) {
    if (c->wlen + n > c->wcap) {
        if (c->woff) { /* compact first */
            memmove(c->wbuf, c->wbuf + c->woff, c->wlen - c->woff);
            c->wlen -= c->woff;
            c->woff = 0;
        }
        if (c->wlen + n > c->wcap) {
            size_t cap = c->wcap ? c->wcap * 2 : 512;
            while (cap < c->wlen + n) cap *= 2;
            c->wbuf = xrealloc(c->wbuf, cap);
            c->wcap = cap;
        }
    }
    char *p = c->wbuf + c->wlen;
    c->wlen += n;
    mark_dirty(c);
    return p;
}

static void append(conn *c, const void *data, size_t n) {
    memcpy(wbuf_extend(c, n), data, n);
}

static size_t frame_header_len(size_t n) {
    return n < 126 ? 2 : n < 65536 ? 4 : 10;
}

/* Writes an unmasked server frame header (FIN set) for a payload of n bytes; returns its length. */
static size_t put_frame_header(char *p, uint8_t opcode, size_t n) {
    unsigned char *u = (unsigned char *)p;
    u[0] = 0x80 | opcode;
    if (n < 126) {
        u[1] = (unsigned char)n;
        return 2;
    }
    if (n < 65536) {
        u[1] = 126;
        u[2] = (unsigned char)(n >> 8);
        u[3] = (unsigned char)n;
        return 4;
    }
    u[1] = 127;
    for (int i = 0; i < 8; i++) u[2 + i] = (unsigned char)((uint64_t)n >> (56 - 8 * i));
    return 10;
}

static void append_frame(conn *c, uint8_t opcode, const void *payload, size_t n) {
    char *p = wbuf_extend(c, frame_header_len(n) + n);
    p += put_frame_header(p, opcode, n);
    memcpy(p, payload, n);
}

/* Builds a text frame holding `payload` in tmp (once) and returns its length. */
static size_t build_tmp_frame(const void *payload, size_t n) {
    size_t total = frame_header_len(n) + n;
    if (total > tmp_cap) {
        tmp_cap = total * 2;
        tmp = xrealloc(tmp, tmp_cap);
    }
    size_t h = put_frame_header(tmp, 0x1, n);
    memcpy(tmp + h, payload, n);
    return total;
}

/* Appends the frame in tmp[0, n) to every joined connection but `except`. */
static void broadcast_tmp(size_t n, conn *except) {
    for (size_t i = 0; i < njoined; i++)
        if (joined[i] != except) append(joined[i], tmp, n);
}

static void epoll_set(conn *c, int want_out) {
    struct epoll_event ev = {.events = EPOLLIN | (want_out ? EPOLLOUT : 0), .data.ptr = c};
    epoll_ctl(epfd, EPOLL_CTL_MOD, c->fd, &ev);
    c->want_out = (uint8_t)want_out;
}

/* ---------------------------------------------------------------------------------------------------------------
 * Peers.
 */
static void unregister(conn *c) {
    if (!c->joined) return;
    c->joined = 0;
    table_del(c);
    conn *last = joined[--njoined];
    joined[c->jidx] = last;
    last->jidx = c->jidx;

    char msg[64 + MAX_ID];
    int n = snprintf(msg, sizeof msg, "{\"type\":\"peer_disconnect\",\"id\":\"%.*s\"}", (int)c->idlen, c->id);
    broadcast_tmp(build_tmp_frame(msg, (size_t)n), c);
}

/* Closes the socket at once (no close handshake) and announces the peer's departure. */
static void conn_close(conn *c) {
    if (c->dead) return;
    unregister(c);
    close(c->fd); /* also removes it from the epoll set */
    c->dead = 1;
    free(c->rbuf);
    free(c->wbuf);
    c->rbuf = c->wbuf = NULL;
    c->rlen = c->rcap = c->wlen = c->woff = c->wcap = 0;
    c->next_dead = dead_list;
    dead_list = c;
}

/* Queues a close frame (with `code`, 0 for none) and closes the socket once the output has drained. */
static void conn_start_close(conn *c, unsigned code) {
    if (c->state == ST_CLOSING) return;
    unregister(c);
    unsigned char payload[2] = {(unsigned char)(code >> 8), (unsigned char)code};
    append_frame(c, 0x8, payload, code ? 2 : 0);
    c->state = ST_CLOSING;
}

static void send_error(conn *c, const char *code) {
    char msg[96];
    int n = snprintf(msg, sizeof msg, "{\"type\":\"error\",\"code\":\"%s\"}", code);
    append_frame(c, 0x1, msg, (size_t)n);
}

/* Finds the string value of "key" in a JSON text without parsing it: the first occurrence of "key" followed by
 * optional white space and a colon, then optional white space and a quote. The value ends at the next quote
 * (escapes are not decoded: ids and types never hold any). Returns NULL if absent. */
static const char *find_field(const char *p, size_t n, const char *key, size_t *vlen) {
    size_t klen = strlen(key);
    const char *end = p + n;
    const char *s = p;
    while (s < end) {
        const char *k = memmem(s, (size_t)(end - s), key, klen);
        if (!k) return NULL;
        const char *q = k + klen;
        s = q;
        while (q < end && (*q == ' ' || *q == '\t' || *q == '\n' || *q == '\r')) q++;
        if (q >= end || *q != ':') continue;
        q++;
        while (q < end && (*q == ' ' || *q == '\t' || *q == '\n' || *q == '\r')) q++;
        if (q >= end || *q != '"') continue;
        q++;
        const char *v = memchr(q, '"', (size_t)(end - q));
        if (!v) return NULL;
        *vlen = (size_t)(v - q);
        return q;
    }
    return NULL;
}

static int valid_id(const char *s, size_t n) {
    if (n < 1 || n > MAX_ID) return 0;
    for (size_t i = 0; i < n; i++) {
        char ch = s[i];
        if (!((ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9') || ch == '.' ||
              ch == '_' || ch == '-'))
            return 0;
    }
    return 1;
}

static void on_join(conn *c, const char *p, size_t n) {
    if (c->joined) return;
    size_t idlen;
    const char *id = find_field(p, n, "\"id\"", &idlen);
    if (!id || !valid_id(id, idlen)) {
        send_error(c, "invalid_id");
        return;
    }
    memcpy(c->id, id, idlen);
    c->id[idlen] = 0;
    c->idlen = (uint8_t)idlen;
    if (!table_put(c)) {
        send_error(c, "id_taken");
        return;
    }
    c->joined = 1;
    if (njoined == joined_cap) {
        joined_cap = joined_cap ? joined_cap * 2 : 1024;
        joined = xrealloc(joined, joined_cap * sizeof *joined);
    }

    /* welcome, written straight into c's output buffer: its length is known before it is written. */
    static const char w1[] = "{\"type\":\"welcome\",\"id\":\"";
    static const char w2[] = "\",\"peers\":[";
    static const char w3[] = "],\"hub\":\"floor\",\"version\":\"peerlink/1\"}";
    size_t len = sizeof w1 - 1 + idlen + sizeof w2 - 1 + sizeof w3 - 1;
    for (size_t i = 0; i < njoined; i++) len += (size_t)joined[i]->idlen + 9 + (i > 0); /* {"id":""} and commas */
    char *q = wbuf_extend(c, frame_header_len(len) + len);
    q += put_frame_header(q, 0x1, len);
    memcpy(q, w1, sizeof w1 - 1), q += sizeof w1 - 1;
    memcpy(q, id, idlen), q += idlen;
    memcpy(q, w2, sizeof w2 - 1), q += sizeof w2 - 1;
    for (size_t i = 0; i < njoined; i++) {
        if (i > 0) *q++ = ',';
        memcpy(q, "{\"id\":\"", 7), q += 7;
        memcpy(q, joined[i]->id, joined[i]->idlen), q += joined[i]->idlen;
        memcpy(q, "\"}", 2), q += 2;
    }
    memcpy(q, w3, sizeof w3 - 1);

    char msg[64 + MAX_ID];
    int m = snprintf(msg, sizeof msg, "{\"type\":\"peer_connect\",\"id\":\"%.*s\"}", (int)idlen, c->id);
    broadcast_tmp(build_tmp_frame(msg, (size_t)m), c);

    c->jidx = (uint32_t)njoined;
    joined[njoined++] = c;
}

static void on_message(conn *c, const char *p, size_t n) {
    if (!c->joined) return;
    size_t tolen;
    const char *to = find_field(p, n, "\"to\"", &tolen);
    if (to) {
        conn *t = tolen <= MAX_ID ? table_get(to, tolen) : NULL;
        if (t) append_frame(t, 0x1, p, n);
        return;
    }
    broadcast_tmp(build_tmp_frame(p, n), c);
}

static void on_text(conn *c, const char *p, size_t n) {
    size_t tlen;
    const char *type = find_field(p, n, "\"type\"", &tlen);
    if (!type) return;
    if (tlen == 7 && memcmp(type, "message", 7) == 0)
        on_message(c, p, n);
    else if (tlen == 4 && memcmp(type, "join", 4) == 0)
        on_join(c, p, n);
}

/* ---------------------------------------------------------------------------------------------------------------
 * Input: the HTTP upgrade, then frames.
 */
static void base64(const unsigned char *in, size_t n, char *out) {
    static const char tab[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    size_t i = 0;
    for (; i + 2 < n; i += 3) {
        uint32_t v = (uint32_t)in[i] << 16 | (uint32_t)in[i + 1] << 8 | in[i + 2];
        *out++ = tab[v >> 18];
        *out++ = tab[(v >> 12) & 63];
        *out++ = tab[(v >> 6) & 63];
        *out++ = tab[v & 63];
    }
    if (i < n) {
        uint32_t v = (uint32_t)in[i] << 16 | (i + 1 < n ? (uint32_t)in[i + 1] << 8 : 0);
        *out++ = tab[v >> 18];
        *out++ = tab[(v >> 12) & 63];
        *out++ = i + 1 < n ? tab[(v >> 6) & 63] : '=';
        *out++ = '=';
    }
    *out = 0;
}

/* Handles a complete upgrade request in p[0, n) (ending with the blank line); returns 0 to drop the connection. */
static int do_handshake(conn *c, const char *p, size_t n) {
    static const char name[] = "sec-websocket-key:";
    const char *key = NULL;
    size_t keylen = 0;
    for (const char *line = p; line < p + n;) {
        const char *eol = memmem(line, (size_t)(p + n - line), "\r\n", 2);
        if (!eol) break;
        if ((size_t)(eol - line) > sizeof name - 1 && strncasecmp(line, name, sizeof name - 1) == 0) {
            key = line + sizeof name - 1;
            while (key < eol && (*key == ' ' || *key == '\t')) key++;
            const char *e = eol;
            while (e > key && (e[-1] == ' ' || e[-1] == '\t')) e--;
            keylen = (size_t)(e - key);
            break;
        }
        line = eol + 2;
    }
    if (!key || keylen == 0 || keylen > 64 || strncmp(p, "GET ", 4) != 0) {
        static const char bad[] = "HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\nConnection: close\r\n\r\n";
        ssize_t w = write(c->fd, bad, sizeof bad - 1);
        (void)w;
        return 0;
    }
    char buf[64 + 36];
    memcpy(buf, key, keylen);
    memcpy(buf + keylen, "258EAFA5-E914-47DA-95CA-C5AB0DC85B11", 36);
    unsigned char digest[SHA_DIGEST_LENGTH];
    SHA1((const unsigned char *)buf, keylen + 36, digest);
    char accept[32];
    base64(digest, sizeof digest, accept);
    char resp[160];
    int m = snprintf(resp, sizeof resp,
                     "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                     "Sec-WebSocket-Accept: %s\r\n\r\n",
                     accept);
    append(c, resp, (size_t)m);
    c->state = ST_WS;
    return 1;
}

static void unmask(unsigned char *p, size_t n, const unsigned char key[4]) {
    uint32_t k32;
    memcpy(&k32, key, 4);
    uint64_t k64 = (uint64_t)k32 << 32 | k32;
    size_t i = 0;
    for (; i + 8 <= n; i += 8) {
        uint64_t v;
        memcpy(&v, p + i, 8);
        v ^= k64;
        memcpy(p + i, &v, 8);
    }
    for (; i < n; i++) p[i] ^= key[i & 3];
}

/* Consumes what it can of buf[0, len): the upgrade request, then whole frames. Returns the bytes consumed; sets
 * c->need when a frame is incomplete. May close c (check c->dead) or start closing it (c->state). */
static size_t consume(conn *c, char *buf, size_t len) {
    size_t pos = 0;
    c->need = 0;
    if (c->state == ST_HTTP) {
        const char *end = memmem(buf, len, "\r\n\r\n", 4);
        if (!end) {
            if (len > MAX_HTTP_HEADER) conn_close(c);
            return 0;
        }
        pos = (size_t)(end - buf) + 4;
        if (!do_handshake(c, buf, pos)) {
            conn_close(c);
            return 0;
        }
    }
    while (c->state == ST_WS) {
        unsigned char *f = (unsigned char *)buf + pos;
        size_t avail = len - pos;
        if (avail < 2) break;
        unsigned fin = f[0] & 0x80, rsv = f[0] & 0x70, op = f[0] & 0x0f, masked = f[1] & 0x80;
        uint64_t plen = f[1] & 0x7f;
        size_t hlen = 2;
        if (plen == 126) {
            if (avail < 4) break;
            plen = (uint64_t)f[2] << 8 | f[3];
            hlen = 4;
        } else if (plen == 127) {
            if (avail < 10) break;
            plen = 0;
            for (int i = 0; i < 8; i++) plen = plen << 8 | f[2 + i];
            hlen = 10;
        }
        if (rsv || !masked || (op >= 8 && (!fin || plen > 125))) {
            conn_start_close(c, 1002);
            break;
        }
        if (plen > MAX_PAYLOAD) {
            conn_start_close(c, 1009);
            break;
        }
        hlen += 4;
        size_t total = hlen + (size_t)plen;
        if (avail < total) {
            c->need = total;
            break;
        }
        unsigned char *payload = f + hlen;
        unmask(payload, (size_t)plen, f + hlen - 4);
        pos += total;

        if (!fin || op == 0x0) { /* fragmented messages are not supported */
            conn_start_close(c, 1002);
            break;
        }
        switch (op) {
        case 0x1: on_text(c, (const char *)payload, (size_t)plen); break;
        case 0x2: break; /* binary: ignored */
        case 0x8: {      /* close: answer with the same status code, then close */
            unsigned code = plen >= 2 ? (unsigned)payload[0] << 8 | payload[1] : 0;
            conn_start_close(c, code);
            break;
        }
        case 0x9: append_frame(c, 0xA, payload, (size_t)plen); break; /* ping -> pong */
        case 0xA: break;                                            /* pong */
        default: conn_start_close(c, 1002); break;
        }
    }
    return pos;
}

static void rbuf_reserve(conn *c, size_t n) {
    if (n <= c->rcap) return;
    size_t cap = c->rcap ? c->rcap : READ_CHUNK;
    while (cap < n) cap *= 2;
    c->rbuf = xrealloc(c->rbuf, cap);
    c->rcap = cap;
}

static void rbuf_drop(conn *c) {
    free(c->rbuf);
    c->rbuf = NULL;
    c->rlen = c->rcap = c->need = 0;
}

static void on_readable(conn *c) {
    for (int round = 0; round < 16; round++) {
        char *dst;
        size_t room;
        if (c->state == ST_CLOSING || c->rlen == 0) { /* nothing pending: read into the shared buffer */
            dst = scratch;
            room = SCRATCH_SIZE;
        } else { /* a partial frame is pending: read into the connection's buffer, sized for the whole frame */
            size_t want = c->need > c->rlen ? c->need - c->rlen : 0;
            rbuf_reserve(c, c->rlen + (want > READ_CHUNK ? want : READ_CHUNK));
            dst = c->rbuf + c->rlen;
            room = c->rcap - c->rlen;
        }
        ssize_t n = read(c->fd, dst, room);
        if (n < 0) {
            if (errno == EINTR) continue;
            if (errno != EAGAIN && errno != EWOULDBLOCK) conn_close(c);
            return;
        }
        if (n == 0) {
            conn_close(c);
            return;
        }
        if (c->state == ST_CLOSING) { /* waiting for our close frame to go out: input is discarded */
            if ((size_t)n < room) return;
            continue;
        }
        if (dst == scratch) {
            size_t used = consume(c, scratch, (size_t)n);
            if (c->dead) return;
            size_t left = (size_t)n - used;
            if (left && c->state != ST_CLOSING) {
                rbuf_reserve(c, left > c->need ? left : c->need);
                memcpy(c->rbuf, scratch + used, left);
                c->rlen = left;
            }
        } else {
            c->rlen += (size_t)n;
            size_t used = consume(c, c->rbuf, c->rlen);
            if (c->dead) return;
            c->rlen -= used;
            if (c->rlen == 0 || c->state == ST_CLOSING)
                rbuf_drop(c);
            else if (used)
                memmove(c->rbuf, c->rbuf + used, c->rlen);
        }
        if ((size_t)n < room) return; /* the socket is drained; level-triggered epoll tells us about more */
    }
}

/* Writes c's pending output; toggles EPOLLOUT; finishes a close once the close frame is out. */
static void flush_conn(conn *c) {
    while (c->woff < c->wlen) {
        ssize_t n = write(c->fd, c->wbuf + c->woff, c->wlen - c->woff);
        if (n > 0) {
            c->woff += (size_t)n;
            if (c->woff < c->wlen) break; /* short write: the socket buffer is full */
        } else if (n < 0 && errno == EINTR) {
            continue;
        } else if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
            break;
        } else {
            conn_close(c);
            return;
        }
    }
    if (c->woff == c->wlen) {
        c->woff = c->wlen = 0;
        if (c->wcap > KEEP_WBUF) {
            free(c->wbuf);
            c->wbuf = NULL;
            c->wcap = 0;
        }
        if (c->state == ST_CLOSING) {
            conn_close(c);
            return;
        }
        if (c->want_out) epoll_set(c, 0);
    } else if (!c->want_out) {
        epoll_set(c, 1);
    }
}

static void flush_all(void) {
    /* Flushing may close connections, which appends peer_disconnect to others and puts them on the list. */
    while (dirty_list) {
        conn *c = dirty_list;
        dirty_list = c->next_dirty;
        c->dirty = 0;
        if (!c->dead) flush_conn(c);
    }
    while (dead_list) {
        conn *c = dead_list;
        dead_list = c->next_dead;
        free(c);
    }
}

/* ---------------------------------------------------------------------------------------------------------------
 * Accepting.
 */
static void on_acceptable(void) {
    for (;;) {
        int fd = accept4(listen_fd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
        if (fd < 0) {
            if (errno == EINTR || errno == ECONNABORTED) continue;
            if ((errno == EMFILE || errno == ENFILE) && spare_fd >= 0) {
                /* Out of descriptors: accept and drop one so that level-triggered epoll does not spin. */
                close(spare_fd);
                fd = accept4(listen_fd, NULL, NULL, SOCK_CLOEXEC);
                if (fd >= 0) close(fd);
                spare_fd = open("/dev/null", O_RDONLY | O_CLOEXEC);
                fprintf(stderr, "floor-relay: out of file descriptors, connection dropped\n");
                continue;
            }
            return; /* EAGAIN, or an error we cannot do anything about */
        }
        int one = 1;
        setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
        conn *c = calloc(1, sizeof *c);
        if (!c) abort();
        c->fd = fd;
        c->state = ST_HTTP;
        struct epoll_event ev = {.events = EPOLLIN, .data.ptr = c};
        if (epoll_ctl(epfd, EPOLL_CTL_ADD, fd, &ev) < 0) {
            close(fd);
            free(c);
        }
    }
}

int main(int argc, char **argv) {
    if (argc != 2) {
        fprintf(stderr, "usage: %s PORT\n", argv[0]);
        return 2;
    }
    char *endp;
    long port = strtol(argv[1], &endp, 10);
    if (*endp || port < 0 || port > 65535) {
        fprintf(stderr, "usage: %s PORT\n", argv[0]);
        return 2;
    }
    signal(SIGPIPE, SIG_IGN);

    struct rlimit rl;
    if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur < rl.rlim_max) {
        rl.rlim_cur = rl.rlim_max;
        setrlimit(RLIMIT_NOFILE, &rl);
    }
    spare_fd = open("/dev/null", O_RDONLY | O_CLOEXEC);

    scratch = xrealloc(NULL, SCRATCH_SIZE);
    table_grow();

    listen_fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (listen_fd < 0) {
        perror("socket");
        return 1;
    }
    int one = 1;
    setsockopt(listen_fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    struct sockaddr_in addr = {.sin_family = AF_INET, .sin_port = htons((uint16_t)port)};
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (bind(listen_fd, (struct sockaddr *)&addr, sizeof addr) < 0) {
        perror("bind");
        return 1;
    }
    if (listen(listen_fd, 65535) < 0) { /* the kernel caps it at net.core.somaxconn */
        perror("listen");
        return 1;
    }
    socklen_t alen = sizeof addr;
    getsockname(listen_fd, (struct sockaddr *)&addr, &alen);

    epfd = epoll_create1(EPOLL_CLOEXEC);
    if (epfd < 0) {
        perror("epoll_create1");
        return 1;
    }
    struct epoll_event lev = {.events = EPOLLIN, .data.ptr = NULL}; /* NULL marks the listening socket */
    epoll_ctl(epfd, EPOLL_CTL_ADD, listen_fd, &lev);

    printf("listening %u\n", ntohs(addr.sin_port));
    fflush(stdout);

    static struct epoll_event events[MAX_EVENTS];
    for (;;) {
        int n = epoll_wait(epfd, events, MAX_EVENTS, -1);
        if (n < 0) {
            if (errno == EINTR) continue;
            perror("epoll_wait");
            return 1;
        }
        for (int i = 0; i < n; i++) {
            conn *c = events[i].data.ptr;
            if (!c) {
                on_acceptable();
                continue;
            }
            if (c->dead) continue;
            if (events[i].events & (EPOLLIN | EPOLLHUP | EPOLLERR)) on_readable(c);
            if (!c->dead && (events[i].events & EPOLLOUT)) mark_dirty(c);
        }
        flush_all();
    }
}
