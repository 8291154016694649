// peerlink-loadgen: drives a hub with many WebSocket connections from one thread and measures it.
//
// It speaks PeerLink's JSON protocol (PeerLink's hub, the ws reference hub, the C floor) and socket.io's
// (Engine.IO 4 over WebSocket: "40", "42[...]", "2"/"3"), so the same workloads drive every server. Everything is
// plain epoll and non-blocking sockets; frames that repeat are built (and masked) once; incoming frames are
// classified by looking at a few bytes, without a JSON parser. The program reports its own CPU use: a run in
// which it used nearly all of its core measured the load generator, not the server, and is marked invalid.
//
// Workloads (one per run; the output is one JSON object on stdout):
//   relay     P pairs, each sender keeps W small messages in flight to its receiver
//   fanout    N peers, one broadcasts, N-1 receive
//   pingpong  A sends to B at a fixed rate, B echoes, A records round trips; I idle peers joined beforehand
//   storm     N peers connect at once; time until all are joined and every peer knows every other
//   idle      N peers joined and settled: the server's RSS growth per peer
//   large     one pair, 1 MiB messages, W in flight: MB/s
//   presence  (hubs in a cluster, issue 19) one observer per hub joins first, then N peers spread evenly over the
//             hubs: time until every observer knows all of them (and, with --all-views, until every peer does)
//
// With several hubs (--port P1,P2,...: hubs of one cluster) peers are spread over them; the relay puts each pair's
// sender and receiver on different hubs. --server-pid takes a list too (every process of the cluster, Redis
// included), whose CPU is summed; --redis-port and --redis-pid add what Redis did over the measured window
// (INFO's network bytes and command counts, read with redis-cli, and its CPU).
//
// Not a product: no TLS, no limits, no security. Loopback only.

#include "histogram.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/epoll.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

#include <emmintrin.h>

#include <algorithm>
#include <cerrno>
#include <cinttypes>
#include <cstdarg>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <functional>
#include <memory>
#include <random>
#include <string>
#include <string_view>
#include <vector>

namespace {

// ---------------------------------------------------------------------------------------------------- options

struct Options
{
    std::string protocol = "peerlink"; // or socketio
    std::string host = "127.0.0.1";
    int port = 0;
    std::vector<int> ports; // every hub (a cluster); ports[0] == port
    std::string workload;
    int serverPid = 0;
    std::vector<int> serverPids; // every process whose CPU counts (serverPids[0] == serverPid)
    int redisPort = 0;
    int redisPid = 0;
    bool allViews = false;
    double warmup = 1.0;
    double duration = 5.0;
    int pairs = 4;
    int window = 256;
    int peers = 100;
    int idle = 0;
    double rate = 1000;
    int textBytes = 64;
    int largeBytes = 1024 * 1024;
    double timeout = 120;
    double settle = 1.0;
    int concurrency = 1000; // storm, idle: connections joining at once at most
    int sourceAddresses = 200; // connections are spread over 127.0.1.1 .. 127.0.1.N
    bool e2e = false; // messages to one peer carry an end-to-end envelope of the text's size instead of the text
};

[[noreturn]] void die(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    std::fputs("loadgen: ", stderr);
    std::vfprintf(stderr, fmt, ap);
    std::fputc('\n', stderr);
    va_end(ap);
    std::exit(2);
}

// ---------------------------------------------------------------------------------------------------- clocks

uint64_t nowNs()
{
    timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return static_cast<uint64_t>(ts.tv_sec) * 1000000000ull + static_cast<uint64_t>(ts.tv_nsec);
}

double selfCpuSeconds()
{
    rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    return static_cast<double>(ru.ru_utime.tv_sec + ru.ru_stime.tv_sec)
        + static_cast<double>(ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) / 1e6;
}

/// utime + stime of every thread of @p pid, in seconds; -1 when it cannot be read.
double processCpuSeconds(int pid)
{
    if (pid <= 0)
        return -1;
    char path[64];
    std::snprintf(path, sizeof path, "/proc/%d/stat", pid);
    FILE *f = std::fopen(path, "r");
    if (!f)
        return -1;
    char buf[1024];
    const size_t n = std::fread(buf, 1, sizeof buf - 1, f);
    std::fclose(f);
    buf[n] = 0;
    const char *p = std::strrchr(buf, ')'); // the command name may hold spaces
    if (!p)
        return -1;
    unsigned long utime = 0, stime = 0;
    // After ") ": state(3) ppid pgrp session tty tpgid flags minflt cminflt majflt cmajflt utime(14) stime(15)
    if (std::sscanf(p + 2, "%*c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u %lu %lu", &utime, &stime) != 2)
        return -1;
    return static_cast<double>(utime + stime) / static_cast<double>(sysconf(_SC_CLK_TCK));
}

/// The summed CPU seconds of @p pids; -1 when one cannot be read.
double processesCpuSeconds(const std::vector<int> &pids)
{
    if (pids.empty())
        return -1;
    double sum = 0;
    for (int pid : pids) {
        const double c = processCpuSeconds(pid);
        if (c < 0)
            return -1;
        sum += c;
    }
    return sum;
}

/// What Redis reports of itself (INFO all, through redis-cli): network bytes and commands, by name.
struct RedisStats
{
    bool ok = false;
    uint64_t netIn = 0, netOut = 0, commands = 0;
    std::vector<std::pair<std::string, uint64_t>> calls; // cmdstat_NAME -> calls

    static RedisStats read(int port)
    {
        RedisStats st;
        if (port <= 0)
            return st;
        char cmd[128];
        std::snprintf(cmd, sizeof cmd, "redis-cli -h 127.0.0.1 -p %d INFO all 2>/dev/null", port);
        FILE *f = popen(cmd, "r");
        if (!f)
            return st;
        char line[1024];
        while (std::fgets(line, sizeof line, f)) {
            unsigned long long v = 0;
            if (std::sscanf(line, "total_net_input_bytes:%llu", &v) == 1)
                st.netIn = v, st.ok = true;
            else if (std::sscanf(line, "total_net_output_bytes:%llu", &v) == 1)
                st.netOut = v;
            else if (std::sscanf(line, "total_commands_processed:%llu", &v) == 1)
                st.commands = v;
            else if (std::strncmp(line, "cmdstat_", 8) == 0) {
                const char *colon = std::strchr(line, ':');
                if (colon && std::sscanf(colon, ":calls=%llu", &v) == 1)
                    st.calls.emplace_back(std::string(static_cast<const char *>(line) + 8, colon), v);
            }
        }
        pclose(f);
        return st;
    }
    uint64_t callsOf(const std::string &name) const
    {
        for (const auto &c : calls)
            if (c.first == name)
                return c.second;
        return 0;
    }
};

/// Resident set size of @p pid in KiB; -1 when it cannot be read.
long processRssKiB(int pid)
{
    if (pid <= 0)
        return -1;
    char path[64];
    std::snprintf(path, sizeof path, "/proc/%d/status", pid);
    FILE *f = std::fopen(path, "r");
    if (!f)
        return -1;
    char line[256];
    long kib = -1;
    while (std::fgets(line, sizeof line, f)) {
        if (std::strncmp(line, "VmRSS:", 6) == 0) {
            kib = std::strtol(line + 6, nullptr, 10);
            break;
        }
    }
    std::fclose(f);
    return kib;
}

// ---------------------------------------------------------------------------------------------------- frames

std::mt19937 rng(12345);

std::string clientFrame(uint8_t opcode, std::string_view payload, const uint8_t mask[4])
{
    std::string f;
    f.reserve(payload.size() + 14);
    f.push_back(static_cast<char>(0x80 | opcode));
    const uint64_t len = payload.size();
    if (len < 126) {
        f.push_back(static_cast<char>(0x80 | len));
    } else if (len < 65536) {
        f.push_back(static_cast<char>(0x80 | 126));
        f.push_back(static_cast<char>(len >> 8));
        f.push_back(static_cast<char>(len & 0xff));
    } else {
        f.push_back(static_cast<char>(0x80 | 127));
        for (int i = 7; i >= 0; --i)
            f.push_back(static_cast<char>((len >> (8 * i)) & 0xff));
    }
    f.append(reinterpret_cast<const char *>(mask), 4);
    const size_t start = f.size();
    f.append(payload);
    for (size_t i = 0; i < payload.size(); ++i)
        f[start + i] = static_cast<char>(f[start + i] ^ mask[i & 3]);
    return f;
}

enum class Kind { Welcome, PeerConnect, PeerDisconnect, Message, Ack, Error, Other };

// ---------------------------------------------------------------------------------------------------- connections

struct Conn;
using FrameHandler = std::function<void(Conn &, Kind, std::string_view)>;

enum class State { Connecting, Upgrading, EioOpen, EioConnect, Joining, Joined, Closed };

struct Conn
{
    int fd = -1;
    int index = 0;
    int hub = 0; // which of the servers it talks to
    State state = State::Connecting;
    std::string id;
    uint8_t mask[4] {};
    std::string in;        // bytes not yet parsed (only when a read ended in the middle of a frame)
    std::string fragments; // a fragmented message being put together
    uint8_t fragmentOpcode = 0;
    std::string out;
    size_t outOffset = 0;
    bool wantWrite = false;
    bool dirty = false;
    uint64_t joinedAt = 0;
    long knownPeers = -1; // -1 until welcome; then peers in welcome + peer_connects - peer_disconnects
    uint64_t received = 0;
    FrameHandler onFrame;
};

class Loop
{
public:
    explicit Loop(const Options &o) : m_opt(o)
    {
        m_epoll = epoll_create1(EPOLL_CLOEXEC);
        if (m_epoll < 0)
            die("epoll_create1: %s", std::strerror(errno));
        m_readBuffer.resize(1 << 20);
        for (int port : o.ports) {
            sockaddr_in a;
            std::memset(&a, 0, sizeof a);
            a.sin_family = AF_INET;
            a.sin_port = htons(static_cast<uint16_t>(port));
            if (inet_pton(AF_INET, o.host.c_str(), &a.sin_addr) != 1)
                die("not an IPv4 address: %s", o.host.c_str());
            m_servers.push_back(a);
        }
        m_socketIo = o.protocol == "socketio";
        if (!m_socketIo && o.protocol != "peerlink")
            die("unknown protocol %s (peerlink or socketio)", o.protocol.c_str());
    }

    bool socketIo() const { return m_socketIo; }

    int hubs() const { return static_cast<int>(m_servers.size()); }

    /// Opens a connection that joins as @p id (on server @p hub; -1: the connections go round the servers);
    /// @p handler sees every frame after the join was sent.
    Conn &open(const std::string &id, FrameHandler handler, int hub = -1)
    {
        auto c = std::make_unique<Conn>();
        c->index = static_cast<int>(m_conns.size());
        c->hub = hub >= 0 ? hub % hubs() : c->index % hubs();
        const sockaddr_in &server = m_servers[static_cast<size_t>(c->hub)];
        c->id = id;
        c->onFrame = std::move(handler);
        for (auto &b : c->mask)
            b = static_cast<uint8_t>(rng());
        c->fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
        if (c->fd < 0)
            die("socket: %s (raise the open-files limit: ulimit -n)", std::strerror(errno));
        int one = 1;
        setsockopt(c->fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
        setsockopt(c->fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
        setsockopt(c->fd, IPPROTO_IP, IP_BIND_ADDRESS_NO_PORT, &one, sizeof one);
        // Reset on close: no TIME_WAIT, so repeated runs do not run out of ephemeral ports.
        linger lg { 1, 0 };
        setsockopt(c->fd, SOL_SOCKET, SO_LINGER, &lg, sizeof lg);
        if (m_opt.sourceAddresses > 0 && server.sin_addr.s_addr == htonl(INADDR_LOOPBACK)) {
            sockaddr_in src {};
            src.sin_family = AF_INET;
            src.sin_addr.s_addr = htonl((127u << 24) | (1u << 8) | (1u + static_cast<unsigned>(c->index % m_opt.sourceAddresses)));
            if (bind(c->fd, reinterpret_cast<sockaddr *>(&src), sizeof src) != 0)
                die("bind source address: %s", std::strerror(errno));
        }
        if (connect(c->fd, reinterpret_cast<const sockaddr *>(&server), sizeof server) != 0 && errno != EINPROGRESS)
            die("connect: %s", std::strerror(errno));
        epoll_event ev {};
        ev.events = EPOLLIN | EPOLLOUT;
        ev.data.ptr = c.get();
        c->wantWrite = true;
        epoll_ctl(m_epoll, EPOLL_CTL_ADD, c->fd, &ev);
        m_conns.push_back(std::move(c));
        return *m_conns.back();
    }

    std::vector<std::unique_ptr<Conn>> &conns() { return m_conns; }

    /// Queues bytes (one or more whole frames); they are written at the end of this loop turn.
    void queue(Conn &c, std::string_view bytes)
    {
        if (c.state == State::Closed)
            return;
        c.out.append(bytes);
        if (!c.dirty) {
            c.dirty = true;
            m_dirty.push_back(&c);
        }
    }

    void sendText(Conn &c, std::string_view payload) { queue(c, clientFrame(0x1, payload, c.mask)); }

    /// Base64url characters (no padding) as many as @p bytes of data take.
    static std::string base64Noise(size_t bytes)
    {
        static const char alphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
        std::string out((bytes * 4 + 2) / 3, 'A');
        for (char &c : out)
            c = alphabet[rng() % 64];
        return out;
    }

    /// The JSON (or socket.io packet) of a message to @p to (empty: broadcast).
    std::string messagePayload(std::string_view to, std::string_view text) const
    {
        std::string p;
        if (m_socketIo) {
            p = "42[\"message\",{";
            if (!to.empty())
                p.append("\"to\":\"").append(to).append("\",");
            p.append("\"text\":\"").append(text).append("\"}]");
        } else {
            p = "{\"type\":\"message\",";
            if (!to.empty())
                p.append("\"to\":\"").append(to).append("\",");
            if (m_opt.e2e && !to.empty()) {
                // What an end-to-end message looks like to the hub (docs/protocol.md): an empty text and an envelope
                // "1.EPHEMERAL.SIGNATURE.NONCE.CIPHERTEXT" (base64url of 32, 64, 24 and text + 16 bytes). The hub
                // never opens it, so random characters of the right sizes cost it exactly what a real one does.
                p.append("\"text\":\"\",\"e2e\":\"1.").append(base64Noise(32)).append(".").append(base64Noise(64));
                p.append(".").append(base64Noise(24)).append(".").append(base64Noise(text.size() + 16)).append("\"}");
            } else {
                p.append("\"text\":\"").append(text).append("\"}");
            }
        }
        return p;
    }

    /// Runs the loop until @p done returns true or @p deadlineNs passes; @p tick runs every turn and returns the
    /// nanoseconds until it wants to run again (or a negative number). Returns done().
    bool run(const std::function<bool()> &done, uint64_t deadlineNs, const std::function<int64_t()> &tick = {})
    {
        std::vector<epoll_event> events(1024);
        while (!done()) {
            const uint64_t now = nowNs();
            if (now >= deadlineNs)
                return false;
            uint64_t waitNs = deadlineNs - now;
            if (tick) {
                const int64_t t = tick();
                if (t >= 0 && static_cast<uint64_t>(t) < waitNs)
                    waitNs = static_cast<uint64_t>(t);
            }
            flush();
            timespec timeout { static_cast<time_t>(waitNs / 1000000000ull), static_cast<long>(waitNs % 1000000000ull) };
            const int n = epoll_pwait2(m_epoll, events.data(), static_cast<int>(events.size()), &timeout, nullptr);
            if (n < 0) {
                if (errno == EINTR)
                    continue;
                die("epoll_pwait2: %s", std::strerror(errno));
            }
            for (int i = 0; i < n; ++i) {
                Conn &c = *static_cast<Conn *>(events[i].data.ptr);
                if (c.state == State::Closed)
                    continue;
                if (events[i].events & (EPOLLERR | EPOLLHUP)) {
                    fail(c, "connection reset");
                    continue;
                }
                if (events[i].events & EPOLLOUT)
                    writable(c);
                if ((events[i].events & EPOLLIN) && c.state != State::Closed)
                    readable(c);
            }
            flush();
        }
        return true;
    }

    uint64_t failures() const { return m_failures; }
    const std::string &firstFailure() const { return m_firstFailure; }

    void closeAll()
    {
        for (auto &c : m_conns) {
            if (c->fd >= 0)
                ::close(c->fd);
            c->fd = -1;
            c->state = State::Closed;
        }
    }

private:
    void fail(Conn &c, const char *why)
    {
        if (m_failures++ == 0)
            m_firstFailure = c.id + ": " + why;
        epoll_ctl(m_epoll, EPOLL_CTL_DEL, c.fd, nullptr);
        ::close(c.fd);
        c.fd = -1;
        c.state = State::Closed;
    }

    void flush()
    {
        for (Conn *c : m_dirty) {
            c->dirty = false;
            if (c->state != State::Closed && !c->wantWrite)
                writeOut(*c);
        }
        m_dirty.clear();
    }

    void setWantWrite(Conn &c, bool want)
    {
        if (c.wantWrite == want)
            return;
        c.wantWrite = want;
        epoll_event ev {};
        ev.events = EPOLLIN | (want ? EPOLLOUT : 0u);
        ev.data.ptr = &c;
        epoll_ctl(m_epoll, EPOLL_CTL_MOD, c.fd, &ev);
    }

    void writeOut(Conn &c)
    {
        while (c.outOffset < c.out.size()) {
            const ssize_t w = ::send(c.fd, c.out.data() + c.outOffset, c.out.size() - c.outOffset, MSG_NOSIGNAL);
            if (w < 0) {
                if (errno == EAGAIN || errno == EINTR) {
                    setWantWrite(c, true);
                    return;
                }
                fail(c, "write failed");
                return;
            }
            c.outOffset += static_cast<size_t>(w);
        }
        c.out.clear();
        c.outOffset = 0;
        setWantWrite(c, false);
    }

    void writable(Conn &c)
    {
        if (c.state == State::Connecting) {
            int err = 0;
            socklen_t len = sizeof err;
            getsockopt(c.fd, SOL_SOCKET, SO_ERROR, &err, &len);
            if (err != 0) {
                fail(c, "connect failed");
                return;
            }
            c.state = State::Upgrading;
            char req[512];
            const int n = std::snprintf(req, sizeof req,
                "GET %s HTTP/1.1\r\nHost: %s:%d\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n",
                m_socketIo ? "/socket.io/?EIO=4&transport=websocket" : "/", m_opt.host.c_str(),
                m_opt.ports[static_cast<size_t>(c.hub)]);
            c.out.append(req, static_cast<size_t>(n));
        }
        writeOut(c);
    }

    void readable(Conn &c)
    {
        const ssize_t n = ::read(c.fd, m_readBuffer.data(), m_readBuffer.size());
        if (n == 0) {
            fail(c, "closed by the server");
            return;
        }
        if (n < 0) {
            if (errno != EAGAIN && errno != EINTR)
                fail(c, "read failed");
            return;
        }
        if (c.in.empty()) {
            const size_t used = parse(c, m_readBuffer.data(), static_cast<size_t>(n));
            if (c.state != State::Closed && used < static_cast<size_t>(n))
                c.in.assign(m_readBuffer.data() + used, static_cast<size_t>(n) - used);
        } else {
            c.in.append(m_readBuffer.data(), static_cast<size_t>(n));
            const size_t used = parse(c, c.in.data(), c.in.size());
            if (c.state != State::Closed)
                c.in.erase(0, used);
        }
    }

    /// Parses what it can of @p data; returns the bytes consumed.
    size_t parse(Conn &c, const char *data, size_t size)
    {
        size_t pos = 0;
        if (c.state == State::Upgrading) {
            const std::string_view view(data, size);
            const size_t end = view.find("\r\n\r\n");
            if (end == std::string_view::npos)
                return 0;
            if (view.substr(0, 12).find("101") == std::string_view::npos) {
                fail(c, "upgrade refused");
                return size;
            }
            pos = end + 4;
            if (m_socketIo) {
                c.state = State::EioOpen;
            } else {
                c.state = State::Joining;
                sendJoin(c);
            }
        }
        while (pos + 2 <= size && c.state != State::Closed) {
            const uint8_t b0 = static_cast<uint8_t>(data[pos]);
            const uint8_t b1 = static_cast<uint8_t>(data[pos + 1]);
            size_t header = 2;
            uint64_t len = b1 & 0x7f;
            if (len == 126) {
                if (pos + 4 > size)
                    break;
                len = (static_cast<uint64_t>(static_cast<uint8_t>(data[pos + 2])) << 8) | static_cast<uint8_t>(data[pos + 3]);
                header = 4;
            } else if (len == 127) {
                if (pos + 10 > size)
                    break;
                len = 0;
                for (int i = 0; i < 8; ++i)
                    len = (len << 8) | static_cast<uint8_t>(data[pos + 2 + static_cast<size_t>(i)]);
                header = 10;
            }
            if (pos + header + len > size)
                break;
            const std::string_view payload(data + pos + header, static_cast<size_t>(len));
            pos += header + static_cast<size_t>(len);
            const uint8_t opcode = b0 & 0x0f;
            const bool fin = b0 & 0x80;
            if (opcode == 0x9) { // ping
                queue(c, clientFrame(0xA, payload, c.mask));
            } else if (opcode == 0x8) {
                fail(c, "close frame from the server");
            } else if (opcode == 0x1 || opcode == 0x2) {
                if (fin) {
                    if (opcode == 0x1)
                        text(c, payload);
                } else {
                    c.fragmentOpcode = opcode;
                    c.fragments.assign(payload);
                }
            } else if (opcode == 0x0) {
                c.fragments.append(payload);
                if (fin) {
                    std::string whole;
                    whole.swap(c.fragments);
                    if (c.fragmentOpcode == 0x1)
                        text(c, whole);
                }
            }
        }
        return pos;
    }

    void sendJoin(Conn &c)
    {
        if (m_socketIo)
            sendText(c, "42[\"join\",{\"id\":\"" + c.id + "\"}]");
        else
            sendText(c, "{\"type\":\"join\",\"id\":\"" + c.id + "\"}");
    }

    /// The number of `"id":"` in @p s: the peers of a welcome (10 000 of them in a storm, scanned once per join).
    /// Sixteen positions at a time with SSE2 (part of x86-64): std::string_view::find stops at every quote, of which
    /// JSON is full, and was most of the load generator's time in a storm.
    static long countIds(std::string_view s)
    {
        static constexpr char pattern[] = "\"id\":\"";
        constexpr size_t length = sizeof pattern - 1;
        const char *p = s.data();
        const size_t n = s.size();
        long count = 0;
        size_t i = 0;
        for (; i + 16 + length - 1 <= n; i += 16) {
            __m128i hit = _mm_set1_epi8(-1);
            for (size_t k = 0; k < length; ++k) {
                const __m128i v = _mm_loadu_si128(reinterpret_cast<const __m128i *>(p + i + k));
                hit = _mm_and_si128(hit, _mm_cmpeq_epi8(v, _mm_set1_epi8(pattern[k])));
            }
            // (a loop, not popcount: x86-64's baseline has no popcnt instruction, and a chunk holds one at most)
            for (unsigned bits = static_cast<unsigned>(_mm_movemask_epi8(hit)); bits != 0; bits &= bits - 1)
                ++count;
        }
        for (; i + length <= n; ++i)
            count += std::memcmp(p + i, pattern, length) == 0;
        return count;
    }

    /// Where the value of "type" starts. The floor and the Node.js hubs write it first; PeerLink writes keys in
    /// alphabetical order, which puts it last or nearly (a welcome's is followed by its version only): looked for
    /// there from the end, then anywhere.
    static size_t typeAt(std::string_view payload)
    {
        constexpr std::string_view key = "\"type\":\"";
        if (payload.size() > key.size() && payload.substr(1, key.size()) == key)
            return 1 + key.size();
        // Last: ..."type":"VALUE"} (the value's opening quote is the quote before its closing one).
        const size_t n = payload.size();
        if (n > key.size() + 2 && payload[n - 1] == '}' && payload[n - 2] == '"') {
            if (const void *q = memrchr(payload.data(), '"', n - 2)) {
                const size_t open = static_cast<size_t>(static_cast<const char *>(q) - payload.data());
                if (open + 1 >= key.size() && payload.substr(open + 1 - key.size(), key.size()) == key)
                    return open + 1;
            }
        }
        for (size_t i = payload.size() >= key.size() ? payload.size() - key.size() + 1 : 0; i-- > 0;) {
            if (payload[i + 1] == 't' && payload[i] == '"' && payload.substr(i, key.size()) == key)
                return i + key.size();
        }
        return std::string_view::npos;
    }

    void text(Conn &c, std::string_view payload)
    {
        Kind kind = Kind::Other;
        if (m_socketIo) {
            if (payload.size() == 1 && payload[0] == '2') { // Engine.IO ping
                sendText(c, "3");
                return;
            }
            if (c.state == State::EioOpen) {
                if (!payload.empty() && payload[0] == '0') {
                    c.state = State::EioConnect;
                    sendText(c, "40");
                }
                return;
            }
            if (c.state == State::EioConnect) {
                if (payload.size() >= 2 && payload.substr(0, 2) == "40") {
                    c.state = State::Joining;
                    sendJoin(c);
                }
                return;
            }
            if (payload.size() > 4 && payload.substr(0, 4) == "42[\"")
                kind = classify(payload.substr(4));
        } else {
            const size_t t = typeAt(payload);
            if (t != std::string_view::npos)
                kind = classify(payload.substr(t));
        }
        switch (kind) {
        case Kind::Welcome:
            c.state = State::Joined;
            c.joinedAt = nowNs();
            c.knownPeers = countIds(payload) - 1;
            ++m_joined;
            break;
        case Kind::PeerConnect:
            ++c.knownPeers;
            break;
        case Kind::PeerDisconnect:
            --c.knownPeers;
            break;
        case Kind::Error:
            if (m_errors++ == 0)
                m_firstError = std::string(payload.substr(0, 200));
            break;
        default:
            break;
        }
        if (c.onFrame)
            c.onFrame(c, kind, payload);
    }

    static Kind classify(std::string_view v)
    {
        if (v.empty())
            return Kind::Other;
        switch (v[0]) {
        case 'm':
            return v.substr(0, 8) == "message\"" ? Kind::Message : Kind::Other;
        case 'w':
            return Kind::Welcome;
        case 'a':
            return Kind::Ack;
        case 'e':
            return Kind::Error;
        case 'p':
            if (v.substr(0, 12) == "peer_connect")
                return Kind::PeerConnect;
            if (v.substr(0, 15) == "peer_disconnect")
                return Kind::PeerDisconnect;
            return Kind::Other;
        default:
            return Kind::Other;
        }
    }

public:
    uint64_t joined() const { return m_joined; }
    uint64_t errors() const { return m_errors; }
    const std::string &firstError() const { return m_firstError; }

private:
    const Options &m_opt;
    int m_epoll = -1;
    bool m_socketIo = false;
    std::vector<sockaddr_in> m_servers;
    std::vector<char> m_readBuffer;
    std::vector<std::unique_ptr<Conn>> m_conns;
    std::vector<Conn *> m_dirty;
    uint64_t m_failures = 0;
    std::string m_firstFailure;
    uint64_t m_joined = 0;
    uint64_t m_errors = 0;
    std::string m_firstError;
};

// ---------------------------------------------------------------------------------------------------- results

struct Result
{
    std::vector<std::pair<std::string, std::string>> fields;
    void add(const std::string &k, double v)
    {
        char b[64];
        std::snprintf(b, sizeof b, "%.6g", v);
        fields.emplace_back(k, b);
    }
    void addInt(const std::string &k, uint64_t v) { fields.emplace_back(k, std::to_string(v)); }
    void addString(const std::string &k, const std::string &v)
    {
        std::string q = "\"";
        for (char ch : v) {
            if (ch == '"' || ch == '\\')
                q.push_back('\\');
            if (static_cast<unsigned char>(ch) >= 0x20)
                q.push_back(ch);
        }
        q.push_back('"');
        fields.emplace_back(k, q);
    }
    void addBool(const std::string &k, bool v) { fields.emplace_back(k, v ? "true" : "false"); }
    void addRaw(const std::string &k, const std::string &json) { fields.emplace_back(k, json); }
    void print() const
    {
        std::string s = "{";
        for (size_t i = 0; i < fields.size(); ++i) {
            if (i)
                s += ",";
            s += "\"" + fields[i].first + "\":" + fields[i].second;
        }
        s += "}\n";
        std::fputs(s.c_str(), stdout);
        std::fflush(stdout);
    }
};

/// CPU of the server and of this program over a measured window.
struct Window
{
    uint64_t startNs = 0;
    double serverCpu0 = 0;
    double selfCpu0 = 0;
    int pid = 0;
    std::vector<int> pids;
    int redisPid = 0;
    int redisPort = 0;
    double redisCpu0 = 0;
    RedisStats redis0;
    void start(int serverPid)
    {
        pid = serverPid;
        pids = { serverPid };
        startNs = nowNs();
        serverCpu0 = processCpuSeconds(pid);
        selfCpu0 = selfCpuSeconds();
    }
    /// Every process of a cluster (summed), and Redis' own figures.
    void start(const Options &o)
    {
        redisPid = o.redisPid;
        redisPort = o.redisPort;
        redis0 = RedisStats::read(redisPort);
        redisCpu0 = processCpuSeconds(redisPid);
        pid = o.serverPid;
        pids = o.serverPids;
        startNs = nowNs();
        serverCpu0 = processesCpuSeconds(pids);
        selfCpu0 = selfCpuSeconds();
    }
    double serverCpu() const { return pids.empty() || pids[0] <= 0 ? -1 : processesCpuSeconds(pids) - serverCpu0; }
    /// Redis over the window: redis_cpu_s, network bytes in and out, commands (all and by name), and the same per
    /// @p messages when that is not 0.
    void finishRedis(Result &r, uint64_t messages) const
    {
        if (redisPid > 0) {
            const double cpu = processCpuSeconds(redisPid) - redisCpu0;
            r.add("redis_cpu_s", cpu);
            if (messages)
                r.add("redis_cpu_us_per_msg", cpu * 1e6 / static_cast<double>(messages));
        }
        const RedisStats now = RedisStats::read(redisPort);
        if (!now.ok || !redis0.ok)
            return;
        const uint64_t in = now.netIn - redis0.netIn, out = now.netOut - redis0.netOut;
        const uint64_t cmds = now.commands - redis0.commands - 1; // less the first INFO
        r.addInt("redis_in_bytes", in);
        r.addInt("redis_out_bytes", out);
        r.addInt("redis_commands", cmds);
        std::string byName = "{";
        for (const auto &c : now.calls) {
            uint64_t d = c.second - redis0.callsOf(c.first);
            if (c.first == "info")
                d -= 1;
            if (d == 0)
                continue;
            if (byName.size() > 1)
                byName += ",";
            byName += "\"" + c.first + "\":" + std::to_string(d);
        }
        byName += "}";
        r.addRaw("redis_calls", byName);
        if (messages) {
            const double m = static_cast<double>(messages);
            r.add("redis_in_bytes_per_msg", static_cast<double>(in) / m);
            r.add("redis_out_bytes_per_msg", static_cast<double>(out) / m);
            r.add("redis_commands_per_msg", static_cast<double>(cmds) / m);
        }
    }
    /// Adds seconds, server_cpu_s, loadgen_cpu_frac and valid to @p r; returns the elapsed seconds.
    double finish(Result &r, double saturation = 0.95) const
    {
        const double seconds = static_cast<double>(nowNs() - startNs) / 1e9;
        const double serverCpu = this->serverCpu();
        const double selfFraction = (selfCpuSeconds() - selfCpu0) / seconds;
        r.add("seconds", seconds);
        r.add("server_cpu_s", serverCpu);
        r.add("loadgen_cpu_frac", selfFraction);
        r.addBool("loadgen_saturated", selfFraction >= saturation);
        return seconds;
    }
};

void addCommon(Result &r, const Options &o, Loop &loop)
{
    r.addString("workload", o.workload);
    r.addString("protocol", o.protocol);
    r.addInt("connection_failures", loop.failures());
    if (loop.failures())
        r.addString("first_failure", loop.firstFailure());
    r.addInt("errors", loop.errors());
    if (loop.errors())
        r.addString("first_error", loop.firstError());
}

/// Opens @p count connections (ids prefix0..), at most @p o.concurrency joining at a time (a crowd arriving, not
/// one instant: with all at once, every server's listen queue overflows and the run measures SYN retransmission
/// timers). Returns when all are joined and every one knows every other (or on timeout or a failure).
bool joinAll(Loop &loop, const Options &o, const std::string &prefix, int count, uint64_t deadline,
             uint64_t *joinedNs = nullptr)
{
    const uint64_t joinedBefore = loop.joined();
    const size_t first = loop.conns().size();
    int opened = 0;
    auto openMore = [&]() -> int64_t {
        while (opened < count
               && static_cast<uint64_t>(opened) - (loop.joined() - joinedBefore) < static_cast<uint64_t>(o.concurrency)) {
            loop.open(prefix + std::to_string(opened), {});
            ++opened;
        }
        return -1;
    };
    const long expected = static_cast<long>(first) + count - 1;
    const bool joined = loop.run(
        [&] { return loop.joined() - joinedBefore >= static_cast<uint64_t>(count) || loop.failures() > 0; }, deadline,
        openMore);
    if (joinedNs)
        *joinedNs = nowNs();
    if (!joined || loop.failures() > 0)
        return false;
    // Everyone knows everyone: each connection's view must reach the total.
    size_t checkFrom = 0;
    return loop.run(
               [&] {
                   auto &conns = loop.conns();
                   while (checkFrom < conns.size() && conns[checkFrom]->knownPeers >= expected)
                       ++checkFrom;
                   return checkFrom == conns.size() || loop.failures() > 0;
               },
               deadline)
        && loop.failures() == 0;
}

std::string filler(int bytes, char ch = 'x') { return std::string(static_cast<size_t>(std::max(bytes, 0)), ch); }

// ---------------------------------------------------------------------------------------------------- workloads

int workloadRelay(const Options &o, bool large)
{
    Loop loop(o);
    const uint64_t deadline = nowNs() + static_cast<uint64_t>(o.timeout * 1e9);
    const int pairs = large ? 1 : o.pairs;
    const int window = large ? std::min(o.window, 4) : o.window;
    const std::string text = filler(large ? o.largeBytes : o.textBytes);

    struct Pair
    {
        Conn *sender = nullptr;
        Conn *receiver = nullptr;
        uint64_t sent = 0;
        uint64_t received = 0;
        std::string batch; // window/2 messages, masked for the sender
    };
    std::vector<Pair> ps(static_cast<size_t>(pairs));
    Result r;
    for (int i = 0; i < pairs; ++i) {
        Pair &p = ps[static_cast<size_t>(i)];
        // Several hubs: receiver on hub i, its sender on the next one (every message crosses hubs).
        p.receiver = &loop.open("r" + std::to_string(i), [&p](Conn &, Kind k, std::string_view) {
            if (k == Kind::Message)
                ++p.received;
        }, i);
        p.sender = &loop.open("s" + std::to_string(i), {}, i + 1);
    }
    if (!loop.run([&] { return loop.joined() >= static_cast<uint64_t>(2 * pairs) || loop.failures() > 0; }, deadline)) {
        addCommon(r, o, loop);
        r.addString("failed", "not all peers joined");
        r.print();
        return 1;
    }
    if (loop.hubs() > 1) {
        // A cluster: every hub knows every peer (presence settled) before anyone sends.
        const bool settled = loop.run(
            [&] {
                for (auto &c : loop.conns())
                    if (c->knownPeers < 2 * pairs - 1)
                        return loop.failures() > 0;
                return true;
            },
            deadline);
        if (!settled || loop.failures()) {
            addCommon(r, o, loop);
            r.addString("failed", "presence did not settle across the hubs");
            r.print();
            return 1;
        }
        loop.run([] { return false; }, nowNs() + 200000000ull); // and a moment for the hubs' own bookkeeping
    }
    const int half = std::max(1, window / 2);
    for (Pair &p : ps) {
        const std::string one = clientFrame(0x1, loop.messagePayload(p.receiver->id, text), p.sender->mask);
        for (int i = 0; i < half; ++i)
            p.batch += one;
    }
    auto refill = [&]() -> int64_t {
        for (Pair &p : ps) {
            while (p.sent - p.received + static_cast<uint64_t>(half) <= static_cast<uint64_t>(window)) {
                loop.queue(*p.sender, p.batch);
                p.sent += static_cast<uint64_t>(half);
            }
        }
        return -1;
    };
    auto total = [&] {
        uint64_t t = 0;
        for (const Pair &p : ps)
            t += p.received;
        return t;
    };
    const uint64_t warmEnd = nowNs() + static_cast<uint64_t>(o.warmup * 1e9);
    loop.run([&] { return loop.failures() > 0; }, std::min(warmEnd, deadline), refill);
    const uint64_t before = total();
    Window w;
    w.start(o);
    loop.run([&] { return loop.failures() > 0; }, std::min(nowNs() + static_cast<uint64_t>(o.duration * 1e9), deadline), refill);
    const uint64_t delivered = total() - before;
    addCommon(r, o, loop);
    const double seconds = w.finish(r);
    r.addInt("pairs", static_cast<uint64_t>(pairs));
    r.addInt("window", static_cast<uint64_t>(window));
    r.addInt("text_bytes", text.size());
    r.addInt("e2e", o.e2e ? 1 : 0);
    r.addInt("deliveries", delivered);
    r.add("deliveries_per_s", static_cast<double>(delivered) / seconds);
    const double cpu = w.serverCpu();
    if (o.serverPid > 0 && cpu > 0)
        r.add("deliveries_per_server_cpu_s", static_cast<double>(delivered) / cpu);
    if (loop.hubs() > 1)
        r.addInt("hubs", static_cast<uint64_t>(loop.hubs()));
    w.finishRedis(r, delivered);
    if (large)
        r.add("mb_per_s", static_cast<double>(delivered) * static_cast<double>(text.size()) / seconds / 1e6);
    r.print();
    loop.closeAll();
    return loop.failures() ? 1 : 0;
}

int workloadFanout(const Options &o)
{
    Loop loop(o);
    const uint64_t deadline = nowNs() + static_cast<uint64_t>(o.timeout * 1e9);
    Result r;
    uint64_t received = 0;
    const int n = std::max(2, o.peers);
    for (int i = 0; i < n - 1; ++i)
        loop.open("f" + std::to_string(i), [&received](Conn &, Kind k, std::string_view) {
            if (k == Kind::Message)
                ++received;
        });
    if (!loop.run([&] { return loop.joined() >= static_cast<uint64_t>(n - 1) || loop.failures() > 0; }, deadline)) {
        addCommon(r, o, loop);
        r.addString("failed", "not all peers joined");
        r.print();
        return 1;
    }
    Conn &sender = loop.open("sender", {});
    const uint64_t receivers = static_cast<uint64_t>(n - 1);
    // Everyone has seen the sender join before it sends: presence is not part of what is measured.
    if (!loop.run(
            [&] {
                if (loop.failures() > 0 || sender.state != State::Joined)
                    return loop.failures() > 0;
                for (auto &c : loop.conns())
                    if (c->knownPeers < n - 1)
                        return false;
                return true;
            },
            deadline)) {
        addCommon(r, o, loop);
        r.addString("failed", "presence did not settle");
        r.print();
        return 1;
    }
    const std::string text = filler(o.textBytes);
    const int window = std::max(2, o.window);
    const int half = window / 2;
    std::string batch;
    const std::string one = clientFrame(0x1, loop.messagePayload({}, text), sender.mask);
    for (int i = 0; i < half; ++i)
        batch += one;
    uint64_t sent = 0;
    auto refill = [&]() -> int64_t {
        // In flight: messages sent that the average receiver has not seen yet.
        while ((sent + static_cast<uint64_t>(half)) * receivers <= received + static_cast<uint64_t>(window) * receivers) {
            loop.queue(sender, batch);
            sent += static_cast<uint64_t>(half);
        }
        return -1;
    };
    const uint64_t warmEnd = nowNs() + static_cast<uint64_t>(o.warmup * 1e9);
    loop.run([&] { return loop.failures() > 0; }, std::min(warmEnd, deadline), refill);
    const uint64_t before = received;
    Window w;
    w.start(o.serverPid);
    loop.run([&] { return loop.failures() > 0; }, std::min(nowNs() + static_cast<uint64_t>(o.duration * 1e9), deadline), refill);
    const uint64_t delivered = received - before;
    addCommon(r, o, loop);
    const double seconds = w.finish(r);
    r.addInt("peers", static_cast<uint64_t>(n));
    r.addInt("window", static_cast<uint64_t>(window));
    r.addInt("deliveries", delivered);
    r.add("deliveries_per_s", static_cast<double>(delivered) / seconds);
    const double cpu = processCpuSeconds(o.serverPid) - w.serverCpu0;
    if (o.serverPid > 0 && cpu > 0)
        r.add("deliveries_per_server_cpu_s", static_cast<double>(delivered) / cpu);
    r.print();
    loop.closeAll();
    return loop.failures() ? 1 : 0;
}

/// Reads "seq:ns:" at the start of a message's text.
bool parseStamp(std::string_view payload, uint64_t &seq, uint64_t &ns)
{
    const size_t t = payload.find("\"text\":\"");
    if (t == std::string_view::npos)
        return false;
    const char *p = payload.data() + t + 8;
    const char *end = payload.data() + payload.size();
    seq = 0;
    while (p < end && *p >= '0' && *p <= '9')
        seq = seq * 10 + static_cast<uint64_t>(*p++ - '0');
    if (p >= end || *p != ':')
        return false;
    ++p;
    ns = 0;
    while (p < end && *p >= '0' && *p <= '9')
        ns = ns * 10 + static_cast<uint64_t>(*p++ - '0');
    return p < end && *p == ':';
}

int workloadPingPong(const Options &o)
{
    Loop loop(o);
    const uint64_t deadline = nowNs() + static_cast<uint64_t>(o.timeout * 1e9);
    Result r;
    if (o.idle > 0 && !joinAll(loop, o, "i", o.idle, deadline)) {
        addCommon(r, o, loop);
        r.addString("failed", "idle peers did not join");
        r.print();
        return 1;
    }
    bench::Histogram hist;
    uint64_t echoed = 0;
    bool measuring = false;
    Conn *a = nullptr;
    const std::string pad = filler(std::max(0, o.textBytes - 32));
    loop.open("pong", [&](Conn &self, Kind k, std::string_view payload) {
        if (k != Kind::Message)
            return;
        uint64_t seq = 0, ns = 0;
        if (!parseStamp(payload, seq, ns))
            return;
        // Echo the same stamp back to the pinger.
        loop.sendText(self, loop.messagePayload("ping", std::to_string(seq) + ":" + std::to_string(ns) + ":" + pad));
    });
    a = &loop.open("ping", [&](Conn &, Kind k, std::string_view payload) {
        if (k != Kind::Message)
            return;
        uint64_t seq = 0, ns = 0;
        if (!parseStamp(payload, seq, ns))
            return;
        ++echoed;
        if (measuring)
            hist.record(nowNs() - ns);
    });
    const uint64_t base = loop.joined();
    if (!loop.run([&] { return loop.joined() >= base + 2 || loop.failures() > 0; }, deadline) || loop.failures()) {
        addCommon(r, o, loop);
        r.addString("failed", "ping/pong peers did not join");
        r.print();
        return 1;
    }
    const uint64_t interval = static_cast<uint64_t>(1e9 / std::max(1.0, o.rate));
    uint64_t seq = 0;
    uint64_t next = nowNs();
    // Open loop: each ping is stamped with the time it was due, so a stalled server is charged for the wait
    // (no coordinated omission).
    auto tick = [&]() -> int64_t {
        const uint64_t now = nowNs();
        while (next <= now) {
            loop.sendText(*a, loop.messagePayload("pong", std::to_string(seq++) + ":" + std::to_string(next) + ":" + pad));
            next += interval;
        }
        return static_cast<int64_t>(next - now);
    };
    const uint64_t warmEnd = nowNs() + static_cast<uint64_t>(o.warmup * 1e9);
    loop.run([&] { return loop.failures() > 0; }, std::min(warmEnd, deadline), tick);
    measuring = true;
    const uint64_t sentBefore = seq;
    Window w;
    w.start(o.serverPid);
    loop.run([&] { return loop.failures() > 0; }, std::min(nowNs() + static_cast<uint64_t>(o.duration * 1e9), deadline), tick);
    const uint64_t sentInWindow = seq - sentBefore;
    // Let the last pings come back (bounded).
    const uint64_t target = seq;
    loop.run([&] { return echoed >= target || loop.failures() > 0; }, std::min<uint64_t>(nowNs() + 2000000000ull, deadline));
    addCommon(r, o, loop);
    w.finish(r);
    r.addInt("idle_peers", static_cast<uint64_t>(o.idle));
    r.add("rate", o.rate);
    r.addInt("pings", sentInWindow);
    r.addInt("samples", hist.count());
    r.add("p50_us", static_cast<double>(hist.quantile(0.50)) / 1e3);
    r.add("p99_us", static_cast<double>(hist.quantile(0.99)) / 1e3);
    r.add("p999_us", static_cast<double>(hist.quantile(0.999)) / 1e3);
    r.add("max_us", static_cast<double>(hist.max()) / 1e3);
    r.addInt("lost", seq - echoed);
    r.print();
    loop.closeAll();
    return loop.failures() ? 1 : 0;
}

int workloadStorm(const Options &o, bool memory)
{
    Loop loop(o);
    const uint64_t deadline = nowNs() + static_cast<uint64_t>(o.timeout * 1e9);
    Result r;
    const long rssBefore = processRssKiB(o.serverPid);
    const double selfCpu0 = selfCpuSeconds();
    const double serverCpu0 = processCpuSeconds(o.serverPid);
    const uint64_t start = nowNs();
    uint64_t joinedNs = 0;
    const bool ok = joinAll(loop, o, "n", o.peers, deadline, &joinedNs);
    const uint64_t end = nowNs();
    addCommon(r, o, loop);
    r.addInt("peers", static_cast<uint64_t>(o.peers));
    r.addBool("complete", ok);
    r.add("all_joined_s", static_cast<double>(joinedNs - start) / 1e9);
    r.add("all_presence_s", static_cast<double>(end - start) / 1e9);
    const double seconds = static_cast<double>(end - start) / 1e9;
    const double selfFraction = (selfCpuSeconds() - selfCpu0) / seconds;
    r.add("server_cpu_s", o.serverPid > 0 ? processCpuSeconds(o.serverPid) - serverCpu0 : -1);
    r.add("loadgen_cpu_frac", selfFraction);
    r.addBool("loadgen_saturated", selfFraction >= 0.95);
    if (memory && ok) {
        // Let the server settle (garbage collection, buffers drained), then read its RSS.
        loop.run([] { return false; }, nowNs() + static_cast<uint64_t>(o.settle * 1e9));
        const long rssAfter = processRssKiB(o.serverPid);
        r.add("rss_before_kib", static_cast<double>(rssBefore));
        r.add("rss_after_kib", static_cast<double>(rssAfter));
        r.add("bytes_per_peer", (static_cast<double>(rssAfter - rssBefore) * 1024.0) / o.peers);
    }
    r.print();
    loop.closeAll();
    return ok ? 0 : 1;
}

/// Hubs in a cluster: one observer per hub joins first; then N peers join spread evenly over the hubs, at most
/// --concurrency joining at a time. Measured from the first of them opening its connection: until all N are joined
/// (welcome), until every observer knows all N (its welcome plus peer_connects), and with --all-views until every
/// peer knows every other. CPU of every process of the cluster over that time; Redis' figures beside.
int workloadPresence(const Options &o)
{
    Loop loop(o);
    const uint64_t deadline = nowNs() + static_cast<uint64_t>(o.timeout * 1e9);
    Result r;
    const int hubs = loop.hubs();
    std::vector<Conn *> observers;
    for (int h = 0; h < hubs; ++h)
        observers.push_back(&loop.open("o" + std::to_string(h), {}, h));
    const bool ready = loop.run(
        [&] {
            for (Conn *c : observers)
                if (c->knownPeers < hubs - 1)
                    return loop.failures() > 0;
            return true;
        },
        deadline);
    if (!ready || loop.failures()) {
        addCommon(r, o, loop);
        r.addString("failed", "the observers did not see each other");
        r.print();
        return 1;
    }
    const int n = o.peers;
    const long everyone = static_cast<long>(n) + hubs - 1; // what each observer must know in the end
    const uint64_t joinedBefore = loop.joined();
    Window w;
    w.start(o);
    const uint64_t start = nowNs();
    uint64_t allJoinedNs = 0, observersNs = 0, allViewsNs = 0;
    int opened = 0;
    auto openMore = [&]() -> int64_t {
        while (opened < n
               && static_cast<uint64_t>(opened) - (loop.joined() - joinedBefore) < static_cast<uint64_t>(o.concurrency)) {
            loop.open("n" + std::to_string(opened), {}, opened % hubs);
            ++opened;
        }
        return -1;
    };
    size_t checkFrom = 0;
    auto progress = [&] {
        const uint64_t now = nowNs();
        if (!allJoinedNs && loop.joined() - joinedBefore >= static_cast<uint64_t>(n))
            allJoinedNs = now;
        if (!observersNs) {
            bool all = true;
            for (Conn *c : observers)
                all = all && c->knownPeers >= everyone;
            if (all)
                observersNs = now;
        }
        if (o.allViews && allJoinedNs && !allViewsNs) {
            auto &conns = loop.conns();
            while (checkFrom < conns.size() && conns[checkFrom]->knownPeers >= static_cast<long>(conns.size()) - 1)
                ++checkFrom;
            if (checkFrom == conns.size())
                allViewsNs = now;
        }
        return loop.failures() > 0 || (allJoinedNs && observersNs && (!o.allViews || allViewsNs));
    };
    const bool done = loop.run(progress, deadline, openMore) && loop.failures() == 0;
    const uint64_t end = nowNs();
    addCommon(r, o, loop);
    r.addInt("hubs", static_cast<uint64_t>(hubs));
    r.addInt("peers", static_cast<uint64_t>(n));
    r.addInt("concurrency", static_cast<uint64_t>(o.concurrency));
    r.addBool("complete", done);
    const double seconds = w.finish(r);
    if (allJoinedNs)
        r.add("all_joined_s", static_cast<double>(allJoinedNs - start) / 1e9);
    if (observersNs)
        r.add("observers_complete_s", static_cast<double>(observersNs - start) / 1e9);
    if (allViewsNs)
        r.add("all_views_s", static_cast<double>(allViewsNs - start) / 1e9);
    // Where it stood at the end (a run that did not finish says how far it got).
    r.addInt("joined", loop.joined() - joinedBefore);
    long least = everyone;
    for (Conn *c : observers)
        least = std::min(least, c->knownPeers);
    r.addInt("observer_least_known", static_cast<uint64_t>(std::max(0L, least)));
    if (o.allViews) {
        uint64_t complete = 0;
        for (auto &c : loop.conns())
            complete += c->knownPeers >= static_cast<long>(loop.conns().size()) - 1 ? 1 : 0;
        r.addInt("views_complete", complete);
    }
    (void)end;
    (void)seconds;
    w.finishRedis(r, 0);
    r.print();
    loop.closeAll();
    return done ? 0 : 1;
}

void usage()
{
    std::puts(
        "usage: peerlink-loadgen --workload W --port N [options]\n"
        "  --workload relay|fanout|pingpong|storm|idle|large|presence\n"
        "  --protocol peerlink|socketio   (default peerlink)\n"
        "  --host ADDR --port N           the server (IPv4 loopback)\n"
        "  --server-pid PID               read the server's CPU time and RSS from /proc\n"
        "  --warmup S --duration S        measured window after a warm-up (default 1 and 5)\n"
        "  --pairs N --window W           relay: pairs and messages in flight per pair (4, 256)\n"
        "  --peers N                      fanout, storm, idle: peers (100)\n"
        "  --idle N --rate R              pingpong: idle peers joined first, pings per second (0, 1000)\n"
        "  --text-bytes N --large-bytes N message text sizes (64, 1048576)\n"
        "  --concurrency N                storm, idle: connections joining at once at most (1000)\n"
        "  --timeout S                    give up after S seconds (120)\n"
        "  --source-addresses N           spread connections over 127.0.1.1..N (200; 0 = let the kernel pick)\n"
        "  --e2e                          relay: messages carry an end-to-end envelope (\"e2e\") instead of text\n"
        "  --port P1,P2,...               hubs of one cluster: peers spread over them (relay: across hubs; presence)\n"
        "  --server-pid PID,PID,...       every process whose CPU counts (summed; the first one's RSS)\n"
        "  --redis-port N --redis-pid PID Redis' network bytes, commands (INFO via redis-cli) and CPU over the window\n"
        "  --all-views                    presence: also wait until every peer knows every other\n"
        "Prints one JSON object. Exit status 0 when the run completed, 1 when it did not, 2 on bad usage.");
}

} // namespace

int main(int argc, char **argv)
{
    Options o;
    for (int i = 1; i < argc; ++i) {
        const std::string a = argv[i];
        auto value = [&]() -> const char * {
            if (i + 1 >= argc)
                die("%s needs a value", a.c_str());
            return argv[++i];
        };
        auto number = [&]() {
            const char *v = value();
            char *end = nullptr;
            const double d = std::strtod(v, &end);
            if (!end || *end || d < 0)
                die("%s takes a non-negative number (got \"%s\")", a.c_str(), v);
            return d;
        };
        if (a == "--help" || a == "-h") {
            usage();
            return 0;
        } else if (a == "--workload") o.workload = value();
        else if (a == "--protocol") o.protocol = value();
        else if (a == "--host") o.host = value();
        else if (a == "--port" || a == "--server-pid") {
            // One number, or a comma-separated list.
            const std::string v = value();
            std::vector<int> list;
            size_t from = 0;
            while (from <= v.size()) {
                const size_t comma = std::min(v.find(',', from), v.size());
                const std::string item = v.substr(from, comma - from);
                char *end = nullptr;
                const long x = std::strtol(item.c_str(), &end, 10);
                if (item.empty() || !end || *end || x < 0)
                    die("%s takes a number or a comma-separated list (got \"%s\")", a.c_str(), v.c_str());
                list.push_back(static_cast<int>(x));
                from = comma + 1;
            }
            if (a == "--port")
                o.ports = list;
            else
                o.serverPids = list;
        }
        else if (a == "--redis-port") o.redisPort = static_cast<int>(number());
        else if (a == "--redis-pid") o.redisPid = static_cast<int>(number());
        else if (a == "--all-views") o.allViews = true;
        else if (a == "--warmup") o.warmup = number();
        else if (a == "--duration") o.duration = number();
        else if (a == "--pairs") o.pairs = std::max(1, static_cast<int>(number()));
        else if (a == "--window") o.window = std::max(2, static_cast<int>(number()));
        else if (a == "--peers") o.peers = std::max(2, static_cast<int>(number()));
        else if (a == "--idle") o.idle = static_cast<int>(number());
        else if (a == "--rate") o.rate = number();
        else if (a == "--text-bytes") o.textBytes = static_cast<int>(number());
        else if (a == "--large-bytes") o.largeBytes = static_cast<int>(number());
        else if (a == "--timeout") o.timeout = number();
        else if (a == "--settle") o.settle = number();
        else if (a == "--concurrency") o.concurrency = std::max(1, static_cast<int>(number()));
        else if (a == "--source-addresses") o.sourceAddresses = static_cast<int>(number());
        else if (a == "--e2e") o.e2e = true;
        else die("unknown option %s (see --help)", a.c_str());
    }
    if (o.ports.empty())
        die("--port is required (1-65535)");
    for (int p : o.ports)
        if (p <= 0 || p > 65535)
            die("--port: %d is not a port (1-65535)", p);
    o.port = o.ports[0];
    if (!o.serverPids.empty())
        o.serverPid = o.serverPids[0];
    // Many connections: take the whole open-files allowance.
    rlimit rl;
    if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur < rl.rlim_max) {
        rl.rlim_cur = rl.rlim_max;
        setrlimit(RLIMIT_NOFILE, &rl);
    }
    if (o.workload == "relay")
        return workloadRelay(o, false);
    if (o.workload == "large")
        return workloadRelay(o, true);
    if (o.workload == "fanout")
        return workloadFanout(o);
    if (o.workload == "pingpong")
        return workloadPingPong(o);
    if (o.workload == "storm")
        return workloadStorm(o, false);
    if (o.workload == "idle")
        return workloadStorm(o, true);
    if (o.workload == "presence")
        return workloadPresence(o);
    die("unknown or missing --workload (relay, fanout, pingpong, storm, idle, large)");
}
