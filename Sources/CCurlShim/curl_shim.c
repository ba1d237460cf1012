/* See include/curl_shim.h. libcurl's ABI numbers below are its public, stable API values
 * (curl/curl.h); declaring them here means building prep needs no libcurl headers. */
#include "curl_shim.h"

#include <dlfcn.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <time.h>

enum {
    OPT_WRITEDATA = 10001, OPT_URL = 10002, OPT_PROXY = 10004, OPT_ERRORBUFFER = 10010,
    OPT_WRITEFUNCTION = 20011, OPT_USERAGENT = 10018, OPT_HTTPHEADER = 10023, OPT_HEADERDATA = 10029,
    OPT_NOPROGRESS = 43, OPT_FOLLOWLOCATION = 52, OPT_XFERINFODATA = 10057, OPT_MAXREDIRS = 68,
    OPT_HEADERFUNCTION = 20079, OPT_NOSIGNAL = 99, OPT_XFERINFOFUNCTION = 20219,
    OPT_SUPPRESS_CONNECT_HEADERS = 265,
    INFO_RESPONSE_CODE = 0x200000 + 2, INFO_CONTENT_LENGTH_DOWNLOAD_T = 0x600000 + 15,
    CODE_OK = 0, CODE_WRITE_ERROR = 23, CODE_ABORTED_BY_CALLBACK = 42,
    GLOBAL_ALL = 3, ERROR_SIZE = 256
};

struct curl_slist;
typedef size_t (*data_fn)(char *, size_t, size_t, void *);
typedef int (*xferinfo_fn)(void *, long long, long long, long long, long long);

static struct {
    int loaded;                 /* 1: the functions below are set; -1: loading failed */
    char failure[256];
    int (*global_init)(long);
    void *(*easy_init)(void);
    int (*easy_setopt)(void *, int, ...);
    int (*easy_perform)(void *);
    int (*easy_getinfo)(void *, int, ...);
    void (*easy_cleanup)(void *);
    const char *(*easy_strerror)(int);
    struct curl_slist *(*slist_append)(struct curl_slist *, const char *);
    void (*slist_free_all)(struct curl_slist *);
} curl;
static pthread_mutex_t curl_lock = PTHREAD_MUTEX_INITIALIZER;

/* Loads libcurl once (curl_global_init is not thread-safe: under the lock). */
static int load_curl(const char *library) {
    pthread_mutex_lock(&curl_lock);
    if (curl.loaded == 0) {
        const char *name = library && *library ? library : "libcurl.so.4";
        void *h = dlopen(name, RTLD_NOW | RTLD_LOCAL);
        if (!h && !(library && *library)) h = dlopen("libcurl.4.dylib", RTLD_NOW | RTLD_LOCAL);
        if (!h) {
            const char *why = dlerror();
            snprintf(curl.failure, sizeof curl.failure, "%s", why ? why : name);
            curl.loaded = -1;
        } else {
            curl.global_init = (int (*)(long))dlsym(h, "curl_global_init");
            curl.easy_init = (void *(*)(void))dlsym(h, "curl_easy_init");
            curl.easy_setopt = (int (*)(void *, int, ...))dlsym(h, "curl_easy_setopt");
            curl.easy_perform = (int (*)(void *))dlsym(h, "curl_easy_perform");
            curl.easy_getinfo = (int (*)(void *, int, ...))dlsym(h, "curl_easy_getinfo");
            curl.easy_cleanup = (void (*)(void *))dlsym(h, "curl_easy_cleanup");
            curl.easy_strerror = (const char *(*)(int))dlsym(h, "curl_easy_strerror");
            curl.slist_append = (struct curl_slist *(*)(struct curl_slist *, const char *))dlsym(h, "curl_slist_append");
            curl.slist_free_all = (void (*)(struct curl_slist *))dlsym(h, "curl_slist_free_all");
            if (!curl.global_init || !curl.easy_init || !curl.easy_setopt || !curl.easy_perform || !curl.easy_getinfo ||
                !curl.easy_cleanup || !curl.easy_strerror || !curl.slist_append || !curl.slist_free_all) {
                snprintf(curl.failure, sizeof curl.failure, "%s lacks libcurl's easy interface", name);
                curl.loaded = -1;
            } else if (curl.global_init(GLOBAL_ALL) != CODE_OK) {
                snprintf(curl.failure, sizeof curl.failure, "curl_global_init failed");
                curl.loaded = -1;
            } else {
                curl.loaded = 1;
            }
        }
    }
    int ok = curl.loaded == 1;
    pthread_mutex_unlock(&curl_lock);
    return ok;
}

/* One transfer's state, shared by libcurl's callbacks. */
typedef struct {
    void *handle;
    const prep_http_callbacks *callbacks;
    char content_type[512], content_range[512];
    int has_type, has_range;
    int responded;              /* the response callback ran */
    int stopped;                /* a callback asked to stop */
    int stalled;
    double stall_seconds, last_activity;
    long long last_received;
} transfer;

static double now_seconds(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

/* Copies a header's value (after "Name:"), trimmed, into `out`. */
static void header_value(const char *line, size_t len, size_t name_len, char *out, size_t out_size) {
    size_t a = name_len, b = len;
    while (a < b && (line[a] == ' ' || line[a] == '\t')) a++;
    while (b > a && (line[b - 1] == '\r' || line[b - 1] == '\n' || line[b - 1] == ' ' || line[b - 1] == '\t')) b--;
    size_t n = b - a < out_size - 1 ? b - a : out_size - 1;
    memcpy(out, line + a, n);
    out[n] = 0;
}

static size_t on_header(char *line, size_t size, size_t count, void *user) {
    transfer *t = user;
    size_t len = size * count;
    t->last_activity = now_seconds();
    if (len >= 5 && memcmp(line, "HTTP/", 5) == 0) {
        /* A new response (after a redirect or a 1xx): only the last one's headers count. */
        t->has_type = t->has_range = 0;
    } else if (len >= 13 && strncasecmp(line, "Content-Type:", 13) == 0) {
        header_value(line, len, 13, t->content_type, sizeof t->content_type);
        t->has_type = 1;
    } else if (len >= 14 && strncasecmp(line, "Content-Range:", 14) == 0) {
        header_value(line, len, 14, t->content_range, sizeof t->content_range);
        t->has_range = 1;
    }
    return len;
}

/* Hands the final response to the caller once; 0 if the transfer may go on. */
static int respond(transfer *t) {
    if (t->responded) return 0;
    t->responded = 1;
    prep_http_response r = { 0, -1, NULL, NULL };
    curl.easy_getinfo(t->handle, INFO_RESPONSE_CODE, &r.status);
    long long length = -1;
    if (curl.easy_getinfo(t->handle, INFO_CONTENT_LENGTH_DOWNLOAD_T, &length) == CODE_OK) r.content_length = length;
    r.content_type = t->has_type ? t->content_type : NULL;
    r.content_range = t->has_range ? t->content_range : NULL;
    if (t->callbacks->response(t->callbacks->context, &r) != 0) t->stopped = 1;
    return t->stopped;
}

static size_t on_data(char *bytes, size_t size, size_t count, void *user) {
    transfer *t = user;
    size_t len = size * count;
    t->last_activity = now_seconds();
    if (respond(t) || t->stopped) return 0;
    if (t->callbacks->data(t->callbacks->context, bytes, len) != 0) { t->stopped = 1; return 0; }
    return len;
}

/* Called by libcurl about once a second even while nothing arrives: the stall watchdog. */
static int on_progress(void *user, long long total, long long received, long long up_total, long long up_now) {
    (void)total; (void)up_total; (void)up_now;
    transfer *t = user;
    double now = now_seconds();
    if (received != t->last_received) { t->last_received = received; t->last_activity = now; }
    if (now - t->last_activity > t->stall_seconds) { t->stalled = 1; return 1; }
    return 0;
}

int prep_http_get(const char *url, long long range_start, const char *user_agent, const char *proxy,
                  double stall_seconds, const char *library, const prep_http_callbacks *callbacks,
                  char *message, size_t message_size) {
    if (message_size) message[0] = 0;
    if (!load_curl(library)) {
        snprintf(message, message_size, "%s", curl.failure);
        return PREP_HTTP_NO_LIBCURL;
    }
    transfer t;
    memset(&t, 0, sizeof t);
    t.callbacks = callbacks;
    t.stall_seconds = stall_seconds;
    t.last_activity = now_seconds();
    t.handle = curl.easy_init();
    if (!t.handle) {
        snprintf(message, message_size, "curl_easy_init failed");
        return PREP_HTTP_FAILED;
    }
    char errors[ERROR_SIZE] = "";
    char range[64];
    struct curl_slist *headers = curl.slist_append(NULL, "Accept-Encoding: identity");
    if (range_start > 0) {
        snprintf(range, sizeof range, "Range: bytes=%lld-", range_start);
        headers = curl.slist_append(headers, range);
    }
    curl.easy_setopt(t.handle, OPT_URL, url);
    curl.easy_setopt(t.handle, OPT_ERRORBUFFER, errors);
    curl.easy_setopt(t.handle, OPT_HTTPHEADER, headers);
    curl.easy_setopt(t.handle, OPT_USERAGENT, user_agent);
    if (proxy) curl.easy_setopt(t.handle, OPT_PROXY, proxy);
    curl.easy_setopt(t.handle, OPT_FOLLOWLOCATION, 1L);
    curl.easy_setopt(t.handle, OPT_MAXREDIRS, 20L);
    curl.easy_setopt(t.handle, OPT_SUPPRESS_CONNECT_HEADERS, 1L);
    curl.easy_setopt(t.handle, OPT_NOSIGNAL, 1L);
    curl.easy_setopt(t.handle, OPT_HEADERFUNCTION, (data_fn)on_header);
    curl.easy_setopt(t.handle, OPT_HEADERDATA, (void *)&t);
    curl.easy_setopt(t.handle, OPT_WRITEFUNCTION, (data_fn)on_data);
    curl.easy_setopt(t.handle, OPT_WRITEDATA, (void *)&t);
    curl.easy_setopt(t.handle, OPT_NOPROGRESS, 0L);
    curl.easy_setopt(t.handle, OPT_XFERINFOFUNCTION, (xferinfo_fn)on_progress);
    curl.easy_setopt(t.handle, OPT_XFERINFODATA, (void *)&t);
    int code = curl.easy_perform(t.handle);
    int result;
    if (code == CODE_OK) {
        /* An answer without a body (a 416, an empty file) still reaches the caller. */
        result = respond(&t) || t.stopped ? PREP_HTTP_STOPPED : PREP_HTTP_DONE;
    } else if (t.stopped && code == CODE_WRITE_ERROR) {
        result = PREP_HTTP_STOPPED;
    } else if (t.stalled && code == CODE_ABORTED_BY_CALLBACK) {
        result = PREP_HTTP_STALLED;
    } else {
        snprintf(message, message_size, "%s", errors[0] ? errors : curl.easy_strerror(code));
        result = PREP_HTTP_FAILED;
    }
    curl.easy_cleanup(t.handle);
    curl.slist_free_all(headers);
    return result;
}
