/* The floor of ICDAR-style detection conversion (issue 19): what any converter must do at the
 * least — list the image and annotation folders once, open each image and read its first 64 KiB
 * (enough for any JPEG/PNG header), open and read each gt file — and nothing else (no parsing, no
 * output). bench/det_bench.sh compiles it (cc -O2) and runs it on the same input as prep and the
 * reference, in the same script run, to give prep's ratio to the floor.
 *
 * usage: det_floor IMAGE_DIR ANNOTATION_DIR      prints "images N gt M bytes B"
 */
#include <dirent.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static long long read_dir(const char *dir, size_t limit, int *files) {
    static char buf[1 << 16];
    DIR *d = opendir(dir);
    if (!d) { perror(dir); exit(1); }
    int dfd = dirfd(d);
    long long total = 0;
    struct dirent *e;
    while ((e = readdir(d)) != NULL) {
        if (e->d_name[0] == '.') continue;
        int fd = openat(dfd, e->d_name, O_RDONLY | O_CLOEXEC);
        if (fd < 0) continue;
        ssize_t n = read(fd, buf, limit < sizeof buf ? limit : sizeof buf);
        if (n > 0) total += n;
        close(fd);
        (*files)++;
    }
    closedir(d);
    return total;
}

int main(int argc, char **argv) {
    if (argc != 3) { fprintf(stderr, "usage: det_floor IMAGE_DIR ANNOTATION_DIR\n"); return 2; }
    int images = 0, gts = 0;
    long long bytes = read_dir(argv[1], 1 << 16, &images);
    bytes += read_dir(argv[2], 1 << 16, &gts);
    printf("images %d gt %d bytes %lld\n", images, gts, bytes);
    return 0;
}
