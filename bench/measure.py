#!/usr/bin/env python3
"""Runs a command and prints its wall time, peak RSS (the largest of the process and its
waited-for children, from wait4's rusage) and CPU time (user and system seconds of the process and
its waited-for children), as JSON on the last line.

usage: python measure.py -- CMD ARGS...
"""
import json
import os
import subprocess
import sys
import time


def main():
    argv = sys.argv[1:]
    if argv and argv[0] == '--':
        argv = argv[1:]
    start = time.perf_counter()
    proc = subprocess.Popen(argv, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - start
    err = proc.stderr.read().decode('utf-8', 'replace')
    code = os.waitstatus_to_exitcode(status)
    if code != 0:
        sys.stderr.write(err)
    print(json.dumps({'wall': round(wall, 3), 'rss_mib': round(usage.ru_maxrss / 1024, 1), 'exit': code,
                      'user': round(usage.ru_utime, 3), 'sys': round(usage.ru_stime, 3)}))


if __name__ == '__main__':
    main()
