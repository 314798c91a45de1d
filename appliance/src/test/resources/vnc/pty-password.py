#!/usr/bin/env python3
"""Runs a command on a pseudo-terminal and types a password at its "Password:" prompt (and a user name at its
"Username:" prompt, from $PTY_USERNAME, for VeNCrypt Plain).

gvnccapture reads the VNC password only from a terminal, and a password written before the prompt is lost (the
prompt flushes pending input when it turns echo off), so this waits for the prompt. Exits with the command's code.
usage: pty-password.py PASSWORD COMMAND [ARGS...]
"""
import os
import pty
import select
import sys
import time

password = sys.argv[1]
pid, fd = pty.fork()
if pid == 0:
    os.execvp(sys.argv[2], sys.argv[2:])
output = b""
typed = False
named = False
username = os.environ.get("PTY_USERNAME")
status = None
deadline = time.time() + 60
while time.time() < deadline:
    ready, _, _ = select.select([fd], [], [], 0.5)
    if ready:
        try:
            data = os.read(fd, 1024)
        except OSError:
            break  # the command exited and its terminal is gone
        if not data:
            break
        output += data
        if username is not None and not named and b"sername" in output:
            os.write(fd, username.encode() + b"\n")
            named = True
        if not typed and b"assword" in output:
            os.write(fd, password.encode() + b"\n")
            typed = True
    else:
        done, waited = os.waitpid(pid, os.WNOHANG)
        if done:
            status = waited
            break
if status is None:
    _, status = os.waitpid(pid, 0)
sys.stdout.write(output.decode(errors="replace"))
sys.exit(os.waitstatus_to_exitcode(status))
