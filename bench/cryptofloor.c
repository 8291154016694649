/* The floor of a file transfer that does the work PeerLink's does, in plain C (bench/filebench.py builds and runs it):
 * the sender hashes the whole file (SHA-256, for the offer), then reads it in chunks, seals each with
 * crypto_secretstream_xchacha20poly1305 and writes it to a TCP connection on loopback; the receiver reads each chunk,
 * opens it, hashes it and writes it to a file, and compares the SHA-256 at the end. No WebSocket, no JSON, no event
 * loop, no acknowledgements: what is left is the cryptography the issue asks for and the copies nobody can avoid.
 *
 *     cryptofloor FILE OUT CHUNK_BYTES      prints: seconds_from_start seconds_after_hash sender_cpu receiver_cpu
 */
#include <sodium.h>

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec + ts.tv_nsec / 1e9;
}

static double cpu(int who)
{
    struct rusage u;
    getrusage(who, &u);
    return u.ru_utime.tv_sec + u.ru_utime.tv_usec / 1e6 + u.ru_stime.tv_sec + u.ru_stime.tv_usec / 1e6;
}

static int all(int fd, unsigned char *p, size_t n, int writing)
{
    while (n > 0) {
        ssize_t k = writing ? write(fd, p, n) : read(fd, p, n);
        if (k <= 0)
            return -1;
        p += k;
        n -= (size_t)k;
    }
    return 0;
}

int main(int argc, char **argv)
{
    if (argc != 4 || sodium_init() < 0)
        return 2;
    const size_t chunk = (size_t)atol(argv[3]);
    struct stat st;
    if (stat(argv[1], &st) != 0)
        return 2;
    const size_t size = (size_t)st.st_size;
    unsigned char key[crypto_secretstream_xchacha20poly1305_KEYBYTES];
    crypto_secretstream_xchacha20poly1305_keygen(key);

    int server = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in a = { .sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
    socklen_t len = sizeof a;
    if (bind(server, (struct sockaddr *)&a, sizeof a) || listen(server, 1) || getsockname(server, (struct sockaddr *)&a, &len))
        return 2;
    double start = now();
    pid_t child = fork();
    if (child == 0) { /* the sender */
        unsigned char digest[32], header[crypto_secretstream_xchacha20poly1305_HEADERBYTES];
        unsigned char *plain = malloc(chunk), *sealed = malloc(chunk + crypto_secretstream_xchacha20poly1305_ABYTES);
        int in = open(argv[1], O_RDONLY);
        crypto_hash_sha256_state h;
        crypto_hash_sha256_init(&h);
        unsigned char *block = malloc(1 << 20);
        ssize_t n;
        while ((n = read(in, block, 1 << 20)) > 0)
            crypto_hash_sha256_update(&h, block, (unsigned long long)n);
        crypto_hash_sha256_final(&h, digest);
        lseek(in, 0, SEEK_SET);
        int fd = socket(AF_INET, SOCK_STREAM, 0);
        int one = 1;
        setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
        if (connect(fd, (struct sockaddr *)&a, sizeof a))
            _exit(3);
        crypto_secretstream_xchacha20poly1305_state s;
        crypto_secretstream_xchacha20poly1305_init_push(&s, header, key);
        if (all(fd, digest, 32, 1) || all(fd, header, sizeof header, 1))
            _exit(3);
        for (size_t done = 0; done < size;) {
            size_t take = size - done < chunk ? size - done : chunk;
            if (all(in, plain, take, 0))
                _exit(3);
            unsigned long long out;
            crypto_secretstream_xchacha20poly1305_push(&s, sealed, &out, plain, take, NULL, 0,
                done + take == size ? crypto_secretstream_xchacha20poly1305_TAG_FINAL : 0);
            if (all(fd, sealed, (size_t)out, 1))
                _exit(3);
            done += take;
        }
        close(fd);
        _exit(0);
    }
    /* the receiver */
    int fd = accept(server, NULL, NULL);
    double accepted = now(); /* the offer: the sender's hash is done when it connects */
    unsigned char digest[32], mine[32], header[crypto_secretstream_xchacha20poly1305_HEADERBYTES];
    unsigned char *plain = malloc(chunk), *sealed = malloc(chunk + crypto_secretstream_xchacha20poly1305_ABYTES);
    int out = open(argv[2], O_WRONLY | O_CREAT | O_TRUNC, 0600);
    crypto_secretstream_xchacha20poly1305_state s;
    crypto_hash_sha256_state h;
    crypto_hash_sha256_init(&h);
    if (all(fd, digest, 32, 0) || all(fd, header, sizeof header, 0)
        || crypto_secretstream_xchacha20poly1305_init_pull(&s, header, key))
        return 3;
    for (size_t done = 0; done < size;) {
        size_t take = size - done < chunk ? size - done : chunk;
        unsigned long long got;
        unsigned char tag;
        if (all(fd, sealed, take + crypto_secretstream_xchacha20poly1305_ABYTES, 0)
            || crypto_secretstream_xchacha20poly1305_pull(&s, plain, &got, &tag, sealed,
                   take + crypto_secretstream_xchacha20poly1305_ABYTES, NULL, 0) || got != take)
            return 4;
        crypto_hash_sha256_update(&h, plain, got);
        if (all(out, plain, take, 1))
            return 5;
        done += take;
    }
    crypto_hash_sha256_final(&h, mine);
    double end = now();
    int status;
    waitpid(child, &status, 0);
    if (memcmp(digest, mine, 32) != 0 || !WIFEXITED(status) || WEXITSTATUS(status) != 0)
        return 6;
    printf("%.4f %.4f %.4f %.4f\n", end - start, end - accepted, cpu(RUSAGE_CHILDREN), cpu(RUSAGE_SELF));
    return 0;
}
