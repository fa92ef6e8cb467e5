"""DataLoader worker processes: abandoned epochs, dead workers, auto_reload."""

import os
import signal
import subprocess
import sys
import textwrap
import time

import numpy as np
import pytest
from conftest import GLUONLITE_HOME, child_env

from gluonlite.gluon.data import ArrayDataset, DataLoader, Dataset


class _Records(Dataset):
    """Sample i is i; every load is recorded in a file (one line per index), so the test
    can see what was fetched and when."""

    def __init__(self, n, log):
        self._n, self._log = n, log

    def __len__(self):
        return self._n

    def __getitem__(self, idx):
        with open(self._log, "a") as f:
            f.write("%d\n" % idx)
        return np.float32(idx)


def test_dropping_a_half_read_epoch_of_large_batches_does_not_hang():
    # With multiprocessing.Pool this deadlocks in Pool.terminate (a worker killed while it
    # writes a big batch holds the shared result lock); MXNet's own test does this 10 times.
    script = textwrap.dedent("""
        import numpy as np
        from gluonlite.gluon.data import DataLoader
        for _ in range(5):
            loader = DataLoader(np.random.rand(999, 2000), batch_size=8, num_workers=4)
            it = iter(loader)
            next(it)
            del it, loader
        print("done")
    """)
    out = subprocess.run(
        [sys.executable, "-c", script],
        capture_output=True,
        text=True,
        timeout=120,
        env=child_env(),
        cwd=GLUONLITE_HOME,
    )
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "done"


def test_a_new_epoch_after_an_abandoned_one_gets_its_own_batches():
    loader = DataLoader(ArrayDataset(np.arange(40, dtype=np.float32)), batch_size=4, num_workers=3)
    it = iter(loader)
    assert next(it).asnumpy().tolist() == [0, 1, 2, 3]
    del it  # 5 more batches are in flight in the workers' pipes
    batches = [b.asnumpy().tolist() for b in loader]
    assert batches == [list(range(i, i + 4)) for i in range(0, 40, 4)]
    loader.close()


def test_a_worker_that_dies_is_reported_naming_it():
    class Killer(Dataset):
        def __len__(self):
            return 4

        def __getitem__(self, idx):
            if idx == 2:
                os.kill(os.getpid(), signal.SIGKILL)
            return np.float32(idx)

    loader = DataLoader(Killer(), batch_size=1, num_workers=2, timeout=30)
    it = iter(loader)
    assert next(it).asnumpy().tolist() == [0]
    assert next(it).asnumpy().tolist() == [1]
    with pytest.raises(
        RuntimeError,
        match=r"DataLoader worker 0 \(pid \d+\) exited with code "
        r"-9 while loading the batch of samples \[2\]",
    ):
        next(it)
    loader.close()


def test_auto_reload_prefetches_the_next_epoch_when_one_ends(tmp_path):
    for auto_reload, expected in [(True, True), (False, False)]:
        log = tmp_path / ("log%d" % auto_reload)
        loader = DataLoader(
            _Records(6, str(log)), batch_size=2, num_workers=2, auto_reload=auto_reload
        )
        assert [b.asnumpy().tolist() for b in loader] == [[0, 1], [2, 3], [4, 5]]
        # the first epoch loads each sample once; the prefetch the loader makes when the
        # epoch ends may already be in the log, so count against the epoch, not the log

        def loads(log=log):
            return len(log.read_text().split())

        assert loads() >= 6
        deadline = time.monotonic() + 10
        while expected and loads() == 6 and time.monotonic() < deadline:
            time.sleep(0.01)
        time.sleep(0.3)
        prefetched = loads() > 6
        assert prefetched is expected
        assert [b.asnumpy().tolist() for b in loader] == [[0, 1], [2, 3], [4, 5]]
        loader.close()


def test_an_iterator_keeps_its_loader_and_workers_alive():
    # MXNet's test_dataloader_scope: the loader itself is dropped at once
    iterator = iter(
        DataLoader(ArrayDataset(np.ones(5, dtype=np.float32)), batch_size=2, num_workers=1)
    )
    import gc

    gc.collect()
    assert next(iterator).asnumpy().tolist() == [1.0, 1.0]
    assert [b.shape for b in iterator] == [(2,), (1,)]
