"""Running callables at the same moment, for the integrity and stress tests."""

from __future__ import annotations

import threading


def storm(calls, timeout: float = 300) -> list:
    """Run the callables at the same moment, one thread each; their results (or the
    exceptions they raised), in order, for the caller to count."""
    barrier = threading.Barrier(len(calls))
    results: list = [None] * len(calls)

    def run(index, call):
        barrier.wait()
        try:
            results[index] = call()
        except Exception as exc:  # noqa: BLE001 - counted by the caller's assertions
            results[index] = exc

    threads = [threading.Thread(target=run, args=(i, c)) for i, c in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=timeout)
    return results
