#ifndef PREP_CURL_SHIM_H
#define PREP_CURL_SHIM_H
/*
 * One HTTP GET through libcurl, loaded with dlopen on first use: only `prep obtain` downloads,
 * so no other run pays for linking libcurl and the ~25 libraries it needs (TLS, Kerberos, LDAP…)
 * at process start. C, because curl_easy_setopt is variadic and Swift cannot call it.
 */
#include <stddef.h>

/* The final response's status line and the headers the caller decides on. */
typedef struct {
    long status;
    long long content_length;       /* -1: not announced */
    const char *content_type;       /* NULL: absent */
    const char *content_range;      /* NULL: absent */
} prep_http_response;

typedef struct {
    void *context;
    /* Called once, before the body (or at the end when there is none): 0 receives the body,
     * anything else ends the transfer (PREP_HTTP_STOPPED). */
    int (*response)(void *context, const prep_http_response *response);
    /* A piece of the body: 0 goes on, anything else ends the transfer (PREP_HTTP_STOPPED). */
    int (*data)(void *context, const char *bytes, size_t count);
} prep_http_callbacks;

enum {
    PREP_HTTP_DONE = 0,        /* the server sent the whole answer */
    PREP_HTTP_STOPPED = 1,     /* a callback ended the transfer */
    PREP_HTTP_STALLED = 2,     /* nothing arrived for stall_seconds */
    PREP_HTTP_FAILED = 3,      /* connection or protocol failure: `message` says which */
    PREP_HTTP_NO_LIBCURL = 4   /* libcurl could not be loaded: `message` says why */
};

/*
 * GETs `url` (following redirects) with `Range: bytes=range_start-` when range_start > 0,
 * `Accept-Encoding: identity` and `User-Agent: user_agent`, through `proxy` ("" for none, NULL
 * for libcurl's own choice from the environment). `library` names the libcurl to load (NULL:
 * libcurl.so.4). Returns one of the codes above; `message` (at least 256 bytes) holds the reason
 * for PREP_HTTP_FAILED and PREP_HTTP_NO_LIBCURL.
 */
int prep_http_get(const char *url, long long range_start, const char *user_agent, const char *proxy,
                  double stall_seconds, const char *library, const prep_http_callbacks *callbacks,
                  char *message, size_t message_size);

#endif
