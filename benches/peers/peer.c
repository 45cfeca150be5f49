/* The peers limitlab is measured against in benches/compare.sh, as small as they can be.
 *
 *   peer bomb                        the classic C fork bomb: for (;;) fork();
 *   peer launch [--poll FILE KEY N] DIR... -- PROGRAM [ARG...]
 *       starts PROGRAM (or the bomb, for PROGRAM "bomb") inside the cgroup directories DIR
 *       (the child moves itself in before it runs anything), and with --poll reads FILE every
 *       millisecond from the moment it is released until the number after KEY ("-": the
 *       whole file) reaches N, then prints the milliseconds that took (without --poll: the
 *       reaper's pid). Does not wait for PROGRAM: compare.sh tears its cgroups down. A reaper
 *       process, left in the caller's cgroups, adopts and reaps PROGRAM's orphans until none is
 *       left, then exits.
 *   peer killloop DIR...
 *       the plain teardown: SIGKILL every pid listed in each DIR's cgroup.procs, again and
 *       again until every list is empty, wait until a DIR with pids.current counts 0 (every
 *       task reaped), then rmdir each DIR; prints the milliseconds.
 *   peer sample INTERVAL_US SECONDS FILE...
 *       the C peer of limitlab's sampler: every INTERVAL_US for SECONDS, pread every FILE
 *       (kept open) into one buffer, as SCHED_FIFO priority 1 with a 1 ns timer slack where
 *       the kernel allows it (as limitlab's sampler runs), sleeping to an absolute schedule;
 *       prints "samples N cpu_ns NS late_p99_ms MS missed N late_max_ms MS" (a tick more
 *       than one interval late skips the intervals it missed, counted as missed).
 *
 * Build: gcc -O2 -o peer peer.c
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sched.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static double now_ms(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec * 1e3 + t.tv_nsec / 1e6;
}

static void die(const char *what) {
    perror(what);
    exit(2);
}

static void bomb(void) {
    for (;;)
        fork();
}

/* Moves the calling process (single-threaded) into a cgroup directory: `0` into the v1
 * `tasks` file moves this thread without the global lock; cgroup2 has `cgroup.procs` only. */
static void join(const char *dir) {
    char path[4096];
    snprintf(path, sizeof path, "%s/tasks", dir);
    int fd = open(path, O_WRONLY | O_CLOEXEC);
    if (fd < 0) {
        snprintf(path, sizeof path, "%s/cgroup.procs", dir);
        fd = open(path, O_WRONLY | O_CLOEXEC);
    }
    if (fd < 0 || write(fd, "0", 1) != 1)
        die(path);
    close(fd);
}

/* The number after `key` in a small file (or the file's first number for key "-"). */
static long long read_value(int fd, const char *key) {
    char buf[4096];
    ssize_t n = pread(fd, buf, sizeof buf - 1, 0);
    if (n <= 0)
        return -1;
    buf[n] = 0;
    if (strcmp(key, "-") == 0)
        return atoll(buf);
    size_t k = strlen(key);
    for (char *line = buf; line && *line; line = strchr(line, '\n') ? strchr(line, '\n') + 1 : NULL)
        if (strncmp(line, key, k) == 0 && line[k] == ' ')
            return atoll(line + k + 1);
    return -1;
}

static int launch(int argc, char **argv) {
    const char *poll_file = NULL, *key = NULL;
    long long threshold = 0;
    int i = 0;
    if (argc >= 4 && strcmp(argv[0], "--poll") == 0) {
        poll_file = argv[1];
        key = argv[2];
        threshold = atoll(argv[3]);
        i = 4;
    }
    int first_dir = i;
    while (i < argc && strcmp(argv[i], "--") != 0)
        i++;
    if (i + 1 >= argc) {
        fprintf(stderr, "peer launch: no program\n");
        return 2;
    }
    char **program = argv + i + 1;
    int go[2], ready[2];
    if (pipe2(go, O_CLOEXEC) < 0 || pipe2(ready, O_CLOEXEC) < 0)
        die("pipe");
    int pfd = -1;
    if (poll_file && (pfd = open(poll_file, O_RDONLY | O_CLOEXEC)) < 0)
        die(poll_file);
    /* The reaper: a child of ours that stays in our cgroups, starts PROGRAM, adopts every
     * orphan PROGRAM leaves (PR_SET_CHILD_SUBREAPER) and reaps it at once, as a sandbox's
     * init or a container runtime's shim does, until none is left. Without it a killed
     * bomb's tasks are orphans of PID 1, and until PID 1 reaps them (2.5 s for 10,000 on a
     * 2-core host) they hold their pids in every cgroup above. */
    pid_t reaper = fork();
    if (reaper < 0)
        die("fork");
    if (reaper == 0) {
        /* Our stdout is the caller's pipe: neither the reaper nor the program may hold it. */
        int null = open("/dev/null", O_WRONLY | O_CLOEXEC);
        if (null < 0 || dup2(null, 1) < 0 || prctl(PR_SET_CHILD_SUBREAPER, 1UL, 0, 0, 0) < 0)
            _exit(3);
        pid_t child = fork();
        if (child < 0)
            _exit(3);
        if (child == 0) {
            for (int d = first_dir; d < i; d++)
                join(argv[d]);
            char c = 'R';
            close(go[1]);
            close(ready[0]);
            if (write(ready[1], &c, 1) != 1 || read(go[0], &c, 1) != 1)
                _exit(3);
            if (strcmp(program[0], "bomb") == 0)
                bomb();
            execvp(program[0], program);
            _exit(127);
        }
        close(go[0]);
        close(go[1]);
        close(ready[0]);
        close(ready[1]);
        while (waitpid(-1, NULL, 0) > 0 || errno == EINTR)
            ;
        _exit(0);
    }
    close(go[0]);
    /* The child is in its cgroups once it says so; time zero is its release. */
    char c;
    close(ready[1]);
    if (read(ready[0], &c, 1) != 1) {
        fprintf(stderr, "peer launch: the child could not join its cgroups\n");
        return 1;
    }
    double t0 = now_ms();
    if (write(go[1], "G", 1) != 1)
        die("release");
    close(go[1]);
    if (!poll_file) {
        printf("%d\n", reaper);
        return 0;
    }
    struct timespec next;
    clock_gettime(CLOCK_MONOTONIC, &next);
    for (;;) {
        long long v = read_value(pfd, key);
        if (v >= threshold) {
            printf("%.3f\n", now_ms() - t0);
            return 0;
        }
        if (now_ms() - t0 > 60000) {
            fprintf(stderr, "peer launch: %s never reached %lld\n", poll_file, threshold);
            return 1;
        }
        next.tv_nsec += 1000000;
        if (next.tv_nsec >= 1000000000) {
            next.tv_nsec -= 1000000000;
            next.tv_sec++;
        }
        clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &next, NULL);
    }
}

static int killloop(int argc, char **argv) {
    double t0 = now_ms();
    for (;;) {
        int left = 0;
        for (int d = 0; d < argc; d++) {
            char path[4096];
            snprintf(path, sizeof path, "%s/cgroup.procs", argv[d]);
            FILE *f = fopen(path, "r");
            int pid;
            while (f && fscanf(f, "%d", &pid) == 1) {
                left = 1;
                /* cgroup2 lists a task as 0 when its pid is out of our namespace or already
                 * released as it exits, and kill(0) is our own process group: the script
                 * and whatever started it. */
                if (pid > 0)
                    kill(pid, SIGKILL);
            }
            if (f)
                fclose(f);
        }
        if (!left)
            break;
        if (now_ms() - t0 > 30000) {
            fprintf(stderr, "peer killloop: processes survived 30 s\n");
            return 1;
        }
    }
    /* Ended means gone, as limitlab's teardown counts it: every task reaped and its pid
     * released (a zombie still holds its pid in pids.current), not only off the lists. */
    for (int d = 0; d < argc; d++) {
        char path[4096];
        snprintf(path, sizeof path, "%s/pids.current", argv[d]);
        int fd = open(path, O_RDONLY | O_CLOEXEC);
        while (fd >= 0 && read_value(fd, "-") > 0) {
            if (now_ms() - t0 > 30000) {
                fprintf(stderr, "peer killloop: %s still held tasks after 30 s\n", path);
                return 1;
            }
            usleep(100);
        }
        if (fd >= 0)
            close(fd);
    }
    for (int d = argc - 1; d >= 0; d--)
        while (rmdir(argv[d]) < 0) {
            if (errno != EBUSY || now_ms() - t0 > 30000)
                die(argv[d]);
            usleep(100);
        }
    printf("%.3f\n", now_ms() - t0);
    return 0;
}

static int cmp_double(const void *a, const void *b) {
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

static double thread_cpu_ns(void) {
    struct timespec t;
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t);
    return t.tv_sec * 1e9 + t.tv_nsec;
}

static int sample(int argc, char **argv) {
    long interval_us = atol(argv[0]);
    double seconds = atof(argv[1]);
    int nfiles = argc - 2;
    if (interval_us <= 0 || seconds <= 0 || nfiles < 1) {
        fprintf(stderr, "peer sample: INTERVAL_US SECONDS FILE...\n");
        return 2;
    }
    int *fds = calloc(nfiles, sizeof *fds);
    for (int f = 0; f < nfiles; f++)
        if ((fds[f] = open(argv[2 + f], O_RDONLY | O_CLOEXEC)) < 0)
            die(argv[2 + f]);
    prctl(PR_SET_TIMERSLACK, 1UL, 0, 0, 0);
    struct sched_param sp = {.sched_priority = 1};
    sched_setscheduler(0, SCHED_FIFO, &sp); /* an ordinary thread where refused */
    size_t cap = (size_t)(seconds * 1e6 / interval_us) + 16;
    double *late = malloc(cap * sizeof *late);
    static char buf[8192];
    long long missed = 0;
    size_t n = 0;
    double start = now_ms(), due = start, interval = interval_us / 1e3;
    double cpu0 = thread_cpu_ns();
    for (;;) {
        double now = now_ms();
        if (now < due) {
            struct timespec t;
            double ns = due * 1e6;
            t.tv_sec = (time_t)(ns / 1e9);
            t.tv_nsec = (long)(ns - t.tv_sec * 1e9);
            clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &t, NULL);
            continue;
        }
        for (int f = 0; f < nfiles; f++)
            if (pread(fds[f], buf, sizeof buf, 0) < 0 && errno != ENODEV && errno != ENOENT)
                die(argv[2 + f]);
        if (n < cap)
            late[n++] = now - due;
        if (now - start >= seconds * 1e3)
            break;
        due += interval;
        double behind = now_ms() - due;
        if (behind >= interval) {
            long long skip = (long long)(behind / interval);
            missed += skip;
            due += skip * interval;
        }
    }
    double cpu = thread_cpu_ns() - cpu0;
    qsort(late, n, sizeof *late, cmp_double);
    size_t r = (size_t)(0.99 * n + 0.999999);
    if (r < 1)
        r = 1;
    printf("samples %zu cpu_ns %.0f late_p99_ms %.3f missed %lld late_max_ms %.3f\n", n, cpu,
           late[r - 1], missed, late[n - 1]);
    return 0;
}

int main(int argc, char **argv) {
    if (argc >= 5 && strcmp(argv[1], "sample") == 0)
        return sample(argc - 2, argv + 2);
    if (argc >= 2 && strcmp(argv[1], "bomb") == 0)
        bomb();
    if (argc >= 2 && strcmp(argv[1], "launch") == 0)
        return launch(argc - 2, argv + 2);
    if (argc >= 3 && strcmp(argv[1], "killloop") == 0)
        return killloop(argc - 2, argv + 2);
    fprintf(stderr, "usage: peer bomb | launch [--poll FILE KEY N] DIR... -- PROGRAM... | killloop DIR... | sample INTERVAL_US SECONDS FILE...\n");
    return 2;
}
