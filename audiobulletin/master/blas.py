"""Mastering's numpy work on one BLAS thread."""

from __future__ import annotations

import contextlib
from typing import Iterator


@contextlib.contextmanager
def one_blas_thread() -> Iterator[None]:
    """BLAS on one thread for the block: mastering's matrix products are small, the pipeline
    works in processes, and OpenBLAS threads spinning on a busy 2-core machine made them ~8x
    slower. (The limit is process-wide; nested uses restore what they found.)"""
    from threadpoolctl import threadpool_limits

    with threadpool_limits(limits=1, user_api="blas"):
        yield
