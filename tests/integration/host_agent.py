#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-only
"""The host side of an integration guest: copies its disks on request.

scripts/run-integration.sh starts this beside QEMU for a scenario that
declares "# lis-host: agent".  QEMU then has a QMP socket and a third
serial port (the guest's ttyS2) on a socket; the agent connects to both.

Guest to host, one line each on ttyS2 (tests/integration/lib.sh):

  ping                  answered "pong"
  copy TAG EXPECT       copy every disk now with QMP drive-backup
                        (sync=full: a point-in-time copy, whatever the
                        guest writes meanwhile), wait until every copy is
                        complete, answer "done TAG MS" (MS: how long the
                        copy took) or "error TAG REASON".  EXPECT ("clean"
                        or "dirty") is what the host's file system check
                        of each copy must find; the harness checks them
                        after the guest has ended.

Each copy is recorded as a line "TAG N FS EXPECT PATH" in OUT/copies.
"""

import argparse
import json
import os
import socket
import sys
import time


def log(msg):
    print(f"host-agent {time.strftime('%H:%M:%S')}: {msg}", flush=True)


def connect(path, deadline):
    while True:
        s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        try:
            s.connect(path)
            return s
        except OSError:
            s.close()
            if time.monotonic() > deadline:
                raise
            time.sleep(0.05)


class Lines:
    """Newline-separated lines from a socket, CRs dropped."""

    def __init__(self, sock):
        self.sock = sock
        self.buf = b""

    def readline(self, timeout=None):
        end = None if timeout is None else time.monotonic() + timeout
        while b"\n" not in self.buf:
            if end is not None:
                left = end - time.monotonic()
                if left <= 0:
                    raise TimeoutError
                self.sock.settimeout(left)
            else:
                self.sock.settimeout(None)
            data = self.sock.recv(4096)
            if not data:
                raise EOFError
            self.buf += data
        line, self.buf = self.buf.split(b"\n", 1)
        return line.replace(b"\r", b"").decode("utf-8", "replace")


class QMP:
    def __init__(self, path, deadline):
        self.sock = connect(path, deadline)
        self.lines = Lines(self.sock)
        self.events = []
        greeting = json.loads(self.lines.readline(30))
        if "QMP" not in greeting:
            raise RuntimeError(f"no QMP greeting: {greeting}")
        self.execute("qmp_capabilities")

    def _read(self, timeout):
        msg = json.loads(self.lines.readline(timeout))
        if "event" in msg:
            self.events.append(msg)
            return None
        return msg

    def execute(self, cmd, args=None, timeout=60):
        req = {"execute": cmd}
        if args:
            req["arguments"] = args
        self.sock.sendall(json.dumps(req).encode() + b"\n")
        while True:
            msg = self._read(timeout)
            if msg is None:
                continue
            if "error" in msg:
                raise RuntimeError(f"{cmd}: {msg['error'].get('desc', msg)}")
            return msg.get("return")

    def wait_jobs(self, jobs, timeout):
        """Wait for BLOCK_JOB_COMPLETED of each job; errors by job."""
        end = time.monotonic() + timeout
        left = set(jobs)
        errors = {}
        while left:
            for ev in list(self.events):
                data = ev.get("data", {})
                if ev["event"] == "BLOCK_JOB_COMPLETED" and \
                        data.get("device") in left:
                    self.events.remove(ev)
                    left.discard(data["device"])
                    if data.get("error"):
                        errors[data["device"]] = data["error"]
            if not left:
                break
            remaining = end - time.monotonic()
            if remaining <= 0:
                raise TimeoutError(f"jobs {sorted(left)} did not complete")
            self._read(remaining)
        return errors


def copy(qmp, out, disks, tag, expect):
    start = time.monotonic()
    jobs = []
    for n, fs in enumerate(disks):
        path = os.path.join(out, f"copy-{tag}-disk{n}.img")
        if os.path.exists(path):
            os.unlink(path)
        job = f"{tag}-{n}"
        qmp.execute("drive-backup", {
            "job-id": job, "device": f"disk{n}", "sync": "full",
            "target": path, "format": "raw", "mode": "absolute-paths"})
        jobs.append((job, n, fs, path))
    errors = qmp.wait_jobs([j[0] for j in jobs], 300)
    if errors:
        raise RuntimeError(f"copy failed: {errors}")
    with open(os.path.join(out, "copies"), "a") as f:
        for job, n, fs, path in jobs:
            f.write(f"{tag} {n} {fs} {expect} {path}\n")
    return int((time.monotonic() - start) * 1000)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--qmp", required=True)
    ap.add_argument("--serial", required=True)
    ap.add_argument("--out", required=True)
    ap.add_argument("--disks", default="", help="file system of each disk")
    a = ap.parse_args()
    disks = a.disks.split()

    deadline = time.monotonic() + 60
    try:
        qmp = QMP(a.qmp, deadline)
        ser = connect(a.serial, deadline)
    except (OSError, RuntimeError, TimeoutError, EOFError) as e:
        log(f"cannot connect to QEMU: {e}")
        return 1
    log(f"connected; disks: {disks}")
    lines = Lines(ser)
    while True:
        try:
            line = lines.readline()
        except (EOFError, OSError):
            log("guest gone")
            return 0
        words = line.split()
        if not words:
            continue
        log(f"guest: {line}")
        if words[0] == "ping":
            reply = "pong"
        elif words[0] == "copy" and len(words) == 3 and \
                words[2] in ("clean", "dirty") and words[1].isidentifier():
            try:
                ms = copy(qmp, a.out, disks, words[1], words[2])
                reply = f"done {words[1]} {ms}"
            except (RuntimeError, TimeoutError, OSError, EOFError) as e:
                reply = f"error {words[1]} {e}"
        else:
            reply = f"error unknown request '{line}'"
        log(f"host: {reply}")
        ser.sendall(reply.encode() + b"\n")


if __name__ == "__main__":
    sys.exit(main())
